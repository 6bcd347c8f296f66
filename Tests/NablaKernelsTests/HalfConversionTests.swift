import Testing
@testable import NablaKernels
import NablaKernelsCore

// Swift's own Float16 is the reference (IEEE conversion in the compiler's runtime); it is
// unavailable on Intel Macs, where these tests are left out.
#if !(os(macOS) && arch(x86_64))
@Suite("float16 conversion kernels")
struct HalfConversionTests {
    /// Converts with the kernel on `isa`, one run.
    static func toHalf(_ values: [Float], isa: KernelISA) -> [UInt16] {
        var out = [UInt16](repeating: 0xDEAD, count: values.count)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                HalfConversion.floatToHalf(source.baseAddress!, destination.baseAddress!, count: values.count, isa: isa)
            }
        }
        return out
    }

    static func toFloat(_ halves: [UInt16], isa: KernelISA) -> [Float] {
        var out = [Float](repeating: .nan, count: halves.count)
        halves.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                HalfConversion.halfToFloat(source.baseAddress!, destination.baseAddress!, count: halves.count, isa: isa)
            }
        }
        return out
    }

    /// Equal bits, or both NaN with the same sign (NaN payloads are not compared).
    static func sameHalf(_ a: UInt16, _ b: UInt16) -> Bool {
        let aNaN = a & 0x7C00 == 0x7C00 && a & 0x3FF != 0, bNaN = b & 0x7C00 == 0x7C00 && b & 0x3FF != 0
        return aNaN || bNaN ? aNaN && bNaN && a & 0x8000 == b & 0x8000 : a == b
    }

    @Test("every half widens exactly", arguments: testedISAs)
    func everyHalfWidensExactly(isa: KernelISA) {
        let halves = (0...0xFFFF).map { UInt16($0) }
        let floats = Self.toFloat(halves, isa: isa)
        var mismatches: [String] = []
        for (h, f) in zip(halves, floats) {
            let expected = Float(Float16(bitPattern: h))
            let ok = expected.isNaN ? f.isNaN && f.sign == expected.sign : f.bitPattern == expected.bitPattern
            if !ok && mismatches.count < 5 { mismatches.append("0x\(String(h, radix: 16)) -> \(f), expected \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(isa): \(mismatches)")
    }

    @Test("floats round to the nearest half, ties to even, on a sweep of bit patterns", arguments: testedISAs)
    func floatsRoundToNearestEven(isa: KernelISA) {
        // Every 2039th bit pattern (all exponents, signs and mantissa shapes), then the
        // edges: the largest finite half and the rounding boundary to infinity, the
        // subnormal range and its boundary to the normals, ties on both sides, NaNs.
        var values = stride(from: UInt32(0), to: UInt32.max - 2039, by: 2039).map { Float(bitPattern: $0) }
        values += [65504, 65519.996, 65520, 65536, 1e9, .infinity, -.infinity, .nan, -.nan,
                   Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFC0_1234),
                   0x1p-14, 0x1p-14 - 0x1p-25, 0x1p-24, 0x1p-25, 0x1p-25 + 0x1p-40, 0x1.8p-24, 0x1.8p-23, 0x1p-26,
                   1 + 0x1p-11, 1 + 0x1.8p-10, 1 + 0x1p-10 + 0x1p-11, -0.0, 0, .leastNonzeroMagnitude]
        values += values.map { -$0 }
        let halves = Self.toHalf(values, isa: isa)
        var mismatches: [String] = []
        for (x, h) in zip(values, halves) {
            let expected = Float16(x).bitPattern
            if !Self.sameHalf(h, expected) && mismatches.count < 5 {
                mismatches.append("\(x) (0x\(String(x.bitPattern, radix: 16))) -> 0x\(String(h, radix: 16)), expected 0x\(String(expected, radix: 16))")
            }
        }
        #expect(mismatches.isEmpty, "\(isa): \(mismatches)")
    }

    @Test("every run length converts its elements and writes nothing past them", arguments: testedISAs)
    func everyLengthIsExact(isa: KernelISA) {
        for count in 0...40 {
            let values = (0..<count).map { Float($0) * 0.37 - 5 }
            var out = [UInt16](repeating: 0xBEEF, count: count + 3)
            values.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBufferPointer { destination in
                    HalfConversion.floatToHalf(source.baseAddress ?? UnsafePointer(bitPattern: 16)!, destination.baseAddress!,
                                               count: count, isa: isa)
                }
            }
            #expect(Array(out[..<count]) == values.map { Float16($0).bitPattern }, "\(isa), \(count) elements")
            #expect(out[count...].allSatisfy { $0 == 0xBEEF }, "\(isa): wrote past \(count) elements")
            var back = [Float](repeating: -1, count: count + 3)
            out.withUnsafeBufferPointer { source in
                back.withUnsafeMutableBufferPointer { destination in
                    HalfConversion.halfToFloat(source.baseAddress!, destination.baseAddress!, count: count, isa: isa)
                }
            }
            #expect(Array(back[..<count]) == values.map { Float(Float16($0)) }, "\(isa), \(count) elements back")
            #expect(back[count...].allSatisfy { $0 == -1 }, "\(isa): wrote past \(count) floats")
        }
    }
}
#endif

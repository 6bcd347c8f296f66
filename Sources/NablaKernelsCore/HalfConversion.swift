/// float32 <-> float16 conversion, sixteen lanes at a time, with integer and float lane
/// operations only (no F16C instruction, so every instruction set runs the same code and
/// gets the same bits).
///
/// To half: IEEE round to nearest, ties to even, as F16C's `vcvtps2ph` and PyTorch's
/// `c10::Half` do: values of magnitude 65520 and above become infinity, those below 2^-14
/// become subnormal halves (rounded once, by one float addition that aligns them to the
/// half's last bit), and a NaN stays a NaN with its sign and the top of its payload, quiet
/// bit set. From half: exact (every half is a float); subnormals are scaled exactly and a
/// NaN keeps its payload.
///
/// `ISA` names the instruction-set target that specialises the engine (DESIGN.md's ISA
/// rule); the arithmetic is the same everywhere.
@usableFromInline package enum HalfConversionEngine<ISA> {
    @usableFromInline package typealias Bits = SIMD16<UInt32>

    /// Converts `count` contiguous floats at `source` to halves (as bit patterns) at `destination`.
    @inlinable @inline(__always)
    package static func floatToHalf(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<UInt16>, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            let x = ISAMemory<ISA>.load(UnsafeRawPointer(source + i), as: Bits.self)
            narrow(half(x), to: destination + i, count: 16)
            i &+= 16
        }
        if i < count {
            var x = Bits()
            for j in 0..<(count &- i) { x[j] = source[i &+ j].bitPattern }
            narrow(half(x), to: destination + i, count: count &- i)
        }
    }

    /// Converts `count` contiguous halves (bit patterns) at `source` to floats at `destination`.
    @inlinable @inline(__always)
    package static func halfToFloat(_ source: UnsafePointer<UInt16>, _ destination: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            var h = Bits()
            for j in 0..<16 { h[j] = UInt32(source[i &+ j]) }
            ISAMemory<ISA>.store(float(h), to: UnsafeMutableRawPointer(destination + i))
            i &+= 16
        }
        if i < count {
            var h = Bits()
            for j in 0..<(count &- i) { h[j] = UInt32(source[i &+ j]) }
            let f = float(h)
            for j in 0..<(count &- i) { destination[i &+ j] = Float(bitPattern: f[j]) }
        }
    }

    /// The first `count` lanes, each holding a half in its low 16 bits, stored as `UInt16`.
    @inlinable @inline(__always)
    static func narrow(_ h: Bits, to destination: UnsafeMutablePointer<UInt16>, count: Int) {
        for j in 0..<count { destination[j] = UInt16(truncatingIfNeeded: h[j]) }
    }

    /// Float bit patterns to half bit patterns (in the low 16 bits of each lane).
    @inlinable @inline(__always)
    static func half(_ x: Bits) -> Bits {
        let sign = x & 0x8000_0000
        let a = x ^ sign
        // Normal halves: rebias the exponent (-112 << 23), then round the 13 dropped bits
        // to nearest even (add 0xFFF plus the kept last bit, so a tie carries only when
        // that bit is odd). A carry out of the largest finite half gives infinity.
        let odd = (a &>> 13) & 1
        let normal = (a &+ 0xC800_0FFF &+ odd) &>> 13
        // Below 2^-14: adding 0.5 (0x3F000000) shifts the value's bits so that the float
        // addition rounds exactly at the half's last subnormal bit.
        let magic = Bits(repeating: 0x3F00_0000)
        let aligned = unsafeBitCast(
            unsafeBitCast(a, to: SIMD16<Float>.self) + unsafeBitCast(magic, to: SIMD16<Float>.self), to: Bits.self)
        var result = select(less(a, 0x3880_0000), aligned &- magic, normal)
        // 65536 and above (after rounding, 65520 and above) is infinity; NaN keeps the top
        // of its payload with the quiet bit set.
        result = select(less(a, 0x4780_0000), result, Bits(repeating: 0x7C00))
        result = select(less(Bits(repeating: 0x7F80_0000), a), 0x7E00 | ((a &>> 13) & 0x3FF), result)
        return result | (sign &>> 16)
    }

    /// Half bit patterns (low 16 bits of each lane) to float bit patterns.
    @inlinable @inline(__always)
    static func float(_ h: Bits) -> Bits {
        let sign = (h & 0x8000) &<< 16
        let magnitude = h & 0x7FFF
        // Normal halves: move exponent and mantissa into place and rebias (+112 << 23).
        var result = (magnitude &<< 13) &+ 0x3800_0000
        // Infinity and NaN: the float's all-ones exponent, payload kept.
        result = select(less(magnitude, 0x7C00), result, (magnitude &<< 13) | 0x7F80_0000)
        // Zero and subnormals: the mantissa m is m * 2^-24, exact in float (m as a float
        // through 2^23 + m - 2^23, then an exact power-of-two scale).
        let m = unsafeBitCast(magnitude | 0x4B00_0000, to: SIMD16<Float>.self) - 8_388_608
        result = select(less(magnitude, 0x0400), unsafeBitCast(m * 0x1p-24, to: Bits.self), result)
        return result | sign
    }

    // Lane selection with integer operations only: the standard library's
    // `replace(with:where:)` runs a loop over the lanes, with a branch for each.

    /// All ones in the lanes where `a < b`, zero elsewhere; `a` and `b` below 2^31, so
    /// the difference's sign bit is the comparison.
    @inlinable @inline(__always)
    static func less(_ a: Bits, _ b: Bits) -> Bits {
        0 &- ((a &- b) &>> 31)
    }

    /// ``less(_:_:)`` against one value in every lane.
    @inlinable @inline(__always)
    static func less(_ a: Bits, _ b: UInt32) -> Bits { less(a, Bits(repeating: b)) }

    /// The lanes of `whereTrue` where `mask` is all ones, of `whereFalse` where it is zero.
    @inlinable @inline(__always)
    static func select(_ mask: Bits, _ whereTrue: Bits, _ whereFalse: Bits) -> Bits {
        whereFalse ^ ((whereTrue ^ whereFalse) & mask)
    }
}

#if arch(x86_64) && !canImport(Darwin)
/// float32 -> float16 with F16C's `vcvtps2ph`, for the targets whose CPUs have it (AVX2 and
/// AVX-512; Swift's `Float16` conversion compiles to it under their `-target-cpu`).
///
/// The bits are ``HalfConversionEngine``'s (IEEE round to nearest, ties to even; a NaN
/// keeps its sign and the top of its payload, quiet bit set), in one instruction per
/// vector where the integer emulation takes about twenty: on an AMD Zen 4 that emulation
/// is what limited a 4M-element `to(.float16)` to 34 GB/s against PyTorch's 49. Widening
/// stays on ``HalfConversionEngine/halfToFloat(_:_:count:)``, which is exact, cheap, and
/// keeps a signalling NaN's payload as it is (F16C would quiet it). `Float16` is
/// unavailable on Intel Macs, which keep the emulation.
@usableFromInline package enum F16CHalfConversion<ISA> {
    /// Converts `count` contiguous floats at `source` to halves (as bit patterns) at `destination`.
    @inlinable @inline(__always)
    package static func floatToHalf(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<UInt16>, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            let x = ISAMemory<ISA>.load(UnsafeRawPointer(source + i), as: SIMD16<Float>.self)
            var h = SIMD16<Float16>()
            for j in 0..<16 { h[j] = Float16(x[j]) }
            ISAMemory<ISA>.store(h, to: UnsafeMutableRawPointer(destination + i))
            i &+= 16
        }
        while i < count {
            destination[i] = Float16(source[i]).bitPattern
            i &+= 1
        }
    }
}
#endif

extension KernelTable where Scalar == Float {
    /// Switches `floatToHalf` to ``F16CHalfConversion`` where Swift has `Float16` (x86-64
    /// outside Apple platforms); elsewhere the table keeps the emulation. For the AVX2 and
    /// AVX-512 targets' entry points only: their CPUs have F16C (see ``KernelISA``).
    @inlinable
    package mutating func convertToHalfWithF16C<ISA>(_: ISA.Type) {
        #if arch(x86_64) && !canImport(Darwin)
        floatToHalf = { source, destination, count in
            F16CHalfConversion<ISA>.floatToHalf(source, destination, count: count)
        }
        #endif
    }
}

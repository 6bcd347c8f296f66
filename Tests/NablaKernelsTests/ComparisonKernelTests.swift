import Testing
import NablaKernels

/// The bool-valued comparison kernels against Swift's scalar comparisons, on every
/// available instruction set: random broadcasts and layouts, every run length around the
/// vector widths, and the IEEE cases (NaN, signed zeros, infinities, equal operands).
@Suite struct ComparisonKernelTests {
    static func expected<T: FloatingPoint>(_ op: FloatComparison, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }

    /// Values that make every comparison's outcome vary: specials, ties and ordinary numbers.
    static func value<T: BinaryFloatingPoint>(_: T.Type, using g: inout some RandomNumberGenerator) -> T {
        let specials: [T] = [.nan, -.nan, .infinity, -.infinity, 0, -0, 1, -1, 2.5, .leastNonzeroMagnitude]
        return Bool.random(using: &g) ? specials.randomElement(using: &g)! : T(Int.random(in: -3...3, using: &g)) / 2
    }

    static func call(_ op: FloatComparison, _ shape: [Int], _ o: UnsafeMutablePointer<Bool>, _ so: [Int],
                     _ a: UnsafePointer<Float>, _ sa: [Int], _ b: UnsafePointer<Float>, _ sb: [Int], _ isa: KernelISA) {
        Elementwise.compare(op, shape: shape, output: o, outputStrides: so, lhs: a, lhsStrides: sa, rhs: b, rhsStrides: sb, isa: isa)
    }

    static func call(_ op: FloatComparison, _ shape: [Int], _ o: UnsafeMutablePointer<Bool>, _ so: [Int],
                     _ a: UnsafePointer<Double>, _ sa: [Int], _ b: UnsafePointer<Double>, _ sb: [Int], _ isa: KernelISA) {
        Elementwise.compare(op, shape: shape, output: o, outputStrides: so, lhs: a, lhsStrides: sa, rhs: b, rhsStrides: sb, isa: isa)
    }

    @Test func randomBroadcastsAndLayoutsMatchScalarComparisons() {
        var g = SystemRandomNumberGenerator()
        func check<T: BinaryFloatingPoint>(_: T.Type, trial: Int,
                                          _ call: (FloatComparison, [Int], UnsafeMutablePointer<Bool>, [Int], UnsafePointer<T>, [Int], UnsafePointer<T>, [Int], KernelISA) -> Void) -> Bool {
            let rank = Int.random(in: 0...4, using: &g)
            let shape = (0..<rank).map { _ in Int.random(in: 0...(trial % 10 == 0 ? 2 : 9), using: &g) }
            let out = StridedOperand.random(shape: shape, broadcast: false, using: &g)
            let a = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let b = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let av = (0..<a.storageCount).map { _ in Self.value(T.self, using: &g) }
            let bv = (0..<b.storageCount).map { _ in Self.value(T.self, using: &g) }
            for op in FloatComparison.allCases {
                for isa in testedISAs {
                    // Start from the opposite of the answer, so an element left unwritten fails.
                    var ov = [Bool](repeating: false, count: out.storageCount)
                    for i in allIndices(shape) { ov[out.index(i)] = !Self.expected(op, av[a.index(i)], bv[b.index(i)]) }
                    ov.withUnsafeMutableBufferPointer { o in
                        av.withUnsafeBufferPointer { pa in
                            bv.withUnsafeBufferPointer { pb in
                                call(op, shape, o.baseAddress! + out.offset, out.strides,
                                     pa.baseAddress! + a.offset, a.strides, pb.baseAddress! + b.offset, b.strides, isa)
                            }
                        }
                    }
                    for i in allIndices(shape) {
                        let x = av[a.index(i)], y = bv[b.index(i)]
                        if ov[out.index(i)] != Self.expected(op, x, y) {
                            Issue.record("\(T.self) \(op) on \(isa), shape \(shape), a \(a.strides), b \(b.strides), out \(out.strides) at \(i): \(x) vs \(y) gave \(ov[out.index(i)])")
                            return false
                        }
                    }
                }
            }
            return true
        }
        for trial in 0..<150 {
            guard check(Float.self, trial: trial, Self.call), check(Double.self, trial: trial, Self.call) else { return }
        }
    }

    /// Contiguous rows of every length around the vector widths, at every start offset
    /// within a vector, with each operand contiguous or a broadcast scalar; the bytes
    /// around the output are left alone.
    @Test func everyRunLengthAndBroadcastSide() {
        var g = SystemRandomNumberGenerator()
        let av = (0..<200).map { _ in Self.value(Float.self, using: &g) }
        let bv = (0..<200).map { _ in Self.value(Float.self, using: &g) }
        for isa in testedISAs {
            for op in FloatComparison.allCases {
                for n in 0...70 {
                    let start = Int.random(in: 0..<16, using: &g)
                    for (sa, sb) in [(1, 1), (1, 0), (0, 1)] {
                        var ov = [Bool](repeating: true, count: n + 34)
                        for t in 0..<n { ov[17 + t] = !Self.expected(op, av[start + t * sa], bv[start + t * sb]) }
                        let guardValues = ov
                        ov.withUnsafeMutableBufferPointer { o in
                            av.withUnsafeBufferPointer { pa in
                                bv.withUnsafeBufferPointer { pb in
                                    Elementwise.compare(op, shape: [n], output: o.baseAddress! + 17, outputStrides: [1],
                                                        lhs: pa.baseAddress! + start, lhsStrides: [sa],
                                                        rhs: pb.baseAddress! + start, rhsStrides: [sb], isa: isa)
                                }
                            }
                        }
                        for t in 0..<n where ov[17 + t] != Self.expected(op, av[start + t * sa], bv[start + t * sb]) {
                            Issue.record("\(op) on \(isa), n \(n), strides \(sa), \(sb) at \(t)")
                            return
                        }
                        #expect(ov[..<17] == guardValues[..<17] && ov[(17 + n)...] == guardValues[(17 + n)...],
                                "\(op) on \(isa), n \(n): wrote outside the output")
                    }
                }
            }
        }
    }

    /// A large comparison (split across threads by the plan) equals the element-wise answer.
    @Test func largeThreadedComparison() {
        let n = 1 << 20
        let a = (0..<n).map { Float($0 % 1000) - 500 }
        let b = (0..<n).map { Float(($0 * 7) % 1000) - 500 }
        var out = [Bool](repeating: false, count: n)
        Elementwise.compare(.greaterOrEqual, shape: [1024, 1024], output: &out, outputStrides: [1024, 1],
                            lhs: a, lhsStrides: [1024, 1], rhs: b, rhsStrides: [1024, 1])
        #expect(zip(zip(a, b), out).allSatisfy { ($0.0 >= $0.1) == $1 })
    }
}

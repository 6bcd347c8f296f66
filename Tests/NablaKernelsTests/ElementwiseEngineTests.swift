import Testing
import NablaKernels

/// A random strided view over a buffer: each dimension either broadcast (stride 0),
/// or laid out in a random permutation of a contiguous buffer, possibly reversed.
struct StridedOperand {
    var strides: [Int]
    var offset: Int
    var storageCount: Int

    static func random(shape: [Int], broadcast: Bool, using g: inout some RandomNumberGenerator) -> StridedOperand {
        let rank = shape.count
        let order = Array(0..<rank).shuffled(using: &g)
        var strides = Array(repeating: 0, count: rank)
        var size = 1
        for d in order.reversed() {
            if broadcast && Bool.random(using: &g) { strides[d] = 0; continue }
            strides[d] = size
            size *= Swift.max(shape[d], 1)
        }
        var offset = 0
        for d in 0..<rank where strides[d] != 0 && shape[d] > 1 && Int.random(in: 0..<4, using: &g) == 0 {
            offset += (shape[d] - 1) * strides[d]
            strides[d] = -strides[d]
        }
        return StridedOperand(strides: strides, offset: offset, storageCount: size)
    }

    func index(_ i: [Int]) -> Int { offset + zip(i, strides).map(*).reduce(0, +) }
}

/// Every multi-index of `shape`, row-major.
func allIndices(_ shape: [Int]) -> [[Int]] {
    if shape.contains(0) { return [] }
    var result: [[Int]] = [[]]
    for n in shape { result = result.flatMap { prefix in (0..<n).map { prefix + [$0] } } }
    return result
}

/// Every run length 0-70 from a random start in 0..<16, with each pair of side strides in
/// `sides` (1 contiguous, 0 one broadcast element): `run(n, start, sa, sb, output)` writes
/// `n` elements between 17 guard elements on each side, all set to `guardValue` before.
/// Records the first element for which `mismatch(t, start, sa, sb, got)` describes a
/// failure (a non-nil text) and returns false there; expects the guards untouched.
func checkEveryRunLength<T: Equatable>(
    sides: [(Int, Int)], guardValue: T, label: String, using g: inout some RandomNumberGenerator,
    _ run: (_ n: Int, _ start: Int, _ sa: Int, _ sb: Int, _ output: UnsafeMutablePointer<T>) -> Void,
    mismatch: (_ t: Int, _ start: Int, _ sa: Int, _ sb: Int, _ got: T) -> String?
) -> Bool {
    for n in 0...70 {
        let start = Int.random(in: 0..<16, using: &g)
        for (sa, sb) in sides {
            var ov = [T](repeating: guardValue, count: n + 34)
            ov.withUnsafeMutableBufferPointer { o in run(n, start, sa, sb, o.baseAddress! + 17) }
            for t in 0..<n {
                if let detail = mismatch(t, start, sa, sb, ov[17 + t]) {
                    Issue.record("\(label), n \(n), strides \(sa), \(sb) at \(t)\(detail.isEmpty ? "" : ": " + detail)")
                    return false
                }
            }
            #expect(ov[..<17].allSatisfy { $0 == guardValue } && ov[(17 + n)...].allSatisfy { $0 == guardValue },
                    "\(label), n \(n): wrote outside the output")
        }
    }
    return true
}

@Suite struct ElementwiseEngineTests {
    @Test func binaryMatchesNaiveLoopOnRandomBroadcastsAndLayouts() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let rank = Int.random(in: 0...4, using: &g)
            let shape = (0..<rank).map { _ in Int.random(in: 0...(trial % 10 == 0 ? 2 : 7), using: &g) }
            let out = StridedOperand.random(shape: shape, broadcast: false, using: &g)
            let a = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let b = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let av = (0..<a.storageCount).map { _ in Float.random(in: -3...3, using: &g) }
            let bv = (0..<b.storageCount).map { _ in Float.random(in: -3...3, using: &g) }
            for op in [BinaryFloatOperation.add, .sub, .mul, .div, .maximum, .tanhBackward, .sigmoidBackward] {
                for isa in testedISAs {
                    var ov = [Float](repeating: .nan, count: out.storageCount)
                    ov.withUnsafeMutableBufferPointer { o in
                        av.withUnsafeBufferPointer { pa in
                            bv.withUnsafeBufferPointer { pb in
                                Elementwise.binary(op, shape: shape,
                                    output: o.baseAddress! + out.offset, outputStrides: out.strides,
                                    lhs: pa.baseAddress! + a.offset, lhsStrides: a.strides,
                                    rhs: pb.baseAddress! + b.offset, rhsStrides: b.strides, isa: isa)
                            }
                        }
                    }
                    for i in allIndices(shape) {
                        let x = av[a.index(i)], y = bv[b.index(i)]
                        let expected: Float = switch op {
                        case .add: x + y
                        case .sub: x - y
                        case .mul: x * y
                        case .div: x / y
                        case .tanhBackward: x * (1 - y * y)
                        case .sigmoidBackward: x * (1 - y) * y
                        default: Swift.max(x, y)
                        }
                        let got = ov[out.index(i)]
                        if got != expected {
                            Issue.record("\(op) on \(isa), shape \(shape), a \(a.strides), b \(b.strides), out \(out.strides) at \(i): \(got) != \(expected)")
                            return
                        }
                    }
                }
            }
        }
    }

    /// The streaming binary loops (cost 1; on AVX-512 they run on 256-bit vectors, the
    /// others on 512-bit) at every run length 0-70 from a random start, each side
    /// contiguous or broadcast, float32 and float64, every ISA: each element equals the
    /// scalar answer and nothing outside the output is written.
    @Test func binaryEveryRunLengthAndBroadcastSide() {
        var g = SystemRandomNumberGenerator()
        checkBinaryRuns(Float.self, using: &g) { op, n, o, a, sa, b, sb, isa in
            Elementwise.binary(op, shape: [n], output: o, outputStrides: [1], lhs: a, lhsStrides: [sa], rhs: b, rhsStrides: [sb], isa: isa)
        }
        checkBinaryRuns(Double.self, using: &g) { op, n, o, a, sa, b, sb, isa in
            Elementwise.binary(op, shape: [n], output: o, outputStrides: [1], lhs: a, lhsStrides: [sa], rhs: b, rhsStrides: [sb], isa: isa)
        }
    }

    func checkBinaryRuns<T: BinaryFloatingPoint>(
        _: T.Type, using g: inout some RandomNumberGenerator,
        _ run: (BinaryFloatOperation, Int, UnsafeMutablePointer<T>, UnsafePointer<T>, Int, UnsafePointer<T>, Int, KernelISA) -> Void
    ) where T.RawSignificand: FixedWidthInteger {
        // Nonzero values (so that min/max of ±0 does not matter) and a few NaNs.
        func value() -> T { Int.random(in: 0..<12, using: &g) == 0 ? .nan : T.random(in: 0.5...4, using: &g) * (Bool.random(using: &g) ? 1 : -1) }
        let av = (0..<100).map { _ in value() }, bv = (0..<100).map { _ in value() }
        func expected(_ op: BinaryFloatOperation, _ x: T, _ y: T) -> T {
            switch op {
            case .add: x + y
            case .sub: x - y
            case .mul: x * y
            case .div: x / y
            case .minimum: x.isNaN || y.isNaN ? .nan : Swift.min(x, y)
            default: x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
            }
        }
        for isa in testedISAs {
            for op in [BinaryFloatOperation.add, .sub, .mul, .div, .minimum, .maximum] {
                let passed = checkEveryRunLength(sides: [(1, 1), (1, 0), (0, 1)], guardValue: T(-12345),
                                                 label: "\(op) on \(isa), \(T.self)", using: &g) { n, start, sa, sb, o in
                    av.withUnsafeBufferPointer { pa in
                        bv.withUnsafeBufferPointer { pb in
                            run(op, n, o, pa.baseAddress! + start, sa, pb.baseAddress! + start, sb, isa)
                        }
                    }
                } mismatch: { t, start, sa, sb, got in
                    let want = expected(op, av[start + t * sa], bv[start + t * sb])
                    return got == want || (got.isNaN && want.isNaN) ? nil : "\(got) != \(want)"
                }
                guard passed else { return }
            }
        }
    }

    /// `select` (`where`) against the scalar `c ? a : b` on random broadcasts and layouts
    /// (condition, both sides and the output each contiguous, broadcast, permuted or
    /// reversed), float32 and float64, every ISA; then every run length 0-70 from a random
    /// start with each side contiguous or broadcast, guard elements around the output.
    @Test func selectMatchesScalarOnRandomLayoutsAndEveryRunLength() {
        var g = SystemRandomNumberGenerator()
        checkSelect(Float.self, using: &g) { n, o, so, c, sc, a, sa, b, sb, isa in
            Elementwise.select(shape: n, output: o, outputStrides: so, condition: c, conditionStrides: sc,
                               lhs: a, lhsStrides: sa, rhs: b, rhsStrides: sb, isa: isa)
        }
        checkSelect(Double.self, using: &g) { n, o, so, c, sc, a, sa, b, sb, isa in
            Elementwise.select(shape: n, output: o, outputStrides: so, condition: c, conditionStrides: sc,
                               lhs: a, lhsStrides: sa, rhs: b, rhsStrides: sb, isa: isa)
        }
    }

    func checkSelect<T: BinaryFloatingPoint>(
        _: T.Type, using g: inout some RandomNumberGenerator,
        _ run: ([Int], UnsafeMutablePointer<T>, [Int], UnsafePointer<Bool>, [Int], UnsafePointer<T>, [Int], UnsafePointer<T>, [Int], KernelISA) -> Void
    ) where T.RawSignificand: FixedWidthInteger {
        let guardValue = T(-12345)
        for trial in 0..<200 {
            let rank = Int.random(in: 0...4, using: &g)
            let shape = (0..<rank).map { _ in Int.random(in: 0...(trial % 10 == 0 ? 2 : 7), using: &g) }
            let out = StridedOperand.random(shape: shape, broadcast: false, using: &g)
            let c = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let a = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let b = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let cv = (0..<c.storageCount).map { _ in Bool.random(using: &g) }
            let av = (0..<a.storageCount).map { _ in T.random(in: -3...3, using: &g) }
            let bv = (0..<b.storageCount).map { _ in T.random(in: -3...3, using: &g) }
            for isa in testedISAs {
                var ov = [T](repeating: guardValue, count: out.storageCount)
                ov.withUnsafeMutableBufferPointer { o in
                    cv.withUnsafeBufferPointer { pc in
                        av.withUnsafeBufferPointer { pa in
                            bv.withUnsafeBufferPointer { pb in
                                run(shape, o.baseAddress! + out.offset, out.strides, pc.baseAddress! + c.offset, c.strides,
                                    pa.baseAddress! + a.offset, a.strides, pb.baseAddress! + b.offset, b.strides, isa)
                            }
                        }
                    }
                }
                for i in allIndices(shape) {
                    let want = cv[c.index(i)] ? av[a.index(i)] : bv[b.index(i)]
                    if ov[out.index(i)] != want {
                        Issue.record("select on \(isa), \(T.self), shape \(shape), c \(c.strides), a \(a.strides), b \(b.strides), out \(out.strides) at \(i)")
                        return
                    }
                }
            }
        }
        let cv = (0..<100).map { _ in Bool.random(using: &g) }
        let av = (0..<100).map { _ in T.random(in: -3...3, using: &g) }, bv = (0..<100).map { _ in T.random(in: 4...6, using: &g) }
        for isa in testedISAs {
            let passed = checkEveryRunLength(sides: [(1, 1), (1, 0), (0, 1), (0, 0)], guardValue: guardValue,
                                             label: "select on \(isa), \(T.self)", using: &g) { n, start, sa, sb, o in
                cv.withUnsafeBufferPointer { pc in
                    av.withUnsafeBufferPointer { pa in
                        bv.withUnsafeBufferPointer { pb in
                            run([n], o, [1], pc.baseAddress! + start, [1], pa.baseAddress! + start, [sa], pb.baseAddress! + start, [sb], isa)
                        }
                    }
                }
            } mismatch: { t, start, sa, sb, got in
                got == (cv[start + t] ? av[start + t * sa] : bv[start + t * sb]) ? nil : ""
            }
            guard passed else { return }
        }
    }

    @Test func unaryStridedEqualsContiguousBitwise() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let rank = Int.random(in: 0...4, using: &g)
            let shape = (0..<rank).map { _ in Int.random(in: 0...6, using: &g) }
            let out = StridedOperand.random(shape: shape, broadcast: false, using: &g)
            let x = StridedOperand.random(shape: shape, broadcast: true, using: &g)
            let xv = (0..<x.storageCount).map { _ in Double.random(in: -20...20, using: &g) }
            let indices = allIndices(shape)
            let gathered = indices.map { xv[x.index($0)] }
            for op in [UnaryFloatOperation.exp, .tanh, .gelu, .relu, .round, .clamp(min: -1, max: 2)] {
                var reference = [Double](repeating: 0, count: gathered.count)
                Elementwise.unary(op, shape: [gathered.count], output: &reference, outputStrides: [1], input: gathered, inputStrides: [1])
                var ov = [Double](repeating: .nan, count: out.storageCount)
                ov.withUnsafeMutableBufferPointer { o in
                    xv.withUnsafeBufferPointer { px in
                        Elementwise.unary(op, shape: shape, output: o.baseAddress! + out.offset, outputStrides: out.strides,
                                          input: px.baseAddress! + x.offset, inputStrides: x.strides)
                    }
                }
                for (k, i) in indices.enumerated() where ov[out.index(i)].bitPattern != reference[k].bitPattern {
                    Issue.record("\(op), shape \(shape), x \(x.strides), out \(out.strides) at \(i): \(ov[out.index(i)]) != \(reference[k])")
                    return
                }
            }
        }
    }

    @Test func resultsDoNotDependOnThreadCount() {
        let n = 3_000_001
        let xs = (0..<n).map { Float(($0 % 1000) - 500) * 0.01 }
        var one = [Float](repeating: 0, count: n), two = one
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 1
        Elementwise.unary(.gelu, shape: [n], output: &one, outputStrides: [1], input: xs, inputStrides: [1])
        Parallel.threadCount = 2
        Elementwise.unary(.gelu, shape: [n], output: &two, outputStrides: [1], input: xs, inputStrides: [1])
        #expect(one == two)
    }

    @Test func specialValuesOfSimpleOperations() {
        let xs: [Float] = [-2.5, -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, .nan, .infinity, -.infinity, 8388609]
        func run(_ op: UnaryFloatOperation) -> [Float] {
            var y = [Float](repeating: 0, count: xs.count)
            Elementwise.unary(op, shape: [xs.count], output: &y, outputStrides: [1], input: xs, inputStrides: [1])
            return y
        }
        #expect(run(.round).map(\.bitPattern) == ([-2, -2, -0.0, -0.0, 0, 0, 2, 2, .nan, .infinity, -.infinity, 8388609] as [Float]).map(\.bitPattern))
        #expect(run(.floor).dropLast(4) == [-3, -2, -1, -0.0, 0, 0, 1, 2])
        #expect(run(.ceil).dropLast(4) == [-2, -1, -0.0, -0.0, 0, 1, 2, 3])
        #expect(run(.neg)[4].sign == .minus)
        #expect(run(.relu)[8].isNaN && run(.clamp(min: 0, max: 1))[8].isNaN)
        #expect(run(.sign).dropLast(4) == [-1, -1, -1, 0, 0, 1, 1, 1])
    }
}

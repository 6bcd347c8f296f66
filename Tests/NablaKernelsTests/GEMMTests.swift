import NablaKernels
import NablaKernelsCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float and Double behind one generic test driver.
protocol GEMMTestScalar: BinaryFloatingPoint {
    static func run(
        m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, rsA: Int, csA: Int,
        b: UnsafePointer<Self>, rsB: Int, csB: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, rsC: Int, csC: Int, isa: KernelISA)
}

extension Float: GEMMTestScalar {
    static func run(
        m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, rsA: Int, csA: Int,
        b: UnsafePointer<Float>, rsB: Int, csB: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, rsC: Int, csC: Int, isa: KernelISA
    ) {
        gemm(
            m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
            beta: beta, c: c, rsC: rsC, csC: csC, isa: isa)
    }
}

extension Double: GEMMTestScalar {
    static func run(
        m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, rsA: Int, csA: Int,
        b: UnsafePointer<Double>, rsB: Int, csB: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, rsC: Int, csC: Int, isa: KernelISA
    ) {
        gemm(
            m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
            beta: beta, c: c, rsC: rsC, csC: csC, isa: isa)
    }
}

/// A deterministic generator (SplitMix64), so a failing shape reproduces.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 52) - 1 }
}

/// How an operand lies in memory.
enum Layout: CaseIterable, CustomStringConvertible {
    /// Row-major, tightly packed.
    case rowMajor
    /// Column-major (a transposed row-major matrix), tightly packed.
    case columnMajor
    /// A sub-matrix of a larger row-major one: leading dimension padded, offset start.
    case sliced
    /// Every other row and every third column of a larger buffer.
    case strided

    var description: String {
        switch self {
        case .rowMajor: "row-major"
        case .columnMajor: "column-major"
        case .sliced: "sliced"
        case .strided: "strided"
        }
    }

    /// (offset, row stride, column stride, buffer count) for a rows x cols matrix.
    func place(rows: Int, cols: Int) -> (offset: Int, rs: Int, cs: Int, count: Int) {
        switch self {
        case .rowMajor: (0, cols, 1, rows * cols)
        case .columnMajor: (0, 1, rows, rows * cols)
        case .sliced: (3 * (cols + 5) + 2, cols + 5, 1, (rows + 4) * (cols + 5))
        case .strided: (1, 2 * 3 * cols + 1, 3, 2 * rows * (3 * cols + 1) + 2)
        }
    }
}

/// One product checked against a float64 triple loop; returns a failure message or nil.
func checkGEMM<T: GEMMTestScalar>(
    _: T.Type, isa: KernelISA, m: Int, n: Int, k: Int,
    layouts: (a: Layout, b: Layout, c: Layout), alpha: Double, beta: Double, seed: UInt64
) -> String? {
    var rng = SplitMix(state: seed)
    let pa = layouts.a.place(rows: m, cols: k)
    let pb = layouts.b.place(rows: k, cols: n)
    let pc = layouts.c.place(rows: m, cols: n)
    let a = (0..<max(pa.count, 1)).map { _ in T(rng.uniform()) }
    let b = (0..<max(pb.count, 1)).map { _ in T(rng.uniform()) }
    // beta == 0 must overwrite whatever C holds, NaN included.
    let c0 = (0..<max(pc.count, 1)).map { _ in beta == 0 ? T.nan : T(rng.uniform()) }
    var c = c0
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                T.run(
                    m: m, n: n, k: k, alpha: T(alpha),
                    a: a.baseAddress! + pa.offset, rsA: pa.rs, csA: pa.cs,
                    b: b.baseAddress! + pb.offset, rsB: pb.rs, csB: pb.cs,
                    beta: T(beta), c: c.baseAddress! + pc.offset, rsC: pc.rs, csC: pc.cs, isa: isa)
            }
        }
    }
    let eps = Double(T.ulpOfOne)
    var inside = [Bool](repeating: false, count: c.count)
    var message: String?
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            let a = a.baseAddress! + pa.offset
            let b = b.baseAddress! + pb.offset
            outer: for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    var magnitude = 0.0
                    for p in 0..<k {
                        let product = Double(a[i * pa.rs + p * pa.cs]) * Double(b[p * pb.rs + j * pb.cs])
                        sum += product
                        magnitude += abs(product)
                    }
                    let index = pc.offset + i * pc.rs + j * pc.cs
                    inside[index] = true
                    let old = beta == 0 ? 0 : Double(c0[index])
                    let expected = alpha * sum + beta * old
                    let bound = (Double(k) + 4) * eps * (abs(alpha) * magnitude + abs(beta * old)) + eps
                    let got = Double(c[index])
                    if !(abs(got - expected) <= bound) {
                        message = "\(T.self) \(isa) m=\(m) n=\(n) k=\(k) A \(layouts.a) B \(layouts.b) "
                            + "C \(layouts.c) alpha=\(alpha) beta=\(beta): C[\(i),\(j)] = \(got), "
                            + "expected \(expected) +- \(bound)"
                        break outer
                    }
                }
            }
        }
    }
    if let message { return message }
    for index in c.indices where !inside[index] {
        if !(c[index] == c0[index] || (c[index].isNaN && c0[index].isNaN)) {
            return "\(T.self) \(isa) m=\(m) n=\(n) k=\(k): wrote outside C at buffer index \(index)"
        }
    }
    return nil
}

/// Every m, n, k in 1...40 on views of fixed 40 x 40 matrices: the reference for depth k
/// is a running sum over k, so the sweep costs one comparison per element.
func sweepSmallShapes<T: GEMMTestScalar>(_: T.Type, isa: KernelISA) -> [String] {
    let size = 40
    var rng = SplitMix(state: 99)
    let aValues = (0..<(size * size)).map { _ in rng.uniform() }
    let bValues = (0..<(size * size)).map { _ in rng.uniform() }
    let cValues = (0..<(size * size)).map { _ in rng.uniform() }
    func transposed(_ x: [Double]) -> [T] {
        (0..<(size * size)).map { T(x[($0 % size) * size + $0 / size]) }
    }
    let aRow = aValues.map { T($0) }, aColumn = transposed(aValues)
    let bRow = bValues.map { T($0) }, bColumn = transposed(bValues)
    var reference = [Double](repeating: 0, count: size * size)
    var magnitude = [Double](repeating: 0, count: size * size)
    var c = [T](repeating: 0, count: size * size)
    let sentinel: T = 12345
    let eps = Double(T.ulpOfOne)
    var failures: [String] = []
    // Under emulation (`quickKernelTests`) a subset that still has every edge case: sizes
    // around the register blocks (mr 4-12, nr 8-32 across the targets) and a few depths.
    let quickSizes: Set = [1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40]
    let quickDepths: Set = [1, 2, 3, 8, 13, 40]
    for k in 1...size {
        for i in 0..<size {
            for j in 0..<size {
                let product = Double(aRow[i * size + k - 1]) * Double(bRow[(k - 1) * size + j])
                reference[i * size + j] += product
                magnitude[i * size + j] += abs(product)
            }
        }
        if quickKernelTests && !quickDepths.contains(k) { continue }
        for m in 1...size where !quickKernelTests || quickSizes.contains(m) {
            for n in 1...size where !quickKernelTests || quickSizes.contains(n) {
                let variant = (m + n + k) % 4
                let (a, rsA, csA) = variant % 2 == 0 ? (aRow, size, 1) : (aColumn, 1, size)
                let (b, rsB, csB) = variant / 2 == 0 ? (bRow, size, 1) : (bColumn, 1, size)
                let (rsC, csC) = (m * n + k) % 3 == 0 ? (1, size) : (size, 1)
                let scaling = scalings[(m * 7 + n * 3 + k) % scalings.count]
                for i in 0..<min(m + 1, size) {
                    for j in 0..<min(n + 1, size) {
                        c[i * rsC + j * csC] =
                            i == m || j == n ? sentinel : (scaling.beta == 0 ? .nan : T(cValues[i * size + j]))
                    }
                }
                T.run(
                    m: m, n: n, k: k, alpha: T(scaling.alpha), a: a, rsA: rsA, csA: csA,
                    b: b, rsB: rsB, csB: csB, beta: T(scaling.beta), c: &c, rsC: rsC, csC: csC, isa: isa)
                check: for i in 0..<min(m + 1, size) {
                    for j in 0..<min(n + 1, size) {
                        let got = c[i * rsC + j * csC]
                        let ok: Bool
                        if i == m || j == n {
                            ok = got == sentinel
                        } else {
                            let old = scaling.beta == 0 ? 0 : cValues[i * size + j]
                            let expected = scaling.alpha * reference[i * size + j] + scaling.beta * old
                            let bound = (Double(k) + 4) * eps
                                * (abs(scaling.alpha) * magnitude[i * size + j] + abs(scaling.beta * old)) + eps
                            ok = abs(Double(got) - expected) <= bound
                        }
                        if !ok {
                            failures.append(
                                "\(T.self) \(isa) m=\(m) n=\(n) k=\(k) variant \(variant) "
                                    + "C strides (\(rsC), \(csC)) alpha=\(scaling.alpha) "
                                    + "beta=\(scaling.beta): wrong C[\(i),\(j)] = \(got)")
                            break check
                        }
                    }
                }
                if failures.count >= 5 { return failures }
            }
        }
    }
    return failures
}

let scalings: [(alpha: Double, beta: Double)] = [(1, 0), (1, 1), (-0.5, 2), (2, -1), (1.5, 0)]

@Suite("GEMM")
struct GEMMTests {
    @Test("every m, n, k in 1...40 matches the reference", arguments: testedISAs)
    func gemmMatchesReferenceOnEveryShapeUpTo40(isa: KernelISA) {
        for failure in sweepSmallShapes(Float.self, isa: isa) + sweepSmallShapes(Double.self, isa: isa) {
            Issue.record(Comment(rawValue: failure))
        }
    }

    @Test("larger odd shapes, all transposes, sliced and strided operands", arguments: testedISAs)
    func gemmMatchesReferenceOnLargerShapes(isa: KernelISA) {
        // Shapes past every blocking edge: kc (1024 / 512 on AVX-512, 256 on AVX2, so
        // k = 1100 is two or three equal depth blocks), mc (48 on AVX-512, 130 = 2 x 48 +
        // 2 x 12 + 10), nc (1024 on AVX-512), the packed path (more than 2^24 multiply-adds),
        // threads, and gemv-like extremes.
        let shapes = [
            (97, 131, 67), (64, 256, 784), (64, 784, 256), (256, 784, 64), (255, 257, 129),
            (301, 299, 300), (13, 301, 290), (301, 7, 250), (1, 300, 300), (300, 1, 300),
            (300, 300, 1), (400, 200, 220), (26, 4100, 160), (53, 61, 600),
            (40, 400, 1100), (130, 1100, 130), (50, 70, 1100),
        ].filter { m, n, k in
            // Under emulation: the small shapes, the depth-blocked ones, and one packed
            // product past 2^24 multiply-adds.
            !quickKernelTests || m * n * k <= 4_000_000 || (m, n, k) == (40, 400, 1100)
        }
        let all = Layout.allCases
        for (index, (m, n, k)) in shapes.enumerated() {
            let scaling = scalings[index % scalings.count]
            let float = checkGEMM(
                Float.self, isa: isa, m: m, n: n, k: k,
                layouts: (all[index % 4], all[(index / 4 + 1) % 4], all[(index + 2) % 4]),
                alpha: scaling.alpha, beta: scaling.beta, seed: UInt64(index))
            let double = checkGEMM(
                Double.self, isa: isa, m: m, n: n, k: k,
                layouts: (all[(index + 1) % 4], all[(index + 3) % 4], all[(index / 2) % 4]),
                alpha: scaling.alpha, beta: scaling.beta, seed: UInt64(100 + index))
            for message in [float, double] {
                if let message { Issue.record(Comment(rawValue: message)) }
            }
        }
    }

    @Test("beta = 0 overwrites NaN in C", arguments: testedISAs)
    func gemmWithBetaZeroOverwritesNaN(isa: KernelISA) {
        for (m, n, k) in [(1, 1, 1), (12, 32, 5), (64, 64, 64), (100, 300, 200)] {
            #expect(
                checkGEMM(
                    Float.self, isa: isa, m: m, n: n, k: k, layouts: (.rowMajor, .rowMajor, .sliced),
                    alpha: 1, beta: 0, seed: 7) == nil)
            #expect(
                checkGEMM(
                    Double.self, isa: isa, m: m, n: n, k: k, layouts: (.columnMajor, .rowMajor, .columnMajor),
                    alpha: -2, beta: 0, seed: 8) == nil)
        }
    }

    @Test("k = 0 and alpha = 0 only scale C, and read neither A nor B", arguments: testedISAs)
    func gemmWithEmptyInnerDimensionScalesC(isa: KernelISA) {
        var c: [Float] = [1, 2, .nan, 4]
        let nan: [Float] = [.nan]
        gemm(m: 2, n: 2, k: 0, alpha: 1, a: nan, rsA: 0, csA: 0, b: nan, rsB: 0, csB: 0,
             beta: 0, c: &c, rsC: 2, csC: 1, isa: isa)
        #expect(c == [0, 0, 0, 0])
        var d: [Double] = [1, 2, 3, 4]
        let nanD: [Double] = [.nan]
        gemm(m: 2, n: 2, k: 5, alpha: 0, a: nanD, rsA: 0, csA: 0, b: nanD, rsB: 0, csB: 0,
             beta: 3, c: &d, rsC: 1, csC: 2, isa: isa)
        #expect(d == [3, 6, 9, 12])
    }

    @Test("empty C is left alone", arguments: testedISAs)
    func gemmWithEmptyOutputDoesNothing(isa: KernelISA) {
        var c: [Float] = [.nan]
        let one: [Float] = [1]
        gemm(m: 0, n: 5, k: 3, alpha: 1, a: one, rsA: 0, csA: 0, b: one, rsB: 0, csB: 0,
             beta: 0, c: &c, rsC: 0, csC: 0, isa: isa)
        gemm(m: 5, n: 0, k: 3, alpha: 1, a: one, rsA: 0, csA: 0, b: one, rsB: 0, csB: 0,
             beta: 0, c: &c, rsC: 0, csC: 0, isa: isa)
        #expect(c[0].isNaN)
    }

    @Test("stride-0 (broadcast) operands", arguments: testedISAs)
    func gemmAcceptsBroadcastOperands(isa: KernelISA) {
        // A is one row repeated (rsA = 0); B is one column repeated (csB = 0).
        let (m, n, k) = (37, 45, 29)
        let row: [Double] = (0..<k).map { Double($0 % 7) - 3 }
        let column: [Double] = (0..<k).map { Double($0 % 5) - 2 }
        var c = [Double](repeating: .nan, count: m * n)
        gemm(m: m, n: n, k: k, alpha: 1, a: row, rsA: 0, csA: 1, b: column, rsB: 1, csB: 0,
             beta: 0, c: &c, rsC: n, csC: 1, isa: isa)
        let dot = zip(row, column).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(c.allSatisfy { $0 == dot }, "every element should be the dot product \(dot)")
    }

    @Test("several threads give the single-thread result")
    func gemmResultDoesNotDependOnThreadCount() {
        let (m, n, k) = (300, 280, 260)
        var rng = SplitMix(state: 42)
        let a = (0..<(m * k)).map { _ in Float(rng.uniform()) }
        let b = (0..<(k * n)).map { _ in Float(rng.uniform()) }
        var one = [Float](repeating: 0, count: m * n)
        var two = one
        let saved = Parallel.threadCount
        Parallel.threadCount = 1
        gemm(m: m, n: n, k: k, alpha: 1, a: a, rsA: k, csA: 1, b: b, rsB: n, csB: 1,
             beta: 0, c: &one, rsC: n, csC: 1)
        Parallel.threadCount = 2
        gemm(m: m, n: n, k: k, alpha: 1, a: a, rsA: k, csA: 1, b: b, rsB: n, csB: 1,
             beta: 0, c: &two, rsC: n, csC: 1)
        Parallel.threadCount = saved
        #expect(one == two)
    }

    @Test("threads are chosen by measured cost: the dispatch round trip against the work")
    func threadingFollowsMeasuredCost() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 2
        let overhead = ThreadingCost.dispatch(tasks: 2)
        #expect(overhead > 0 && overhead < 0.1)
        // Work worth one round trip stays on one thread; work worth a thousand splits.
        #expect(ThreadingCost.taskCount(work: 1, secondsPerWork: overhead) == 1)
        #expect(ThreadingCost.taskCount(work: 1000, secondsPerWork: overhead) == 2)
        Parallel.threadCount = 1
        #expect(ThreadingCost.taskCount(work: 1000, secondsPerWork: overhead) == 1)
        // A kernel's rate is the fastest it has been seen to run.
        enum Probe {}
        #expect(ThreadingCost.secondsPerWork(Probe.self, fallback: 7) == 7)
        ThreadingCost.record(Probe.self, work: 100, seconds: 2)
        ThreadingCost.record(Probe.self, work: 100, seconds: 1)
        ThreadingCost.record(Probe.self, work: 100, seconds: 3)
        #expect(ThreadingCost.secondsPerWork(Probe.self, fallback: 7) == 0.01)
    }

    @Test("the ISA in use is available and named as NABLA_ISA spells it")
    func isaIsAvailableAndRoundTripsItsName() {
        #expect(KernelISA.available.contains(NablaKernels.isa))
        #expect(testedISAs.last == KernelISA.current || getenvISA() != nil)
        for isa in KernelISA.allCases { #expect(KernelISA(name: isa.description) == isa) }
        #expect(KernelISA(name: "sse9") == nil)
    }

    @Test("a negative size traps with a message naming gemm")
    func gemmTrapsOnNegativeSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var c: [Float] = [0]
            let one: [Float] = [1]
            gemm(m: -1, n: 1, k: 1, alpha: 1, a: one, rsA: 1, csA: 1, b: one, rsB: 1, csB: 1,
                 beta: 0, c: &c, rsC: 1, csC: 1)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("gemm: negative size"))
    }
}

private func getenvISA() -> String? {
    getenv("NABLA_ISA").map { String(cString: $0) }
}

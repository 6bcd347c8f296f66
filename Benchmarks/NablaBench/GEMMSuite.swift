import NablaKernels

/// One GEMM shape of the suite, with its operands' layouts.
struct GEMMCase {
    var name: String
    var m: Int, n: Int, k: Int
    /// A is stored transposed (k x m, row-major).
    var transposeA = false
    /// B is stored transposed (n x k, row-major).
    var transposeB = false

    /// Square products, then the three products of a 784-256 linear layer on a batch of 64
    /// (forward `X W^T`, input gradient `dY W`, weight gradient `dY^T X`).
    static let all: [GEMMCase] =
        [64, 128, 256, 512, 1024, 2048].map { GEMMCase(name: "square-\($0)", m: $0, n: $0, k: $0) } + [
            GEMMCase(name: "mlp-forward", m: 64, n: 256, k: 784, transposeB: true),
            GEMMCase(name: "mlp-grad-input", m: 64, n: 784, k: 256),
            GEMMCase(name: "mlp-grad-weight", m: 256, n: 784, k: 64, transposeA: true),
        ]
}

extension Suite {
    /// GEMM GFLOP/s on square and MLP shapes in float32 and float64, C = A * B with
    /// row-major C (beta = 0), the layouts NumPy's `a @ b` sees in the comparison script.
    static let gemm = Suite(
        name: "gemm",
        description: "sgemm/dgemm on square n = 64...2048 and the MLP shapes (median of repeats)"
    ) { options, reporter in
        for gemmCase in GEMMCase.all {
            for dtype in ["float32", "float64"] where options.wants("\(gemmCase.name) \(dtype)") {
                reporter.progress("gemm \(gemmCase.name) \(dtype)")
                let seconds =
                    dtype == "float32"
                    ? time(Float.self, gemmCase, repeats: options.repeats)
                    : time(Double.self, gemmCase, repeats: options.repeats)
                let flops = 2 * Double(gemmCase.m) * Double(gemmCase.n) * Double(gemmCase.k)
                reporter.report(
                    Measurement(
                        suite: "gemm", name: gemmCase.name, dtype: dtype,
                        m: gemmCase.m, n: gemmCase.n, k: gemmCase.k, threads: options.threads,
                        isa: NablaKernels.isa.description, medianSeconds: seconds,
                        gflops: flops / seconds / 1e9))
            }
        }
    }
}

/// Element types the GEMM suite runs.
protocol BenchScalar: BinaryFloatingPoint {
    static func multiply(
        _ c: GEMMCase, a: UnsafePointer<Self>, b: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>)
}

extension BenchScalar {
    /// Strides of A and B for the case's layouts: (rsA, csA, rsB, csB).
    static func strides(_ c: GEMMCase) -> (Int, Int, Int, Int) {
        (c.transposeA ? 1 : c.k, c.transposeA ? c.m : 1, c.transposeB ? 1 : c.n, c.transposeB ? c.k : 1)
    }
}

extension Float: BenchScalar {
    static func multiply(_ g: GEMMCase, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        let (rsA, csA, rsB, csB) = strides(g)
        gemm(m: g.m, n: g.n, k: g.k, alpha: 1, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
             beta: 0, c: c, rsC: g.n, csC: 1)
    }
}

extension Double: BenchScalar {
    static func multiply(_ g: GEMMCase, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
        let (rsA, csA, rsB, csB) = strides(g)
        gemm(m: g.m, n: g.n, k: g.k, alpha: 1, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
             beta: 0, c: c, rsC: g.n, csC: 1)
    }
}

/// Median seconds of one product on fresh, initialised operands.
private func time<T: BenchScalar>(_: T.Type, _ g: GEMMCase, repeats: Int) -> Double {
    let a = UnsafeMutableBufferPointer<T>.allocate(capacity: g.m * g.k)
    let b = UnsafeMutableBufferPointer<T>.allocate(capacity: g.k * g.n)
    let c = UnsafeMutableBufferPointer<T>.allocate(capacity: g.m * g.n)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    for i in a.indices { a[i] = T(i % 17) / 17 - 0.5 }
    for i in b.indices { b[i] = T(i % 13) / 13 - 0.5 }
    c.initialize(repeating: 0)
    return medianTime(repeats: repeats) {
        T.multiply(g, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
    }
}

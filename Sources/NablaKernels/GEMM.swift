/// `C = alpha * op(A) * op(B) + beta * C` in `Float`, on the instruction set of this
/// process (``NablaKernels/isa``).
///
/// A is `m x k`, B is `k x n`, C is `m x n`; element `(i, p)` of A is `a[i * rsA + p * csA]`,
/// likewise for B and C, so a transposed operand is the same memory with its strides
/// swapped and a slice is a pointer and strides into a larger matrix. Strides are
/// non-negative element counts; A's and B's may be 0 (a broadcast operand). C's elements
/// must not overlap each other or A and B.
///
/// - `beta == 0` overwrites C without reading it (NaN or garbage there is discarded);
///   `k == 0` or `alpha == 0` scales C by beta and reads neither A nor B.
/// - Rounding: each element is a sum of `k` products accumulated in `Float`, with fused
///   multiply-adds on AVX2, AVX-512 and NEON and separate roundings on baseline x86-64;
///   the summation order depends on the blocking, so results match a naive loop to
///   within the usual `k`-term accumulation error, not bit for bit.
/// - Runs on ``Parallel/threadCount`` threads when the product is large enough.
/// - Traps (with a message, also in optimised builds) on a negative size or stride.
public func gemm(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, rsA: Int, csA: Int,
    b: UnsafePointer<Float>, rsB: Int, csB: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, rsC: Int, csC: Int
) {
    gemm(
        m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
        beta: beta, c: c, rsC: rsC, csC: csC, isa: KernelISA.current)
}

/// The `Float` `gemm` on a chosen instruction set, which must be one of
/// ``KernelISA/available``: lets tests and benchmarks run every kernel in one process.
public func gemm(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, rsA: Int, csA: Int,
    b: UnsafePointer<Float>, rsB: Int, csB: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, rsC: Int, csC: Int,
    isa: KernelISA
) {
    checkedGEMM(
        m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
        beta: beta, c: c, rsC: rsC, csC: csC, isa: isa)
}

/// `C = alpha * op(A) * op(B) + beta * C` in `Double`, on the instruction set of this
/// process (``NablaKernels/isa``): the `Float` `gemm`'s contract, with products
/// accumulated in `Double`.
public func gemm(
    m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, rsA: Int, csA: Int,
    b: UnsafePointer<Double>, rsB: Int, csB: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, rsC: Int, csC: Int
) {
    gemm(
        m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
        beta: beta, c: c, rsC: rsC, csC: csC, isa: KernelISA.current)
}

/// The `Double` `gemm` on a chosen instruction set, which must be one of
/// ``KernelISA/available``: lets tests and benchmarks run every kernel in one process.
public func gemm(
    m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, rsA: Int, csA: Int,
    b: UnsafePointer<Double>, rsB: Int, csB: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, rsC: Int, csC: Int,
    isa: KernelISA
) {
    checkedGEMM(
        m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
        beta: beta, c: c, rsC: rsC, csC: csC, isa: isa)
}

/// Checks the sizes and strides (negative ones trap with the values), then runs `isa`'s
/// kernel for the element type.
private func checkedGEMM<Scalar: KernelScalar>(
    m: Int, n: Int, k: Int, alpha: Scalar,
    a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
    b: UnsafePointer<Scalar>, rsB: Int, csB: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int,
    isa: KernelISA
) {
    guard m >= 0 && n >= 0 && k >= 0 else {
        fatalError("gemm: negative size m = \(m), n = \(n), k = \(k)")
    }
    guard rsA >= 0 && csA >= 0 && rsB >= 0 && csB >= 0 && rsC >= 0 && csC >= 0 else {
        fatalError("gemm: negative stride (A \(rsA), \(csA); B \(rsB), \(csB); C \(rsC), \(csC))")
    }
    Scalar.kernels(on: isa, for: "gemm").gemm(m, n, k, alpha, a, rsA, csA, b, rsB, csB, beta, c, rsC, csC)
}

/// Runs `iterations` rounds of `FMAPeak`'s independent fused multiply-adds in `Float`
/// on `isa` and returns their checksum and floating-point operation count: the
/// arithmetic peak that GEMM benchmarks are compared with.
public func fmaPeak(
    _ type: Float.Type, iterations: Int, isa: KernelISA = .current
) -> (checksum: Float, flops: Int) {
    Float.kernels(on: isa, for: "fmaPeak").fmaPeak(iterations)
}

/// The `Double` form of the `Float` `fmaPeak`: the float64 arithmetic peak on `isa`.
public func fmaPeak(
    _ type: Double.Type, iterations: Int, isa: KernelISA = .current
) -> (checksum: Double, flops: Int) {
    Double.kernels(on: isa, for: "fmaPeak").fmaPeak(iterations)
}

/// A loop of independent fused multiply-adds: the machine's arithmetic peak for an
/// instruction set, against which GEMM's GFLOP/s are judged.
///
/// Twelve accumulators cover the FMA latency times the number of FMA pipes on current
/// x86 and Apple cores while fitting AVX2's sixteen registers.
@usableFromInline package enum FMAPeak<K: GEMMKernelConfig> {
    /// Floating-point operations in one iteration of ``run(iterations:)``.
    @inlinable
    package static var flopsPerIteration: Int { 2 &* 12 &* K.Vector.scalarCount }

    /// Runs `iterations` rounds of twelve vector multiply-adds and returns a value that
    /// depends on all of them, so the optimiser cannot drop the loop.
    @inlinable
    package static func run(iterations: Int) -> K.Scalar {
        let x = K.splat(0.999_999)
        let y = K.splat(0.000_001)
        var a0 = K.splat(1), a1 = K.splat(2), a2 = K.splat(3), a3 = K.splat(4)
        var a4 = K.splat(5), a5 = K.splat(6), a6 = K.splat(7), a7 = K.splat(8)
        var a8 = K.splat(9), a9 = K.splat(10), a10 = K.splat(11), a11 = K.splat(12)
        for _ in 0..<iterations {
            K.multiplyAdd(&a0, x, y); K.multiplyAdd(&a1, x, y); K.multiplyAdd(&a2, x, y)
            K.multiplyAdd(&a3, x, y); K.multiplyAdd(&a4, x, y); K.multiplyAdd(&a5, x, y)
            K.multiplyAdd(&a6, x, y); K.multiplyAdd(&a7, x, y); K.multiplyAdd(&a8, x, y)
            K.multiplyAdd(&a9, x, y); K.multiplyAdd(&a10, x, y); K.multiplyAdd(&a11, x, y)
        }
        let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
        var total: K.Scalar = 0
        for i in 0..<K.Vector.scalarCount { total += sum[i] }
        return total
    }
}

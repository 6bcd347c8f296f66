import NablaKernelsCore

#if NABLA_AVX512
/// `GEMM.implicitGEMM` (convolution with the im2col gather fused into B's packing) for
/// `Float` on AVX-512. Not inlinable, so its instructions stay this target's.
@inline(never)
package func implicitGEMMAVX512(
    m: Int, n: Int, a: UnsafePointer<Float>, rsA: Int, geometry: ImplicitGEMMGeometry,
    input: UnsafePointer<Float>, firstColumn: Int, c: UnsafeMutablePointer<Float>, rsC: Int
) {
    GEMM<AVX512Float>.implicitGEMM(
        m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
}

/// `GEMM.implicitGEMM` for `Double` on AVX-512.
@inline(never)
package func implicitGEMMAVX512(
    m: Int, n: Int, a: UnsafePointer<Double>, rsA: Int, geometry: ImplicitGEMMGeometry,
    input: UnsafePointer<Double>, firstColumn: Int, c: UnsafeMutablePointer<Double>, rsC: Int
) {
    GEMM<AVX512Double>.implicitGEMM(
        m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
}
#endif

import NablaKernelsCore

#if NABLA_NEON
/// `GEMM.implicitGEMM` (convolution with the im2col gather fused into B's packing) for
/// `Float` on NEON. Not inlinable, so its instructions stay this target's.
@inline(never)
package func implicitGEMMNEON(
    m: Int, n: Int, a: UnsafePointer<Float>, rsA: Int, geometry: ImplicitGEMMGeometry,
    input: UnsafePointer<Float>, firstColumn: Int, c: UnsafeMutablePointer<Float>, rsC: Int
) {
    GEMM<NEONFloat>.implicitGEMM(
        m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
}

/// `GEMM.implicitGEMM` for `Double` on NEON.
@inline(never)
package func implicitGEMMNEON(
    m: Int, n: Int, a: UnsafePointer<Double>, rsA: Int, geometry: ImplicitGEMMGeometry,
    input: UnsafePointer<Double>, firstColumn: Int, c: UnsafeMutablePointer<Double>, rsC: Int
) {
    GEMM<NEONDouble>.implicitGEMM(
        m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
}
#endif

import NablaKernelsCore

#if NABLA_X86_BASELINE
/// `GEMM.implicitGEMM` (convolution with the im2col gather fused into B's packing) for
/// `Float` on baseline x86-64. Not inlinable, so its instructions stay this target's.
@inline(never)
package func implicitGEMMX86(
    m: Int, n: Int, a: UnsafePointer<Float>, rsA: Int, geometry: ImplicitGEMMGeometry,
    input: UnsafePointer<Float>, firstColumn: Int, c: UnsafeMutablePointer<Float>, rsC: Int
) {
    GEMM<X86Float>.implicitGEMM(
        m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
}

/// `GEMM.implicitGEMM` for `Double` on baseline x86-64.
@inline(never)
package func implicitGEMMX86(
    m: Int, n: Int, a: UnsafePointer<Double>, rsA: Int, geometry: ImplicitGEMMGeometry,
    input: UnsafePointer<Double>, firstColumn: Int, c: UnsafeMutablePointer<Double>, rsC: Int
) {
    GEMM<X86Double>.implicitGEMM(
        m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
}
#endif

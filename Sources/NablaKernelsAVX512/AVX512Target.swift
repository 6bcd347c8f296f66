import NablaKernelsCore

#if NABLA_AVX512
/// The AVX-512 target: its GEMM configurations, its multiply-add (fused (AVX-512 has FMA)), and, as the
/// one type this module declares for Core's engines, its name in every specialisation
/// they emit here (DESIGN.md's ISA rule, explained on `KernelTarget`).
enum AVX512Target: KernelTarget {
    typealias FloatConfig = AVX512Float
    typealias DoubleConfig = AVX512Double

    @inline(__always)
    static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint {
        c.addingProduct(a, b)
    }

    /// Whether `multiplyAdd` rounds once.
    static var isFused: Bool { true }
}

/// Every kernel of this target, for `Float` and `Double`: the module's one entry point,
/// non-inlinable so that the engines are specialised here, under its `-target-cpu`.
@inline(never)
package func avx512Kernels() -> KernelTables {
    var tables = AVX512Target.kernelTables()
    tables.float.convertToHalfWithF16C(AVX512Target.self)
    return tables
}
#endif

import NablaKernelsCore

#if NABLA_AVX2
/// The AVX2 + FMA target: its GEMM configurations, its multiply-add (fused: Haswell's FMA3), and, as the
/// one type this module declares for Core's engines, its name in every specialisation
/// they emit here (DESIGN.md's ISA rule, explained on `KernelTarget`).
enum AVX2Target: KernelTarget {
    typealias FloatConfig = AVX2Float
    typealias DoubleConfig = AVX2Double

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
package func avx2Kernels() -> KernelTables {
    var tables = AVX2Target.kernelTables()
    tables.float.convertToHalfWithF16C(AVX2Target.self)
    return tables
}
#endif

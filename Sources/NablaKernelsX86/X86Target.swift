import NablaKernelsCore

#if NABLA_X86_BASELINE
/// The baseline x86-64 (SSE2) target: its GEMM configurations, its multiply-add (a multiply, then an add: the baseline has no FMA), and, as the
/// one type this module declares for Core's engines, its name in every specialisation
/// they emit here (DESIGN.md's ISA rule, explained on `KernelTarget`).
enum X86Target: KernelTarget {
    typealias FloatConfig = X86Float
    typealias DoubleConfig = X86Double

    @inline(__always)
    static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint {
        a * b + c
    }

    /// Whether `multiplyAdd` rounds once.
    static var isFused: Bool { false }
}

/// Every kernel of this target, for `Float` and `Double`: the module's one entry point,
/// non-inlinable so that the engines are specialised here, under its `-target-cpu`.
@inline(never)
package func x86Kernels() -> KernelTables {
    X86Target.kernelTables()
}
#endif

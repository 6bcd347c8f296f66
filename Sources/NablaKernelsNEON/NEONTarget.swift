import NablaKernelsCore

#if NABLA_NEON
/// The NEON target: its GEMM configurations, its multiply-add (fused: NEON's FMLA), and, as the
/// one type this module declares for Core's engines, its name in every specialisation
/// they emit here.
///
/// The rule (DESIGN.md, "The performance core"): code compiled under this target's
/// `-target-cpu` must never be reachable from another instruction set's path. The linker
/// keeps one copy of each shared (`linkonce_odr`) symbol, so a specialisation that two
/// targets both emit under the same name could run on the wrong CPU. Every engine is
/// specialised with this type (or one of its GEMM configurations in `GEMMNEON.swift`, also this module's), which puts
/// this module's name into every specialisation, closure and helper, so no other object
/// defines them. `.ci/check-isa-symbols` checks the result on the built objects.
enum NEONTarget: KernelTarget {
    typealias FloatConfig = NEONFloat
    typealias DoubleConfig = NEONDouble

    @inline(__always)
    static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint {
        c.addingProduct(a, b)
    }
}

/// Every kernel of this target, for `Float` and `Double`: the module's one entry point,
/// non-inlinable so that the engines are specialised here, under its `-target-cpu`.
@inline(never)
package func neonKernels() -> KernelTables {
    NEONTarget.kernelTables()
}
#endif

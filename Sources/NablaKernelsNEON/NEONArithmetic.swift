import NablaKernelsCore

/// This target's multiply-add, fused (NEON's FMLA), and its name in every specialisation of Core's
/// generic engines.
///
/// The rule (DESIGN.md, "The performance core"): code compiled under this target's
/// `-target-cpu` must never be reachable from another instruction set's path. The linker
/// keeps one copy of each shared (`linkonce_odr`) symbol, so a specialisation that two
/// targets both emit under the same name could run on the wrong CPU. Passing this type,
/// which only this module has, as the engines' `ISA` or multiply-add parameter puts this
/// module's name into every specialisation, closure and helper the engines emit here, so
/// no other object defines them. `.ci/check-isa-symbols` checks the result on the built
/// objects.
enum NEONArithmetic: MultiplyAddStrategy {
    @inline(__always)
    static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint {
        c.addingProduct(a, b)
    }
}

/// The fused optimizer updates (``OptimizerRule``) on the instruction set of this process,
/// for NablaNN's optimizers: one call per parameter slice, every element read and written
/// once in the target's widest vectors. Results do not depend on how a parameter is split.
package enum FusedOptimizer {
    /// Applies `rule` to `count` `Float` elements of a parameter, its gradient and its
    /// ``OptimizerRule/stateCount`` state buffers. `isa` defaults to ``KernelISA/current``.
    package static func update(
        _ rule: OptimizerRule, parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        state: [UnsafeMutablePointer<Float>], count: Int, isa: KernelISA = .current
    ) {
        Float.kernels(on: isa, for: "optimizer update").optimizerUpdate(rule, parameter, gradient, state, count)
    }

    /// Applies `rule` to `count` `Double` elements (see the `Float` overload).
    package static func update(
        _ rule: OptimizerRule, parameter: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>,
        state: [UnsafeMutablePointer<Double>], count: Int, isa: KernelISA = .current
    ) {
        Double.kernels(on: isa, for: "optimizer update").optimizerUpdate(rule, parameter, gradient, state, count)
    }
}

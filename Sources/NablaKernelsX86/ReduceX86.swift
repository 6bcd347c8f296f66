import NablaKernelsCore
// baseline x86-64 (SSE2, no FMA) instantiations of the reduction kernels. Non-inlinable and non-generic, so
// that the generic engine is specialised here, under this target's `-target-cpu`.

/// `ReduceEngine.sum` for `Float` with `SIMD4<Float>` on baseline x86-64 (SSE2, no FMA).
@inline(never)
package func reduceSumX86(
    _ plan: ReductionPlan, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>
) {
    ReduceEngine<X86Arithmetic>.sum(plan, output: output, input: input, vector: SIMD4<Float>.self)
}

/// `ReduceEngine.extreme` for `Float` with `SIMD4<Float>` on baseline x86-64 (SSE2, no FMA).
@inline(never)
package func reduceExtremeX86(
    _ plan: ReductionPlan, largest: Bool,
    values: UnsafeMutablePointer<Float>?, indices: UnsafeMutablePointer<Int64>?, input: UnsafePointer<Float>
) {
    ReduceEngine<X86Arithmetic>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: SIMD4<Float>.self)
}

/// `ReduceEngine.rowwise` for `Float` with `SIMD4<Float>` on baseline x86-64 (SSE2, no FMA).
@inline(never)
package func reduceRowwiseX86(
    _ op: RowwiseOperation, shape: [Int], dim: Int,
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    input: UnsafePointer<Float>, inputStrides: [Int]
) {
    ReduceEngine<X86Arithmetic>.rowwise(
        op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD4<Float>.self, multiplyAdd: X86Arithmetic.self)
}

/// `ReduceEngine.sum` for `Double` with `SIMD2<Double>` on baseline x86-64 (SSE2, no FMA).
@inline(never)
package func reduceSumX86(
    _ plan: ReductionPlan, output: UnsafeMutablePointer<Double>, input: UnsafePointer<Double>
) {
    ReduceEngine<X86Arithmetic>.sum(plan, output: output, input: input, vector: SIMD2<Double>.self)
}

/// `ReduceEngine.extreme` for `Double` with `SIMD2<Double>` on baseline x86-64 (SSE2, no FMA).
@inline(never)
package func reduceExtremeX86(
    _ plan: ReductionPlan, largest: Bool,
    values: UnsafeMutablePointer<Double>?, indices: UnsafeMutablePointer<Int64>?, input: UnsafePointer<Double>
) {
    ReduceEngine<X86Arithmetic>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: SIMD2<Double>.self)
}

/// `ReduceEngine.rowwise` for `Double` with `SIMD2<Double>` on baseline x86-64 (SSE2, no FMA).
@inline(never)
package func reduceRowwiseX86(
    _ op: RowwiseOperation, shape: [Int], dim: Int,
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    input: UnsafePointer<Double>, inputStrides: [Int]
) {
    ReduceEngine<X86Arithmetic>.rowwise(
        op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD2<Double>.self, multiplyAdd: X86Arithmetic.self)
}

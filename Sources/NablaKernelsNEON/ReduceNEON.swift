import NablaKernelsCore
// arm64 NEON instantiations of the reduction kernels. Non-inlinable and non-generic, so
// that the generic engine is specialised here, under this target's `-target-cpu`.

/// `ReduceEngine.sum` for `Float` with `SIMD4<Float>` on arm64 NEON.
@inline(never)
package func reduceSumNEON(
    _ plan: ReductionPlan, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>
) {
    ReduceEngine<NEONArithmetic>.sum(plan, output: output, input: input, vector: SIMD4<Float>.self)
}

/// `ReduceEngine.extreme` for `Float` with `SIMD4<Float>` on arm64 NEON.
@inline(never)
package func reduceExtremeNEON(
    _ plan: ReductionPlan, largest: Bool,
    values: UnsafeMutablePointer<Float>?, indices: UnsafeMutablePointer<Int64>?, input: UnsafePointer<Float>
) {
    ReduceEngine<NEONArithmetic>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: SIMD4<Float>.self)
}

/// `ReduceEngine.rowwise` for `Float` with `SIMD4<Float>` on arm64 NEON.
@inline(never)
package func reduceRowwiseNEON(
    _ op: RowwiseOperation, shape: [Int], dim: Int,
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    input: UnsafePointer<Float>, inputStrides: [Int]
) {
    ReduceEngine<NEONArithmetic>.rowwise(
        op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD4<Float>.self, multiplyAdd: NEONArithmetic.self)
}

/// `ReduceEngine.sum` for `Double` with `SIMD2<Double>` on arm64 NEON.
@inline(never)
package func reduceSumNEON(
    _ plan: ReductionPlan, output: UnsafeMutablePointer<Double>, input: UnsafePointer<Double>
) {
    ReduceEngine<NEONArithmetic>.sum(plan, output: output, input: input, vector: SIMD2<Double>.self)
}

/// `ReduceEngine.extreme` for `Double` with `SIMD2<Double>` on arm64 NEON.
@inline(never)
package func reduceExtremeNEON(
    _ plan: ReductionPlan, largest: Bool,
    values: UnsafeMutablePointer<Double>?, indices: UnsafeMutablePointer<Int64>?, input: UnsafePointer<Double>
) {
    ReduceEngine<NEONArithmetic>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: SIMD2<Double>.self)
}

/// `ReduceEngine.rowwise` for `Double` with `SIMD2<Double>` on arm64 NEON.
@inline(never)
package func reduceRowwiseNEON(
    _ op: RowwiseOperation, shape: [Int], dim: Int,
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    input: UnsafePointer<Double>, inputStrides: [Int]
) {
    ReduceEngine<NEONArithmetic>.rowwise(
        op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD2<Double>.self, multiplyAdd: NEONArithmetic.self)
}

import NablaKernelsCore
// AVX-512 instantiations of the reduction kernels. Non-inlinable and non-generic, so
// that the generic engine is specialised here, under this target's `-target-cpu`.

/// `ReduceEngine.sum` for `Float` with `SIMD16<Float>` on AVX-512.
@inline(never)
package func reduceSumAVX512(
    _ plan: ReductionPlan, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>
) {
    ReduceEngine<AVX512Arithmetic>.sum(plan, output: output, input: input, vector: SIMD16<Float>.self)
}

/// `ReduceEngine.extreme` for `Float` with `SIMD16<Float>` on AVX-512.
@inline(never)
package func reduceExtremeAVX512(
    _ plan: ReductionPlan, largest: Bool,
    values: UnsafeMutablePointer<Float>?, indices: UnsafeMutablePointer<Int64>?, input: UnsafePointer<Float>
) {
    ReduceEngine<AVX512Arithmetic>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: SIMD16<Float>.self)
}

/// `ReduceEngine.rowwise` for `Float` with `SIMD16<Float>` on AVX-512.
@inline(never)
package func reduceRowwiseAVX512(
    _ op: RowwiseOperation, shape: [Int], dim: Int,
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    input: UnsafePointer<Float>, inputStrides: [Int]
) {
    ReduceEngine<AVX512Arithmetic>.rowwise(
        op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD16<Float>.self, multiplyAdd: AVX512Arithmetic.self)
}

/// `ReduceEngine.sum` for `Double` with `SIMD8<Double>` on AVX-512.
@inline(never)
package func reduceSumAVX512(
    _ plan: ReductionPlan, output: UnsafeMutablePointer<Double>, input: UnsafePointer<Double>
) {
    ReduceEngine<AVX512Arithmetic>.sum(plan, output: output, input: input, vector: SIMD8<Double>.self)
}

/// `ReduceEngine.extreme` for `Double` with `SIMD8<Double>` on AVX-512.
@inline(never)
package func reduceExtremeAVX512(
    _ plan: ReductionPlan, largest: Bool,
    values: UnsafeMutablePointer<Double>?, indices: UnsafeMutablePointer<Int64>?, input: UnsafePointer<Double>
) {
    ReduceEngine<AVX512Arithmetic>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: SIMD8<Double>.self)
}

/// `ReduceEngine.rowwise` for `Double` with `SIMD8<Double>` on AVX-512.
@inline(never)
package func reduceRowwiseAVX512(
    _ op: RowwiseOperation, shape: [Int], dim: Int,
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    input: UnsafePointer<Double>, inputStrides: [Int]
) {
    ReduceEngine<AVX512Arithmetic>.rowwise(
        op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD8<Double>.self, multiplyAdd: AVX512Arithmetic.self)
}

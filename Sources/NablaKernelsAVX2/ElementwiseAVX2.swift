import NablaKernelsCore

// AVX2 + FMA instantiations of the element-wise kernels. Non-inlinable and non-generic, so
// that the generic engine is specialised here, under this target's `-target-cpu`.

/// `ElementwiseEngine.unary`
/// for `Float` with `SIMD8<Float>` on AVX2 + FMA.
@inline(never)
package func elementwiseUnaryAVX2(
    _ op: UnaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    input: UnsafePointer<Float>, inputStrides: [Int]
) {
    ElementwiseEngine<AVX2Arithmetic>.unary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD8<Float>.self, multiplyAdd: AVX2Arithmetic.self)
}

/// `ElementwiseEngine.binary`
/// for `Float` with `SIMD8<Float>` on AVX2 + FMA.
@inline(never)
package func elementwiseBinaryAVX2(
    _ op: BinaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    lhs: UnsafePointer<Float>, lhsStrides: [Int],
    rhs: UnsafePointer<Float>, rhsStrides: [Int]
) {
    ElementwiseEngine<AVX2Arithmetic>.binary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
        vector: SIMD8<Float>.self, multiplyAdd: AVX2Arithmetic.self)
}

/// `ElementwiseEngine.unary`
/// for `Double` with `SIMD4<Double>` on AVX2 + FMA.
@inline(never)
package func elementwiseUnaryAVX2(
    _ op: UnaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    input: UnsafePointer<Double>, inputStrides: [Int]
) {
    ElementwiseEngine<AVX2Arithmetic>.unary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD4<Double>.self, multiplyAdd: AVX2Arithmetic.self)
}

/// `ElementwiseEngine.binary`
/// for `Double` with `SIMD4<Double>` on AVX2 + FMA.
@inline(never)
package func elementwiseBinaryAVX2(
    _ op: BinaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    lhs: UnsafePointer<Double>, lhsStrides: [Int],
    rhs: UnsafePointer<Double>, rhsStrides: [Int]
) {
    ElementwiseEngine<AVX2Arithmetic>.binary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
        vector: SIMD4<Double>.self, multiplyAdd: AVX2Arithmetic.self)
}

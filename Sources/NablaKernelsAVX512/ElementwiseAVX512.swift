import NablaKernelsCore

// AVX-512 instantiations of the element-wise kernels. Non-inlinable and non-generic, so
// that the generic engine is specialised here, under this target's `-target-cpu`.

/// `ElementwiseEngine.unary`
/// for `Float` with `SIMD16<Float>` on AVX-512.
@inline(never)
package func elementwiseUnaryAVX512(
    _ op: UnaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    input: UnsafePointer<Float>, inputStrides: [Int]
) {
    ElementwiseEngine<AVX512Arithmetic>.unary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD16<Float>.self, multiplyAdd: AVX512Arithmetic.self)
}

/// `ElementwiseEngine.binary`
/// for `Float` with `SIMD16<Float>` on AVX-512.
@inline(never)
package func elementwiseBinaryAVX512(
    _ op: BinaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    lhs: UnsafePointer<Float>, lhsStrides: [Int],
    rhs: UnsafePointer<Float>, rhsStrides: [Int]
) {
    ElementwiseEngine<AVX512Arithmetic>.binary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
        vector: SIMD16<Float>.self, multiplyAdd: AVX512Arithmetic.self)
}

/// `ElementwiseEngine.unary`
/// for `Double` with `SIMD8<Double>` on AVX-512.
@inline(never)
package func elementwiseUnaryAVX512(
    _ op: UnaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    input: UnsafePointer<Double>, inputStrides: [Int]
) {
    ElementwiseEngine<AVX512Arithmetic>.unary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD8<Double>.self, multiplyAdd: AVX512Arithmetic.self)
}

/// `ElementwiseEngine.binary`
/// for `Double` with `SIMD8<Double>` on AVX-512.
@inline(never)
package func elementwiseBinaryAVX512(
    _ op: BinaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    lhs: UnsafePointer<Double>, lhsStrides: [Int],
    rhs: UnsafePointer<Double>, rhsStrides: [Int]
) {
    ElementwiseEngine<AVX512Arithmetic>.binary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
        vector: SIMD8<Double>.self, multiplyAdd: AVX512Arithmetic.self)
}

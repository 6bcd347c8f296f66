import NablaKernelsCore

// arm64 NEON instantiations of the element-wise kernels. Non-inlinable and non-generic, so
// that the generic engine is specialised here, under this target's `-target-cpu`.

/// `ElementwiseEngine.unary`
/// for `Float` with `SIMD4<Float>` on arm64 NEON.
@inline(never)
package func elementwiseUnaryNEON(
    _ op: UnaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    input: UnsafePointer<Float>, inputStrides: [Int]
) {
    ElementwiseEngine<NEONArithmetic>.unary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD4<Float>.self, multiplyAdd: NEONArithmetic.self)
}

/// `ElementwiseEngine.binary`
/// for `Float` with `SIMD4<Float>` on arm64 NEON.
@inline(never)
package func elementwiseBinaryNEON(
    _ op: BinaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Float>, outputStrides: [Int],
    lhs: UnsafePointer<Float>, lhsStrides: [Int],
    rhs: UnsafePointer<Float>, rhsStrides: [Int]
) {
    ElementwiseEngine<NEONArithmetic>.binary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
        vector: SIMD4<Float>.self, multiplyAdd: NEONArithmetic.self)
}

/// `ElementwiseEngine.unary`
/// for `Double` with `SIMD2<Double>` on arm64 NEON.
@inline(never)
package func elementwiseUnaryNEON(
    _ op: UnaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    input: UnsafePointer<Double>, inputStrides: [Int]
) {
    ElementwiseEngine<NEONArithmetic>.unary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        input: input, inputStrides: inputStrides, vector: SIMD2<Double>.self, multiplyAdd: NEONArithmetic.self)
}

/// `ElementwiseEngine.binary`
/// for `Double` with `SIMD2<Double>` on arm64 NEON.
@inline(never)
package func elementwiseBinaryNEON(
    _ op: BinaryFloatOperation, shape: [Int],
    output: UnsafeMutablePointer<Double>, outputStrides: [Int],
    lhs: UnsafePointer<Double>, lhsStrides: [Int],
    rhs: UnsafePointer<Double>, rhsStrides: [Int]
) {
    ElementwiseEngine<NEONArithmetic>.binary(
        op, shape: shape, output: output, outputStrides: outputStrides,
        lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
        vector: SIMD2<Double>.self, multiplyAdd: NEONArithmetic.self)
}

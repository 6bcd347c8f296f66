import NablaKernelsCore

#if NABLA_NEON
// NEON instantiations of the depthwise-convolution plane kernels. Non-inlinable and
// non-generic, so that the generic kernel is specialised here, under this target's
// `-target-cpu`.

/// `DepthwiseKernel.forward` for `Float` on NEON.
@inline(never)
package func depthwiseForwardNEON(
    _ plane: ConvolutionPlane, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: Float, accumulate: Bool, output: UnsafeMutablePointer<Float>
) {
    DepthwiseKernel<NEONFloat>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
}

/// `DepthwiseKernel.weightGradient` for `Float` on NEON.
@inline(never)
package func depthwiseWeightGradientNEON(
    _ plane: ConvolutionPlane, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
    weightGradient: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>
) {
    DepthwiseKernel<NEONFloat>.weightGradient(plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
}

/// `DepthwiseKernel.forward` for `Double` on NEON.
@inline(never)
package func depthwiseForwardNEON(
    _ plane: ConvolutionPlane, input: UnsafePointer<Double>, weight: UnsafePointer<Double>,
    bias: Double, accumulate: Bool, output: UnsafeMutablePointer<Double>
) {
    DepthwiseKernel<NEONDouble>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
}

/// `DepthwiseKernel.weightGradient` for `Double` on NEON.
@inline(never)
package func depthwiseWeightGradientNEON(
    _ plane: ConvolutionPlane, input: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>,
    weightGradient: UnsafeMutablePointer<Double>, mask: UnsafePointer<Double>
) {
    DepthwiseKernel<NEONDouble>.weightGradient(plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
}
#endif

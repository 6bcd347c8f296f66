import NablaKernelsCore

#if NABLA_AVX512
// AVX-512 instantiations of the depthwise-convolution plane kernels. Non-inlinable and
// non-generic, so that the generic kernel is specialised here, under this target's
// `-target-cpu`.

/// `DepthwiseKernel.forward` for `Float` on AVX-512.
@inline(never)
package func depthwiseForwardAVX512(
    _ plane: ConvolutionPlane, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: Float, accumulate: Bool, output: UnsafeMutablePointer<Float>
) {
    DepthwiseKernel<AVX512Float>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
}

/// `DepthwiseKernel.weightGradient` for `Float` on AVX-512.
@inline(never)
package func depthwiseWeightGradientAVX512(
    _ plane: ConvolutionPlane, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
    weightGradient: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>
) {
    DepthwiseKernel<AVX512Float>.weightGradient(plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
}

/// `DepthwiseKernel.forward` for `Double` on AVX-512.
@inline(never)
package func depthwiseForwardAVX512(
    _ plane: ConvolutionPlane, input: UnsafePointer<Double>, weight: UnsafePointer<Double>,
    bias: Double, accumulate: Bool, output: UnsafeMutablePointer<Double>
) {
    DepthwiseKernel<AVX512Double>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
}

/// `DepthwiseKernel.weightGradient` for `Double` on AVX-512.
@inline(never)
package func depthwiseWeightGradientAVX512(
    _ plane: ConvolutionPlane, input: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>,
    weightGradient: UnsafeMutablePointer<Double>, mask: UnsafePointer<Double>
) {
    DepthwiseKernel<AVX512Double>.weightGradient(plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
}
#endif

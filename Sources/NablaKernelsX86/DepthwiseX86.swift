import NablaKernelsCore

#if NABLA_X86_BASELINE
// baseline x86-64 instantiations of the depthwise-convolution plane kernels. Non-inlinable and
// non-generic, so that the generic kernel is specialised here, under this target's
// `-target-cpu`.

/// `DepthwiseKernel.forward` for `Float` on baseline x86-64.
@inline(never)
package func depthwiseForwardX86(
    _ plane: ConvolutionPlane, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: Float, accumulate: Bool, output: UnsafeMutablePointer<Float>
) {
    DepthwiseKernel<X86Float>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
}

/// `DepthwiseKernel.weightGradient` for `Float` on baseline x86-64.
@inline(never)
package func depthwiseWeightGradientX86(
    _ plane: ConvolutionPlane, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
    weightGradient: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>
) {
    DepthwiseKernel<X86Float>.weightGradient(plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
}

/// `DepthwiseKernel.forward` for `Double` on baseline x86-64.
@inline(never)
package func depthwiseForwardX86(
    _ plane: ConvolutionPlane, input: UnsafePointer<Double>, weight: UnsafePointer<Double>,
    bias: Double, accumulate: Bool, output: UnsafeMutablePointer<Double>
) {
    DepthwiseKernel<X86Double>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
}

/// `DepthwiseKernel.weightGradient` for `Double` on baseline x86-64.
@inline(never)
package func depthwiseWeightGradientX86(
    _ plane: ConvolutionPlane, input: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>,
    weightGradient: UnsafeMutablePointer<Double>, mask: UnsafePointer<Double>
) {
    DepthwiseKernel<X86Double>.weightGradient(plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
}
#endif

/// How a convolution's kernel walks one plane: the input and output plane sizes, the
/// kernel's size, strides, zero padding (above and left; the output size implies the rest)
/// and dilation. Plain integers, so that ISA entry points take it by value; the depthwise
/// plane kernels and the implicit GEMM's gather both read it.
@usableFromInline package struct ConvolutionPlane: Sendable {
    /// The input plane's height.
    @usableFromInline package var inputHeight: Int
    /// The input plane's width.
    @usableFromInline package var inputWidth: Int
    /// The output plane's height.
    @usableFromInline package var outputHeight: Int
    /// The output plane's width.
    @usableFromInline package var outputWidth: Int
    /// The filter's height.
    @usableFromInline package var kernelHeight: Int
    /// The filter's width.
    @usableFromInline package var kernelWidth: Int
    /// The step between output rows, in input rows.
    @usableFromInline package var strideHeight: Int
    /// The step between output columns, in input columns.
    @usableFromInline package var strideWidth: Int
    /// Implicit zero rows above the input.
    @usableFromInline package var padTop: Int
    /// Implicit zero columns left of the input.
    @usableFromInline package var padLeft: Int
    /// The spacing between filter rows.
    @usableFromInline package var dilationHeight: Int
    /// The spacing between filter columns.
    @usableFromInline package var dilationWidth: Int

    /// A plane geometry from its sizes and steps.
    ///
    /// - Parameters:
    ///   - input: The input plane's height and width.
    ///   - output: The output plane's height and width.
    ///   - kernel: The filter's height and width.
    ///   - stride: The steps along height and width.
    ///   - padding: The implicit zeros above and left of the input.
    ///   - dilation: The filter's spacing along height and width.
    @inlinable
    package init(input: (Int, Int), output: (Int, Int), kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) {
        (inputHeight, inputWidth) = input
        (outputHeight, outputWidth) = output
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (padTop, padLeft) = padding
        (dilationHeight, dilationWidth) = dilation
    }
}

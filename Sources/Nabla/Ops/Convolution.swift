import NablaKernels

// Convolutions as tensor operations (PyTorch's `F.conv1d`, `F.conv2d`,
// `F.conv_transpose1d`, `F.conv_transpose2d`): argument checks, shapes and autograd here,
// the arithmetic in NablaKernels' `Convolution` (GEMM on the micro-kernels with a fused
// im2col gather, and a direct depthwise kernel).

extension Tensor {
    /// A 2-d convolution over an input of shape `[N, C, H, W]` (or unbatched `[C, H, W]`),
    /// PyTorch's `F.conv2d`.
    ///
    /// The weight has PyTorch's layout `[outChannels, C / groups, kH, kW]`; the output is
    /// `[N, outChannels, H', W']` with `H' = (H + 2 * padding - dilation * (kH - 1) - 1) / stride + 1`.
    /// Computed in the input's dtype (float32 or float64, the weight's and bias's too), with
    /// gradients for the input, the weight and the bias.
    ///
    /// - Parameters:
    ///   - weight: The filters, `[outChannels, C / groups, kH, kW]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel along height and width.
    ///   - padding: Zeros added on both sides of each spatial dimension, or `.same` / `.valid`.
    ///   - dilation: The spacing between kernel elements.
    ///   - groups: Split channels into this many independent convolutions (`C` for depthwise).
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1, padding: ConvolutionPadding = 0,
                       dilation: SpatialSize = 1, groups: Int = 1) -> Tensor {
        convolution(spatialDims: 2, weight: weight, bias: bias, stride: stride, padding: padding,
                    dilation: dilation, groups: groups, operation: "conv2d")
    }

    /// A 1-d convolution over an input of shape `[N, C, L]` (or unbatched `[C, L]`),
    /// PyTorch's `F.conv1d`: ``conv2d(weight:bias:stride:padding:dilation:groups:)`` along
    /// one dimension, with a weight of shape `[outChannels, C / groups, k]`.
    ///
    /// - Parameters:
    ///   - weight: The filters, `[outChannels, C / groups, k]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel.
    ///   - padding: Zeros added on both sides, or `.same` / `.valid`.
    ///   - dilation: The spacing between kernel elements.
    ///   - groups: Split channels into this many independent convolutions.
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1, padding: ConvolutionPadding = 0,
                       dilation: SpatialSize = 1, groups: Int = 1) -> Tensor {
        convolution(spatialDims: 1, weight: weight, bias: bias, stride: stride, padding: padding,
                    dilation: dilation, groups: groups, operation: "conv1d")
    }

    /// A 2-d transposed convolution (the gradient of ``conv2d(weight:bias:stride:padding:dilation:groups:)``
    /// with respect to its input, sometimes called a deconvolution), PyTorch's
    /// `F.conv_transpose2d`, over an input `[N, C, H, W]` (or `[C, H, W]`).
    ///
    /// The weight has PyTorch's layout `[C, outChannels / groups, kH, kW]`; the output's
    /// height is `(H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1`.
    ///
    /// - Parameters:
    ///   - weight: The filters, `[C, outChannels / groups, kH, kW]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel in the output.
    ///   - padding: Removed from both sides of the output (`dilation * (k - 1) - padding`
    ///     zeros padded in the equivalent direct convolution).
    ///   - outputPadding: Added to one side of the output, to choose among the sizes a
    ///     strided convolution maps to the same input size; below the stride or the dilation.
    ///   - groups: Split channels into this many independent convolutions.
    ///   - dilation: The spacing between kernel elements.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1, padding: SpatialSize = 0,
                                outputPadding: SpatialSize = 0, groups: Int = 1, dilation: SpatialSize = 1) -> Tensor {
        transposedConvolution(spatialDims: 2, weight: weight, bias: bias, stride: stride, padding: padding,
                              outputPadding: outputPadding, groups: groups, dilation: dilation, operation: "convTranspose2d")
    }

    /// A 1-d transposed convolution over `[N, C, L]` (or `[C, L]`), PyTorch's
    /// `F.conv_transpose1d`: ``convTranspose2d(weight:bias:stride:padding:outputPadding:groups:dilation:)``
    /// along one dimension, with a weight of shape `[C, outChannels / groups, k]`.
    ///
    /// - Parameters:
    ///   - weight: The filters, `[C, outChannels / groups, k]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel in the output.
    ///   - padding: Removed from both sides of the output.
    ///   - outputPadding: Added to one side of the output.
    ///   - groups: Split channels into this many independent convolutions.
    ///   - dilation: The spacing between kernel elements.
    public func convTranspose1d(weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1, padding: SpatialSize = 0,
                                outputPadding: SpatialSize = 0, groups: Int = 1, dilation: SpatialSize = 1) -> Tensor {
        transposedConvolution(spatialDims: 1, weight: weight, bias: bias, stride: stride, padding: padding,
                              outputPadding: outputPadding, groups: groups, dilation: dilation, operation: "convTranspose1d")
    }

    // MARK: Shared checks

    /// The input as `[N, C, H, W]` (a 1-d input gets height 1, an unbatched one batch 1)
    /// and whether the result drops the batch dimension again.
    private func convolutionInput(spatialDims: Int, weight: Tensor, bias: Tensor?, groups: Int,
                                  operation: String) -> (input: Tensor, unbatched: Bool) {
        let rank = spatialDims + 2
        guard ndim == rank || ndim == rank - 1 else {
            fatalError("\(operation): expected a \(rank - 1)-d (unbatched) or \(rank)-d (batched) input, got shape \(shape)")
        }
        guard weight.ndim == rank else {
            fatalError("\(operation): expected a \(rank)-d weight, got shape \(weight.shape) (input shape \(shape))")
        }
        guard dtype == .float32 || dtype == .float64 else {
            fatalError("\(operation): input must be float32 or float64, got \(dtype) (shape \(shape))")
        }
        guard weight.dtype == dtype, bias.map({ $0.dtype == dtype }) ?? true else {
            fatalError("\(operation): input (\(dtype)), weight (\(weight.dtype))\(bias.map { " and bias (\($0.dtype))" } ?? "") must have the same dtype")
        }
        guard groups > 0 else { fatalError("\(operation): groups must be positive, got \(groups)") }
        let unbatched = ndim == rank - 1
        var input = unbatched ? unsqueeze(0) : self
        if spatialDims == 1 { input = input.unsqueeze(2) }
        return (input, unbatched)
    }

    /// Restores the caller's rank: drops the height of a 1-d result and the batch of an
    /// unbatched one.
    private func convolutionResult(spatialDims: Int, unbatched: Bool) -> Tensor {
        var result = spatialDims == 1 ? squeeze(2) : self
        if unbatched { result = result.squeeze(0) }
        return result
    }

    private func convolution(spatialDims: Int, weight: Tensor, bias: Tensor?, stride: SpatialSize, padding: ConvolutionPadding,
                             dilation: SpatialSize, groups: Int, operation: String) -> Tensor {
        let (input, unbatched) = convolutionInput(spatialDims: spatialDims, weight: weight, bias: bias, groups: groups, operation: operation)
        let channels = input.shape[1], outChannels = weight.shape[0]
        guard channels % groups == 0, outChannels % groups == 0, weight.shape[1] * groups == channels else {
            fatalError("\(operation): input of shape \(shape) with groups = \(groups) needs a weight of shape [outChannels, \(channels / Swift.max(groups, 1)), ...] with outChannels divisible by groups, got \(weight.shape)")
        }
        if let bias, bias.shape != [outChannels] {
            fatalError("\(operation): bias of shape \(bias.shape) does not match the weight's \(outChannels) output channels")
        }
        var kernel = Array(weight.shape.suffix(spatialDims))
        var steps = stride.expanded(to: spatialDims, argument: "stride", operation: operation, minimum: 1)
        var spacing = dilation.expanded(to: spatialDims, argument: "dilation", operation: operation, minimum: 1)
        var before: [Int], after: [Int]
        switch padding {
        case let .explicit(amounts):
            before = amounts.expanded(to: spatialDims, argument: "padding", operation: operation)
            after = before
        case .valid:
            before = [Int](repeating: 0, count: spatialDims)
            after = before
        case .same:
            guard steps.allSatisfy({ $0 == 1 }) else {
                fatalError("\(operation): padding .same is not supported for strided convolutions (stride \(stride))")
            }
            let total = zip(spacing, kernel).map { $0 * ($1 - 1) }
            before = total.map { $0 / 2 }
            after = zip(total, before).map { $0 - $1 }
        }
        if spatialDims == 1 {
            kernel.insert(1, at: 0); steps.insert(1, at: 0); spacing.insert(1, at: 0); before.insert(0, at: 0); after.insert(0, at: 0)
        }
        let height = input.shape[2], width = input.shape[3]
        let outHeight = ConvolutionShape.outputLength(height, kernel: kernel[0], stride: steps[0], padding: before[0] + after[0], dilation: spacing[0])
        let outWidth = ConvolutionShape.outputLength(width, kernel: kernel[1], stride: steps[1], padding: before[1] + after[1], dilation: spacing[1])
        let fits = zip([height, width], zip(kernel, zip(spacing, zip(before, after)))).allSatisfy { size, rest in
            let (k, (d, (b, a))) = rest
            return size + b + a >= d * (k - 1) + 1
        }
        guard fits, kernel.allSatisfy({ $0 > 0 }) else {
            fatalError("\(operation): the kernel \(Array(weight.shape.suffix(spatialDims))) (dilation \(dilation)) is larger than the padded input (shape \(shape), padding \(padding))")
        }
        let geometry = ConvolutionShape(
            batch: input.shape[0], inChannels: channels, outChannels: outChannels, groups: groups,
            inputSize: (height, width), kernelSize: (kernel[0], kernel[1]), stride: (steps[0], steps[1]),
            padding: (before[0], before[1]), dilation: (spacing[0], spacing[1]), outputSize: (outHeight, outWidth))
        let x = input.detach().contiguous(), w = weight.detach().contiguous()
        let b = bias?.detach().contiguous()
        let out = Tensor(uninitializedShape: [geometry.batch, outChannels, outHeight, outWidth], dtype: dtype, zeroed: false, operation: operation)
        Tensor.convolutionForward(geometry, input: x, weight: w, bias: b, into: out)
        let output = out.convolutionResult(spatialDims: spatialDims, unbatched: unbatched)
        return recordingConvolutionGradient(output, outShape: out.shape, geometry: geometry, transposed: false,
                                            input: x, filters: w, weight: weight, bias: bias, operation: operation)
    }

    private func transposedConvolution(spatialDims: Int, weight: Tensor, bias: Tensor?, stride: SpatialSize, padding: SpatialSize,
                                       outputPadding: SpatialSize, groups: Int, dilation: SpatialSize, operation: String) -> Tensor {
        let (input, unbatched) = convolutionInput(spatialDims: spatialDims, weight: weight, bias: bias, groups: groups, operation: operation)
        let channels = input.shape[1]
        guard weight.shape[0] == channels, channels % groups == 0 else {
            fatalError("\(operation): input of shape \(shape) needs a weight of shape [\(channels), outChannels / groups, ...] with \(channels) divisible by groups = \(groups), got \(weight.shape)")
        }
        let outChannels = weight.shape[1] * groups
        if let bias, bias.shape != [outChannels] {
            fatalError("\(operation): bias of shape \(bias.shape) does not match the \(outChannels) output channels (weight shape \(weight.shape), groups \(groups))")
        }
        var kernel = Array(weight.shape.suffix(spatialDims))
        var steps = stride.expanded(to: spatialDims, argument: "stride", operation: operation, minimum: 1)
        var spacing = dilation.expanded(to: spatialDims, argument: "dilation", operation: operation, minimum: 1)
        var pads = padding.expanded(to: spatialDims, argument: "padding", operation: operation)
        var extra = outputPadding.expanded(to: spatialDims, argument: "outputPadding", operation: operation)
        for d in 0..<spatialDims where extra[d] >= Swift.max(steps[d], spacing[d]) {
            fatalError("\(operation): outputPadding \(outputPadding) must be smaller than the stride \(stride) or the dilation \(dilation)")
        }
        if spatialDims == 1 {
            kernel.insert(1, at: 0); steps.insert(1, at: 0); spacing.insert(1, at: 0); pads.insert(0, at: 0); extra.insert(0, at: 0)
        }
        let height = input.shape[2], width = input.shape[3]
        let outHeight = (height - 1) * steps[0] - 2 * pads[0] + spacing[0] * (kernel[0] - 1) + extra[0] + 1
        let outWidth = (width - 1) * steps[1] - 2 * pads[1] + spacing[1] * (kernel[1] - 1) + extra[1] + 1
        guard outHeight > 0, outWidth > 0 else {
            fatalError("\(operation): the output size for input shape \(shape), kernel \(weight.shape), stride \(stride), padding \(padding) is \(outHeight)x\(outWidth), too small")
        }
        // The convolution this one transposes maps the output (its input) back to `input`.
        let geometry = ConvolutionShape(
            batch: input.shape[0], inChannels: outChannels, outChannels: channels, groups: groups,
            inputSize: (outHeight, outWidth), kernelSize: (kernel[0], kernel[1]), stride: (steps[0], steps[1]),
            padding: (pads[0], pads[1]), dilation: (spacing[0], spacing[1]), outputSize: (height, width))
        let x = input.detach().contiguous(), w = weight.detach().contiguous()
        let out = Tensor(uninitializedShape: [geometry.batch, outChannels, outHeight, outWidth], dtype: dtype, zeroed: false, operation: operation)
        Tensor.convolutionBackwardInput(geometry, outputGradient: x, weight: w, into: out)
        if let bias { withNoGrad { out.addInPlace(bias.detach().view(1, outChannels, 1, 1)) } }
        let output = out.convolutionResult(spatialDims: spatialDims, unbatched: unbatched)
        return recordingConvolutionGradient(output, outShape: out.shape, geometry: geometry, transposed: true,
                                            input: x, filters: w, weight: weight, bias: bias, operation: operation)
    }

    /// Records the backward of a convolution (or, `transposed`, of the transposed
    /// convolution of `geometry`) whose result is `output`, computed from `self` as
    /// `input` (contiguous `[N, C, H, W]`) and `weight` as `filters` (contiguous).
    ///
    /// A convolution's input gradient is its transposed convolution and the other way
    /// round; the weight gradient is the same kernel with input and output gradient
    /// swapped; the bias gradient sums the output gradient over all but the channels.
    private func recordingConvolutionGradient(_ output: Tensor, outShape: [Int], geometry: ConvolutionShape, transposed: Bool,
                                              input x: Tensor, filters w: Tensor, weight: Tensor, bias: Tensor?,
                                              operation: String) -> Tensor {
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        let inputShape = shape, weightShape = weight.shape
        let needsInput = requiresGrad, needsWeight = weight.requiresGrad
        return output.recordingGradient("ConvolutionBackward0", inputs: inputs, saving: [self, weight]) { g in
            let dy = g.reshape(outShape).contiguous()
            var grads: [Tensor?] = [nil, nil]
            if needsInput {
                let dx = Tensor(uninitializedShape: x.shape, dtype: x.dtype, zeroed: false, operation: operation)
                if transposed {
                    Tensor.convolutionForward(geometry, input: dy, weight: w, bias: nil, into: dx)
                } else {
                    Tensor.convolutionBackwardInput(geometry, outputGradient: dy, weight: w, into: dx)
                }
                grads[0] = dx.reshape(inputShape)
            }
            if needsWeight {
                let dw = Tensor(uninitializedShape: w.shape, dtype: w.dtype, zeroed: false, operation: operation)
                Tensor.convolutionBackwardWeight(geometry, input: transposed ? dy : x, outputGradient: transposed ? x : dy, into: dw)
                grads[1] = dw.reshape(weightShape)
            }
            if let bias {
                grads.append(bias.requiresGrad ? dy.sum(dims: [0, 2, 3]) : nil)
            }
            return grads
        }
    }

    // MARK: Kernel calls (one dtype switch each)

    private static func convolutionForward(_ shape: ConvolutionShape, input: Tensor, weight: Tensor, bias: Tensor?, into out: Tensor) {
        switch out.dtype {
        case .float32:
            Convolution.forward(shape, input: input.pointer(as: Float.self), weight: weight.pointer(as: Float.self),
                                bias: bias.map { UnsafePointer($0.pointer(as: Float.self)) }, output: out.pointer(as: Float.self))
        case .float64:
            Convolution.forward(shape, input: input.pointer(as: Double.self), weight: weight.pointer(as: Double.self),
                                bias: bias.map { UnsafePointer($0.pointer(as: Double.self)) }, output: out.pointer(as: Double.self))
        default:
            fatalError("convolution: internal error, dtype \(out.dtype)")
        }
    }

    private static func convolutionBackwardInput(_ shape: ConvolutionShape, outputGradient: Tensor, weight: Tensor, into out: Tensor) {
        switch out.dtype {
        case .float32:
            Convolution.backwardInput(shape, outputGradient: outputGradient.pointer(as: Float.self),
                                      weight: weight.pointer(as: Float.self), inputGradient: out.pointer(as: Float.self))
        case .float64:
            Convolution.backwardInput(shape, outputGradient: outputGradient.pointer(as: Double.self),
                                      weight: weight.pointer(as: Double.self), inputGradient: out.pointer(as: Double.self))
        default:
            fatalError("convolution: internal error, dtype \(out.dtype)")
        }
    }

    private static func convolutionBackwardWeight(_ shape: ConvolutionShape, input: Tensor, outputGradient: Tensor, into out: Tensor) {
        switch out.dtype {
        case .float32:
            Convolution.backwardWeight(shape, input: input.pointer(as: Float.self), outputGradient: outputGradient.pointer(as: Float.self),
                                       weightGradient: out.pointer(as: Float.self))
        case .float64:
            Convolution.backwardWeight(shape, input: input.pointer(as: Double.self), outputGradient: outputGradient.pointer(as: Double.self),
                                       weightGradient: out.pointer(as: Double.self))
        default:
            fatalError("convolution: internal error, dtype \(out.dtype)")
        }
    }
}

// The functional forms of the convolution and normalisation layers (PyTorch's
// `F.conv2d`, `F.batch_norm`, ...): the ``Nabla/Tensor`` methods of the same names,
// listed in ``Functional`` so that the functional vocabulary is complete.

extension Functional {
    /// A 2-d convolution (PyTorch's `F.conv2d`): see
    /// ``Nabla/Tensor/conv2d(weight:bias:stride:padding:dilation:groups:)``.
    ///
    /// - Parameters:
    ///   - input: `[N, C, H, W]` or `[C, H, W]`.
    ///   - weight: `[outChannels, C / groups, kH, kW]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel.
    ///   - padding: Zeros on both sides of each dimension, `.same` or `.valid`.
    ///   - dilation: The spacing between kernel elements.
    ///   - groups: The number of channel groups.
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1,
                              padding: ConvolutionPadding = 0, dilation: SpatialSize = 1, groups: Int = 1) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// A 1-d convolution (PyTorch's `F.conv1d`): see
    /// ``Nabla/Tensor/conv1d(weight:bias:stride:padding:dilation:groups:)``.
    ///
    /// - Parameters:
    ///   - input: `[N, C, L]` or `[C, L]`.
    ///   - weight: `[outChannels, C / groups, k]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel.
    ///   - padding: Zeros on both sides, `.same` or `.valid`.
    ///   - dilation: The spacing between kernel elements.
    ///   - groups: The number of channel groups.
    public static func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1,
                              padding: ConvolutionPadding = 0, dilation: SpatialSize = 1, groups: Int = 1) -> Tensor {
        input.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// A 2-d transposed convolution (PyTorch's `F.conv_transpose2d`): see
    /// ``Nabla/Tensor/convTranspose2d(weight:bias:stride:padding:outputPadding:groups:dilation:)``.
    ///
    /// - Parameters:
    ///   - input: `[N, C, H, W]` or `[C, H, W]`.
    ///   - weight: `[C, outChannels / groups, kH, kW]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel in the output.
    ///   - padding: Removed from both sides of the output.
    ///   - outputPadding: Added to one side of the output.
    ///   - groups: The number of channel groups.
    ///   - dilation: The spacing between kernel elements.
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1,
                                       padding: SpatialSize = 0, outputPadding: SpatialSize = 0, groups: Int = 1,
                                       dilation: SpatialSize = 1) -> Tensor {
        input.convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                              groups: groups, dilation: dilation)
    }

    /// A 1-d transposed convolution (PyTorch's `F.conv_transpose1d`): see
    /// ``Nabla/Tensor/convTranspose1d(weight:bias:stride:padding:outputPadding:groups:dilation:)``.
    ///
    /// - Parameters:
    ///   - input: `[N, C, L]` or `[C, L]`.
    ///   - weight: `[C, outChannels / groups, k]`.
    ///   - bias: One value per output channel, or nil.
    ///   - stride: The step of the kernel in the output.
    ///   - padding: Removed from both sides of the output.
    ///   - outputPadding: Added to one side of the output.
    ///   - groups: The number of channel groups.
    ///   - dilation: The spacing between kernel elements.
    public static func convTranspose1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: SpatialSize = 1,
                                       padding: SpatialSize = 0, outputPadding: SpatialSize = 0, groups: Int = 1,
                                       dilation: SpatialSize = 1) -> Tensor {
        input.convTranspose1d(weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                              groups: groups, dilation: dilation)
    }

    /// Batch normalisation (PyTorch's `F.batch_norm`): see
    /// ``Nabla/Tensor/batchNorm(runningMean:runningVar:weight:bias:training:momentum:eps:)``.
    ///
    /// - Parameters:
    ///   - input: `[N, C]`, `[N, C, L]` or `[N, C, H, W]`.
    ///   - runningMean: The running mean `[C]`, updated in place in training, or nil.
    ///   - runningVar: The running variance `[C]`, updated in place in training, or nil.
    ///   - weight: The per-channel scale, or nil.
    ///   - bias: The per-channel shift, or nil.
    ///   - training: Normalise with the batch's statistics (and update the running ones).
    ///   - momentum: The weight of this batch in the running statistics.
    ///   - eps: Added to the variance for numerical stability.
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        input.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                        training: training, momentum: momentum, eps: eps)
    }

    /// Layer normalisation over the trailing `normalizedShape` (PyTorch's `F.layer_norm`):
    /// see ``Nabla/Tensor/layerNorm(normalizedShape:weight:bias:eps:)``.
    ///
    /// - Parameters:
    ///   - input: A tensor whose shape ends in `normalizedShape`.
    ///   - normalizedShape: The trailing dimensions normalised together.
    ///   - weight: The element-wise scale, of shape `normalizedShape`, or nil.
    ///   - bias: The element-wise shift, of shape `normalizedShape`, or nil.
    ///   - eps: Added to the variance for numerical stability.
    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        input.layerNorm(normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    /// Group normalisation (PyTorch's `F.group_norm`): see
    /// ``Nabla/Tensor/groupNorm(numGroups:weight:bias:eps:)``.
    ///
    /// - Parameters:
    ///   - input: `[N, C, ...]` with `C` divisible by `numGroups`.
    ///   - numGroups: The number of channel groups normalised separately.
    ///   - weight: The per-channel scale, or nil.
    ///   - bias: The per-channel shift, or nil.
    ///   - eps: Added to the variance for numerical stability.
    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        input.groupNorm(numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }
}

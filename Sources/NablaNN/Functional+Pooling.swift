// The functional forms of pooling, padding, resampling and channel dropout (PyTorch's
// `F.max_pool2d`, `F.avg_pool2d`, `F.adaptive_avg_pool2d`, `F.pad`, `F.interpolate`,
// `F.dropout2d`...), for the modules in Modules/Pooling.swift and custom `forward`s.

extension Functional {
    /// The largest value of each window over the last two dims (PyTorch's `F.max_pool2d`):
    /// see ``Nabla/Tensor/maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x H x W` or `C x H x W` tensor.
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit `-infinity` padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output size up instead of down.
    public static func maxPool2d(_ input: Tensor, kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                                 dilation: SpatialSize = 1, ceilMode: Bool = false) -> Tensor {
        input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The largest value of each window over the last dim (PyTorch's `F.max_pool1d`): see
    /// ``Nabla/Tensor/maxPool1d(kernelSize:stride:padding:dilation:ceilMode:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x L` or `C x L` tensor.
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit `-infinity` padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output length up instead of down.
    public static func maxPool1d(_ input: Tensor, kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                                 dilation: SpatialSize = 1, ceilMode: Bool = false) -> Tensor {
        input.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The mean of each window over the last two dims (PyTorch's `F.avg_pool2d`): see
    /// ``Nabla/Tensor/avgPool2d(kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x H x W` or `C x H x W` tensor.
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit zero padding on both sides, at most half the kernel size.
    ///   - ceilMode: Round the output size up instead of down.
    ///   - countIncludePad: Whether padding elements count in the mean's divisor.
    ///   - divisorOverride: A fixed divisor for every window (non-zero), or nil.
    public static func avgPool2d(_ input: Tensor, kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                                 ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
        input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                        countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    /// The mean of each window over the last dim (PyTorch's `F.avg_pool1d`): see
    /// ``Nabla/Tensor/avgPool1d(kernelSize:stride:padding:ceilMode:countIncludePad:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x L` or `C x L` tensor.
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit zero padding on both sides, at most half the kernel size.
    ///   - ceilMode: Round the output length up instead of down.
    ///   - countIncludePad: Whether padding elements count in the mean's divisor.
    public static func avgPool1d(_ input: Tensor, kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                                 ceilMode: Bool = false, countIncludePad: Bool = true) -> Tensor {
        input.avgPool1d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }

    /// The mean of `outputSize` adaptive windows over the last two dims (PyTorch's
    /// `F.adaptive_avg_pool2d`): see ``Nabla/Tensor/adaptiveAvgPool2d(outputSize:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x H x W` or `C x H x W` tensor.
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize: SpatialSize) -> Tensor {
        input.adaptiveAvgPool2d(outputSize: outputSize)
    }

    /// The maximum of `outputSize` adaptive windows over the last two dims (PyTorch's
    /// `F.adaptive_max_pool2d`): see ``Nabla/Tensor/adaptiveMaxPool2d(outputSize:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x H x W` or `C x H x W` tensor.
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    public static func adaptiveMaxPool2d(_ input: Tensor, outputSize: SpatialSize) -> Tensor {
        input.adaptiveMaxPool2d(outputSize: outputSize)
    }

    /// The mean of `outputSize` adaptive windows over the last dim (PyTorch's
    /// `F.adaptive_avg_pool1d`): see ``Nabla/Tensor/adaptiveAvgPool1d(outputSize:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x L` or `C x L` tensor.
    ///   - outputSize: The output's length.
    public static func adaptiveAvgPool1d(_ input: Tensor, outputSize: SpatialSize) -> Tensor {
        input.adaptiveAvgPool1d(outputSize: outputSize)
    }

    /// The maximum of `outputSize` adaptive windows over the last dim (PyTorch's
    /// `F.adaptive_max_pool1d`): see ``Nabla/Tensor/adaptiveMaxPool1d(outputSize:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x L` or `C x L` tensor.
    ///   - outputSize: The output's length.
    public static func adaptiveMaxPool1d(_ input: Tensor, outputSize: SpatialSize) -> Tensor {
        input.adaptiveMaxPool1d(outputSize: outputSize)
    }

    /// Pads the last dims (PyTorch's `F.pad`): see ``Nabla/Tensor/pad(_:mode:value:)``.
    ///
    /// - Parameters:
    ///   - input: The tensor to pad.
    ///   - amounts: Pairs `(before, after)` from the last dim backwards.
    ///   - mode: How the new elements are made up.
    ///   - value: The fill value of `.zeros` mode.
    public static func pad(_ input: Tensor, _ amounts: [Int], mode: PaddingMode = .zeros, value: Double = 0) -> Tensor {
        input.pad(amounts, mode: mode, value: value)
    }

    /// Resamples the spatial dims (PyTorch's `F.interpolate`): see
    /// ``Nabla/Tensor/interpolate(size:scaleFactor:mode:alignCorners:)``.
    ///
    /// - Parameters:
    ///   - input: An `N x C x L` or `N x C x H x W` tensor.
    ///   - size: The output's spatial size, one value or one per spatial dim.
    ///   - scaleFactor: The multiplier of the spatial size, one value or one per spatial dim.
    ///   - mode: The resampling rule.
    ///   - alignCorners: For linear modes: whether the corner pixels of input and output align.
    public static func interpolate(_ input: Tensor, size: SpatialSize? = nil, scaleFactor: [Double]? = nil,
                                   mode: InterpolationMode = .nearest, alignCorners: Bool? = nil) -> Tensor {
        input.interpolate(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }

    /// In training, each whole channel zeroed with probability `p` and the rest scaled by
    /// `1 / (1 - p)` (PyTorch's `F.dropout2d`); the input itself when `training` is false.
    ///
    /// As in PyTorch, a channel is a slice `input[n, c]`: one mask value is drawn per
    /// element of the first two dims. A 3-d input is therefore read as `(N, C, L)`, the
    /// way PyTorch 2 reads it (with a warning there), not as an unbatched `(C, H, W)`.
    ///
    /// - Parameters:
    ///   - input: An `N x C x H x W` (or `N x C x L`) tensor of floating-point values.
    ///   - p: The probability of zeroing a channel.
    ///   - training: Whether to drop (in evaluation mode dropout is the identity).
    ///   - generator: The source of the mask (the default generator when nil).
    public static func dropout2d(_ input: Tensor, p: Double = 0.5, training: Bool = true, generator: Generator? = nil) -> Tensor {
        guard (0...1).contains(p) else { fatalError("dropout2d: p must be in 0...1, got \(p)") }
        guard input.dtype.isFloatingPoint else { fatalError("dropout2d: input must be floating point, got \(input.dtype) (shape \(input.shape))") }
        guard input.ndim >= 2 else { fatalError("dropout2d: expected an input with a batch and a channel dim (N, C, H, W), got shape \(input.shape)") }
        guard training, p > 0 else { return input }
        if p == 1 { return input * 0.0 }
        let maskShape = Array(input.shape[0..<2]) + [Int](repeating: 1, count: input.ndim - 2)
        return input * (Tensor.bernoulli(maskShape, p: 1 - p, dtype: input.dtype, generator: generator) / (1 - p))
    }
}

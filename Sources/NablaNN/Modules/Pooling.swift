// Pooling, resampling and channel-dropout layers: PyTorch's `nn.MaxPool1d/2d`,
// `nn.AvgPool1d/2d`, `nn.AdaptiveAvgPool2d`, `nn.AdaptiveMaxPool2d`, `nn.Upsample` and
// `nn.Dropout2d`. None has parameters; each prints its arguments as PyTorch does.

/// Python's repr of a one-element tuple, `(3,)`, as PyTorch's 1-d average pooling prints
/// its arguments.
private func singleTupleDescription(_ size: SpatialSize) -> String {
    size.values.count == 1 ? "(\(size.values[0]),)" : size.description
}

/// PyTorch's `_MaxPoolNd`: the arguments and printing `MaxPool1d` and `MaxPool2d` share.
/// Use the concrete layers.
public class MaxPoolLayer: Module {
    /// The window's size.
    public let kernelSize: SpatialSize
    /// The step between windows (the kernel size unless given).
    public let stride: SpatialSize
    /// The implicit `-infinity` padding on both sides.
    public let padding: SpatialSize
    /// The step between a window's elements.
    public let dilation: SpatialSize
    /// Whether the output size is rounded up.
    public let ceilMode: Bool

    init(kernelSize: SpatialSize, stride: SpatialSize?, padding: SpatialSize, dilation: SpatialSize, ceilMode: Bool) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        super.init()
    }

    /// None.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `kernel_size=..., stride=..., padding=..., dilation=..., ceil_mode=...`, as PyTorch prints it.
    public override var extraDescription: String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(ceilMode ? "True" : "False")"
    }
}

/// Max pooling over the last dim of `N x C x L` or `C x L` inputs (PyTorch's
/// `nn.MaxPool1d`).
public final class MaxPool1d: MaxPoolLayer {
    /// A max pooling layer.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output length up instead of down.
    public override init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0, dilation: SpatialSize = 1, ceilMode: Bool = false) {
        super.init(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The maximum of each window.
    ///
    /// - Parameter input: An `N x C x L` or `C x L` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.maxPool1d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// Max pooling over the last two dims of `N x C x H x W` or `C x H x W` inputs
/// (PyTorch's `nn.MaxPool2d`).
public final class MaxPool2d: MaxPoolLayer {
    /// A max pooling layer, such as ResNet's `MaxPool2d(kernelSize: 3, stride: 2, padding: 1)`.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output size up instead of down.
    public override init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0, dilation: SpatialSize = 1, ceilMode: Bool = false) {
        super.init(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The maximum of each window.
    ///
    /// - Parameter input: An `N x C x H x W` or `C x H x W` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// PyTorch's `_AvgPoolNd`: the arguments and printing `AvgPool1d` and `AvgPool2d` share.
/// Use the concrete layers.
public class AvgPoolLayer: Module {
    /// The window's size.
    public let kernelSize: SpatialSize
    /// The step between windows (the kernel size unless given).
    public let stride: SpatialSize
    /// The implicit zero padding on both sides.
    public let padding: SpatialSize
    /// Whether the output size is rounded up.
    public let ceilMode: Bool
    /// Whether padding elements count in the mean's divisor.
    public let countIncludePad: Bool

    init(kernelSize: SpatialSize, stride: SpatialSize?, padding: SpatialSize, ceilMode: Bool, countIncludePad: Bool) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        super.init()
    }

    /// None.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `kernel_size=..., stride=..., padding=...`, as PyTorch prints it.
    public override var extraDescription: String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)"
    }
}

/// Average pooling over the last dim of `N x C x L` or `C x L` inputs (PyTorch's
/// `nn.AvgPool1d`).
public final class AvgPool1d: AvgPoolLayer {
    /// An average pooling layer.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit zero padding on both sides, at most half the kernel size.
    ///   - ceilMode: Round the output length up instead of down.
    ///   - countIncludePad: Whether padding elements count in the mean's divisor.
    public override init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        super.init(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }

    /// The mean of each window.
    ///
    /// - Parameter input: An `N x C x L` or `C x L` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.avgPool1d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }

    /// `kernel_size=(k,), stride=(s,), padding=(p,)`: PyTorch stores 1-d average pooling
    /// arguments as one-element tuples and prints them so.
    public override var extraDescription: String {
        "kernel_size=\(singleTupleDescription(kernelSize)), stride=\(singleTupleDescription(stride)), padding=\(singleTupleDescription(padding))"
    }
}

/// Average pooling over the last two dims of `N x C x H x W` or `C x H x W` inputs
/// (PyTorch's `nn.AvgPool2d`).
public final class AvgPool2d: AvgPoolLayer {
    /// A fixed divisor for every window, or nil.
    public let divisorOverride: Int?

    /// An average pooling layer.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit zero padding on both sides, at most half the kernel size.
    ///   - ceilMode: Round the output size up instead of down.
    ///   - countIncludePad: Whether padding elements count in the mean's divisor.
    ///   - divisorOverride: A fixed divisor for every window (non-zero), or nil.
    public init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.divisorOverride = divisorOverride
        super.init(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }

    /// The mean of each window.
    ///
    /// - Parameter input: An `N x C x H x W` or `C x H x W` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                             countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }
}

/// Average pooling to a fixed output size over the last two dims (PyTorch's
/// `nn.AdaptiveAvgPool2d`), such as the global average pooling before a classifier:
/// `AdaptiveAvgPool2d(outputSize: 1)`.
public final class AdaptiveAvgPool2d: Module {
    /// The output's spatial size.
    public let outputSize: SpatialSize

    /// An adaptive average pooling layer.
    ///
    /// - Parameters:
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    public init(outputSize: SpatialSize) {
        self.outputSize = outputSize
        super.init()
    }

    /// The mean of each adaptive window.
    ///
    /// - Parameter input: An `N x C x H x W` or `C x H x W` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.adaptiveAvgPool2d(input, outputSize: outputSize)
    }

    /// None.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `output_size=...`, as PyTorch prints it.
    public override var extraDescription: String { "output_size=\(outputSize)" }
}

/// Max pooling to a fixed output size over the last two dims (PyTorch's
/// `nn.AdaptiveMaxPool2d`).
public final class AdaptiveMaxPool2d: Module {
    /// The output's spatial size.
    public let outputSize: SpatialSize

    /// An adaptive max pooling layer.
    ///
    /// - Parameters:
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    public init(outputSize: SpatialSize) {
        self.outputSize = outputSize
        super.init()
    }

    /// The maximum of each adaptive window.
    ///
    /// - Parameter input: An `N x C x H x W` or `C x H x W` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.adaptiveMaxPool2d(input, outputSize: outputSize)
    }

    /// None.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `output_size=...`, as PyTorch prints it.
    public override var extraDescription: String { "output_size=\(outputSize)" }
}

/// Resamples `N x C x L` or `N x C x H x W` inputs to a size or by a scale factor
/// (PyTorch's `nn.Upsample`).
public final class Upsample: Module {
    /// The output's spatial size, or nil when a scale factor is given.
    public let size: SpatialSize?
    /// The multiplier of the spatial size, or nil when a size is given.
    public let scaleFactor: [Double]?
    /// The resampling rule.
    public let mode: InterpolationMode
    /// For linear modes: whether the corner pixels of input and output align.
    public let alignCorners: Bool?

    /// An upsampling layer; give exactly one of `size` and `scaleFactor`.
    ///
    /// - Parameters:
    ///   - size: The output's spatial size, one value or one per spatial dim.
    ///   - scaleFactor: The multiplier of the spatial size, one value or one per spatial dim.
    ///   - mode: The resampling rule.
    ///   - alignCorners: For `.linear` and `.bilinear`: whether the corner pixels of input
    ///     and output align (false when nil); must be nil for the nearest modes.
    public init(size: SpatialSize? = nil, scaleFactor: [Double]? = nil, mode: InterpolationMode = .nearest, alignCorners: Bool? = nil) {
        if (size == nil) == (scaleFactor == nil) {
            fatalError("Upsample: give exactly one of size and scaleFactor, got size \(size.map(\.description) ?? "nil") and scaleFactor \(scaleFactor.map(\.description) ?? "nil")")
        }
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        super.init()
    }

    /// The resampled input.
    ///
    /// - Parameter input: An `N x C x L` or `N x C x H x W` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.interpolate(input, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }

    /// None.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `scale_factor=2.0, mode='nearest'` or `size=(4, 4), mode='bilinear'`, as PyTorch
    /// prints it (scale factors as floats).
    public override var extraDescription: String {
        let first: String
        if let scaleFactor {
            let values = scaleFactor.map { "\($0)" }
            first = "scale_factor=" + (values.count == 1 ? values[0] : "(" + values.joined(separator: ", ") + ")")
        } else {
            first = "size=\(size?.description ?? "None")"
        }
        return first + ", mode='\(mode.rawValue)'"
    }
}

/// Zeroes whole channels with probability `p` during training and scales the others by
/// `1 / (1 - p)` (PyTorch's `nn.Dropout2d`); in evaluation mode (``Module/eval()``) it
/// passes the input through. See ``Functional/dropout2d(_:p:training:generator:)`` for
/// how 3-d inputs are read.
public final class Dropout2d: Module {
    /// The probability of zeroing a channel, in `0...1`.
    public let p: Double
    /// The generator the masks are drawn from (the default one when nil).
    public let generator: Generator?

    /// Channel dropout with probability `p` (PyTorch's default 0.5).
    ///
    /// - Parameters:
    ///   - p: The probability of zeroing a channel, in `0...1`.
    ///   - generator: The generator the masks are drawn from (the default one when nil).
    public init(p: Double = 0.5, generator: Generator? = nil) {
        guard (0...1).contains(p) else { fatalError("Dropout2d: p must be in 0...1, got \(p)") }
        self.p = p
        self.generator = generator
        super.init()
    }

    /// The input with a fresh random channel mask applied in training mode; the input
    /// itself in evaluation mode.
    ///
    /// - Parameter input: An `N x C x H x W` tensor.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.dropout2d(input, p: p, training: isTraining, generator: generator)
    }

    /// None.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `p=..., inplace=False`, as PyTorch prints it.
    public override var extraDescription: String { "p=\(p), inplace=False" }
}

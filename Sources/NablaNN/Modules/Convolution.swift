/// PyTorch's `_ConvNd`: the parameters, initialisation and printing `Conv1d`, `Conv2d`
/// and `ConvTranspose2d` share. Use the concrete layers.
public class ConvolutionLayer: Module {
    /// The input's channels.
    public let inChannels: Int
    /// The output's channels.
    public let outChannels: Int
    /// The kernel's size per spatial dimension.
    public let kernelSize: [Int]
    /// The kernel's step per spatial dimension.
    public let stride: [Int]
    /// The padding as given (amounts per spatial dimension, `.same` or `.valid`).
    public let padding: ConvolutionPadding
    /// The spacing between kernel elements per spatial dimension.
    public let dilation: [Int]
    /// The number of channel groups.
    public let groups: Int
    /// How the padding is filled.
    public let paddingMode: PaddingMode
    /// The filters (`[outChannels, inChannels / groups, k...]`, or
    /// `[inChannels, outChannels / groups, k...]` for a transposed convolution).
    public var weight: Tensor
    /// One value per output channel, or nil for a layer without bias.
    public var bias: Tensor?

    /// The extra text of a transposed convolution (`output_padding=...`); empty otherwise.
    var transposedDescription: String { "" }

    init(_ inChannels: Int, _ outChannels: Int, kernelSize: SpatialSize, stride: SpatialSize, padding: ConvolutionPadding,
         dilation: SpatialSize, groups: Int, bias: Bool, paddingMode: PaddingMode, transposed: Bool, spatialDims: Int,
         dtype: DType, generator: Generator?, operation: String) {
        guard inChannels > 0, outChannels > 0, groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            fatalError("\(operation): inChannels (\(inChannels)) and outChannels (\(outChannels)) must be positive multiples of groups (\(groups))")
        }
        guard dtype == .float32 || dtype == .float64 else {
            fatalError("\(operation): dtype must be float32 or float64, got \(dtype)")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize.expanded(to: spatialDims, argument: "kernelSize", operation: operation, minimum: 1)
        self.stride = stride.expanded(to: spatialDims, argument: "stride", operation: operation, minimum: 1)
        self.dilation = dilation.expanded(to: spatialDims, argument: "dilation", operation: operation, minimum: 1)
        switch padding {
        case let .explicit(amounts): _ = amounts.expanded(to: spatialDims, argument: "padding", operation: operation)
        case .same:
            if self.stride.contains(where: { $0 != 1 }) {
                fatalError("\(operation): padding .same is not supported for strided convolutions (stride \(stride))")
            }
        case .valid: break
        }
        self.padding = padding
        self.groups = groups
        self.paddingMode = paddingMode
        // PyTorch's reset_parameters, draw for draw: Kaiming-uniform with a = sqrt(5) (about
        // +-1/sqrt(fanIn), fanIn = weight.size(1) * kernel elements), then the bias uniform
        // in +-1/sqrt(fanIn).
        let shape = transposed
            ? [inChannels, outChannels / groups] + self.kernelSize
            : [outChannels, inChannels / groups] + self.kernelSize
        weight = Tensor.empty(shape, dtype: dtype, requiresGrad: true)
        Init.kaimingUniform(weight, nonlinearity: .leakyRelu(negativeSlope: 5.0.squareRoot()), generator: generator)
        if bias {
            let bound = 1 / Double(Init.fans(weight).fanIn).squareRoot()
            self.bias = Init.uniform(Tensor.empty([outChannels], dtype: dtype, requiresGrad: true), low: -bound, high: bound, generator: generator)
        } else {
            self.bias = nil
        }
        super.init()
    }

    /// `weight` and `bias`.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// A tuple as PyTorch prints one: `(3, 3)`, `(5,)`.
    static func tuple(_ values: [Int]) -> String {
        values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// The padding per spatial dimension when explicit.
    var explicitPadding: [Int]? {
        if case let .explicit(amounts) = padding { return amounts.expanded(to: kernelSize.count, argument: "padding", operation: "Conv") }
        if case .valid = padding { return [Int](repeating: 0, count: kernelSize.count) }
        return nil
    }

    /// `in, out, kernel_size=(...), stride=(...)` and the options that differ from their
    /// defaults, as PyTorch prints them.
    public override var extraDescription: String {
        var text = "\(inChannels), \(outChannels), kernel_size=\(Self.tuple(kernelSize)), stride=\(Self.tuple(stride))"
        switch padding {
        case .same: text += ", padding=same"
        case .valid: text += ", padding=valid"
        case .explicit:
            let amounts = explicitPadding ?? []
            if amounts.contains(where: { $0 != 0 }) { text += ", padding=\(Self.tuple(amounts))" }
        }
        if dilation.contains(where: { $0 != 1 }) { text += ", dilation=\(Self.tuple(dilation))" }
        text += transposedDescription
        if groups != 1 { text += ", groups=\(groups)" }
        if bias == nil { text += ", bias=False" }
        if paddingMode != .zeros { text += ", padding_mode=\(paddingMode.rawValue)" }
        return text
    }
}

/// A 2-d convolution over `[N, C, H, W]` (or `[C, H, W]`) inputs (PyTorch's `nn.Conv2d`).
///
/// ```swift
/// let conv = Conv2d(3, 16, kernelSize: 3, padding: 1)   // weight [16, 3, 3, 3], bias [16]
/// let y = conv(Tensor.randn(8, 3, 32, 32))              // [8, 16, 32, 32]
/// ```
///
/// Parameters are initialised as PyTorch does: uniform in `+-1/sqrt(fanIn)` with
/// `fanIn = inChannels / groups * kH * kW`, for the weight and the bias.
public final class Conv2d: ConvolutionLayer {
    /// A convolution layer with PyTorch's initialisation.
    ///
    /// - Parameters:
    ///   - inChannels: The input's channels.
    ///   - outChannels: The output's channels (filters).
    ///   - kernelSize: The kernel's height and width (one number for a square kernel).
    ///   - stride: The step of the kernel.
    ///   - padding: Padding on both sides of each dimension, `.same` or `.valid`.
    ///   - dilation: The spacing between kernel elements.
    ///   - groups: Split channels into this many independent convolutions (`inChannels`
    ///     for a depthwise convolution).
    ///   - bias: Whether the layer adds a learned bias.
    ///   - paddingMode: How the padding is filled: zeros, reflect, replicate or circular.
    ///   - dtype: The parameters' dtype (float32 or float64).
    ///   - generator: The random generator for the initial values (the default one when nil).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: ConvolutionPadding = 0, dilation: SpatialSize = 1, groups: Int = 1, bias: Bool = true,
                paddingMode: PaddingMode = .zeros, dtype: DType = .float32, generator: Generator? = nil) {
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                   groups: groups, bias: bias, paddingMode: paddingMode, transposed: false, spatialDims: 2,
                   dtype: dtype, generator: generator, operation: "Conv2d")
    }

    /// The convolution of `input` (`[N, inChannels, H, W]` or `[inChannels, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        let (x, pad) = paddedInput(input)
        return x.conv2d(weight: weight, bias: bias, stride: SpatialSize(stride), padding: pad,
                        dilation: SpatialSize(dilation), groups: groups)
    }
}

/// A 1-d convolution over `[N, C, L]` (or `[C, L]`) inputs (PyTorch's `nn.Conv1d`), with
/// ``Conv2d``'s options and initialisation along one dimension.
public final class Conv1d: ConvolutionLayer {
    /// A 1-d convolution layer with PyTorch's initialisation.
    ///
    /// - Parameters:
    ///   - inChannels: The input's channels.
    ///   - outChannels: The output's channels (filters).
    ///   - kernelSize: The kernel's length.
    ///   - stride: The step of the kernel.
    ///   - padding: Padding on both sides, `.same` or `.valid`.
    ///   - dilation: The spacing between kernel elements.
    ///   - groups: Split channels into this many independent convolutions.
    ///   - bias: Whether the layer adds a learned bias.
    ///   - paddingMode: How the padding is filled: zeros, reflect, replicate or circular.
    ///   - dtype: The parameters' dtype (float32 or float64).
    ///   - generator: The random generator for the initial values (the default one when nil).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: ConvolutionPadding = 0, dilation: SpatialSize = 1, groups: Int = 1, bias: Bool = true,
                paddingMode: PaddingMode = .zeros, dtype: DType = .float32, generator: Generator? = nil) {
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                   groups: groups, bias: bias, paddingMode: paddingMode, transposed: false, spatialDims: 1,
                   dtype: dtype, generator: generator, operation: "Conv1d")
    }

    /// The convolution of `input` (`[N, inChannels, L]` or `[inChannels, L]`).
    public override func forward(_ input: Tensor) -> Tensor {
        let (x, pad) = paddedInput(input)
        return x.conv1d(weight: weight, bias: bias, stride: SpatialSize(stride), padding: pad,
                        dilation: SpatialSize(dilation), groups: groups)
    }
}

/// A 2-d transposed convolution (PyTorch's `nn.ConvTranspose2d`): the gradient of a
/// ``Conv2d`` with respect to its input, used to upsample. The weight is
/// `[inChannels, outChannels / groups, kH, kW]`; the output's height is
/// `(H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1`.
public final class ConvTranspose2d: ConvolutionLayer {
    /// The extra size added to one side of the output.
    public let outputPadding: [Int]

    override var transposedDescription: String {
        outputPadding.contains(where: { $0 != 0 }) ? ", output_padding=\(Self.tuple(outputPadding))" : ""
    }

    /// A transposed convolution layer with PyTorch's initialisation.
    ///
    /// - Parameters:
    ///   - inChannels: The input's channels.
    ///   - outChannels: The output's channels.
    ///   - kernelSize: The kernel's height and width.
    ///   - stride: The step of the kernel in the output.
    ///   - padding: Removed from both sides of the output.
    ///   - outputPadding: Added to one side of the output (below the stride or dilation).
    ///   - groups: Split channels into this many independent convolutions.
    ///   - bias: Whether the layer adds a learned bias.
    ///   - dilation: The spacing between kernel elements.
    ///   - dtype: The parameters' dtype (float32 or float64).
    ///   - generator: The random generator for the initial values (the default one when nil).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: SpatialSize = 0, outputPadding: SpatialSize = 0, groups: Int = 1, bias: Bool = true,
                dilation: SpatialSize = 1, dtype: DType = .float32, generator: Generator? = nil) {
        self.outputPadding = outputPadding.expanded(to: 2, argument: "outputPadding", operation: "ConvTranspose2d")
        super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: .explicit(padding), dilation: dilation,
                   groups: groups, bias: bias, paddingMode: .zeros, transposed: true, spatialDims: 2,
                   dtype: dtype, generator: generator, operation: "ConvTranspose2d")
    }

    /// The transposed convolution of `input` (`[N, inChannels, H, W]` or `[inChannels, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        input.convTranspose2d(weight: weight, bias: bias, stride: SpatialSize(stride), padding: SpatialSize(explicitPadding ?? [0, 0]),
                              outputPadding: SpatialSize(outputPadding), groups: groups, dilation: SpatialSize(dilation))
    }
}

extension ConvolutionLayer {
    /// The input with a non-zero padding mode applied (and the convolution's own padding
    /// then zero), or the input and the padding as given.
    func paddedInput(_ input: Tensor) -> (Tensor, ConvolutionPadding) {
        guard paddingMode != .zeros else { return (input, padding) }
        // Amounts per side, before and after each spatial dimension.
        let amounts: [(before: Int, after: Int)]
        switch padding {
        case .valid: return (input, padding)
        case .explicit:
            amounts = (explicitPadding ?? []).map { ($0, $0) }
        case .same:
            amounts = zip(kernelSize, dilation).map { k, d in
                let total = d * (k - 1)
                return (total / 2, total - total / 2)
            }
        }
        // `pad` takes pairs from the last dimension backwards, as `F.pad` does.
        let flat = amounts.reversed().flatMap { [$0.before, $0.after] }
        return (input.pad(flat, mode: paddingMode), .valid)
    }
}

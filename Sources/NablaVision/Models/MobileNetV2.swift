import NablaKernelsCore
/// Convolution, batch norm and activation in a row (torchvision's
/// `Conv2dNormActivation`), named `0`, `1`, `2` like torchvision's.
public final class Conv2dNormActivation: Sequential {
    /// Which activation ends the block.
    public enum Activation: Sendable {
        /// `ReLU(inplace=True)`.
        case relu
        /// `ReLU6(inplace=True)`, MobileNet's.
        case relu6
        /// None.
        case none
    }

    /// A block; `padding` defaults to `(kernelSize - 1) / 2 * dilation`, which keeps the
    /// size at stride 1, and the convolution has a bias only without the norm. The
    /// convolution draws its initial weights from `generator` (the default one when nil).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1, padding: Int? = nil, groups: Int = 1,
                norm: Bool = true, activation: Activation = .relu, dilation: Int = 1, generator: Generator? = nil) {
        let pad = padding ?? (kernelSize - 1) / 2 * dilation
        var layers: [Module] = [
            Conv2d(inChannels, outChannels, kernelSize: SpatialSize(kernelSize), stride: SpatialSize(stride), padding: .explicit([pad, pad]),
                   dilation: SpatialSize(dilation), groups: groups, bias: !norm, generator: generator),
        ]
        if norm { layers.append(BatchNorm2d(outChannels)) }
        switch activation {
        case .relu: layers.append(ReLU(inplace: true))
        case .relu6: layers.append(ReLU6(inplace: true))
        case .none: break
        }
        super.init(layers)
    }
}

/// MobileNetV2's inverted residual block: 1x1 expansion, 3x3 depthwise convolution, 1x1
/// linear projection, with a shortcut when shapes allow (torchvision's `InvertedResidual`).
public final class InvertedResidual: Module {
    /// Expansion (when the ratio is not 1), depthwise, projection and its batch norm.
    public let conv: Sequential
    /// The output channels.
    public let outChannels: Int
    /// Whether the input is added to the output (stride 1 and equal channels).
    public let useResidual: Bool

    /// A block from `inp` to `oup` channels with the hidden width `inp * expandRatio`; its
    /// convolutions draw their initial weights from `generator` (the default one when nil).
    public init(inp: Int, oup: Int, stride: Int, expandRatio: Int, generator: Generator? = nil) {
        nablaPrecondition(stride == 1 || stride == 2, "InvertedResidual: stride should be 1 or 2, got \(stride)")
        let hidden = inp * expandRatio
        useResidual = stride == 1 && inp == oup
        var layers: [Module] = []
        if expandRatio != 1 {
            layers.append(Conv2dNormActivation(inp, hidden, kernelSize: 1, activation: .relu6, generator: generator))
        }
        layers.append(Conv2dNormActivation(hidden, hidden, stride: stride, groups: hidden, activation: .relu6, generator: generator))
        layers.append(Conv2d(hidden, oup, kernelSize: 1, bias: false, generator: generator))
        layers.append(BatchNorm2d(oup))
        conv = Sequential(layers)
        outChannels = oup
        super.init()
    }

    /// `x + conv(x)` with the shortcut, `conv(x)` otherwise.
    public override func forward(_ x: Tensor) -> Tensor {
        useResidual ? x + conv(x) : conv(x)
    }
}

/// The nearest multiple of `divisor` to `value`, at least `divisor`, never more than 10%
/// below `value` (torchvision's `_make_divisible`).
func makeDivisible(_ value: Double, _ divisor: Int) -> Int {
    var rounded = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
    if Double(rounded) < 0.9 * value { rounded += divisor }
    return rounded
}

/// MobileNetV2 (Sandler et al., 2018), torchvision's `MobileNetV2`, with its module names
/// and state dict keys.
public final class MobileNetV2: Module {
    /// The stem, 17 inverted residual blocks and the final 1x1 convolution, named `0`-`18`.
    public let features: Sequential
    /// `Dropout` and `Linear`; replace it for transfer learning.
    public var classifier: Sequential

    /// The inverted residual settings `(t, c, n, s)` of the paper: expansion, channels,
    /// repeats, first stride.
    public static let defaultSetting: [(expansion: Int, channels: Int, repeats: Int, stride: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// A MobileNetV2 (torchvision's `MobileNetV2(...)`).
    ///
    /// - Parameters:
    ///   - numClasses: Outputs of the classifier.
    ///   - widthMult: Scales every layer's channels (0.25 to 1.4 in the paper).
    ///   - invertedResidualSetting: `(t, c, n, s)` per stage.
    ///   - roundNearest: Channels are rounded to a multiple of this.
    ///   - dropout: The classifier's dropout probability.
    ///   - generator: The random generator for the initial weights.
    public init(numClasses: Int = 1000, widthMult: Double = 1.0,
                invertedResidualSetting: [(expansion: Int, channels: Int, repeats: Int, stride: Int)] = MobileNetV2.defaultSetting,
                roundNearest: Int = 8, dropout: Double = 0.2, generator: Generator? = nil) {
        var inputChannel = makeDivisible(32 * widthMult, roundNearest)
        let lastChannel = makeDivisible(1280 * max(1.0, widthMult), roundNearest)
        var layers: [Module] = [Conv2dNormActivation(3, inputChannel, stride: 2, activation: .relu6, generator: generator)]
        for (t, c, n, s) in invertedResidualSetting {
            let outputChannel = makeDivisible(Double(c) * widthMult, roundNearest)
            for index in 0..<n {
                layers.append(InvertedResidual(inp: inputChannel, oup: outputChannel, stride: index == 0 ? s : 1, expandRatio: t,
                                                generator: generator))
                inputChannel = outputChannel
            }
        }
        layers.append(Conv2dNormActivation(inputChannel, lastChannel, kernelSize: 1, activation: .relu6, generator: generator))
        features = Sequential(layers)
        classifier = Sequential(Dropout(p: dropout), Linear(lastChannel, numClasses, generator: generator))
        super.init()

        initialiseLikeTorchvision(self, convolutionMode: .fanOut, linearStd: 0.01, zeroLinearBias: true, generator: generator)
    }

    /// Features, global average pooling, classifier.
    public override func forward(_ x: Tensor) -> Tensor {
        let pooled = Functional.adaptiveAvgPool2d(features(x), outputSize: 1)
        return classifier(pooled.flatten(startDim: 1))
    }
}

/// MobileNetV2 (torchvision's `mobilenet_v2`); 3.5 M parameters at width 1.
public func mobilenetV2(numClasses: Int = 1000, widthMult: Double = 1.0, dropout: Double = 0.2, generator: Generator? = nil) -> MobileNetV2 {
    MobileNetV2(numClasses: numClasses, widthMult: widthMult, dropout: dropout, generator: generator)
}

/// One layer of a dense block: batch norm, ReLU, 1x1 convolution to `bnSize * growthRate`
/// channels, batch norm, ReLU, 3x3 convolution to `growthRate` new channels
/// (torchvision's `_DenseLayer`, printed under that name).
public final class DenseLayer: Module {
    /// The first batch norm, over every earlier feature map.
    public let norm1: BatchNorm2d
    /// Its activation.
    public let relu1: ReLU
    /// The 1x1 bottleneck convolution.
    public let conv1: Conv2d
    /// The second batch norm.
    public let norm2: BatchNorm2d
    /// Its activation.
    public let relu2: ReLU
    /// The 3x3 convolution producing `growthRate` channels.
    public let conv2: Conv2d
    /// Dropout probability on the new features in training mode.
    public let dropRate: Double

    /// A layer over `inputFeatures` channels (torchvision's signature); its convolutions
    /// draw their initial weights from `generator` (the default one when nil).
    public init(inputFeatures: Int, growthRate: Int, bnSize: Int, dropRate: Double, generator: Generator? = nil) {
        norm1 = BatchNorm2d(inputFeatures)
        relu1 = ReLU(inplace: true)
        conv1 = Conv2d(inputFeatures, bnSize * growthRate, kernelSize: 1, bias: false, generator: generator)
        norm2 = BatchNorm2d(bnSize * growthRate)
        relu2 = ReLU(inplace: true)
        conv2 = Conv2d(bnSize * growthRate, growthRate, kernelSize: 3, padding: 1, bias: false, generator: generator)
        self.dropRate = dropRate
        super.init()
    }

    /// `_DenseLayer`, as torchvision prints it.
    public override var typeName: String { "_DenseLayer" }

    /// The new features from `input`, the concatenation of every earlier feature map.
    public override func forward(_ input: Tensor) -> Tensor {
        let bottleneck = conv1(relu1(norm1(input)))
        let features = conv2(relu2(norm2(bottleneck)))
        return dropRate > 0 ? Functional.dropout(features, p: dropRate, training: isTraining) : features
    }
}

/// A dense block: each layer sees the concatenation of the block's input and every earlier
/// layer's output (torchvision's `_DenseBlock`, a `ModuleDict` of `denselayer1`, ...).
public final class DenseBlock: Module {
    /// The layers, named `denselayer1`, `denselayer2`, ...
    public let layers: [DenseLayer]

    /// `numLayers` layers, the first over `inputFeatures` channels, initialised from
    /// `generator` (the default one when nil).
    public init(numLayers: Int, inputFeatures: Int, bnSize: Int, growthRate: Int, dropRate: Double, generator: Generator? = nil) {
        layers = (0..<numLayers).map {
            DenseLayer(inputFeatures: inputFeatures + $0 * growthRate, growthRate: growthRate, bnSize: bnSize, dropRate: dropRate,
                       generator: generator)
        }
        super.init()
    }

    /// `_DenseBlock`, as torchvision prints it.
    public override var typeName: String { "_DenseBlock" }

    /// The layers as `denselayer1`, `denselayer2`, ...
    public override func namedChildren() -> [(name: String, module: Module)] {
        layers.enumerated().map { ("denselayer\($0.offset + 1)", $0.element) }
    }

    /// The input and every layer's new features, concatenated along channels.
    public override func forward(_ input: Tensor) -> Tensor {
        var features = [input]
        for layer in layers {
            features.append(layer(features.count == 1 ? input : Tensor.cat(features, dim: 1)))
        }
        return Tensor.cat(features, dim: 1)
    }
}

/// Between dense blocks: batch norm, ReLU, 1x1 convolution, 2x2 average pooling
/// (torchvision's `_Transition`).
public final class Transition: Sequential {
    /// A transition from `inputFeatures` to `outputFeatures` channels, its convolution
    /// initialised from `generator` (the default one when nil).
    public init(inputFeatures: Int, outputFeatures: Int, generator: Generator? = nil) {
        super.init([
            "norm": BatchNorm2d(inputFeatures),
            "relu": ReLU(inplace: true),
            "conv": Conv2d(inputFeatures, outputFeatures, kernelSize: 1, bias: false, generator: generator),
            "pool": AvgPool2d(kernelSize: 2, stride: 2),
        ])
    }

    /// `_Transition`, as torchvision prints it.
    public override var typeName: String { "_Transition" }
}

/// A densely connected network (Huang et al., 2017), torchvision's `DenseNet`, with its
/// module names and state dict keys.
public final class DenseNet: Module {
    /// `conv0`, `norm0`, `relu0`, `pool0`, then `denseblock1`, `transition1`, ...,
    /// `denseblock4`, `norm5`.
    public let features: Sequential
    /// The classifier; replace it for transfer learning.
    public var classifier: Linear

    /// A DenseNet (torchvision's `DenseNet(...)`).
    ///
    /// - Parameters:
    ///   - growthRate: Channels each layer adds (`k` in the paper).
    ///   - blockConfig: Layers in each dense block.
    ///   - numInitFeatures: Channels of the stem convolution.
    ///   - bnSize: The bottleneck's width as a multiple of `growthRate`.
    ///   - dropRate: Dropout after each layer in training mode.
    ///   - numClasses: Outputs of the classifier.
    ///   - generator: The random generator for the initial weights.
    public init(growthRate: Int = 32, blockConfig: [Int] = [6, 12, 24, 16], numInitFeatures: Int = 64, bnSize: Int = 4,
                dropRate: Double = 0, numClasses: Int = 1000, generator: Generator? = nil) {
        let stem = Sequential([
            "conv0": Conv2d(3, numInitFeatures, kernelSize: 7, stride: 2, padding: 3, bias: false, generator: generator),
            "norm0": BatchNorm2d(numInitFeatures),
            "relu0": ReLU(inplace: true),
            "pool0": MaxPool2d(kernelSize: 3, stride: 2, padding: 1),
        ])
        var channels = numInitFeatures
        for (index, numLayers) in blockConfig.enumerated() {
            stem.append(DenseBlock(numLayers: numLayers, inputFeatures: channels, bnSize: bnSize, growthRate: growthRate, dropRate: dropRate,
                                   generator: generator),
                        named: "denseblock\(index + 1)")
            channels += numLayers * growthRate
            if index != blockConfig.count - 1 {
                stem.append(Transition(inputFeatures: channels, outputFeatures: channels / 2, generator: generator), named: "transition\(index + 1)")
                channels /= 2
            }
        }
        stem.append(BatchNorm2d(channels), named: "norm5")
        features = stem
        classifier = Linear(channels, numClasses, generator: generator)
        super.init()

        initialiseLikeTorchvision(self, convolutionMode: .fanIn, linearStd: nil, zeroLinearBias: true, generator: generator)
    }

    /// Features, ReLU, global average pooling, classifier.
    public override func forward(_ x: Tensor) -> Tensor {
        let out = Functional.adaptiveAvgPool2d(features(x).relu(), outputSize: 1)
        return classifier(out.flatten(startDim: 1))
    }
}

/// DenseNet-121 (torchvision's `densenet121`): growth 32, blocks 6-12-24-16; 8.0 M parameters.
public func densenet121(numClasses: Int = 1000, dropRate: Double = 0, generator: Generator? = nil) -> DenseNet {
    DenseNet(growthRate: 32, blockConfig: [6, 12, 24, 16], numInitFeatures: 64, dropRate: dropRate, numClasses: numClasses, generator: generator)
}

/// DenseNet-161 (torchvision's `densenet161`): growth 48, blocks 6-12-36-24, 96 stem channels.
public func densenet161(numClasses: Int = 1000, dropRate: Double = 0, generator: Generator? = nil) -> DenseNet {
    DenseNet(growthRate: 48, blockConfig: [6, 12, 36, 24], numInitFeatures: 96, dropRate: dropRate, numClasses: numClasses, generator: generator)
}

/// DenseNet-169 (torchvision's `densenet169`): growth 32, blocks 6-12-32-32.
public func densenet169(numClasses: Int = 1000, dropRate: Double = 0, generator: Generator? = nil) -> DenseNet {
    DenseNet(growthRate: 32, blockConfig: [6, 12, 32, 32], numInitFeatures: 64, dropRate: dropRate, numClasses: numClasses, generator: generator)
}

/// DenseNet-201 (torchvision's `densenet201`): growth 32, blocks 6-12-48-32.
public func densenet201(numClasses: Int = 1000, dropRate: Double = 0, generator: Generator? = nil) -> DenseNet {
    DenseNet(growthRate: 32, blockConfig: [6, 12, 48, 32], numInitFeatures: 64, dropRate: dropRate, numClasses: numClasses, generator: generator)
}

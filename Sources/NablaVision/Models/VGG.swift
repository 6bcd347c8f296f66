/// A VGG network (Simonyan and Zisserman, 2014), torchvision's `VGG`, with its module
/// names and state dict keys.
public final class VGG: Module {
    /// 3x3 convolutions (with batch norm in the `_bn` variants), ReLUs and 2x2 max pools.
    public let features: Sequential
    /// Adaptive average pooling to 7x7, so any input of at least 32x32 fits the classifier.
    public let avgpool: AdaptiveAvgPool2d
    /// `Linear(25088, 4096)`, ReLU, Dropout, `Linear(4096, 4096)`, ReLU, Dropout,
    /// `Linear(4096, numClasses)`; replace its last layer for transfer learning.
    public var classifier: Sequential

    /// A configuration's entries: a convolution's output channels, or a max pool.
    public enum Layer: Sendable, Hashable, ExpressibleByIntegerLiteral {
        /// A 3x3 convolution to this many channels, followed by ReLU.
        case conv(Int)
        /// A 2x2 stride-2 max pool (`"M"` in torchvision's tables).
        case maxPool

        /// A convolution to `value` channels.
        public init(integerLiteral value: Int) { self = .conv(value) }
    }

    /// torchvision's configurations A (VGG-11), B (13), D (16) and E (19).
    public static let configurations: [String: [Layer]] = [
        "A": [64, .maxPool, 128, .maxPool, 256, 256, .maxPool, 512, 512, .maxPool, 512, 512, .maxPool],
        "B": [64, 64, .maxPool, 128, 128, .maxPool, 256, 256, .maxPool, 512, 512, .maxPool, 512, 512, .maxPool],
        "D": [64, 64, .maxPool, 128, 128, .maxPool, 256, 256, 256, .maxPool, 512, 512, 512, .maxPool, 512, 512, 512, .maxPool],
        "E": [64, 64, .maxPool, 128, 128, .maxPool, 256, 256, 256, 256, .maxPool,
              512, 512, 512, 512, .maxPool, 512, 512, 512, 512, .maxPool],
    ]

    /// A VGG whose features follow `configuration` (torchvision's `make_layers` + `VGG`).
    public init(configuration: [Layer], batchNorm: Bool = false, numClasses: Int = 1000, dropout: Double = 0.5,
                generator: Generator? = nil) {
        var layers: [Module] = []
        var channels = 3
        for layer in configuration {
            switch layer {
            case .maxPool:
                layers.append(MaxPool2d(kernelSize: 2, stride: 2))
            case let .conv(width):
                layers.append(Conv2d(channels, width, kernelSize: 3, padding: 1, generator: generator))
                if batchNorm { layers.append(BatchNorm2d(width)) }
                layers.append(ReLU(inplace: true))
                channels = width
            }
        }
        features = Sequential(layers)
        avgpool = AdaptiveAvgPool2d(outputSize: [7, 7])
        classifier = Sequential(
            Linear(channels * 7 * 7, 4096, generator: generator), ReLU(inplace: true), Dropout(p: dropout),
            Linear(4096, 4096, generator: generator), ReLU(inplace: true), Dropout(p: dropout),
            Linear(4096, numClasses, generator: generator))
        super.init()

        initialiseLikeTorchvision(self, convolutionMode: .fanOut, linearStd: 0.01, zeroLinearBias: true, generator: generator)
    }

    /// Features, 7x7 pooling, flattened, classified.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(avgpool(features(x)).flatten(startDim: 1))
    }
}

private func vgg(_ configuration: String, batchNorm: Bool, numClasses: Int, dropout: Double, generator: Generator?) -> VGG {
    VGG(configuration: VGG.configurations[configuration]!, batchNorm: batchNorm, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-11 (torchvision's `vgg11`, configuration A).
public func vgg11(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("A", batchNorm: false, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-11 with batch norm (torchvision's `vgg11_bn`).
public func vgg11BN(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("A", batchNorm: true, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-13 (torchvision's `vgg13`, configuration B).
public func vgg13(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("B", batchNorm: false, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-13 with batch norm (torchvision's `vgg13_bn`).
public func vgg13BN(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("B", batchNorm: true, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-16 (torchvision's `vgg16`, configuration D).
public func vgg16(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("D", batchNorm: false, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-16 with batch norm (torchvision's `vgg16_bn`).
public func vgg16BN(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("D", batchNorm: true, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-19 (torchvision's `vgg19`, configuration E).
public func vgg19(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("E", batchNorm: false, numClasses: numClasses, dropout: dropout, generator: generator)
}

/// VGG-19 with batch norm (torchvision's `vgg19_bn`).
public func vgg19BN(numClasses: Int = 1000, dropout: Double = 0.5, generator: Generator? = nil) -> VGG {
    vgg("E", batchNorm: true, numClasses: numClasses, dropout: dropout, generator: generator)
}

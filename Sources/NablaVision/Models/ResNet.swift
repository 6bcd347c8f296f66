import NablaKernelsCore
/// A residual block family for ``ResNet``: ``BasicBlock`` (two 3x3 convolutions) or
/// ``Bottleneck`` (1x1, 3x3, 1x1).
public protocol ResidualBlock: Module {
    /// The ratio of the block's output channels to its `planes` (1 or 4).
    static var expansion: Int { get }

    /// A block from `inplanes` to `planes * expansion` channels (torchvision's signature);
    /// its convolutions draw their initial weights from `generator` (the default one when nil).
    init(inplanes: Int, planes: Int, stride: Int, downsample: Sequential?, groups: Int, baseWidth: Int, dilation: Int,
         generator: Generator?)
}

/// `3x3` convolution with padding, no bias (torchvision's `conv3x3`).
func conv3x3(_ inPlanes: Int, _ outPlanes: Int, stride: Int = 1, groups: Int = 1, dilation: Int = 1, generator: Generator?) -> Conv2d {
    Conv2d(inPlanes, outPlanes, kernelSize: 3, stride: SpatialSize(stride), padding: .explicit([dilation, dilation]),
           dilation: SpatialSize(dilation), groups: groups, bias: false, generator: generator)
}

/// `1x1` convolution, no bias (torchvision's `conv1x1`).
func conv1x1(_ inPlanes: Int, _ outPlanes: Int, stride: Int = 1, generator: Generator?) -> Conv2d {
    Conv2d(inPlanes, outPlanes, kernelSize: 1, stride: SpatialSize(stride), bias: false, generator: generator)
}

/// ResNet-18's and ResNet-34's block: two 3x3 convolutions with batch norm and a shortcut
/// (torchvision's `BasicBlock`).
public final class BasicBlock: Module, ResidualBlock {
    /// 1: the output has `planes` channels.
    public static let expansion = 1

    /// The first 3x3 convolution (carries the stride).
    public let conv1: Conv2d
    /// Its batch norm.
    public let bn1: BatchNorm2d
    /// The activation.
    public let relu: ReLU
    /// The second 3x3 convolution.
    public let conv2: Conv2d
    /// Its batch norm.
    public let bn2: BatchNorm2d
    /// The projection of the shortcut when the shape changes (1x1 convolution and batch norm).
    public let downsample: Sequential?

    /// A block from `inplanes` to `planes` channels; the first convolution carries
    /// `stride`, and `downsample` projects the shortcut when the shape changes. The
    /// convolutions draw their initial weights from `generator` (the default one when nil).
    public init(inplanes: Int, planes: Int, stride: Int = 1, downsample: Sequential? = nil, groups: Int = 1,
                baseWidth: Int = 64, dilation: Int = 1, generator: Generator? = nil) {
        nablaPrecondition(groups == 1 && baseWidth == 64, "BasicBlock: only supports groups=1 and baseWidth=64, got \(groups) and \(baseWidth)")
        nablaPrecondition(dilation == 1, "BasicBlock: dilation > 1 is not supported, got \(dilation)")
        conv1 = conv3x3(inplanes, planes, stride: stride, generator: generator)
        bn1 = BatchNorm2d(planes)
        relu = ReLU(inplace: true)
        conv2 = conv3x3(planes, planes, generator: generator)
        bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        super.init()
    }

    /// `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`.
    public override func forward(_ x: Tensor) -> Tensor {
        let out = bn2(conv2(relu(bn1(conv1(x)))))
        let identity = downsample.map { $0(x) } ?? x
        return relu(out + identity)
    }
}

/// ResNet-50's and deeper networks' block: 1x1 reduction, 3x3 (with the stride, as
/// torchvision's "ResNet V1.5"), 1x1 expansion to `4 * planes`, and a shortcut
/// (torchvision's `Bottleneck`).
public final class Bottleneck: Module, ResidualBlock {
    /// 4: the output has `4 * planes` channels.
    public static let expansion = 4

    /// The 1x1 reduction.
    public let conv1: Conv2d
    /// Its batch norm.
    public let bn1: BatchNorm2d
    /// The 3x3 convolution (carries the stride, groups and dilation).
    public let conv2: Conv2d
    /// Its batch norm.
    public let bn2: BatchNorm2d
    /// The 1x1 expansion.
    public let conv3: Conv2d
    /// Its batch norm.
    public let bn3: BatchNorm2d
    /// The activation.
    public let relu: ReLU
    /// The projection of the shortcut when the shape changes.
    public let downsample: Sequential?

    /// A block from `inplanes` to `4 * planes` channels, `planes * baseWidth / 64 * groups`
    /// wide inside; the 3x3 convolution carries `stride`, `groups` and `dilation`. The
    /// convolutions draw their initial weights from `generator` (the default one when nil).
    public init(inplanes: Int, planes: Int, stride: Int = 1, downsample: Sequential? = nil, groups: Int = 1,
                baseWidth: Int = 64, dilation: Int = 1, generator: Generator? = nil) {
        let width = planes * baseWidth / 64 * groups
        conv1 = conv1x1(inplanes, width, generator: generator)
        bn1 = BatchNorm2d(width)
        conv2 = conv3x3(width, width, stride: stride, groups: groups, dilation: dilation, generator: generator)
        bn2 = BatchNorm2d(width)
        conv3 = conv1x1(width, planes * Self.expansion, generator: generator)
        bn3 = BatchNorm2d(planes * Self.expansion)
        relu = ReLU(inplace: true)
        self.downsample = downsample
        super.init()
    }

    /// `relu(bn3(conv3(...)) + shortcut(x))`.
    public override func forward(_ x: Tensor) -> Tensor {
        var out = relu(bn1(conv1(x)))
        out = relu(bn2(conv2(out)))
        out = bn3(conv3(out))
        let identity = downsample.map { $0(x) } ?? x
        return relu(out + identity)
    }
}

/// A residual network (He et al., 2015), torchvision's `ResNet`: module names and state
/// dict keys are torchvision's, so its checkpoints load with strict checking.
///
/// ```swift
/// let model = resnet18()
/// try model.loadStateDict(StateDict(loadingPTH: "resnet18-f37072fd.pth"))
/// model.eval()
/// let logits = model(batch)          // [N, 1000]
/// ```
public final class ResNet: Module {
    /// The 7x7 stride-2 stem convolution.
    public let conv1: Conv2d
    /// The stem's batch norm.
    public let bn1: BatchNorm2d
    /// The activation.
    public let relu: ReLU
    /// The stem's 3x3 stride-2 max pooling.
    public let maxpool: MaxPool2d
    /// The first stage of blocks (64 planes, stride 1).
    public let layer1: Sequential
    /// The second stage (128 planes, stride 2).
    public let layer2: Sequential
    /// The third stage (256 planes, stride 2).
    public let layer3: Sequential
    /// The fourth stage (512 planes, stride 2).
    public let layer4: Sequential
    /// Global average pooling to 1x1.
    public let avgpool: AdaptiveAvgPool2d
    /// The classifier; replace it for transfer learning (`model.fc = Linear(512, 10)`).
    public var fc: Linear

    /// A ResNet of `Block`s with `layers[i]` blocks in stage `i` (torchvision's
    /// `ResNet(block, layers, ...)`).
    ///
    /// - Parameters:
    ///   - block: ``BasicBlock`` or ``Bottleneck``.
    ///   - layers: Blocks per stage, four numbers.
    ///   - numClasses: Outputs of `fc`.
    ///   - zeroInitResidual: Start each block's last batch norm scale at 0, so that every
    ///     residual branch starts as the identity.
    ///   - groups: Groups of the 3x3 convolutions (ResNeXt).
    ///   - widthPerGroup: Channels per group (64; 4 for ResNeXt-50 32x4d, 128 for Wide ResNet).
    ///   - replaceStrideWithDilation: For stages 2-4, dilate instead of striding.
    ///   - generator: The random generator for the initial weights.
    public init<Block: ResidualBlock>(block: Block.Type, layers: [Int], numClasses: Int = 1000, zeroInitResidual: Bool = false,
                                      groups: Int = 1, widthPerGroup: Int = 64,
                                      replaceStrideWithDilation: [Bool] = [false, false, false], generator: Generator? = nil) {
        nablaPrecondition(layers.count == 4, "ResNet: layers must list 4 stages, got \(layers)")
        nablaPrecondition(replaceStrideWithDilation.count == 3, "ResNet: replaceStrideWithDilation must have 3 entries, got \(replaceStrideWithDilation)")
        var inplanes = 64
        var dilation = 1
        func makeLayer(_ planes: Int, _ blocks: Int, stride: Int = 1, dilate: Bool = false) -> Sequential {
            var stride = stride
            let previousDilation = dilation
            if dilate {
                dilation *= stride
                stride = 1
            }
            var downsample: Sequential?
            if stride != 1 || inplanes != planes * Block.expansion {
                downsample = Sequential(conv1x1(inplanes, planes * Block.expansion, stride: stride, generator: generator),
                                        BatchNorm2d(planes * Block.expansion))
            }
            var blocksList: [Module] = [Block(inplanes: inplanes, planes: planes, stride: stride, downsample: downsample,
                                              groups: groups, baseWidth: widthPerGroup, dilation: previousDilation, generator: generator)]
            inplanes = planes * Block.expansion
            for _ in 1..<max(blocks, 1) {
                blocksList.append(Block(inplanes: inplanes, planes: planes, stride: 1, downsample: nil,
                                        groups: groups, baseWidth: widthPerGroup, dilation: dilation, generator: generator))
            }
            return Sequential(blocksList)
        }
        conv1 = Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false, generator: generator)
        bn1 = BatchNorm2d(64)
        relu = ReLU(inplace: true)
        maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
        layer1 = makeLayer(64, layers[0])
        layer2 = makeLayer(128, layers[1], stride: 2, dilate: replaceStrideWithDilation[0])
        layer3 = makeLayer(256, layers[2], stride: 2, dilate: replaceStrideWithDilation[1])
        layer4 = makeLayer(512, layers[3], stride: 2, dilate: replaceStrideWithDilation[2])
        avgpool = AdaptiveAvgPool2d(outputSize: [1, 1])
        fc = Linear(512 * Block.expansion, numClasses, generator: generator)
        super.init()

        initialiseLikeTorchvision(self, convolutionMode: .fanOut, linearStd: nil, zeroLinearBias: false, generator: generator)
        if zeroInitResidual {
            for module in modules() {
                if let block = module as? Bottleneck, let weight = block.bn3.weight { Init.zeros(weight) }
                if let block = module as? BasicBlock, let weight = block.bn2.weight { Init.zeros(weight) }
            }
        }
    }

    /// Features, pooled, flattened, classified: `[N, 3, H, W]` to `[N, numClasses]`.
    public override func forward(_ x: Tensor) -> Tensor {
        var x = maxpool(relu(bn1(conv1(x))))
        x = layer4(layer3(layer2(layer1(x))))
        return fc(avgpool(x).flatten(startDim: 1))
    }
}

/// ResNet-18 (torchvision's `resnet18`): ``BasicBlock``s, 2-2-2-2; 11.7 M parameters.
public func resnet18(numClasses: Int = 1000, zeroInitResidual: Bool = false, generator: Generator? = nil) -> ResNet {
    ResNet(block: BasicBlock.self, layers: [2, 2, 2, 2], numClasses: numClasses, zeroInitResidual: zeroInitResidual, generator: generator)
}

/// ResNet-34 (torchvision's `resnet34`): ``BasicBlock``s, 3-4-6-3; 21.8 M parameters.
public func resnet34(numClasses: Int = 1000, zeroInitResidual: Bool = false, generator: Generator? = nil) -> ResNet {
    ResNet(block: BasicBlock.self, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual, generator: generator)
}

/// ResNet-50 (torchvision's `resnet50`): ``Bottleneck``s, 3-4-6-3; 25.6 M parameters.
public func resnet50(numClasses: Int = 1000, zeroInitResidual: Bool = false, generator: Generator? = nil) -> ResNet {
    ResNet(block: Bottleneck.self, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual, generator: generator)
}

/// ResNet-101 (torchvision's `resnet101`): ``Bottleneck``s, 3-4-23-3; 44.5 M parameters.
public func resnet101(numClasses: Int = 1000, zeroInitResidual: Bool = false, generator: Generator? = nil) -> ResNet {
    ResNet(block: Bottleneck.self, layers: [3, 4, 23, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual, generator: generator)
}

/// ResNet-152 (torchvision's `resnet152`): ``Bottleneck``s, 3-8-36-3; 60.2 M parameters.
public func resnet152(numClasses: Int = 1000, zeroInitResidual: Bool = false, generator: Generator? = nil) -> ResNet {
    ResNet(block: Bottleneck.self, layers: [3, 8, 36, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual, generator: generator)
}

/// ResNeXt-50 32x4d (torchvision's `resnext50_32x4d`): 32 groups of 4 channels per block.
public func resnext50_32x4d(numClasses: Int = 1000, generator: Generator? = nil) -> ResNet {
    ResNet(block: Bottleneck.self, layers: [3, 4, 6, 3], numClasses: numClasses, groups: 32, widthPerGroup: 4, generator: generator)
}

/// Wide ResNet-50-2 (torchvision's `wide_resnet50_2`): bottlenecks twice as wide.
public func wideResnet50_2(numClasses: Int = 1000, generator: Generator? = nil) -> ResNet {
    ResNet(block: Bottleneck.self, layers: [3, 4, 6, 3], numClasses: numClasses, widthPerGroup: 128, generator: generator)
}

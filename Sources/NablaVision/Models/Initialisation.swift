/// torchvision's weight initialisation, shared by its model families: Kaiming-normal
/// convolutions with zero biases, batch norms at scale 1 and shift 0, and linear layers
/// either left at their default or drawn from `N(0, linearStd^2)` with zero biases.
///
/// - Parameters:
///   - model: Every submodule of it is initialised.
///   - convolutionMode: `fan_out` (ResNet, MobileNetV2, VGG) or `fan_in` (DenseNet).
///   - linearStd: The linear layers' standard deviation; nil keeps their default weights.
///   - zeroLinearBias: Whether linear biases start at 0 (DenseNet sets them so too).
func initialiseLikeTorchvision(_ model: Module, convolutionMode: Init.FanMode, linearStd: Double?, zeroLinearBias: Bool,
                               generator: Generator?) {
    for module in model.modules() {
        if let conv = module as? Conv2d {
            Init.kaimingNormal(conv.weight, mode: convolutionMode, nonlinearity: .relu, generator: generator)
            if let bias = conv.bias { Init.zeros(bias) }
        } else if let norm = module as? BatchNorm {
            if let weight = norm.weight { Init.ones(weight) }
            if let bias = norm.bias { Init.zeros(bias) }
        } else if let linear = module as? Linear {
            if let linearStd { Init.normal(linear.weight, std: linearStd, generator: generator) }
            if zeroLinearBias, let bias = linear.bias { Init.zeros(bias) }
        }
    }
}

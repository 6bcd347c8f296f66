import NablaKernelsCore
/// Parameter initialisation in place (PyTorch's `torch.nn.init`): each function fills a
/// tensor, outside autograd, and returns it. With the default (MT19937) generator each
/// draws exactly PyTorch's numbers: bounds and standard deviations are computed in
/// PyTorch's order, and the fills are its `uniform_` and `normal_`.
///
/// ```swift
/// for module in model.modules() {
///     if let conv = module as? Conv2d {
///         Init.kaimingNormal(conv.weight, mode: .fanOut, nonlinearity: .relu)
///     }
/// }
/// ```
public enum Init {
    /// Which fan the Kaiming initialisations scale by: `fan_in` keeps the forward pass's
    /// variance, `fan_out` the backward pass's.
    public enum FanMode: String, Sendable {
        /// Input connections per output unit (`in_channels * kernel size`).
        case fanIn = "fan_in"
        /// Output connections per input unit (`out_channels * kernel size`).
        case fanOut = "fan_out"
    }

    /// The nonlinearity the gain is computed for (PyTorch's `calculate_gain`).
    public enum Nonlinearity: Sendable {
        /// Gain 1.
        case linear
        /// Gain 1.
        case sigmoid
        /// Gain 5/3.
        case tanh
        /// Gain sqrt(2).
        case relu
        /// Gain sqrt(2 / (1 + slope^2)).
        case leakyRelu(negativeSlope: Double)

        /// PyTorch's `calculate_gain`.
        public var gain: Double {
            switch self {
            case .linear, .sigmoid: 1
            case .tanh: 5.0 / 3
            case .relu: 2.0.squareRoot()
            case let .leakyRelu(slope): (2 / (1 + slope * slope)).squareRoot()
            }
        }
    }

    /// `(fan_in, fan_out)` of a weight of at least two dims: `[out, in, kernel...]`.
    public static func fans(_ tensor: Tensor) -> (fanIn: Int, fanOut: Int) {
        nablaPrecondition(tensor.ndim >= 2, "Init.fans: fan in and fan out need a tensor of at least 2 dims, got shape \(tensor.shape)")
        let receptive = tensor.shape.dropFirst(2).reduce(1, *)
        return (tensor.shape[1] * receptive, tensor.shape[0] * receptive)
    }

    /// Fills with `N(mean, std^2)` samples.
    @discardableResult
    public static func normal(_ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator? = nil) -> Tensor {
        withNoGrad { tensor.normalInPlace(mean: mean, std: std, generator: generator) }
        return tensor
    }

    /// Fills with samples uniform in `low..<high`.
    @discardableResult
    public static func uniform(_ tensor: Tensor, low: Double = 0, high: Double = 1, generator: Generator? = nil) -> Tensor {
        withNoGrad { tensor.uniformInPlace(low: low, high: high, generator: generator) }
        return tensor
    }

    /// Fills with `value`.
    @discardableResult
    public static func constant(_ tensor: Tensor, _ value: Double) -> Tensor {
        withNoGrad { tensor.fill(value) }
        return tensor
    }

    /// Fills with zeros.
    @discardableResult
    public static func zeros(_ tensor: Tensor) -> Tensor { constant(tensor, 0) }

    /// Fills with ones.
    @discardableResult
    public static func ones(_ tensor: Tensor) -> Tensor { constant(tensor, 1) }

    /// He et al.'s normal initialisation: `N(0, std^2)` with `std = gain / sqrt(fan)`
    /// (PyTorch's `kaiming_normal_`, whose defaults these are).
    @discardableResult
    public static func kaimingNormal(_ tensor: Tensor, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu(negativeSlope: 0),
                                     generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        let std = nonlinearity.gain / Double(max(mode == .fanIn ? fanIn : fanOut, 1)).squareRoot()
        return normal(tensor, std: std, generator: generator)
    }

    /// He et al.'s uniform initialisation: `U(-b, b)` with `b = gain * sqrt(3 / fan)`
    /// (PyTorch's `kaiming_uniform_`).
    @discardableResult
    public static func kaimingUniform(_ tensor: Tensor, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu(negativeSlope: 0),
                                      generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        // PyTorch's order of operations, so that the bound has the same last bit.
        let std = nonlinearity.gain / Double(max(mode == .fanIn ? fanIn : fanOut, 1)).squareRoot()
        let bound = 3.0.squareRoot() * std
        return uniform(tensor, low: -bound, high: bound, generator: generator)
    }

    /// Glorot and Bengio's uniform initialisation: `U(-b, b)` with
    /// `b = gain * sqrt(6 / (fan_in + fan_out))` (PyTorch's `xavier_uniform_`).
    @discardableResult
    public static func xavierUniform(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        let std = gain * (2 / Double(max(fanIn + fanOut, 1))).squareRoot()
        let bound = 3.0.squareRoot() * std
        return uniform(tensor, low: -bound, high: bound, generator: generator)
    }

    /// Glorot and Bengio's normal initialisation: `N(0, std^2)` with
    /// `std = gain * sqrt(2 / (fan_in + fan_out))` (PyTorch's `xavier_normal_`).
    @discardableResult
    public static func xavierNormal(_ tensor: Tensor, gain: Double = 1, generator: Generator? = nil) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        return normal(tensor, std: gain * (2 / Double(max(fanIn + fanOut, 1))).squareRoot(), generator: generator)
    }
}

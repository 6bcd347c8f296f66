// Element-wise activations and softmax as modules, for use in `Sequential`. Each runs
// the ``Tensor`` method of the same name (see ``Functional``); none has parameters.

/// `max(x, 0)` (PyTorch's `nn.ReLU`).
public final class ReLU: Module {
    /// PyTorch's `inplace` flag, kept so that a model prints as PyTorch prints it. Nabla
    /// always returns a new tensor: the result is the same, and the input stays intact for
    /// autograd.
    public let inplace: Bool

    /// The activation.
    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    /// `input.relu()`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.relu(input) }

    /// `inplace=True` when set, as PyTorch prints it.
    public override var extraDescription: String { inplace ? "inplace=True" : "" }
}

/// `min(max(x, 0), 6)` (PyTorch's `nn.ReLU6`), MobileNet's activation.
public final class ReLU6: Module {
    /// PyTorch's `inplace` flag, printed only (see ``ReLU/inplace``).
    public let inplace: Bool

    /// The activation.
    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    /// `input.clamp(min: 0, max: 6)`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.relu6(input) }

    /// `inplace=True` when set, as PyTorch prints it.
    public override var extraDescription: String { inplace ? "inplace=True" : "" }
}

/// `x` for positive `x`, `negativeSlope * x` otherwise (PyTorch's `nn.LeakyReLU`).
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let negativeSlope: Double
    /// The activation with `negativeSlope` (PyTorch's default 0.01).
    public init(negativeSlope: Double = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }
    /// `input.leakyRelu(negativeSlope:)`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.leakyRelu(input, negativeSlope: negativeSlope) }
    /// `negative_slope=...`.
    public override var extraDescription: String { "negative_slope=\(negativeSlope)" }
}

/// `1 / (1 + exp(-x))` (PyTorch's `nn.Sigmoid`).
public final class Sigmoid: Module {
    /// The activation.
    public override init() { super.init() }
    /// `input.sigmoid()`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.sigmoid(input) }
}

/// The hyperbolic tangent (PyTorch's `nn.Tanh`).
public final class Tanh: Module {
    /// The activation.
    public override init() { super.init() }
    /// `input.tanh()`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.tanh(input) }
}

/// The Gaussian error linear unit, `x * Phi(x)` (PyTorch's `nn.GELU`).
public final class GELU: Module {
    /// Exact (`.none`, the default) or the tanh approximation.
    public let approximate: GELUApproximation
    /// The activation, exact unless `approximate` is `.tanh`.
    public init(approximate: GELUApproximation = .none) {
        self.approximate = approximate
        super.init()
    }
    /// `input.gelu(approximate:)`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.gelu(input, approximate: approximate) }
    /// `approximate='...'`.
    public override var extraDescription: String { "approximate='\(approximate.rawValue)'" }
}

/// Softmax along one dim (PyTorch's `nn.Softmax`).
public final class Softmax: Module {
    /// The dim whose slices become probability distributions.
    public let dim: Int
    /// Softmax along `dim`.
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }
    /// `input.softmax(dim:)`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.softmax(input, dim: dim) }
    /// `dim=...`.
    public override var extraDescription: String { "dim=\(dim)" }
}

/// Log-softmax along one dim (PyTorch's `nn.LogSoftmax`), the input ``NLLLoss`` expects.
public final class LogSoftmax: Module {
    /// The dim normalised over.
    public let dim: Int
    /// Log-softmax along `dim`.
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }
    /// `input.logSoftmax(dim:)`.
    public override func forward(_ input: Tensor) -> Tensor { Functional.logSoftmax(input, dim: dim) }
    /// `dim=...`.
    public override var extraDescription: String { "dim=\(dim)" }
}

/// The input unchanged (PyTorch's `nn.Identity`): a placeholder, for instance for a
/// removed head.
public final class Identity: Module {
    /// The identity.
    public override init() { super.init() }
    /// `input`.
    public override func forward(_ input: Tensor) -> Tensor { input }
}

/// Merges dims `startDim...endDim` into one (PyTorch's `nn.Flatten`): by default every
/// dim but the batch dim, turning `[N, 8, 8]` images into `[N, 64]` rows.
public final class Flatten: Module {
    /// The first dim merged.
    public let startDim: Int
    /// The last dim merged.
    public let endDim: Int
    /// Flattens `startDim...endDim` (PyTorch's defaults: 1 and -1).
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }
    /// `input.flatten(startDim:endDim:)`.
    public override func forward(_ input: Tensor) -> Tensor { input.flatten(startDim: startDim, endDim: endDim) }
    /// `start_dim=..., end_dim=...`.
    public override var extraDescription: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}

import NablaKernelsCore
/// PyTorch's `torch.nn.functional`: the stateless forms of the layers and losses.
///
/// The modules (``ReLU``, ``Linear``, ``CrossEntropyLoss``...) call these; use them
/// directly in a custom ``Module/forward(_:)``. The activations are the ``Nabla/Tensor``
/// methods of the same name, listed here so that the functional vocabulary is complete.
public enum Functional {
    /// `input @ weight^T + bias` for an input of shape `[..., inFeatures]` and a weight of
    /// PyTorch's layout `[outFeatures, inFeatures]` (PyTorch's `F.linear`): see
    /// ``Nabla/Tensor/linear(weight:bias:)``, one GEMM call forward and one per gradient backward.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        input.linear(weight: weight, bias: bias)
    }

    /// `max(x, 0)`.
    public static func relu(_ input: Tensor) -> Tensor { input.relu() }

    /// `min(max(x, 0), 6)` (PyTorch's `F.relu6`), computed as `clamp(min: 0, max: 6)`, whose
    /// gradient also passes at exactly 0 and 6 (PyTorch's hardtanh does not there).
    public static func relu6(_ input: Tensor) -> Tensor { input.clamp(min: 0, max: 6) }

    /// `x` for positive `x`, `negativeSlope * x` otherwise.
    public static func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01) -> Tensor {
        input.leakyRelu(negativeSlope: negativeSlope)
    }

    /// `1 / (1 + exp(-x))`.
    public static func sigmoid(_ input: Tensor) -> Tensor { input.sigmoid() }

    /// The hyperbolic tangent.
    public static func tanh(_ input: Tensor) -> Tensor { input.tanh() }

    /// `x * Phi(x)`, exact or with the tanh approximation.
    public static func gelu(_ input: Tensor, approximate: GELUApproximation = .none) -> Tensor {
        input.gelu(approximate: approximate)
    }

    /// Softmax along `dim`.
    public static func softmax(_ input: Tensor, dim: Int) -> Tensor { input.softmax(dim: dim) }

    /// Log-softmax along `dim`.
    public static func logSoftmax(_ input: Tensor, dim: Int) -> Tensor { input.logSoftmax(dim: dim) }

    /// In training, each element zeroed with probability `p` and the rest scaled by
    /// `1 / (1 - p)` (PyTorch's `F.dropout`); the input itself when `training` is false.
    ///
    /// - Parameters:
    ///   - input: The activations.
    ///   - p: The probability of zeroing an element.
    ///   - training: Whether to drop (in evaluation mode dropout is the identity).
    ///   - generator: The source of the mask (the default generator when nil).
    public static func dropout(_ input: Tensor, p: Double = 0.5, training: Bool = true, generator: Generator? = nil) -> Tensor {
        nablaPrecondition((0...1).contains(p), "dropout: p must be in 0...1, got \(p)")
        nablaPrecondition(input.dtype.isFloatingPoint, "dropout: input must be floating point, got \(input.dtype)")
        guard training, p > 0 else { return input }
        if p == 1 { return input * 0.0 }
        // PyTorch's mask, draw for draw: Bernoulli(1 - p) noise divided by 1 - p.
        return input * (Tensor.bernoulli(input.shape, p: 1 - p, dtype: input.dtype, generator: generator) / (1 - p))
    }
}

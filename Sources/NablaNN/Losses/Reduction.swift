/// How a loss combines its per-element values (PyTorch's `reduction` argument).
public enum Reduction: String, Sendable, Hashable, CaseIterable {
    /// No reduction: one loss per element (per sample for classification losses).
    case none
    /// The average (for weighted classification losses, divided by the total weight of
    /// the targets, as PyTorch does).
    case mean
    /// The sum.
    case sum
}

extension Reduction {
    /// `losses` reduced: averaged over its elements, summed, or unchanged.
    func apply(_ losses: Tensor) -> Tensor {
        switch self {
        case .none: losses
        case .mean: losses.mean()
        case .sum: losses.sum()
        }
    }
}

/// A loss function: a differentiable measure of how far `input` is from `target`.
public protocol Loss: Sendable {
    /// The loss of `input` (predictions, logits or probabilities) against `target`.
    func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor
}

// The loss modules (PyTorch's `nn.MSELoss`, `nn.CrossEntropyLoss`, ...): a loss's
// options, applied by calling it as `loss(input, target)`. Each runs the function of the
// same name in `Functional`, where the definitions are documented.

/// Mean squared error (PyTorch's `nn.MSELoss`): `(input - target)^2`, reduced.
public struct MSELoss: Loss {
    /// How the per-element losses are combined.
    public var reduction: Reduction
    /// The loss with `reduction` (mean by default).
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// ``Functional/mseLoss(_:_:reduction:)``.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.mseLoss(input, target, reduction: reduction)
    }
}

/// Mean absolute error (PyTorch's `nn.L1Loss`): `|input - target|`, reduced.
public struct L1Loss: Loss {
    /// How the per-element losses are combined.
    public var reduction: Reduction
    /// The loss with `reduction` (mean by default).
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// ``Functional/l1Loss(_:_:reduction:)``.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.l1Loss(input, target, reduction: reduction)
    }
}

/// Cross-entropy of logits against class indices or class probabilities (PyTorch's
/// `nn.CrossEntropyLoss`), with class weights and label smoothing.
public struct CrossEntropyLoss: Loss {
    /// One weight per class, or nil for equal weights.
    public var weight: Tensor?
    /// How the per-sample losses are combined.
    public var reduction: Reduction
    /// The amount of smoothing towards the uniform distribution, in `0...1`.
    public var labelSmoothing: Double
    /// The loss with PyTorch's defaults: no weights, mean, no smoothing.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean, labelSmoothing: Double = 0) {
        self.weight = weight
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
    }
    /// ``Functional/crossEntropy(_:_:weight:reduction:labelSmoothing:)``.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.crossEntropy(input, target, weight: weight, reduction: reduction, labelSmoothing: labelSmoothing)
    }
}

/// Negative log-likelihood of class indices under log-probabilities (PyTorch's
/// `nn.NLLLoss`); after ``LogSoftmax`` it equals ``CrossEntropyLoss``.
public struct NLLLoss: Loss {
    /// One weight per class, or nil for equal weights.
    public var weight: Tensor?
    /// How the per-sample losses are combined.
    public var reduction: Reduction
    /// The loss with PyTorch's defaults: no weights, mean.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }
    /// ``Functional/nllLoss(_:_:weight:reduction:)``.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.nllLoss(input, target, weight: weight, reduction: reduction)
    }
}

/// Binary cross-entropy of probabilities (PyTorch's `nn.BCELoss`); prefer
/// ``BCEWithLogitsLoss`` on logits, which is numerically stable.
public struct BCELoss: Loss {
    /// A rescaling weight broadcast against the elements, or nil.
    public var weight: Tensor?
    /// How the per-element losses are combined.
    public var reduction: Reduction
    /// The loss with PyTorch's defaults: no weight, mean.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }
    /// ``Functional/binaryCrossEntropy(_:_:weight:reduction:)``.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

/// Binary cross-entropy of logits (PyTorch's `nn.BCEWithLogitsLoss`): a sigmoid and
/// ``BCELoss`` in one stable formula.
public struct BCEWithLogitsLoss: Loss {
    /// A rescaling weight broadcast against the elements, or nil.
    public var weight: Tensor?
    /// The weight of positive examples, one per class (broadcast along the last dim), or nil.
    public var posWeight: Tensor?
    /// How the per-element losses are combined.
    public var reduction: Reduction
    /// The loss with PyTorch's defaults: no weights, mean.
    public init(weight: Tensor? = nil, posWeight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.posWeight = posWeight
        self.reduction = reduction
    }
    /// ``Functional/binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)``.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Functional.binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction)
    }
}

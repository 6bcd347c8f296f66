import NablaKernelsCore
// The losses' definitions, as PyTorch's `torch.nn.functional` states them. The loss
// modules (`CrossEntropyLoss`, ...) call these.

extension Functional {
    /// Traps unless `input` and `target` have the same shape. PyTorch broadcasts (with a
    /// warning) for some losses; a silently broadcast loss is almost always a bug, so
    /// Nabla asks for equal shapes.
    private static func checkSameShape(_ input: Tensor, _ target: Tensor, operation: String) {
        nablaPrecondition(input.shape == target.shape,
                     "\(operation): input of shape \(input.shape) and target of shape \(target.shape) must have the same shape")
    }

    /// The mean (or sum, or each) of `(input - target)^2` (PyTorch's `F.mse_loss`).
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, operation: "mseLoss")
        let difference = input - target
        return reduction.apply(difference * difference)
    }

    /// The mean (or sum, or each) of `|input - target|` (PyTorch's `F.l1_loss`).
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, operation: "l1Loss")
        return reduction.apply((input - target).abs())
    }

    /// Binary cross-entropy of probabilities `input` against targets in `0...1`
    /// (PyTorch's `F.binary_cross_entropy`): `-w (y log x + (1 - y) log(1 - x))`, each
    /// logarithm clamped at -100 as PyTorch clamps it, so that 0 and 1 give finite losses.
    ///
    /// - Parameters:
    ///   - input: Probabilities in `0...1`.
    ///   - target: Targets of the input's shape.
    ///   - weight: A rescaling weight broadcast against the elements.
    ///   - reduction: How the per-element losses are combined.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, operation: "binaryCrossEntropy")
        let logX = input.log().clamp(min: -100)
        let logOneMinusX = (1.0 - input).log().clamp(min: -100)
        var losses = -(target * logX + (1.0 - target) * logOneMinusX)
        if let weight { losses = losses * weight }
        return reduction.apply(losses)
    }

    /// Binary cross-entropy of logits `input` (before the sigmoid) against targets in
    /// `0...1` (PyTorch's `F.binary_cross_entropy_with_logits`), computed stably as
    /// `(1 - y) x + ((p - 1) y + 1) softplus(-x)`.
    ///
    /// - Parameters:
    ///   - input: Logits.
    ///   - target: Targets of the input's shape.
    ///   - weight: A rescaling weight broadcast against the elements.
    ///   - reduction: How the per-element losses are combined.
    ///   - posWeight: The weight `p` of positive examples, broadcast along the last dim
    ///     (one per class).
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
                                                    reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, operation: "binaryCrossEntropyWithLogits")
        // softplus(-x) = -min(x, 0) + log1p(exp(-|x|)) with -|x| = 2 min(x, 0) - x: no
        // overflow for any x, and a gradient that is right at x = 0 too.
        let negativePart = input.clamp(max: 0)
        let softplusOfNegative = (2.0 * negativePart - input).exp().log1p() - negativePart
        let logWeight = posWeight.map { ($0 - 1.0) * target + 1.0 }
        var losses = (1.0 - target) * input + (logWeight.map { $0 * softplusOfNegative } ?? softplusOfNegative)
        if let weight { losses = losses * weight }
        return reduction.apply(losses)
    }

    /// The input with the class dim moved last and the others merged: `[M, C]`.
    private static func classesLast(_ input: Tensor) -> Tensor {
        switch input.ndim {
        case 1: return input.unsqueeze(0)
        case 2: return input
        default:
            let classes = input.shape[1]
            return input.permute([0] + Array(2..<input.ndim) + [1]).reshape(-1, classes)
        }
    }

    /// The negative log-likelihood of class indices `target` under log-probabilities
    /// `input` (PyTorch's `F.nll_loss`): `-w[y] input[y]` per sample.
    ///
    /// `input` is `[C]`, `[N, C]` or `[N, C, d1, ...]` with `target` `[]`, `[N]` or
    /// `[N, d1, ...]` of int64 (or int32) class indices. With class weights `weight`
    /// (`[C]`), the mean divides by the summed weights of the targets, as PyTorch does.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        let (rows, labels) = checkedClassification(input, target, weight: weight, operation: "nllLoss")
        let picked = -rows.gather(dim: 1, index: labels.unsqueeze(1)).squeeze(1)
        return weightedReduction(picked, labels: labels, weight: weight, reduction: reduction, targetShape: target.shape)
    }

    /// Input rows `[M, C]` and labels `[M]`, after checking their shapes and dtypes.
    private static func checkedClassification(_ input: Tensor, _ target: Tensor, weight: Tensor?, operation: String) -> (rows: Tensor, labels: Tensor) {
        nablaPrecondition(input.dtype.isFloatingPoint, "\(operation): input must be floating point, got \(input.dtype)")
        nablaPrecondition(target.dtype == .int64,
                     "\(operation): target must hold int64 class indices, got \(target.dtype) (shape \(target.shape)); convert with .to(.int64), or for class probabilities pass a floating-point target of the input's shape to crossEntropy")
        let expected = input.ndim == 1 ? [] : [input.shape[0]] + Array(input.shape.dropFirst(2))
        nablaPrecondition(input.ndim >= 1 && target.shape == expected,
                     "\(operation): input of shape \(input.shape) expects a target of shape \(expected), got \(target.shape)")
        let classes = input.shape[input.ndim == 1 ? 0 : 1]
        if let weight {
            nablaPrecondition(weight.shape == [classes], "\(operation): weight of shape \(weight.shape) must have one value per class (\(classes))")
        }
        return (classesLast(input), target.reshape(-1))
    }

    /// Per-sample losses weighted by their class weight, then reduced (the mean divides
    /// by the total weight), shaped like the target when not reduced.
    private static func weightedReduction(_ losses: Tensor, labels: Tensor, weight: Tensor?, reduction: Reduction, targetShape: [Int]) -> Tensor {
        guard let weight else {
            return reduction == .none ? losses.reshape(targetShape) : reduction.apply(losses)
        }
        let sampleWeights = weight.indexSelect(dim: 0, index: labels)
        let weighted = losses * sampleWeights
        switch reduction {
        case .none: return weighted.reshape(targetShape)
        case .sum: return weighted.sum()
        case .mean: return weighted.sum() / sampleWeights.sum()
        }
    }

    /// Cross-entropy of logits `input` against `target` (PyTorch's `F.cross_entropy`):
    /// `log_softmax` over the class dim followed by the negative log-likelihood.
    ///
    /// `input` is `[C]`, `[N, C]` or `[N, C, d1, ...]`. `target` is either class indices
    /// (int64 or int32, shaped `[]`, `[N]` or `[N, d1, ...]`) or class probabilities (a
    /// floating-point tensor of the input's shape).
    ///
    /// - Parameters:
    ///   - input: Logits with classes along dim 1 (or dim 0 for a 1-d input).
    ///   - target: Class indices or class probabilities, as above.
    ///   - reduction: How the per-sample losses are combined.
    ///   - weight: One weight per class (`[C]`); with indices, the mean divides by the
    ///     summed weights of the targets.
    ///   - labelSmoothing: Mixes the target with the uniform distribution:
    ///     `(1 - eps) * target + eps / C`, as PyTorch does.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                    labelSmoothing: Double = 0) -> Tensor {
        nablaPrecondition((0...1).contains(labelSmoothing), "crossEntropy: labelSmoothing must be in 0...1, got \(labelSmoothing)")
        nablaPrecondition(input.ndim >= 1, "crossEntropy: input must have a class dim, got shape \(input.shape)")
        let classDim = input.ndim == 1 ? 0 : 1
        let classes = input.shape[classDim]
        let logProbabilities = input.logSoftmax(dim: classDim)
        if target.dtype.isFloatingPoint {
            return probabilityCrossEntropy(logProbabilities, target, weight: weight, reduction: reduction, labelSmoothing: labelSmoothing)
        }
        let nll = nllLoss(logProbabilities, target, weight: weight, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        // PyTorch's smoothing term: the (weighted) sum of -log p over all classes,
        // reduced like the NLL term.
        let (rows, labels) = checkedClassification(logProbabilities, target, weight: weight, operation: "crossEntropy")
        let weightedRows = weight.map { rows * $0.unsqueeze(0) } ?? rows
        let smooth = -weightedRows.sum(dim: 1)
        let smoothReduced: Tensor
        switch (reduction, weight) {
        case (.none, _): smoothReduced = smooth.reshape(target.shape)
        case (.sum, _): smoothReduced = smooth.sum()
        case (.mean, nil): smoothReduced = smooth.mean()
        case let (.mean, weight?): smoothReduced = smooth.sum() / weight.indexSelect(dim: 0, index: labels).sum()
        }
        return nll * (1 - labelSmoothing) + smoothReduced * (labelSmoothing / Double(classes))
    }

    /// Cross-entropy against class probabilities: `-sum_c w_c q_c log p_c` per sample,
    /// the mean dividing by the number of samples.
    private static func probabilityCrossEntropy(_ logProbabilities: Tensor, _ target: Tensor, weight: Tensor?, reduction: Reduction,
                                                labelSmoothing: Double) -> Tensor {
        nablaPrecondition(target.shape == logProbabilities.shape,
                     "crossEntropy: a probability target must have the input's shape \(logProbabilities.shape), got \(target.shape)")
        let classDim = logProbabilities.ndim == 1 ? 0 : 1
        let classes = logProbabilities.shape[classDim]
        let rows = classesLast(logProbabilities)
        var probabilities = classesLast(target)
        if labelSmoothing > 0 { probabilities = probabilities * (1 - labelSmoothing) + labelSmoothing / Double(classes) }
        if let weight {
            nablaPrecondition(weight.shape == [classes], "crossEntropy: weight of shape \(weight.shape) must have one value per class (\(classes))")
            probabilities = probabilities * weight.unsqueeze(0)
        }
        let losses = -(rows * probabilities).sum(dim: 1)
        if reduction == .none {
            var shape = logProbabilities.shape
            shape.remove(at: classDim)
            return losses.reshape(shape)
        }
        return reduction.apply(losses)
    }
}

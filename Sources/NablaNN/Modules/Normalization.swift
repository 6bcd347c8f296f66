/// Python's spelling of a Bool in a module's description.
private func pythonBool(_ value: Bool) -> String { value ? "True" : "False" }

/// Batch normalisation over the channel dimension, the shared implementation of
/// ``BatchNorm1d`` and ``BatchNorm2d`` (PyTorch's `_BatchNorm`).
///
/// In training mode the batch's per-channel statistics normalise the input, and the
/// running statistics are updated (and ``numBatchesTracked`` incremented) when
/// ``trackRunningStats`` is set; in evaluation mode the running statistics normalise the
/// input (the batch's when they are not tracked).
///
/// The learnable ``weight`` and ``bias`` are parameters; ``runningMean``, ``runningVar``
/// and ``numBatchesTracked`` are buffers: saved in the state dict as `running_mean`,
/// `running_var` and `num_batches_tracked`, but never returned by
/// ``Module/parameters(recurse:)``, so optimizers leave them alone.
public class BatchNorm: Module {
    /// The number of channels `C` of the input `[N, C, ...]`.
    public let numFeatures: Int
    /// The value added to the variance for numerical stability.
    public let eps: Double
    /// The weight of each batch in the running statistics' update, or nil for a cumulative
    /// moving average (each batch weighted `1 / numBatchesTracked`).
    public let momentum: Double?
    /// Whether the layer has the learnable ``weight`` and ``bias``.
    public let affine: Bool
    /// Whether the layer has the learnable ``bias`` (with ``affine``; PyTorch's `bias`).
    public let hasBias: Bool
    /// Whether the layer keeps running statistics for evaluation mode.
    public let trackRunningStats: Bool
    /// The per-channel scale `[numFeatures]` (initialised to ones), or nil without `affine`.
    public var weight: Tensor?
    /// The per-channel shift `[numFeatures]` (initialised to zeros), or nil without `affine`.
    public var bias: Tensor?
    /// The running mean `[numFeatures]` (initialised to zeros), or nil when statistics are
    /// not tracked.
    public var runningMean: Tensor?
    /// The running variance `[numFeatures]` (initialised to ones), or nil when statistics
    /// are not tracked.
    public var runningVar: Tensor?
    /// The number of training batches seen, an int64 0-d tensor, or nil when statistics
    /// are not tracked.
    public var numBatchesTracked: Tensor?
    /// The input ranks the layer accepts, and how to name them in a trap.
    private let inputRanks: [Int]

    init(numFeatures: Int, eps: Double, momentum: Double?, affine: Bool, bias: Bool, trackRunningStats: Bool, dtype: DType, inputRanks: [Int]) {
        guard numFeatures > 0 else { fatalError("BatchNorm: numFeatures must be positive, got \(numFeatures)") }
        guard dtype == .float32 || dtype == .float64 else { fatalError("BatchNorm: dtype must be float32 or float64, got \(dtype)") }
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        hasBias = bias
        self.trackRunningStats = trackRunningStats
        self.inputRanks = inputRanks
        weight = affine ? Tensor.ones([numFeatures], dtype: dtype, requiresGrad: true) : nil
        self.bias = affine && bias ? Tensor.zeros([numFeatures], dtype: dtype, requiresGrad: true) : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures], dtype: dtype) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures], dtype: dtype) : nil
        numBatchesTracked = trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil
        super.init()
    }

    /// Resets the running statistics to their initial values (mean 0, variance 1, no
    /// batches tracked), in place (PyTorch's `reset_running_stats()`).
    public func resetRunningStats() {
        withNoGrad {
            runningMean?.fill(0)
            runningVar?.fill(1)
            numBatchesTracked?.fill(0)
        }
    }

    /// The normalised input; in training mode also updates the running statistics.
    public override func forward(_ input: Tensor) -> Tensor {
        guard inputRanks.contains(input.ndim) else {
            let expected = inputRanks.map { "\($0)D" }.joined(separator: " or ")
            fatalError("\(typeName): expected \(expected) input, got \(input.ndim)D input of shape \(input.shape)")
        }
        var factor = momentum ?? 0
        if isTraining && trackRunningStats, let numBatchesTracked {
            let count = numBatchesTracked.item(Double.self) + 1
            withNoGrad { numBatchesTracked.fill(count) }
            if momentum == nil { factor = 1 / count }
        }
        let useBatchStatistics = isTraining || (runningMean == nil && runningVar == nil)
        let useRunning = !isTraining || trackRunningStats
        return input.batchNorm(runningMean: useRunning ? runningMean : nil, runningVar: useRunning ? runningVar : nil,
                               weight: weight, bias: bias, training: useBatchStatistics, momentum: factor, eps: eps)
    }

    /// `weight` and `bias` when ``affine``.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] {
        [("weight", weight), ("bias", bias)].compactMap { entry in entry.1.map { (name: entry.0, tensor: $0) } }
    }

    /// `running_mean`, `running_var` and `num_batches_tracked` when ``trackRunningStats``.
    public override func namedDirectBuffers() -> [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
            .compactMap { entry in entry.1.map { (name: entry.0, tensor: $0) } }
    }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True`, as
    /// PyTorch 2.15 prints it.
    public override var extraDescription: String {
        "\(numFeatures), eps=\(eps), momentum=\(momentum.map { "\($0)" } ?? "None"), affine=\(pythonBool(affine)), "
            + "bias=\(pythonBool(hasBias)), track_running_stats=\(pythonBool(trackRunningStats))"
    }
}

/// Batch normalisation of an input `[N, C]` or `[N, C, L]` over every dimension but the
/// channels (PyTorch's `nn.BatchNorm1d`).
public final class BatchNorm1d: BatchNorm {
    /// A batch norm layer for `numFeatures` channels, initialised as PyTorch does.
    ///
    /// - Parameters:
    ///   - numFeatures: The number of channels `C`.
    ///   - eps: The value added to the variance for numerical stability.
    ///   - momentum: The weight of each batch in the running statistics, or nil for a
    ///     cumulative moving average.
    ///   - affine: Whether the layer has a learnable per-channel scale and shift.
    ///   - bias: Whether the affine layer has the learnable shift.
    ///   - trackRunningStats: Whether to keep running statistics for evaluation mode.
    ///   - dtype: The dtype of the parameters and running statistics (float32 or float64).
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                bias: Bool = true, trackRunningStats: Bool = true, dtype: DType = .float32) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias,
                   trackRunningStats: trackRunningStats, dtype: dtype, inputRanks: [2, 3])
    }
}

/// Batch normalisation of an input `[N, C, H, W]` over every dimension but the channels
/// (PyTorch's `nn.BatchNorm2d`).
public final class BatchNorm2d: BatchNorm {
    /// A batch norm layer for `numFeatures` channels, initialised as PyTorch does.
    ///
    /// - Parameters:
    ///   - numFeatures: The number of channels `C`.
    ///   - eps: The value added to the variance for numerical stability.
    ///   - momentum: The weight of each batch in the running statistics, or nil for a
    ///     cumulative moving average.
    ///   - affine: Whether the layer has a learnable per-channel scale and shift.
    ///   - bias: Whether the affine layer has the learnable shift.
    ///   - trackRunningStats: Whether to keep running statistics for evaluation mode.
    ///   - dtype: The dtype of the parameters and running statistics (float32 or float64).
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                bias: Bool = true, trackRunningStats: Bool = true, dtype: DType = .float32) {
        super.init(numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine, bias: bias,
                   trackRunningStats: trackRunningStats, dtype: dtype, inputRanks: [4])
    }
}

/// Layer normalisation over the trailing dimensions (PyTorch's `nn.LayerNorm`): each
/// slice over `normalizedShape` is normalised with its own mean and variance, then
/// scaled and shifted element-wise. It behaves the same in training and evaluation.
public final class LayerNorm: Module {
    /// The trailing dimensions normalised over.
    public let normalizedShape: [Int]
    /// The value added to the variance for numerical stability.
    public let eps: Double
    /// Whether the layer has a learnable element-wise ``weight`` (and ``bias``).
    public let elementwiseAffine: Bool
    /// The element-wise scale of shape ``normalizedShape`` (initialised to ones), or nil.
    public var weight: Tensor?
    /// The element-wise shift of shape ``normalizedShape`` (initialised to zeros), or nil.
    public var bias: Tensor?

    /// A layer norm over the trailing dimensions `normalizedShape`.
    ///
    /// - Parameters:
    ///   - normalizedShape: The trailing dimensions of the input to normalise over.
    ///   - eps: The value added to the variance for numerical stability.
    ///   - elementwiseAffine: Whether the layer has a learnable element-wise scale (and shift).
    ///   - bias: Whether the layer has a learnable shift (with `elementwiseAffine`).
    ///   - dtype: The parameters' dtype (float32 or float64).
    public init(normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true, dtype: DType = .float32) {
        guard !normalizedShape.isEmpty, normalizedShape.allSatisfy({ $0 > 0 }) else {
            fatalError("LayerNorm: normalizedShape must be non-empty with positive sizes, got \(normalizedShape)")
        }
        guard dtype == .float32 || dtype == .float64 else { fatalError("LayerNorm: dtype must be float32 or float64, got \(dtype)") }
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        weight = elementwiseAffine ? Tensor.ones(normalizedShape, dtype: dtype, requiresGrad: true) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape, dtype: dtype, requiresGrad: true) : nil
        super.init()
    }

    /// The input normalised over its trailing ``normalizedShape`` dimensions.
    public override func forward(_ input: Tensor) -> Tensor {
        input.layerNorm(normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    /// `weight` and `bias`, those present.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] {
        [("weight", weight), ("bias", bias)].compactMap { entry in entry.1.map { (name: entry.0, tensor: $0) } }
    }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `(4, 5), eps=1e-05, elementwise_affine=True`, as PyTorch prints it.
    public override var extraDescription: String {
        let tuple = normalizedShape.count == 1 ? "(\(normalizedShape[0]),)" : "(" + normalizedShape.map(String.init).joined(separator: ", ") + ")"
        return "\(tuple), eps=\(eps), elementwise_affine=\(pythonBool(elementwiseAffine))"
    }
}

/// Group normalisation (PyTorch's `nn.GroupNorm`): the channels of an input `[N, C, ...]`
/// are split into groups, each sample's group is normalised with its own mean and
/// variance, then scaled and shifted per channel. It behaves the same in training and
/// evaluation.
public final class GroupNorm: Module {
    /// The number of groups the channels are split into.
    public let numGroups: Int
    /// The number of channels `C`.
    public let numChannels: Int
    /// The value added to the variance for numerical stability.
    public let eps: Double
    /// Whether the layer has the learnable per-channel ``weight`` and ``bias``.
    public let affine: Bool
    /// The per-channel scale `[numChannels]` (initialised to ones), or nil.
    public var weight: Tensor?
    /// The per-channel shift `[numChannels]` (initialised to zeros), or nil.
    public var bias: Tensor?

    /// A group norm of `numChannels` channels in `numGroups` groups.
    ///
    /// - Parameters:
    ///   - numGroups: The number of groups; must divide `numChannels`.
    ///   - numChannels: The number of channels `C` of the input.
    ///   - eps: The value added to the variance for numerical stability.
    ///   - affine: Whether the layer has a learnable per-channel scale and shift.
    ///   - dtype: The parameters' dtype (float32 or float64).
    public init(numGroups: Int, numChannels: Int, eps: Double = 1e-5, affine: Bool = true, dtype: DType = .float32) {
        guard numGroups > 0, numChannels % numGroups == 0 else {
            fatalError("GroupNorm: numChannels = \(numChannels) must be divisible by numGroups = \(numGroups)")
        }
        guard dtype == .float32 || dtype == .float64 else { fatalError("GroupNorm: dtype must be float32 or float64, got \(dtype)") }
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        self.affine = affine
        weight = affine ? Tensor.ones([numChannels], dtype: dtype, requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([numChannels], dtype: dtype, requiresGrad: true) : nil
        super.init()
    }

    /// The input normalised per sample and group.
    public override func forward(_ input: Tensor) -> Tensor {
        input.groupNorm(numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }

    /// `weight` and `bias` when ``affine``.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] {
        [("weight", weight), ("bias", bias)].compactMap { entry in entry.1.map { (name: entry.0, tensor: $0) } }
    }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `2, 6, eps=1e-05, affine=True`, as PyTorch prints it.
    public override var extraDescription: String {
        "\(numGroups), \(numChannels), eps=\(eps), affine=\(pythonBool(affine))"
    }
}

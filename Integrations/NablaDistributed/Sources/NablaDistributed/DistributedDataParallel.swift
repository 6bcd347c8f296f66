import NablaNN

/// Data-parallel training over a ``ProcessGroup``: PyTorch's `DistributedDataParallel`.
///
/// Every rank holds a full copy of the model and trains it on its own share of each
/// global batch (see ``DistributedSampler``). Wrapping the model broadcasts rank 0's
/// parameters and buffers, so all ranks start equal; after each backward pass,
/// ``synchronizeGradients()`` replaces every gradient with its mean over the ranks, so
/// every rank's optimizer takes the same step and the copies stay equal:
///
/// ```swift
/// let group = ProcessGroup.world
/// let ddp = DistributedDataParallel(model, group: group)
/// let optimizer = Adam(ddp.parameters(), lr: 3e-3)
/// for (inputs, labels) in loader {           // this rank's share of the global batch
///     optimizer.zeroGrad()
///     let loss = CrossEntropyLoss()(ddp(inputs), labels)
///     ddp.backward(loss)                      // loss.backward(), then the gradient all-reduce
///     optimizer.step()
/// }
/// try group.onRankZero { try ddp.module.stateDict().save(pth: "model.pth") }
/// ```
///
/// With a mean loss and equal per-rank batches, the mean of the ranks' gradients is the
/// gradient of the global batch, so N ranks with per-rank batch `b` train like one process
/// with batch `N * b`, up to float rounding. Batch norm is the exception, as in PyTorch:
/// each rank normalises with its own batch's statistics, and the running statistics are
/// rank 0's (broadcast at every training forward pass).
///
/// Gradients are reduced in buckets of about `bucketCapMB` megabytes, in the reverse order
/// of the parameters. PyTorch starts each bucket's all-reduce from a hook while backward is
/// still running; Nabla's autograd has no such hook, so the buckets are reduced right after
/// `backward()` returns (see the package's README for what overlap would buy). Because the
/// reduction is explicit, gradient accumulation needs no `no_sync()`: call `backward` on
/// the loss several times and ``synchronizeGradients()`` once.
///
/// The set of parameters that require gradients is read when wrapping; freezing or
/// unfreezing parameters afterwards needs a new wrapper, as in PyTorch. A parameter that
/// gets no gradient on some rank counts as a zero gradient there; one that gets none on
/// any rank keeps a nil gradient everywhere.
public final class DistributedDataParallel: Module {
    /// The wrapped model; save its state dict (not the wrapper's, whose names start with
    /// `module.`) to get a checkpoint that loads into an unwrapped model.
    public let module: Module
    /// The ranks that train together.
    public let group: ProcessGroup
    /// Whether each forward pass in training mode first copies rank 0's buffers (batch
    /// norm's running statistics) to every rank (PyTorch's `broadcast_buffers`), so that
    /// the ranks' buffers stay equal.
    public let broadcastsBuffers: Bool

    /// The parameters whose gradients are reduced, and how they are bucketed.
    private let reducedParameters: [Tensor]
    private let plan: GradientBuckets
    /// One buffer per bucket, reused every step: the bucket's gradients, then one flag per
    /// parameter. Allocated once, because a fresh buffer of tens of megabytes costs more
    /// in page faults than its all-reduce on one machine.
    private let bucketBuffers: [Tensor]

    /// Wraps `module` for training over `group`, after copying rank 0's parameters and
    /// buffers to every rank.
    ///
    /// Every rank must wrap the same architecture: the wrapper compares the ranks'
    /// parameter shapes and dtypes and traps with a message when they differ.
    ///
    /// - Parameters:
    ///   - module: The model, built the same way on every rank.
    ///   - group: The ranks (every process of the job by default).
    ///   - bucketCapMB: The size at which a gradient bucket is closed, in megabytes
    ///     (PyTorch's default, 25).
    ///   - broadcastBuffers: Whether training-mode forward passes copy rank 0's buffers.
    public init(_ module: Module, group: ProcessGroup = .world, bucketCapMB: Double = 25, broadcastBuffers: Bool = true) {
        distributedPrecondition(bucketCapMB > 0, "DistributedDataParallel: bucketCapMB must be positive, got \(bucketCapMB)")
        self.module = module
        self.group = group
        self.broadcastsBuffers = broadcastBuffers
        let parameters = module.parameters()
        for parameter in parameters {
            distributedPrecondition(!parameter.requiresGrad || parameter.dtype == .float32 || parameter.dtype == .float64,
                                    "DistributedDataParallel: parameters that require grad must be float32 or float64, got a \(parameter.dtype) parameter of shape \(parameter.shape)")
        }
        reducedParameters = parameters.filter(\.requiresGrad)
        plan = GradientBuckets.plan(elementCounts: reducedParameters.map(\.numel), dtypes: reducedParameters.map(\.dtype),
                                    capBytes: Int(bucketCapMB * 1_048_576))
        // One rank has nothing to reduce, and no need for a second copy of the gradients.
        bucketBuffers = group.worldSize == 1 ? [] : plan.buckets.map { Tensor.zeros([$0.elementCount + $0.parameterIndices.count], dtype: $0.dtype) }
        super.init()
        checkSameModelOnEveryRank()
        group.broadcastCoalesced(parameters + module.buffers(), from: 0)
    }

    /// The number of all-reduces ``synchronizeGradients()`` runs.
    public var bucketCount: Int { plan.buckets.count }

    /// Runs the wrapped module, after copying rank 0's buffers to every rank when
    /// ``broadcastsBuffers`` and the wrapped module is in training mode.
    public override func forward(_ input: Tensor) -> Tensor {
        if broadcastsBuffers && module.isTraining && group.worldSize > 1 {
            let buffers = module.buffers()
            if !buffers.isEmpty { group.broadcastCoalesced(buffers, from: 0) }
        }
        return module(input)
    }

    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    public override func namedChildren() -> [(name: String, module: Module)] { [("module", module)] }

    /// `loss.backward()`, then ``synchronizeGradients()``.
    public func backward(_ loss: Tensor) {
        loss.backward()
        synchronizeGradients()
    }

    /// Replaces the gradient of every parameter that requires one with the mean of the
    /// ranks' gradients, one all-reduce per bucket. Every rank must call it after the same
    /// number of backward passes. With a single rank it does nothing.
    ///
    /// The new gradients are views of the buckets' buffers (PyTorch's
    /// `gradient_as_bucket_view`), so no copy follows the all-reduce; the next call
    /// overwrites them, so copy a gradient (`clone()`) to keep it beyond the step.
    public func synchronizeGradients() {
        guard group.worldSize > 1 else { return }
        withNoGrad {
            for (bucket, buffer) in zip(plan.buckets, bucketBuffers) {
                reduce(bucket, in: buffer)
            }
        }
    }

    /// Packs the bucket's gradients (zeros for missing ones) and one flag per parameter
    /// saying whether it had a gradient into `buffer`, sums them over the ranks, divides
    /// by the number of ranks and hands each parameter its slice.
    private func reduce(_ bucket: GradientBuckets.Bucket, in buffer: Tensor) {
        let parameters = bucket.parameterIndices.map { reducedParameters[$0] }
        let gradients = parameters.map(\.grad)
        var offset = 0
        for (parameter, gradient) in zip(parameters, gradients) {
            let slice = buffer.narrow(0, start: offset, length: parameter.numel)
            if let gradient { slice.copy(from: gradient.reshape([-1])) } else { slice.fill(0) }
            offset += parameter.numel
        }
        let flags = buffer.narrow(0, start: bucket.elementCount, length: parameters.count)
        flags.copy(from: Tensor(gradients.map { $0 == nil ? 0.0 : 1.0 }))
        group.allReduce(buffer, op: .sum)
        let present = flags.to(.float64).toArray(Double.self)
        let averaged = buffer.narrow(0, start: 0, length: bucket.elementCount)
        divideInPlace(averaged, by: group.worldSize)
        offset = 0
        for (k, parameter) in parameters.enumerated() {
            if present[k] > 0 {
                parameter.grad = averaged.narrow(0, start: offset, length: parameter.numel).view(parameter.shape)
            }
            offset += parameter.numel
        }
    }

    /// Traps unless every rank's model has the same parameter shapes and dtypes as rank
    /// 0's: a mismatch would otherwise hang in the first all-reduce or mix unrelated
    /// gradients.
    private func checkSameModelOnEveryRank() {
        guard group.worldSize > 1 else { return }
        let named = module.namedParameters()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, tensor) in named {
            for byte in "\(name):\(tensor.shape):\(tensor.dtype):\(tensor.requiresGrad);".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        let mine = Tensor([Int64(named.count), Int64(named.reduce(0) { $0 + $1.tensor.numel }), Int64(bitPattern: hash)])
        let all = group.allGather(mine).toArray(Int64.self)
        for rank in 1..<group.worldSize where Array(all[3 * rank..<3 * rank + 3]) != Array(all[0..<3]) {
            distributedFailure("DistributedDataParallel: rank \(rank)'s model differs from rank 0's (\(all[3 * rank]) parameters of \(all[3 * rank + 1]) elements against \(all[0]) of \(all[1]), or different names, shapes, dtypes or requiresGrad); every rank must wrap the same model")
        }
    }
}

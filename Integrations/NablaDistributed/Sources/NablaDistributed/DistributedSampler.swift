import NablaNN

/// Each rank's share of a data set, in a new seeded order each epoch: PyTorch's
/// `DistributedSampler`.
///
/// Every epoch, all ranks draw the same permutation of `0..<count` from
/// `Generator(seed: seed + epoch)` (the one ``NablaNN/DataLoader`` draws with that
/// generator), then rank `r` takes every `worldSize`-th index starting at `r`. So the ranks'
/// shares never overlap, and the samples the ranks read at step `s` (each a batch of `b`
/// from its share) are exactly positions `s * worldSize * b ..< (s + 1) * worldSize * b` of
/// the permutation: what one process with batch `worldSize * b` reads at step `s`.
///
/// When `count` is not a multiple of `worldSize`, the permutation is padded with its own
/// first indices so every rank gets the same number of samples (PyTorch's default), or,
/// with `dropLast`, cut to a multiple. Ranks must read equally many batches: a rank with
/// one batch fewer would leave the others waiting in the gradient all-reduce.
///
/// ```swift
/// let sampler = DistributedSampler(count: train.count, group: group, seed: 2024)
/// for epoch in 0..<epochs {
///     let loader = DataLoader(sampler.shard(of: train, epoch: epoch), batchSize: 16, dropLast: true)
///     for batch in loader { ... }
/// }
/// ```
public struct DistributedSampler: Sendable, Equatable {
    /// The number of samples in the data set.
    public let count: Int
    /// The rank whose share this is.
    public let rank: Int
    /// The number of ranks sharing the data set.
    public let worldSize: Int
    /// Whether each epoch reads a new permutation (otherwise `0..<count` in order).
    public let shuffle: Bool
    /// The seed; epoch `e` draws from `Generator(seed: seed + e)`.
    public let seed: UInt64
    /// Whether the tail beyond a multiple of `worldSize` is dropped instead of padded.
    public let dropLast: Bool

    /// The share of rank `rank` of `worldSize` of a data set of `count` samples.
    public init(count: Int, rank: Int, worldSize: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        distributedPrecondition(count >= 0, "DistributedSampler: count must not be negative, got \(count)")
        distributedPrecondition(worldSize > 0, "DistributedSampler: worldSize must be positive, got \(worldSize)")
        distributedPrecondition(rank >= 0 && rank < worldSize, "DistributedSampler: rank \(rank) is not in 0..<\(worldSize)")
        self.count = count
        self.rank = rank
        self.worldSize = worldSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
    }

    /// This process's share in `group`.
    public init(count: Int, group: ProcessGroup, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        self.init(count: count, rank: group.rank, worldSize: group.worldSize, shuffle: shuffle, seed: seed, dropLast: dropLast)
    }

    /// The number of samples each rank reads per epoch (PyTorch's `num_samples`).
    public var samplesPerRank: Int {
        dropLast ? count / worldSize : (count + worldSize - 1) / worldSize
    }

    /// The permutation's length after padding or cutting: `samplesPerRank * worldSize`.
    public var totalSize: Int { samplesPerRank * worldSize }

    /// This rank's indices for `epoch`, in reading order.
    public func indices(epoch: Int) -> [Int] {
        var order = permutation(epoch: epoch)
        if totalSize > order.count, !order.isEmpty {
            // Pad by repeating the permutation from its start (more than once when the data
            // set is smaller than the number of ranks).
            let missing = totalSize - order.count
            order += (0..<missing).map { order[$0 % order.count] }
        }
        return stride(from: rank, to: totalSize, by: worldSize).map { order[$0] }
    }

    /// This rank's share of `dataset` for `epoch`, as a data set to hand to a
    /// ``NablaNN/DataLoader`` (without shuffling: the order is the sampler's).
    public func shard<Data: Dataset>(of dataset: Data, epoch: Int) -> DatasetShard<Data> {
        distributedPrecondition(dataset.count == count, "DistributedSampler.shard: the sampler was made for \(count) samples, the data set has \(dataset.count)")
        return DatasetShard(dataset, indices: indices(epoch: epoch))
    }

    /// `0..<count` in the order of `epoch`: the first pass of a shuffling
    /// ``NablaNN/DataLoader`` over the indices with `Generator(seed: seed + epoch)`.
    private func permutation(epoch: Int) -> [Int] {
        guard shuffle, count > 1 else { return Array(0..<count) }
        let indices = TensorDataset(Tensor.arange(count))
        var pass = DataLoader(indices, batchSize: count, shuffle: true, generator: Generator(seed: seed &+ UInt64(epoch))).makeIterator()
        return pass.next()!.toArray(Int64.self).map { Int($0) }
    }
}

/// The samples of a data set at given indices, in that order (PyTorch's `Subset`): what
/// ``DistributedSampler/shard(of:epoch:)`` returns.
public struct DatasetShard<Base: Dataset>: Dataset {
    /// The data set read.
    public let base: Base
    /// The base's indices, in this data set's order.
    public let indices: [Int]

    /// The samples of `base` at `indices`.
    public init(_ base: Base, indices: [Int]) {
        distributedPrecondition(indices.allSatisfy { $0 >= 0 && $0 < base.count },
                                "DatasetShard: an index is out of range for a data set of \(base.count) samples")
        self.base = base
        self.indices = indices
    }

    /// The number of indices.
    public var count: Int { indices.count }

    /// Sample `indices[index]` of the base.
    public subscript(index: Int) -> [Tensor] {
        distributedPrecondition(index >= 0 && index < count, "DatasetShard: index \(index) is out of range for \(count) samples")
        return base[indices[index]]
    }

    /// The base's batch at the mapped indices (one gather per tensor for in-memory data),
    /// of the base's batch type: pairs stay pairs.
    public func batch(_ batchIndices: [Int]) -> Base.Batch {
        base.batch(batchIndices.map { indices[$0] })
    }
}

extension DatasetShard: Sendable where Base: Sendable {}

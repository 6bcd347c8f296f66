import NablaKernelsCore
/// Batches of a dataset, in order or shuffled (PyTorch's `DataLoader`).
///
/// ```swift
/// let loader = DataLoader(TensorDataset(x, y), batchSize: 64, shuffle: true, generator: Generator(seed: 0))
/// for epoch in 0..<10 {
///     for (inputs, labels) in loader {
///         ...
///     }
/// }
/// ```
///
/// Each pass (each `for` loop) draws a new order from `generator` when shuffling, as
/// PyTorch's sampler does per epoch, so a seeded generator gives the same sequence of
/// epochs on every run.
public struct DataLoader<Data: Dataset>: Sequence {
    /// The dataset read.
    public let dataset: Data
    /// The number of samples per batch.
    public let batchSize: Int
    /// Whether each pass reads the samples in a new random order.
    public let shuffle: Bool
    /// Whether the last batch is dropped when it is smaller than ``batchSize``.
    public let dropLast: Bool
    /// The source of the shuffled orders (the default generator when nil).
    public let generator: Generator?

    /// A loader reading `dataset` in batches of `batchSize`.
    public init(_ dataset: Data, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false, generator: Generator? = nil) {
        nablaPrecondition(batchSize > 0, "DataLoader: batchSize must be positive, got \(batchSize)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.generator = generator
    }

    /// The number of batches in a pass.
    public var count: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// Starts a pass, drawing from the generator what PyTorch's `DataLoader` draws.
    ///
    /// PyTorch's iterator first draws a base seed for its workers (even without
    /// shuffling); a shuffling `RandomSampler` then takes its order from `randperm` on
    /// `generator`, or, when there is none, on a new generator seeded from the default
    /// one. So after `manualSeed(s)` the orders are PyTorch's, and so are the numbers
    /// drawn after a pass.
    public func makeIterator() -> Iterator {
        _ = (generator ?? Nabla.Generator.default).nextSeed()
        guard shuffle else { return Iterator(loader: self, order: Array(0..<dataset.count), sampler: nil) }
        let sampler = generator ?? Nabla.Generator(seed: Nabla.Generator.default.nextSeed())
        return Iterator(loader: self, order: Self.permutation(dataset.count, generator: sampler), sampler: sampler)
    }

    /// A uniformly random permutation of `0..<count`: `randperm` on `generator`.
    static func permutation(_ count: Int, generator: Nabla.Generator) -> [Int] {
        Tensor.randperm(count, generator: generator).toArray(Int64.self).map { Int($0) }
    }

    /// The batches of one pass.
    public struct Iterator: IteratorProtocol {
        private let loader: DataLoader
        private let order: [Int]
        private var position = 0
        /// The shuffling sampler's generator until the pass ends.
        private var sampler: Nabla.Generator?

        init(loader: DataLoader, order: [Int], sampler: Nabla.Generator?) {
            self.loader = loader
            self.order = order
            self.sampler = sampler
        }

        /// The next batch (the dataset's ``Dataset/Batch``), or nil at the end.
        public mutating func next() -> Data.Batch? {
            let end = Swift.min(position + loader.batchSize, order.count)
            guard position < end, !(loader.dropLast && end - position < loader.batchSize) else {
                // PyTorch's RandomSampler, asked past its last index, shuffles once more to
                // take the remaining `count % count` (none) of another order.
                if let sampler {
                    _ = Tensor.randperm(order.count, generator: sampler)
                    self.sampler = nil
                }
                return nil
            }
            defer { position = end }
            return loader.dataset.batch(Array(order[position..<end]))
        }
    }
}

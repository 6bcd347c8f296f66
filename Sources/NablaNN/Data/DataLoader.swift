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

    /// Starts a pass, drawing its order now when shuffling.
    public func makeIterator() -> Iterator {
        let order = shuffle ? Self.permutation(dataset.count, generator: generator) : Array(0..<dataset.count)
        return Iterator(loader: self, order: order)
    }

    /// A uniformly random permutation of `0..<count` (Fisher-Yates), with the draws
    /// taken from `generator` in one tensor so that the order depends on the seed only.
    static func permutation(_ count: Int, generator: Generator?) -> [Int] {
        var order = Array(0..<count)
        guard count > 1 else { return order }
        let draws = Tensor.rand([count - 1], dtype: .float64, generator: generator).toArray(Double.self)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Swift.min(Int(draws[count - 1 - i] * Double(i + 1)), i)
            order.swapAt(i, j)
        }
        return order
    }

    /// The batches of one pass.
    public struct Iterator: IteratorProtocol {
        private let loader: DataLoader
        private let order: [Int]
        private var position = 0

        init(loader: DataLoader, order: [Int]) {
            self.loader = loader
            self.order = order
        }

        /// The next batch (the dataset's ``Dataset/Batch``), or nil at the end.
        public mutating func next() -> Data.Batch? {
            let end = Swift.min(position + loader.batchSize, order.count)
            guard position < end, !(loader.dropLast && end - position < loader.batchSize) else { return nil }
            defer { position = end }
            return loader.dataset.batch(Array(order[position..<end]))
        }
    }
}

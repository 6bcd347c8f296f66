import NablaKernelsCore
/// Samples that can be read by index (PyTorch's map-style `Dataset`).
///
/// A sample is a list of tensors, such as `[image, label]`. ``DataLoader`` asks for
/// whole batches through ``batch(_:)``. A dataset chooses the type of its batches: a list
/// of tensors by default (with PyTorch's default collate, which stacks the samples'
/// tensors along a new first dim), or a tuple such as `(images, labels)`, so that
/// `for (images, labels) in loader` reads as it does in PyTorch. Datasets held in memory
/// override ``batch(_:)`` to gather a batch in one operation per tensor.
public protocol Dataset {
    /// What ``DataLoader`` yields: `[Tensor]` unless the dataset says otherwise.
    associatedtype Batch = [Tensor]
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index`, in `0..<count`.
    subscript(index: Int) -> [Tensor] { get }
    /// The samples at `indices`, collated: tensor `k` of the result stacks tensor `k` of
    /// every sample.
    func batch(_ indices: [Int]) -> Batch
}

extension Dataset {
    /// The samples at `indices` with their tensors stacked along a new first dim
    /// (PyTorch's default collate): element `k` stacks tensor `k` of every sample.
    public func collate(_ indices: [Int]) -> [Tensor] {
        let samples = indices.map { self[$0] }
        guard let first = samples.first else { return [] }
        return first.indices.map { k in
            nablaPrecondition(samples.allSatisfy { $0.count == first.count }, "Dataset.batch: samples hold different numbers of tensors")
            return Tensor.stack(samples.map { $0[k] }, dim: 0)
        }
    }
}

extension Dataset where Batch == [Tensor] {
    /// Stacks the samples' tensors along a new first dim.
    public func batch(_ indices: [Int]) -> [Tensor] { collate(indices) }
}

/// Tensors of equal length read together along their first dim (PyTorch's
/// `TensorDataset`): sample `i` is `[tensors[0][i], tensors[1][i], ...]`.
///
/// The batch type follows the number of tensors, so a loader's batches destructure as
/// PyTorch's do:
///
/// ```swift
/// let loader = DataLoader(TensorDataset(inputs, labels), batchSize: 64, shuffle: true)
/// for (x, y) in loader { ... }                 // TensorDataset<(Tensor, Tensor)>
/// for x in DataLoader(TensorDataset(inputs)) { ... }   // TensorDataset<Tensor>
/// ```
///
/// Three tensors give triples; a list of tensors (``init(_:)-([Tensor])``) gives lists.
public struct TensorDataset<Batch>: Dataset, Sendable {
    /// The tensors, each with ``count`` rows.
    public let tensors: [Tensor]
    /// Turns the gathered rows (one tensor per entry of ``tensors``) into a batch.
    private let assemble: @Sendable ([Tensor]) -> Batch

    private init(checking tensors: [Tensor], assemble: @escaping @Sendable ([Tensor]) -> Batch) {
        nablaPrecondition(!tensors.isEmpty, "TensorDataset: at least one tensor is needed")
        nablaPrecondition(tensors.allSatisfy { $0.ndim > 0 && $0.shape[0] == tensors[0].shape[0] },
                     "TensorDataset: every tensor must have the same first dim, got shapes \(tensors.map(\.shape))")
        self.tensors = tensors
        self.assemble = assemble
    }

    /// The length of the first dim.
    public var count: Int { tensors[0].shape[0] }

    /// Row `index` of every tensor.
    public subscript(index: Int) -> [Tensor] {
        nablaPrecondition(index >= 0 && index < count, "TensorDataset: index \(index) is out of range for \(count) samples")
        return tensors.map { $0.select(0, index) }
    }

    /// The rows at `indices` of every tensor, one `indexSelect` each.
    public func batch(_ indices: [Int]) -> Batch {
        let index = Tensor(indices.map { Int64($0) })
        return assemble(tensors.map { $0.indexSelect(dim: 0, index: index) })
    }
}

extension TensorDataset where Batch == Tensor {
    /// A dataset over one tensor's rows; batches are tensors.
    public init(_ tensor: Tensor) {
        self.init(checking: [tensor]) { $0[0] }
    }
}

extension TensorDataset where Batch == (Tensor, Tensor) {
    /// A dataset over two tensors sharing their first dim, such as inputs and labels;
    /// batches are pairs.
    public init(_ first: Tensor, _ second: Tensor) {
        self.init(checking: [first, second]) { ($0[0], $0[1]) }
    }
}

extension TensorDataset where Batch == (Tensor, Tensor, Tensor) {
    /// A dataset over three tensors sharing their first dim; batches are triples.
    public init(_ first: Tensor, _ second: Tensor, _ third: Tensor) {
        self.init(checking: [first, second, third]) { ($0[0], $0[1], $0[2]) }
    }
}

extension TensorDataset where Batch == [Tensor] {
    /// A dataset over any number of tensors sharing their first dim; batches are lists.
    public init(_ tensors: [Tensor]) {
        self.init(checking: tensors) { $0 }
    }
}

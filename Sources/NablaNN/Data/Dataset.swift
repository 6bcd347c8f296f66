import NablaKernelsCore
/// Samples that can be read by index (PyTorch's map-style `Dataset`).
///
/// A sample is a list of tensors, such as `[image, label]`. ``DataLoader`` asks for
/// whole batches through ``batch(_:)``, whose default stacks the samples' tensors along
/// a new first dim (PyTorch's default collate); datasets held in memory override it to
/// gather a batch in one operation per tensor.
public protocol Dataset {
    /// The number of samples.
    var count: Int { get }
    /// The sample at `index`, in `0..<count`.
    subscript(index: Int) -> [Tensor] { get }
    /// The samples at `indices`, collated: tensor `k` of the result stacks tensor `k` of
    /// every sample.
    func batch(_ indices: [Int]) -> [Tensor]
}

extension Dataset {
    /// Stacks the samples' tensors along a new first dim.
    public func batch(_ indices: [Int]) -> [Tensor] {
        let samples = indices.map { self[$0] }
        guard let first = samples.first else { return [] }
        return first.indices.map { k in
            nablaPrecondition(samples.allSatisfy { $0.count == first.count }, "Dataset.batch: samples hold different numbers of tensors")
            return Tensor.stack(samples.map { $0[k] }, dim: 0)
        }
    }
}

/// Tensors of equal length read together along their first dim (PyTorch's
/// `TensorDataset`): sample `i` is `[tensors[0][i], tensors[1][i], ...]`.
public struct TensorDataset: Dataset, Sendable {
    /// The tensors, each with ``count`` rows.
    public let tensors: [Tensor]

    /// A dataset over `tensors`, which must share their first dim.
    public init(_ tensors: Tensor...) {
        self.init(tensors)
    }

    /// A dataset over `tensors`, which must share their first dim.
    public init(_ tensors: [Tensor]) {
        nablaPrecondition(!tensors.isEmpty, "TensorDataset: at least one tensor is needed")
        nablaPrecondition(tensors.allSatisfy { $0.ndim > 0 && $0.shape[0] == tensors[0].shape[0] },
                     "TensorDataset: every tensor must have the same first dim, got shapes \(tensors.map(\.shape))")
        self.tensors = tensors
    }

    /// The length of the first dim.
    public var count: Int { tensors[0].shape[0] }

    /// Row `index` of every tensor.
    public subscript(index: Int) -> [Tensor] {
        nablaPrecondition(index >= 0 && index < count, "TensorDataset: index \(index) is out of range for \(count) samples")
        return tensors.map { $0.select(0, index) }
    }

    /// The rows at `indices` of every tensor, one `indexSelect` each.
    public func batch(_ indices: [Int]) -> [Tensor] {
        let index = Tensor(indices.map { Int64($0) })
        return tensors.map { $0.indexSelect(dim: 0, index: index) }
    }
}

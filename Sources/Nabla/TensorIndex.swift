import NablaKernelsCore
/// One component of a subscript such as `x[0, 1..<3, .all]`: PyTorch's basic indexing
/// (integers, slices with steps, `None`, `...`) in Swift spelling.
///
/// Integers and Swift ranges convert automatically; negative integers count from the
/// end. Slices whose bounds Swift ranges cannot express (Python's `x[1:-1]` or `x[::2]`)
/// are written `.slice(start:end:step:)` or `.every(_:)`.
public enum TensorIndex: Sendable, Hashable {
    /// One position along the dimension, which is removed from the result.
    case position(Int)
    /// Positions `start..<end` by `step` (Python's `start:end:step`); nil bounds mean the
    /// start or end of the dimension, negative bounds count from the end, out-of-range
    /// bounds are clamped as in Python. `step` must be positive.
    case range(start: Int?, end: Int?, step: Int)
    /// A new dimension of size 1 (Python's `None`); written `.newAxis` in subscripts.
    case insertedAxis
    /// As many full slices as needed to index every remaining dimension (Python's `...`);
    /// written `.ellipsis` in subscripts.
    case remainingDims
}

/// A value that can appear in a tensor subscript: `Int`, Swift's ranges of `Int`, and
/// ``TensorIndex`` itself.
public protocol TensorIndexConvertible {
    /// The index component this value stands for.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexConvertible {
    /// The index itself.
    public var tensorIndex: TensorIndex { self }
}

extension TensorIndexConvertible where Self == TensorIndex {
    /// The whole dimension (Python's `:`).
    public static var all: TensorIndex { .range(start: nil, end: nil, step: 1) }
    /// A new dimension of size 1 (Python's `None`).
    public static var newAxis: TensorIndex { .insertedAxis }
    /// As many full slices as needed to index every remaining dimension (Python's `...`).
    public static var ellipsis: TensorIndex { .remainingDims }
    /// The whole dimension with a step (Python's `::step`).
    public static func every(_ step: Int) -> TensorIndex { .range(start: nil, end: nil, step: step) }
    /// Python's `start:end:step`, for bounds Swift ranges cannot express (`x[1:-1]`).
    public static func slice(start: Int? = nil, end: Int? = nil, step: Int = 1) -> TensorIndex {
        .range(start: start, end: end, step: step)
    }
}

extension Int: TensorIndexConvertible {
    /// A single position.
    public var tensorIndex: TensorIndex { .position(self) }
}

extension Range: TensorIndexConvertible where Bound == Int {
    /// `lower..<upper`.
    public var tensorIndex: TensorIndex { .range(start: lowerBound, end: upperBound, step: 1) }
}

extension ClosedRange: TensorIndexConvertible where Bound == Int {
    /// `lower...upper`, including `upper` (`-1` means the last position).
    public var tensorIndex: TensorIndex {
        .range(start: lowerBound, end: upperBound == -1 ? nil : upperBound + 1, step: 1)
    }
}

extension PartialRangeFrom: TensorIndexConvertible where Bound == Int {
    /// `lower...`: to the end.
    public var tensorIndex: TensorIndex { .range(start: lowerBound, end: nil, step: 1) }
}

extension PartialRangeUpTo: TensorIndexConvertible where Bound == Int {
    /// `..<upper`.
    public var tensorIndex: TensorIndex { .range(start: nil, end: upperBound, step: 1) }
}

extension PartialRangeThrough: TensorIndexConvertible where Bound == Int {
    /// `...upper`, including `upper`.
    public var tensorIndex: TensorIndex { .range(start: nil, end: upperBound == -1 ? nil : upperBound + 1, step: 1) }
}

extension Tensor {
    /// Basic indexing, as in PyTorch: integers select (and remove a dim), ranges and
    /// slices narrow, `.newAxis` adds a dim, `.ellipsis` fills
    /// the rest. The result is a view sharing storage; assigning to it copies the new
    /// value in, broadcast to the selected shape.
    ///
    /// ```swift
    /// let m = Tensor.arange(24).view(2, 3, 4)
    /// m[0]                  // shape [3, 4]
    /// m[.all, 1..<3, .every(2)]   // shape [2, 2, 2], PyTorch's m[:, 1:3, ::2]
    /// m[-1, .ellipsis, 0]   // shape [3]
    /// ```
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get { self[indices.map(\.tensorIndex)] }
        set { self[indices.map(\.tensorIndex)] = newValue }
    }

    /// Basic indexing with the components in an array.
    public subscript(_ indices: [TensorIndex]) -> Tensor {
        get {
            let (newShape, newStrides, offset) = indexedLayout(indices)
            let input = self
            return asStrided(shape: newShape, strides: newStrides, storageOffset: offset)
                .recordingGradient("SliceBackward0", inputs: [self]) { g in
                    let full = Tensor.zeros(input.shape, dtype: g.dtype)
                    full[indices].copy(from: g)
                    return [full]
                }
        }
        set {
            let (newShape, newStrides, offset) = indexedLayout(indices)
            asStrided(shape: newShape, strides: newStrides, storageOffset: offset).copy(from: newValue)
        }
    }

    /// The shape, strides and offset of the view that `indices` select.
    private func indexedLayout(_ indices: [TensorIndex]) -> ([Int], [Int], Int) {
        let consuming = indices.filter { $0 != .insertedAxis && $0 != .remainingDims }.count
        let ellipses = indices.filter { $0 == .remainingDims }.count
        nablaPrecondition(ellipses <= 1, "subscript: an index can only have a single ellipsis (indices \(indices))")
        nablaPrecondition(consuming <= ndim, "subscript: too many indices (\(consuming)) for a tensor of shape \(shape)")
        var newShape: [Int] = [], newStrides: [Int] = []
        var offset = storageOffset
        var dim = 0
        for index in indices {
            switch index {
            case .position(let i):
                let size = shape[dim]
                nablaPrecondition(i >= -size && i < size, "subscript: index \(i) is out of bounds for dimension \(dim) with size \(size) (shape \(shape))")
                offset += (i < 0 ? i + size : i) * strides[dim]
                dim += 1
            case let .range(start, end, step):
                nablaPrecondition(step > 0, "subscript: slice step must be positive, got \(step) (shape \(shape))")
                let size = shape[dim]
                func clamp(_ bound: Int?, _ fallback: Int) -> Int {
                    guard var b = bound else { return fallback }
                    if b < 0 { b += size }
                    return Swift.min(Swift.max(b, 0), size)
                }
                let lower = clamp(start, 0)
                let upper = Swift.max(lower, clamp(end, size))
                offset += lower * strides[dim]
                newShape.append((upper - lower + step - 1) / step)
                newStrides.append(strides[dim] * step)
                dim += 1
            case .insertedAxis:
                newShape.append(1)
                newStrides.append(1)
            case .remainingDims:
                let skipped = ndim - consuming
                newShape += shape[dim..<(dim + skipped)]
                newStrides += strides[dim..<(dim + skipped)]
                dim += skipped
            }
        }
        newShape += shape[dim...]
        newStrides += strides[dim...]
        return (newShape, newStrides, offset)
    }
}

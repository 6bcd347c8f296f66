import NablaKernelsCore
// Sorting and order statistics: sort, argsort, topk, kthvalue, median, unique.
//
// Every op sorts rows: the input with the chosen dim moved last, copied once into a
// contiguous buffer of its own element type (float16 as float32, which is exact), then
// each row is sorted as an array of positions, O(n log n) and one position buffer per
// call. The comparison is a total order: NaN is larger than every number (as in
// PyTorch), and equal elements keep their input order, so every result is the stable one
// and does not depend on the sorting algorithm. The values' gradient scatters back to
// the positions the indices name.

/// An element type rows can be sorted by, with NaN ordered after every number.
protocol SortableElement: TensorElement, Equatable {
    /// Whether `a` comes strictly before `b` in ascending order (NaN last).
    static func sortsBefore(_ a: Self, _ b: Self) -> Bool
}

extension Float: SortableElement {
    @inline(__always) static func sortsBefore(_ a: Float, _ b: Float) -> Bool { a < b || (b.isNaN && !a.isNaN) }
}

extension Double: SortableElement {
    @inline(__always) static func sortsBefore(_ a: Double, _ b: Double) -> Bool { a < b || (b.isNaN && !a.isNaN) }
}

extension Int64: SortableElement {
    @inline(__always) static func sortsBefore(_ a: Int64, _ b: Int64) -> Bool { a < b }
}

extension Int32: SortableElement {
    @inline(__always) static func sortsBefore(_ a: Int32, _ b: Int32) -> Bool { a < b }
}

extension UInt8: SortableElement {
    @inline(__always) static func sortsBefore(_ a: UInt8, _ b: UInt8) -> Bool { a < b }
}

extension Bool: SortableElement {
    @inline(__always) static func sortsBefore(_ a: Bool, _ b: Bool) -> Bool { !a && b }
}

extension Tensor {
    /// The dtype rows are sorted in: the tensor's own, float16 widened to float32.
    var sortKeyType: DType { dtype == .float16 ? .float32 : dtype }

    /// Calls `body` with the Swift type of a sort key dtype (never float16).
    static func withSortableType<R>(_ dtype: DType, _ body: (any SortableElement.Type) -> R) -> R {
        switch dtype {
        case .float32: body(Float.self)
        case .float64: body(Double.self)
        case .int64: body(Int64.self)
        case .int32: body(Int32.self)
        case .uint8: body(UInt8.self)
        case .bool: body(Bool.self)
        case .float16: nablaPreconditionFailure("sort: internal error, float16 keys are sorted as float32")
        }
    }

    /// Sorts the positions `0..<order.count` of `keys` (ascending or descending, NaN
    /// largest, ties in input order).
    @inline(__always)
    static func sortPositions<T: SortableElement>(_ order: UnsafeMutableBufferPointer<Int>, keys: UnsafePointer<T>, descending: Bool) {
        var order = order
        for i in order.indices { order[i] = i }
        order.sort { a, b in
            let x = keys[a], y = keys[b]
            if T.sortsBefore(x, y) { return !descending }
            if T.sortsBefore(y, x) { return descending }
            return a < b
        }
    }

    /// Sorts each of the `outer` contiguous rows of `n` keys and writes the first `count`
    /// values and positions of every row.
    private static func sortRows<T: SortableElement>(_: T.Type, rows: Tensor, outer: Int, n: Int, count: Int, descending: Bool,
                                                     values: Tensor, indices: Tensor) {
        let source = UnsafePointer(rows.pointer(as: T.self))
        let valueOut = values.pointer(as: T.self), indexOut = indices.pointer(as: Int64.self)
        var order = [Int](repeating: 0, count: n)
        order.withUnsafeMutableBufferPointer { order in
            for row in 0..<outer {
                let keys = source + row * n
                sortPositions(order, keys: keys, descending: descending)
                for j in 0..<count {
                    valueOut[row * count + j] = keys[order[j]]
                    indexOut[row * count + j] = Int64(order[j])
                }
            }
        }
    }

    /// The first `count` elements of every row along `d` in sorted order, with their
    /// int64 positions, laid out like the input with dim `d` of size `count` (no graph).
    private func sortedAlong(_ d: Int, count: Int, descending: Bool, operation: String) -> (values: Tensor, indices: Tensor) {
        let last = ndim - 1
        let moved = detach().transpose(d, last)
        let keyType = sortKeyType
        let rows = Tensor(uninitializedShape: moved.shape, dtype: keyType, zeroed: false, operation: operation)
        StridedCopy.copy(moved, into: rows)
        var outShape = moved.shape
        outShape[last] = count
        let values = Tensor(uninitializedShape: outShape, dtype: keyType, zeroed: false, operation: operation)
        let indices = Tensor(uninitializedShape: outShape, dtype: .int64, zeroed: false, operation: operation)
        let outer = moved.shape.dropLast().reduce(1, *)
        Tensor.withSortableType(keyType) { type in
            Tensor.sortRows(type, rows: rows, outer: outer, n: shape[d], count: count, descending: descending, values: values, indices: indices)
        }
        return (values.transpose(d, last).contiguous().to(dtype), indices.transpose(d, last).contiguous())
    }

    /// The gradient of values picked from this tensor at `indices` along `d`: `g`
    /// scattered back to those positions, zero elsewhere.
    private func pickedGradient(_ g: Tensor, indices: Tensor, dim d: Int) -> Tensor {
        Tensor.zeros(shape, dtype: g.dtype).scatterAdd(dim: d, index: indices, source: g)
    }

    /// Values picked along `d` at `indices` (same shape), as a node whose gradient
    /// scatters back to the picked positions.
    private func recordPicked(_ values: Tensor, indices: Tensor, dim d: Int, name: String) -> Tensor {
        values.recordingGradient(name, inputs: [self], saving: [indices]) { [self] g in
            [pickedGradient(g, indices: indices, dim: d)]
        }
    }

    // MARK: Sort

    /// The elements sorted along `dim`, with the int64 positions they came from, like
    /// `torch.sort(x, dim, descending, stable)`.
    ///
    /// NaN counts as larger than every number: it sorts last, or first when descending.
    /// Equal elements always keep their input order, so the result is the stable one
    /// whatever `stable` says (PyTorch leaves the order of ties unspecified without it).
    /// The gradient flows to the values' source positions. Sorting a row of `n` elements
    /// takes O(n log n).
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> (values: Tensor, indices: Tensor) {
        let d = normalizedDim(dim, operation: "sort")
        if ndim == 0 {
            let sorted = reshape([1]).sort(dim: 0, descending: descending)
            return (sorted.values.reshape([]), sorted.indices.reshape([]))
        }
        let (values, indices) = sortedAlong(d, count: shape[d], descending: descending, operation: "sort")
        return (recordPicked(values, indices: indices, dim: d, name: "SortBackward0"), indices)
    }

    /// The int64 positions that sort the elements along `dim`, like `torch.argsort`: the
    /// indices of ``sort(dim:descending:stable:)``. Ties keep their input order.
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> Tensor {
        withNoGrad { sort(dim: dim, descending: descending, stable: stable).indices }
    }

    /// The `k` largest (or, with `largest: false`, smallest) elements along `dim` and
    /// their int64 positions, like `torch.topk`.
    ///
    /// The values come in sorted order (largest first, or smallest first), which is also
    /// a valid answer when `sorted` is false. NaN counts as the largest element; ties are
    /// taken in input order. Traps when `k` exceeds the size of `dim`. The gradient flows
    /// to the chosen positions.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) -> (values: Tensor, indices: Tensor) {
        let d = normalizedDim(dim, operation: "topk")
        let size = ndim == 0 ? 1 : shape[d]
        nablaPrecondition(k >= 0 && k <= size, "topk: k \(k) is out of range for dim \(dim) of size \(size) (shape \(shape))")
        if ndim == 0 {
            let top = reshape([1]).topk(k, dim: 0, largest: largest)
            return k == 1 ? (top.values.reshape([]), top.indices.reshape([])) : top
        }
        let (values, indices) = sortedAlong(d, count: k, descending: largest, operation: "topk")
        return (recordPicked(values, indices: indices, dim: d, name: "TopkBackward0"), indices)
    }

    // MARK: Order statistics

    /// The `k`-th smallest element along `dim` (`k` counts from 1) and its int64
    /// position, like `torch.kthvalue`. NaN counts as the largest element; among equal
    /// elements the first in input order is reported. Traps unless `1 <= k <= size`.
    public func kthvalue(_ k: Int, dim: Int = -1, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let d = normalizedDim(dim, operation: "kthvalue")
        let size = ndim == 0 ? 1 : shape[d]
        nablaPrecondition(k >= 1 && k <= size, "kthvalue: k \(k) is out of range for dim \(dim) of size \(size) (shape \(shape)); k counts from 1")
        return orderStatistic(d, keepdim: keepdim, operation: "kthvalue", name: "KthvalueBackward0") { _ in k - 1 }
    }

    /// The lower median of all elements (a 0-d tensor), like `torch.median()`: for an
    /// even count, the smaller of the two middle elements, not their mean. NaN if any
    /// element is NaN (or the tensor is empty). The gradient is shared evenly by every
    /// element equal to the median, as in PyTorch.
    public func median() -> Tensor {
        if numel == 0 {
            nablaPrecondition(dtype.isFloatingPoint, "median: cannot take the median of an empty \(dtype) tensor (shape \(shape))")
            return Tensor.scalar(.nan, dtype: dtype)
        }
        let value = withNoGrad { reshape([-1]).median(dim: 0).values }
        let saved = value.detach()
        return value.detach().recordingGradient("MedianBackward0", inputs: [self], saving: [self]) { [self] g in
            let isNaN = saved.item().isNaN
            let ties = (isNaN ? self .!= self : self .== saved).to(g.dtype)
            return [ties * (g / ties.sum())]
        }
    }

    /// The lower median along `dim` and its int64 position, like
    /// `torch.median(x, dim, keepdim)`. A row that holds NaN gives NaN and the position
    /// of its first NaN; among equal elements the first in input order is reported.
    public func median(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        let d = normalizedDim(dim, operation: "median")
        let size = ndim == 0 ? 1 : shape[d]
        nablaPrecondition(size > 0, "median: cannot take the median of the empty dim \(dim) of shape \(shape)")
        return orderStatistic(d, keepdim: keepdim, operation: "median", name: "MedianBackward1") { nanCount in
            nanCount > 0 ? size - nanCount : (size - 1) / 2
        }
    }

    /// The element at a sorted position of each row along `d`; `position` maps a row's
    /// NaN count to the position (0-based, ascending order) to report.
    private func orderStatistic(_ d: Int, keepdim: Bool, operation: String, name: String,
                                position: (_ nanCount: Int) -> Int) -> (values: Tensor, indices: Tensor) {
        if ndim == 0 {
            let result = reshape([1]).orderStatistic(0, keepdim: false, operation: operation, name: name, position: position)
            return (result.values.reshape([]), result.indices.reshape([]))
        }
        let (sortedValues, sortedIndices) = sortedAlong(d, count: shape[d], descending: false, operation: operation)
        var keptShape = shape
        keptShape[d] = 1
        let positions: Tensor
        if dtype.isFloatingPoint {
            let plain = detach()
            let nanCounts = (plain .!= plain).to(.int64).sum(dim: d, keepdim: true).toArray(Int.self)
            positions = Tensor(elements: nanCounts.map(position), shape: keptShape, dtype: .int64)
        } else {
            positions = Tensor.full(keptShape, Double(position(0)), dtype: .int64)
        }
        var values = sortedValues.gather(dim: d, index: positions)
        var indices = sortedIndices.gather(dim: d, index: positions)
        let keptIndices = indices
        values = recordPicked(values, indices: keptIndices, dim: d, name: name)
        if !keepdim {
            values = values.squeeze(d)
            indices = indices.squeeze(d)
        }
        return (values, indices)
    }

    // MARK: Unique

    /// The distinct elements, like `torch.unique`, in ascending order.
    ///
    /// - Parameters:
    ///   - sorted: Accepted for PyTorch compatibility; the result is always sorted (as
    ///     PyTorch's CPU implementation is).
    ///   - returnInverse: Also return, for every input element (or slice), the int64
    ///     position of its value in the result: `values[inverse]` rebuilds the input.
    ///   - returnCounts: Also return how many times each distinct value occurs (int64).
    ///   - dim: Compare whole slices along this dim instead of single elements; slices are
    ///     ordered lexicographically. `nil` flattens the input first.
    /// - Returns: The distinct values (1-d without `dim`), and the inverse and counts when
    ///   asked for. NaN never equals anything, so every NaN is its own value, as in
    ///   PyTorch. Not differentiable.
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false,
                       dim: Int? = nil) -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let source = detach()
        let sliceDim = dim.map { normalizedDim($0, operation: "unique") }
        if let sliceDim { nablaPrecondition(ndim > 0, "unique: cannot take unique slices of a 0-d tensor along dim \(sliceDim)") }
        let d = sliceDim ?? 0
        // Rows: one per element (dim nil) or one per slice along `d`, each `width` long.
        let moved = sliceDim == nil ? source.reshape([-1, 1]) : source.permute([d] + (0..<ndim).filter { $0 != d })
        let count = sliceDim == nil ? numel : shape[d]
        let width = count == 0 ? 0 : moved.numel / count
        nablaPrecondition(sliceDim == nil || count == 0 || width > 0,
                          "unique: the slices along dim \(d) of shape \(shape) hold no elements (another dim is empty), so they cannot be compared")
        let rows = Tensor(uninitializedShape: moved.shape, dtype: sortKeyType, zeroed: false, operation: "unique")
        StridedCopy.copy(moved, into: rows)
        let (order, groupStarts) = Tensor.withSortableType(sortKeyType) { type in
            Tensor.uniqueRows(type, rows: rows, count: count, width: width)
        }
        let firstRows = groupStarts.map { order[$0] }
        let picked = rows.reshape([count, width]).indexSelect(dim: 0, index: Tensor(elements: firstRows, shape: [firstRows.count], dtype: .int64))
        var values = picked.reshape([firstRows.count] + moved.shape.dropFirst()).to(dtype)
        if sliceDim != nil {
            var inverseOrder = [Int](repeating: 0, count: ndim)
            for (i, dimension) in ([d] + (0..<ndim).filter { $0 != d }).enumerated() { inverseOrder[dimension] = i }
            values = values.permute(inverseOrder).contiguous()
        } else {
            values = values.reshape([firstRows.count])
        }
        var inverse: Tensor?
        if returnInverse {
            var positions = [Int](repeating: 0, count: count)
            for (group, start) in groupStarts.enumerated() {
                let end = group + 1 < groupStarts.count ? groupStarts[group + 1] : count
                for j in start..<end { positions[order[j]] = group }
            }
            inverse = Tensor(elements: positions, shape: sliceDim == nil ? shape : [count], dtype: .int64)
        }
        var counts: Tensor?
        if returnCounts {
            let sizes = groupStarts.indices.map { group in (group + 1 < groupStarts.count ? groupStarts[group + 1] : count) - groupStarts[group] }
            counts = Tensor(elements: sizes, shape: [sizes.count], dtype: .int64)
        }
        return (values, inverse, counts)
    }

    /// Sorts `count` contiguous rows of `width` keys lexicographically (stable) and
    /// returns the order and where each run of equal rows starts in it.
    private static func uniqueRows<T: SortableElement>(_: T.Type, rows: Tensor, count: Int, width: Int) -> (order: [Int], groupStarts: [Int]) {
        let keys = UnsafePointer(rows.pointer(as: T.self))
        var order = [Int](repeating: 0, count: count)
        if width == 1 {
            order.withUnsafeMutableBufferPointer { sortPositions($0, keys: keys, descending: false) }
        } else {
            order = Array(0..<count)
            order.sort { a, b in
                for k in 0..<width {
                    let x = keys[a * width + k], y = keys[b * width + k]
                    if T.sortsBefore(x, y) { return true }
                    if T.sortsBefore(y, x) { return false }
                    if !(x == y) { return a < b }  // NaN against NaN: keep input order
                }
                return a < b
            }
        }
        var starts: [Int] = []
        for j in 0..<count {
            let isNew = j == 0 || (0..<width).contains { k in !(keys[order[j] * width + k] == keys[order[j - 1] * width + k]) }
            if isNew { starts.append(j) }
        }
        return (order, starts)
    }
}

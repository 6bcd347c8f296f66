import NablaKernelsCore
// Indexing with index tensors: gather, scatterAdd, indexSelect, oneHot.

extension Tensor {
    /// The int64 indices of an index tensor, checked against `size`.
    private func checkedIndices(_ index: Tensor, size: Int, operation: String) -> [Int] {
        nablaPrecondition(index.dtype == .int64 || index.dtype == .int32,
                     "\(operation): index must be an int64 (or int32) tensor, got \(index.dtype)")
        let values = index.toArray(Int.self)
        for value in values {
            nablaPrecondition(value >= -size && value < size, "\(operation): index \(value) is out of bounds for dimension with size \(size) (input shape \(shape))")
        }
        return values.map { $0 < 0 ? $0 + size : $0 }
    }

    /// For every position of `index`, the element of this tensor at that position with
    /// dim `dim` replaced by the index value, like `torch.gather`: `out[i][j] =
    /// self[i][index[i][j]]` for `dim` 1.
    public func gather(dim: Int, index: Tensor) -> Tensor {
        let d = normalizedDim(dim, operation: "gather")
        nablaPrecondition(index.ndim == Swift.max(ndim, 1) || (ndim == 0 && index.ndim <= 1),
                     "gather: index of shape \(index.shape) must have as many dims as the input of shape \(shape)")
        for k in 0..<index.ndim where k != d && ndim > 0 {
            nablaPrecondition(index.shape[k] <= shape[k], "gather: index of shape \(index.shape) is larger than the input of shape \(shape) at dim \(k)")
        }
        let positions = checkedIndices(index, size: ndim == 0 ? 1 : shape[d], operation: "gather")
        let out = Tensor(uninitializedShape: index.shape, dtype: dtype, zeroed: false, operation: "gather")
        let size = itemSize
        let source = rawData, destination = out.rawData
        Tensor.forEachIndexedOffset(index.shape, positions: positions, dim: d, strides: ndim == 0 ? [0] : strides) { flat, offset in
            (destination + flat * size).copyMemory(from: source + offset * size, byteCount: size)
        }
        let inputShape = shape
        return out.recordingGradient("GatherBackward0", inputs: [self], saving: [index]) { g in
            [Tensor.zeros(inputShape, dtype: g.dtype).scatterAdd(dim: d, index: index, source: g)]
        }
    }

    /// A copy of this tensor with `source` added at the positions `index` gives along
    /// `dim`, like `torch.scatter_add` (the inverse of ``gather(dim:index:)``).
    public func scatterAdd(dim: Int, index: Tensor, source: Tensor) -> Tensor {
        let d = normalizedDim(dim, operation: "scatterAdd")
        nablaPrecondition(index.shape == source.shape || Tensor.broadcasts(index.shape, to: source.shape),
                     "scatterAdd: index of shape \(index.shape) and source of shape \(source.shape) must match")
        nablaPrecondition(index.ndim == ndim, "scatterAdd: index of shape \(index.shape) must have as many dims as the input of shape \(shape)")
        let positions = checkedIndices(index, size: shape[d], operation: "scatterAdd")
        let values = source.toArray(Double.self)
        var result = contiguous().toArray(Double.self)
        Tensor.forEachIndexedOffset(index.shape, positions: positions, dim: d, strides: Tensor.contiguousStrides(for: shape)) { flat, offset in
            result[offset] += values[flat]
        }
        let out = Tensor(elements: result, shape: shape, dtype: dtype)
        return out.recordingGradient("ScatterAddBackward0", inputs: [self, source], saving: [index]) { g in
            [g, g.gather(dim: d, index: index)]
        }
    }

    /// Walks every position of an index tensor of `indexShape` in row-major order and calls
    /// `body(flat, offset)`: `offset` is the element the position addresses under `strides`
    /// with its coordinate along `dim` replaced by the index value `positions[flat]` (the
    /// addressing that gather and scatterAdd share).
    static func forEachIndexedOffset(_ indexShape: [Int], positions: [Int], dim: Int, strides: [Int],
                                     _ body: (_ flat: Int, _ offset: Int) -> Void) {
        var counter = [Int](repeating: 0, count: indexShape.count)
        for (flat, position) in positions.enumerated() {
            var offset = 0
            for k in 0..<indexShape.count { offset += (k == dim ? position : counter[k]) * strides[k] }
            body(flat, offset)
            var k = indexShape.count - 1
            while k >= 0 {
                counter[k] += 1
                if counter[k] < indexShape[k] { break }
                counter[k] = 0
                k -= 1
            }
        }
    }

    /// The slices along `dim` at the positions in the 1-d `index`, like
    /// `torch.index_select`.
    public func indexSelect(dim: Int, index: Tensor) -> Tensor {
        let d = normalizedDim(dim, operation: "indexSelect")
        nablaPrecondition(index.ndim <= 1, "indexSelect: index must be 0-d or 1-d, got shape \(index.shape)")
        let positions = checkedIndices(index, size: ndim == 0 ? 1 : shape[d], operation: "indexSelect")
        if ndim == 0 { return clone() }
        var outShape = shape
        outShape[d] = positions.count
        let out = Tensor(uninitializedShape: outShape, dtype: dtype, zeroed: false, operation: "indexSelect")
        withNoGrad {
            for (i, position) in positions.enumerated() {
                StridedCopy.copy(narrowLayout(d, start: position, length: 1), into: out.narrowLayout(d, start: i, length: 1))
            }
        }
        let inputShape = shape
        return out.recordingGradient("IndexSelectBackward0", inputs: [self], saving: [index]) { g in
            var expandedShape = [Int](repeating: 1, count: g.ndim)
            expandedShape[d] = positions.count
            let expandedIndex = Tensor(elements: positions, shape: expandedShape, dtype: .int64).expand(g.shape).contiguous()
            return [Tensor.zeros(inputShape, dtype: g.dtype).scatterAdd(dim: d, index: expandedIndex, source: g)]
        }
    }

    /// The indices of the nonzero (for bool, `true`) elements, like `torch.nonzero`: an
    /// int64 tensor of shape `[count, ndim]`, one row per element in row-major order.
    /// For a 1-d mask, `mask.nonzero().flatten()` lists the positions to pass to
    /// ``indexSelect(dim:index:)``. Not differentiable (the result is integer).
    public func nonzero() -> Tensor {
        let values = to(.float64).toArray(Double.self)
        let strides = Tensor.contiguousStrides(for: shape)
        var count = 0
        var rows: [Int] = []
        for (flat, value) in values.enumerated() where value != 0 {
            count += 1
            var rest = flat
            for stride in strides {
                rows.append(rest / stride)
                rest %= stride
            }
        }
        return Tensor(elements: rows, shape: [count, ndim], dtype: .int64)
    }

    /// One-hot encodings of integer class labels, like `torch.nn.functional.one_hot`:
    /// a new last dim of size `numClasses` (inferred as max + 1 when nil), int64.
    public func oneHot(numClasses: Int? = nil) -> Tensor {
        nablaPrecondition(dtype == .int64 || dtype == .int32 || dtype == .uint8, "oneHot: expects an integer tensor of class indices, got \(dtype)")
        let labels = toArray(Int.self)
        let classes = numClasses ?? ((labels.max() ?? -1) + 1)
        var values = [Int](repeating: 0, count: labels.count * classes)
        for (i, label) in labels.enumerated() {
            nablaPrecondition(label >= 0 && label < classes, "oneHot: class \(label) is out of range for \(classes) classes")
            values[i * classes + label] = 1
        }
        return Tensor(elements: values, shape: shape + [classes], dtype: .int64)
    }
}

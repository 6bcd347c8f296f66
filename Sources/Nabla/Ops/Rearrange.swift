import NablaKernelsCore
// Rearranging elements into a new tensor: flip, roll, repeat, tril/triu, maskedSelect.
// Each is a strided copy of the input (any dtype, any layout) into a fresh contiguous
// result, and each backward rearranges the gradient the opposite way.

extension Tensor {
    /// Distinct, non-negative dims, trapping with the operation's name.
    private func distinctDims(_ dims: [Int], operation: String) -> [Int] {
        let normalized = dims.map { normalizedDim($0, operation: operation) }
        nablaPrecondition(Set(normalized).count == normalized.count, "\(operation): dims \(dims) repeat a dimension (shape \(shape))")
        return normalized
    }

    /// A fresh contiguous copy of `view` (a layout over this tensor's storage).
    private func materialized(_ view: Tensor, operation: String) -> Tensor {
        let out = Tensor(uninitializedShape: view.shape, dtype: dtype, zeroed: false, operation: operation)
        StridedCopy.copy(view, into: out)
        return out
    }

    // MARK: Flip and roll

    /// A copy with the order of elements reversed along each of `dims`, like
    /// `torch.flip(x, dims)`.
    public func flip(_ dims: [Int]) -> Tensor {
        let flipped = distinctDims(dims, operation: "flip")
        var newStrides = strides, offset = storageOffset
        if ndim > 0 {
            for d in flipped where shape[d] > 0 {
                offset += (shape[d] - 1) * strides[d]
                newStrides[d] = -strides[d]
            }
        }
        let out = materialized(asStrided(shape: shape, strides: newStrides, storageOffset: offset), operation: "flip")
        return out.recordingGradient("FlipBackward0", inputs: [self]) { g in [g.flip(flipped)] }
    }

    /// A copy with the elements shifted cyclically by `shifts[i]` positions along
    /// `dims[i]`, like `torch.roll(x, shifts, dims)`: elements pushed past the end come
    /// back at the start (negative shifts go the other way). With `dims` empty, the
    /// tensor is rolled as if flattened, by the single shift given, and keeps its shape.
    public func roll(_ shifts: [Int], dims: [Int] = []) -> Tensor {
        if dims.isEmpty {
            nablaPrecondition(shifts.count == 1, "roll: without dims, expects exactly one shift, got \(shifts) (shape \(shape))")
            let flat = withNoGrad { reshape([-1]).roll(shifts, dims: [0]).reshape(shape) }
            return flat.recordingGradient("RollBackward0", inputs: [self]) { [shape] g in
                [g.reshape([-1]).roll(shifts.map { -$0 }, dims: [0]).reshape(shape)]
            }
        }
        nablaPrecondition(shifts.count == dims.count, "roll: \(shifts.count) shifts \(shifts) given for \(dims.count) dims \(dims) (shape \(shape))")
        let normalized = dims.map { normalizedDim($0, operation: "roll") }
        var out = detach()
        for (shift, d) in zip(shifts, normalized) where ndim > 0 && shape[d] > 0 {
            let size = shape[d]
            let s = ((shift % size) + size) % size
            let rolled = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "roll")
            StridedCopy.copy(out.narrowLayout(d, start: 0, length: size - s), into: rolled.narrowLayout(d, start: s, length: size - s))
            StridedCopy.copy(out.narrowLayout(d, start: size - s, length: s), into: rolled.narrowLayout(d, start: 0, length: s))
            out = rolled
        }
        if out.storage === storage { out = materialized(out, operation: "roll") }
        return out.recordingGradient("RollBackward0", inputs: [self]) { g in [g.roll(shifts.map { -$0 }, dims: normalized)] }
    }

    /// ``roll(_:dims:)`` with one shift: along `dim`, or over the flattened tensor when
    /// `dim` is nil.
    public func roll(_ shift: Int, dim: Int? = nil) -> Tensor {
        roll([shift], dims: dim.map { [$0] } ?? [])
    }

    // MARK: Repeat

    /// The tensor tiled `sizes[i]` times along each dim, like PyTorch's
    /// `Tensor.repeat(*sizes)` (NumPy's `tile`): `sizes` may be longer than the shape,
    /// which then gains leading dims of size 1 before tiling. The result is a copy of
    /// shape `sizes[i] * shape[i]`.
    public func `repeat`(_ sizes: [Int]) -> Tensor {
        nablaPrecondition(sizes.count >= ndim, "repeat: \(sizes.count) repeat sizes \(sizes) given for a tensor of shape \(shape); pass at least \(ndim)")
        nablaPrecondition(sizes.allSatisfy { $0 >= 0 }, "repeat: repeat sizes \(sizes) must be non-negative (shape \(shape))")
        let lead = sizes.count - ndim
        let padded = [Int](repeating: 1, count: lead) + shape
        let paddedStrides = [Int](repeating: 0, count: lead) + strides
        // Read as [sizes[0], padded[0], sizes[1], padded[1], ...] with the repeats on
        // stride-0 dims, then merge each pair.
        var tiledShape: [Int] = [], tiledStrides: [Int] = []
        for i in sizes.indices {
            tiledShape += [sizes[i], padded[i]]
            tiledStrides += [0, paddedStrides[i]]
        }
        let resultShape = sizes.indices.map { sizes[$0] * padded[$0] }
        let out = materialized(asStrided(shape: tiledShape, strides: tiledStrides, storageOffset: storageOffset), operation: "repeat")
            .asStrided(shape: resultShape, strides: Tensor.contiguousStrides(for: resultShape), storageOffset: 0)
        let inputShape = shape
        return out.recordingGradient("RepeatBackward0", inputs: [self]) { g in
            let repeatDims = sizes.indices.map { 2 * $0 }
            let summed = repeatDims.isEmpty ? g : g.reshape(tiledShape).sum(dims: repeatDims)
            return [summed.reshape(inputShape)]
        }
    }

    /// ``repeat(_:)-([Int])`` with the sizes given one by one: `x.repeat(2, 3)`.
    public func `repeat`(_ sizes: Int...) -> Tensor { self.repeat(sizes) }

    // MARK: Triangles

    /// The lower triangle of the last two dims (each matrix of a batch), the rest
    /// zeroed, like `torch.tril(x, diagonal)`: element `[i, j]` is kept when
    /// `j - i <= diagonal`. `diagonal` 0 is the main diagonal, positive values reach
    /// above it, negative values stay below.
    public func tril(diagonal: Int = 0) -> Tensor { triangle(lower: true, diagonal: diagonal) }

    /// The upper triangle of the last two dims, the rest zeroed, like
    /// `torch.triu(x, diagonal)`: element `[i, j]` is kept when `j - i >= diagonal`.
    public func triu(diagonal: Int = 0) -> Tensor { triangle(lower: false, diagonal: diagonal) }

    private func triangle(lower: Bool, diagonal: Int) -> Tensor {
        let name = lower ? "tril" : "triu"
        nablaPrecondition(ndim >= 2, "\(name): expects a tensor with at least 2 dimensions, got shape \(shape)")
        let out = materialized(self, operation: name)
        let rows = shape[ndim - 2], columns = shape[ndim - 1]
        let matrices = rows * columns == 0 ? 0 : numel / (rows * columns)
        let size = itemSize
        let base = out.rawData
        for matrix in 0..<matrices {
            for i in 0..<rows {
                // Zero columns [start, end) of row i.
                let start = lower ? Swift.max(0, Swift.min(columns, i + diagonal + 1)) : 0
                let end = lower ? columns : Swift.max(0, Swift.min(columns, i + diagonal))
                guard end > start else { continue }
                (base + ((matrix * rows + i) * columns + start) * size).initializeMemory(as: UInt8.self, repeating: 0, count: (end - start) * size)
            }
        }
        return out.recordingGradient(lower ? "TrilBackward0" : "TriuBackward0", inputs: [self]) { g in
            [g.triangle(lower: lower, diagonal: diagonal)]
        }
    }

    // MARK: Masked selection

    /// The elements where the bool `mask` is true, as a 1-d tensor in row-major order,
    /// like `torch.masked_select`. The tensor and the mask broadcast to a common shape
    /// first. The gradient flows back to the selected elements.
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        nablaPrecondition(mask.dtype == .bool, "maskedSelect: the mask must be a bool tensor, got \(mask.dtype) (shape \(mask.shape))")
        let common = Tensor.broadcastShape(shape, mask.shape, operation: "maskedSelect")
        let selected = mask.broadcastLayout(to: common).toArray(Bool.self)
        var positions: [Int] = []
        for (i, isSelected) in selected.enumerated() where isSelected { positions.append(i) }
        let source = detach().broadcastLayout(to: common)
        let dense = isContiguous && shape == common ? source : materialized(source, operation: "maskedSelect")
        let out = Tensor(uninitializedShape: [positions.count], dtype: dtype, zeroed: false, operation: "maskedSelect")
        let size = itemSize
        for (j, position) in positions.enumerated() {
            (out.rawData + j * size).copyMemory(from: dense.rawData + position * size, byteCount: size)
        }
        let inputShape = shape
        return out.recordingGradient("MaskedSelectBackward0", inputs: [self], saving: [mask]) { g in
            let spread = Tensor.zeros(common, dtype: g.dtype)
            let gradient = g.contiguous()
            let size = g.itemSize
            for (j, position) in positions.enumerated() {
                (spread.rawData + position * size).copyMemory(from: gradient.rawData + j * size, byteCount: size)
            }
            return [spread.sumToShape(inputShape)]
        }
    }
}

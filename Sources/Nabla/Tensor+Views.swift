import NablaKernelsCore
// Views: new tensors over the same storage. Each records its backward next to it.

extension Tensor {
    /// A view with the given shape, strides and offset over the same storage (PyTorch's
    /// `as_strided`); the caller guarantees the elements are inside the storage.
    func asStrided(shape: [Int], strides: [Int], storageOffset: Int) -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, storageOffset: storageOffset, dtype: dtype)
    }

    /// Replaces at most one `-1` in `shape` by the size that keeps the element count.
    func inferredShape(_ shape: [Int], operation: String) -> [Int] {
        var result = shape
        var inferredIndex: Int?
        var known = 1
        for (i, size) in shape.enumerated() {
            if size == -1 {
                nablaPrecondition(inferredIndex == nil, "\(operation): only one dimension can be inferred (-1) in shape \(shape)")
                inferredIndex = i
            } else {
                nablaPrecondition(size >= 0, "\(operation): invalid size \(size) in shape \(shape)")
                known *= size
            }
        }
        if let inferredIndex {
            nablaPrecondition(known != 0 && numel % known == 0,
                         "\(operation): shape \(shape) is invalid for input of shape \(self.shape) (\(numel) elements)")
            result[inferredIndex] = numel / known
        } else {
            nablaPrecondition(known == numel, "\(operation): shape \(shape) is invalid for input of shape \(self.shape) (\(numel) elements)")
        }
        return result
    }

    /// Strides that let the current layout be read with `newShape`, or nil when the
    /// memory cannot be reinterpreted without a copy (PyTorch's `computeStride`): each
    /// group of old dims that is merged or split must be contiguous within itself.
    func viewStrides(for newShape: [Int]) -> [Int]? {
        if numel == 0 || ndim == 0 { return Tensor.contiguousStrides(for: newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewDim = newShape.count - 1
        var chunkBaseStride = strides.last ?? 1
        var tensorElements = 1
        var viewElements = 1
        for tensorDim in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            tensorElements *= shape[tensorDim]
            if tensorDim == 0 || (shape[tensorDim - 1] != 1 && strides[tensorDim - 1] != tensorElements * chunkBaseStride) {
                while viewDim >= 0 && (viewElements < tensorElements || newShape[viewDim] == 1) {
                    newStrides[viewDim] = viewElements * chunkBaseStride
                    viewElements *= newShape[viewDim]
                    viewDim -= 1
                }
                if viewElements != tensorElements { return nil }
                if tensorDim > 0 {
                    chunkBaseStride = strides[tensorDim - 1]
                    tensorElements = 1
                    viewElements = 1
                }
            }
        }
        if viewDim != -1 { return nil }
        return newStrides
    }

    /// A view with a new shape over the same storage, like PyTorch's `view`. One size may
    /// be `-1` (inferred). Traps when the element count differs, or when the strides do
    /// not allow reading the memory with the new shape (use ``reshape(_:)-([Int])``).
    public func view(_ shape: [Int]) -> Tensor {
        let newShape = inferredShape(shape, operation: "view")
        guard let newStrides = viewStrides(for: newShape) else {
            nablaPreconditionFailure("view: shape \(newShape) is incompatible with the input's shape \(self.shape) and strides \(strides): at least one dimension spans across two contiguous subspaces; use reshape(_:) instead")
        }
        let input = self
        return asStrided(shape: newShape, strides: newStrides, storageOffset: storageOffset)
            .recordingGradient("ViewBackward0", inputs: [self]) { g in [g.reshape(input.shape)] }
    }

    /// ``view(_:)-([Int])`` with the sizes given one by one: `x.view(2, -1)`.
    public func view(_ shape: Int...) -> Tensor { view(shape) }

    /// A tensor with a new shape and the same elements: a view when the strides allow
    /// it, a contiguous copy otherwise (PyTorch's `reshape`). One size may be `-1`.
    public func reshape(_ shape: [Int]) -> Tensor {
        let newShape = inferredShape(shape, operation: "reshape")
        if let newStrides = viewStrides(for: newShape) {
            let input = self
            return asStrided(shape: newShape, strides: newStrides, storageOffset: storageOffset)
                .recordingGradient("ViewBackward0", inputs: [self]) { g in [g.reshape(input.shape)] }
        }
        let input = self
        return contiguous().view(newShape)
            .recordingGradient("ReshapeAliasBackward0", inputs: [self]) { g in [g.reshape(input.shape)] }
    }

    /// ``reshape(_:)-([Int])`` with the sizes given one by one.
    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// Merges dims `startDim...endDim` into one (all dims by default), like PyTorch's
    /// `flatten`: a view when possible, a copy otherwise. A 0-d tensor becomes 1-d.
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if ndim == 0 { return reshape([1]) }
        let start = normalizedDim(startDim, operation: "flatten")
        let end = normalizedDim(endDim, operation: "flatten")
        nablaPrecondition(start <= end, "flatten: startDim \(startDim) comes after endDim \(endDim) for shape \(shape)")
        let merged = shape[start...end].reduce(1, *)
        return reshape(Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }

    /// Removes every dimension of size 1, like PyTorch's `squeeze()`.
    public func squeeze() -> Tensor {
        let keep = shape.indices.filter { shape[$0] != 1 }
        let input = self
        return asStrided(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, storageOffset: storageOffset)
            .recordingGradient("SqueezeBackward0", inputs: [self]) { g in [g.reshape(input.shape)] }
    }

    /// Removes dimension `dim` if its size is 1 (otherwise returns an unchanged view),
    /// like PyTorch's `squeeze(dim)`.
    public func squeeze(_ dim: Int) -> Tensor {
        let d = normalizedDim(dim, operation: "squeeze")
        guard ndim > 0, shape[d] == 1 else { return alias("SqueezeBackward1") }
        var newShape = shape, newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        let input = self
        return asStrided(shape: newShape, strides: newStrides, storageOffset: storageOffset)
            .recordingGradient("SqueezeBackward1", inputs: [self]) { g in [g.reshape(input.shape)] }
    }

    /// Inserts a dimension of size 1 at `dim` (which may be `ndim`, or negative), like
    /// PyTorch's `unsqueeze`.
    public func unsqueeze(_ dim: Int) -> Tensor {
        let d = normalizedDim(dim, rank: ndim + 1, operation: "unsqueeze")
        var newShape = shape, newStrides = strides
        newShape.insert(1, at: d)
        newStrides.insert(d < ndim ? strides[d] * shape[d] : 1, at: d)
        let input = self
        return asStrided(shape: newShape, strides: newStrides, storageOffset: storageOffset)
            .recordingGradient("UnsqueezeBackward0", inputs: [self]) { g in [g.reshape(input.shape)] }
    }

    /// Swaps two dimensions, like PyTorch's `transpose`: a view with swapped strides.
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        let a = normalizedDim(dim0, operation: "transpose")
        let b = normalizedDim(dim1, operation: "transpose")
        if ndim == 0 { return alias("TransposeBackward0") }
        var newShape = shape, newStrides = strides
        newShape.swapAt(a, b)
        newStrides.swapAt(a, b)
        return asStrided(shape: newShape, strides: newStrides, storageOffset: storageOffset)
            .recordingGradient("TransposeBackward0", inputs: [self]) { g in [g.transpose(a, b)] }
    }

    /// Reorders the dimensions, like PyTorch's `permute`: `dims[i]` is the input dim that
    /// becomes dim `i`.
    public func permute(_ dims: [Int]) -> Tensor {
        nablaPrecondition(dims.count == ndim, "permute: \(dims.count) dims \(dims) given for a tensor of shape \(shape)")
        let order = dims.map { normalizedDim($0, operation: "permute") }
        nablaPrecondition(Set(order).count == ndim, "permute: dims \(dims) repeat a dimension (shape \(shape))")
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return asStrided(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, storageOffset: storageOffset)
            .recordingGradient("PermuteBackward0", inputs: [self]) { g in [g.permute(inverse)] }
    }

    /// ``permute(_:)-([Int])`` with the dims given one by one: `x.permute(2, 0, 1)`.
    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    /// The transpose of a matrix (a 0-d or 1-d tensor is returned as it is), like
    /// PyTorch's `.T`. Traps for more than two dimensions: use ``mT`` or
    /// ``permute(_:)-([Int])`` there.
    public var T: Tensor {
        nablaPrecondition(ndim <= 2, "T: expects a tensor with at most 2 dimensions, got shape \(shape); use mT to transpose the last two dims or permute(_:)")
        return ndim == 2 ? transpose(0, 1) : alias("TBackward0")
    }

    /// The transpose of the last two dimensions, batch dims untouched (PyTorch's `.mT`).
    public var mT: Tensor {
        nablaPrecondition(ndim >= 2, "mT: expects a tensor with at least 2 dimensions, got shape \(shape)")
        return transpose(-2, -1)
    }

    /// A view that repeats size-1 dimensions (and adds leading ones) to reach `shape`
    /// without copying: the repeated dims get stride 0. `-1` keeps a size. Like
    /// PyTorch's `expand`; writing to the result writes the shared elements.
    public func expand(_ shape: [Int]) -> Tensor {
        nablaPrecondition(shape.count >= ndim, "expand: the target shape \(shape) has fewer dimensions than the tensor's shape \(self.shape)")
        let lead = shape.count - ndim
        var newShape = shape
        var newStrides = [Int](repeating: 0, count: shape.count)
        for d in 0..<shape.count {
            if d < lead {
                nablaPrecondition(shape[d] >= 0, "expand: the new leading size \(shape[d]) in \(shape) must be non-negative (tensor shape \(self.shape))")
                continue
            }
            let size = self.shape[d - lead]
            if shape[d] == -1 || shape[d] == size {
                newShape[d] = size
                newStrides[d] = strides[d - lead]
            } else {
                nablaPrecondition(size == 1, "expand: the expanded size \(shape[d]) must match the existing size \(size) at dim \(d) (tensor shape \(self.shape), target \(shape))")
            }
        }
        if newShape == self.shape { return alias("ExpandBackward0") }
        let input = self
        return asStrided(shape: newShape, strides: newStrides, storageOffset: storageOffset)
            .recordingGradient("ExpandBackward0", inputs: [self]) { g in [g.sumToShape(input.shape)] }
    }

    /// ``expand(_:)`` with the sizes given one by one.
    public func expand(_ shape: Int...) -> Tensor { expand(shape) }

    /// Expands to `other`'s shape.
    public func expand(as other: Tensor) -> Tensor { expand(other.shape) }

    /// A view of the same elements in the same layout (a separate graph node).
    private func alias(_ name: String) -> Tensor {
        asStrided(shape: shape, strides: strides, storageOffset: storageOffset)
            .recordingGradient(name, inputs: [self]) { g in [g] }
    }

    /// The elements laid out in row-major order without gaps: `self` when it already is,
    /// otherwise a copy (PyTorch's `contiguous()`).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return copied("CloneBackward0", keepingLayout: false)
    }

    /// A copy with its own storage (PyTorch's `clone()`; the copy stays in the graph). A
    /// dense view keeps its memory order, as with PyTorch's default `preserve_format`
    /// (`x.T.clone()` is transposed, and the copy reads and writes memory in order); other
    /// views give a row-major copy. Call ``contiguous()`` on the result for row-major.
    public func clone() -> Tensor { copied("CloneBackward0", keepingLayout: true) }

    private func copied(_ name: String, keepingLayout: Bool) -> Tensor {
        let result = keepingLayout
            ? Tensor.elementwiseOutput(shape: shape, dtype: dtype, like: self, operation: "clone")
            : Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "contiguous")
        StridedCopy.copy(self, into: result)
        return result.recordingGradient(name, inputs: [self]) { g in [g] }
    }

    /// A slice of `length` elements along `dim` starting at `start`, sharing storage
    /// (PyTorch's `narrow`).
    public func narrow(_ dim: Int, start: Int, length: Int) -> Tensor {
        let d = normalizedDim(dim, operation: "narrow")
        nablaPrecondition(ndim > 0, "narrow: cannot narrow a 0-d tensor")
        let begin = start < 0 ? start + shape[d] : start
        nablaPrecondition(begin >= 0 && length >= 0 && begin + length <= shape[d],
                     "narrow: start \(start) and length \(length) are out of range for dim \(dim) of size \(shape[d]) (shape \(shape))")
        return self[Array(repeating: TensorIndex.all, count: d) + [TensorIndex.range(start: begin, end: begin + length, step: 1)]]
    }

    /// The sub-tensor at `index` along `dim`, removing that dim (PyTorch's `select`).
    public func select(_ dim: Int, _ index: Int) -> Tensor {
        let d = normalizedDim(dim, operation: "select")
        nablaPrecondition(ndim > 0, "select: cannot select from a 0-d tensor")
        return self[Array(repeating: TensorIndex.all, count: d) + [TensorIndex.position(index)]]
    }
}

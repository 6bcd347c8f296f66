import NablaKernelsCore
// Joining tensors and splitting them into views.

extension Tensor {
    /// Concatenates tensors along an existing dim, like `torch.cat`. The tensors must
    /// have the same shape except along `dim`; dtypes are promoted to a common one.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        nablaPrecondition(!tensors.isEmpty, "cat: expected a non-empty list of tensors")
        let first = tensors[0]
        let d = first.normalizedDim(dim, operation: "cat")
        nablaPrecondition(first.ndim > 0, "cat: zero-dimensional tensors cannot be concatenated; use stack")
        let dtype = tensors.dropFirst().reduce(first.dtype) { DType.promoted($0, $1.dtype) }
        var shape = first.shape
        shape[d] = 0
        for tensor in tensors {
            var expected = first.shape
            expected[d] = tensor.ndim == first.ndim ? tensor.shape[d] : -1
            nablaPrecondition(tensor.shape == expected,
                         "cat: sizes of tensors must match except in dimension \(d); got shapes \(tensors.map(\.shape))")
            shape[d] += tensor.shape[d]
        }
        let result = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "cat")
        var start = 0
        for tensor in tensors {
            StridedCopy.copy(tensor, into: result.narrowLayout(d, start: start, length: tensor.shape[d]))
            start += tensor.shape[d]
        }
        let sizes = tensors.map { $0.shape[d] }
        let dtypes = tensors.map(\.dtype)
        return result.recordingGradient("CatBackward0", inputs: tensors) { g in
            var offset = 0
            return zip(sizes, dtypes).map { size, type in
                defer { offset += size }
                return type.isFloatingPoint ? g.narrow(d, start: offset, length: size).to(type) : nil
            }
        }
    }

    /// Stacks same-shape tensors along a new dim, like `torch.stack`.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        nablaPrecondition(!tensors.isEmpty, "stack: expected a non-empty list of tensors")
        let shape = tensors[0].shape
        nablaPrecondition(tensors.allSatisfy { $0.shape == shape }, "stack: expects each tensor to be equal size, got shapes \(tensors.map(\.shape))")
        let d = tensors[0].normalizedDim(dim, rank: shape.count + 1, operation: "stack")
        return cat(tensors.map { $0.unsqueeze(d) }, dim: d)
    }

    /// Splits into views of `size` elements along `dim` (the last may be smaller), like
    /// `torch.split(tensor, split_size)`.
    public func split(_ size: Int, dim: Int = 0) -> [Tensor] {
        let d = normalizedDim(dim, operation: "split")
        nablaPrecondition(ndim > 0, "split: cannot split a 0-d tensor")
        nablaPrecondition(size > 0 || shape[d] == 0, "split: split size must be positive, got \(size) for shape \(shape)")
        if shape[d] == 0 { return [self] }
        return Swift.stride(from: 0, to: shape[d], by: size).map { start in
            narrow(d, start: start, length: Swift.min(size, shape[d] - start))
        }
    }

    /// Splits into views of the given sizes along `dim`, which must add up to the size
    /// of that dim, like `torch.split(tensor, [sizes])`.
    public func split(sizes: [Int], dim: Int = 0) -> [Tensor] {
        let d = normalizedDim(dim, operation: "split")
        nablaPrecondition(ndim > 0, "split: cannot split a 0-d tensor")
        nablaPrecondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[d],
                     "split: sizes \(sizes) must be non-negative and sum to \(shape[d]), the size of dim \(dim) of shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return narrow(d, start: start, length: size)
        }
    }

    /// Splits into `chunks` views of nearly equal size along `dim` (possibly fewer, when
    /// the dim is small), like `torch.chunk`.
    public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
        nablaPrecondition(chunks > 0, "chunk: number of chunks must be positive, got \(chunks)")
        let d = normalizedDim(dim, operation: "chunk")
        nablaPrecondition(ndim > 0, "chunk: cannot chunk a 0-d tensor")
        let size = (shape[d] + chunks - 1) / chunks
        return split(Swift.max(size, 1), dim: d)
    }

    /// The layout of `narrow` without recording a graph node (for writing into slices).
    func narrowLayout(_ d: Int, start: Int, length: Int) -> Tensor {
        var newShape = shape
        newShape[d] = length
        return asStrided(shape: newShape, strides: strides, storageOffset: storageOffset + start * strides[d])
    }
}

import NablaKernelsCore
// Conversions between tensors and Swift values, and between dtypes.

extension Tensor {
    /// The values in `dtype`, for an operation's kernel to read, never part of the graph:
    /// the tensor itself when it already has that dtype (no new object), else a
    /// converted copy made without recording a gradient.
    func values(as dtype: DType) -> Tensor {
        dtype == self.dtype ? self : detach().to(dtype)
    }

    /// A tensor with the elements converted to `dtype`, like PyTorch's `to(dtype)`:
    /// `self` when the dtype already matches. Conversions between floating-point types
    /// keep the gradient flowing. A dense non-contiguous tensor (a transpose, a
    /// permutation) keeps its memory order, as with PyTorch's default `preserve_format`;
    /// other views give a contiguous result.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        // PyTorch's preserve_format: a dense view (a transpose, a permutation) keeps its
        // layout, so the conversion reads and writes memory in order.
        let result = Tensor.elementwiseOutput(shape: shape, dtype: dtype, like: self, operation: "to")
        StridedCopy.copy(self, into: result)
        guard dtype.isFloatingPoint, self.dtype.isFloatingPoint else { return result }
        let source = self.dtype
        return result.recordingGradient("ToCopyBackward0", inputs: [self]) { g in [g.to(source)] }
    }

    /// The elements in row-major order, converted to `T`.
    public func toArray<T: TensorElement>(_: T.Type = T.self) -> [T] {
        let count = numel
        let converted = Tensor(uninitializedShape: shape, dtype: T.dtype, zeroed: false, operation: "toArray")
        StridedCopy.copy(self, into: converted)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: converted.rawData, byteCount: count * MemoryLayout<T>.stride)
            }
            initialized = count
        }
    }

    /// The value of a single-element tensor, converted to `T`, like PyTorch's `item()`.
    public func item<T: TensorElement>(_: T.Type = T.self) -> T {
        nablaPrecondition(numel == 1, "item: a tensor with \(numel) elements (shape \(shape)) cannot be converted to a scalar")
        return toArray(T.self)[0]
    }

    /// The value of a single-element tensor as a `Double`.
    public func item() -> Double { item(Double.self) }
}

// Conversions between tensors and Swift values, and between dtypes.

extension Tensor {
    /// A tensor with the elements converted to `dtype`, like PyTorch's `to(dtype)`:
    /// `self` when the dtype already matches. Conversions between floating-point types
    /// keep the gradient flowing.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let result = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "to")
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
        precondition(numel == 1, "item: a tensor with \(numel) elements (shape \(shape)) cannot be converted to a scalar")
        return toArray(T.self)[0]
    }

    /// The value of a single-element tensor as a `Double`.
    public func item() -> Double { item(Double.self) }

    /// A same-shape sum of two tensors, used to accumulate gradients before the
    /// element-wise engine takes over arithmetic.
    func adding(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "add: shapes \(shape) and \(other.shape) differ")
        let a = toArray(Double.self), b = other.toArray(Double.self)
        return Tensor(elements: zip(a, b).map { $0 + $1 }, shape: shape, dtype: dtype)
    }

    /// Sums over the dims that were broadcast to turn `shape` into this tensor's shape:
    /// the gradient of an expansion.
    func sumToShape(_ target: [Int]) -> Tensor {
        if target == shape { return self }
        let result = Tensor.zeros(target, dtype: .float64)
        let strides = StridedCopy.broadcastStrides(of: result, to: shape)
        let values = toArray(Double.self)
        let out = result.rawData.assumingMemoryBound(to: Double.self)
        var index = [Int](repeating: 0, count: shape.count)
        for value in values {
            var offset = 0
            for d in 0..<shape.count { offset += index[d] * strides[d] }
            out[offset] += value
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return result.to(dtype)
    }
}

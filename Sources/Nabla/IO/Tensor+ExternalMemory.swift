import NablaKernelsCore
// Zero-copy interop: tensors over memory the caller owns, and scoped access to a tensor's
// memory for handing it to other code.

extension Tensor {
    /// A tensor over memory the caller allocated, without copying: `deallocator` is called
    /// with the buffer once the last tensor viewing it goes away (PyTorch's `from_blob`
    /// with a deleter).
    ///
    /// The elements are read in row-major order from the start of `buffer`, which must be
    /// aligned for `dtype` and may be longer than the tensor needs. If this initialiser
    /// throws, the buffer stays the caller's and `deallocator` is never called.
    ///
    /// - Throws: ``TensorError/byteCountMismatch(operation:byteCount:expected:)`` when the
    ///   buffer is shorter than `shape` needs.
    public convenience init(wrapping buffer: UnsafeMutableRawBufferPointer, shape: [Int], dtype: DType,
                            deallocator: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) throws(TensorError) {
        let base = try Tensor.checkedBase(of: UnsafeRawBufferPointer(buffer), shape: shape, dtype: dtype)
        let storage = Storage.wrapping(UnsafeMutableRawPointer(mutating: base), byteCount: buffer.count, isWritable: true,
                              release: .deallocator { pointer, count in deallocator(UnsafeMutableRawBufferPointer(start: pointer, count: count)) })
        self.init(storage: storage, shape: shape, strides: Tensor.contiguousStrides(for: shape), storageOffset: 0, dtype: dtype)
    }

    /// A tensor over memory kept alive by `owner` (an array's storage, a data object, a
    /// mapped region), without copying; the tensor holds a strong reference to `owner` for
    /// as long as any tensor views the memory.
    ///
    /// - Parameters:
    ///   - buffer: The elements in row-major order, aligned for `dtype`.
    ///   - shape: The tensor's shape; `buffer` may be longer than it needs.
    ///   - dtype: The element type the bytes hold.
    ///   - owner: The object that keeps `buffer` alive.
    ///   - isWritable: `false` makes every write through the tensor trap with a
    ///     message instead of modifying memory the caller means to keep unchanged.
    /// - Throws: ``TensorError/byteCountMismatch(operation:byteCount:expected:)`` when the
    ///   buffer is shorter than `shape` needs.
    public convenience init(wrapping buffer: UnsafeRawBufferPointer, shape: [Int], dtype: DType,
                            owner: AnyObject, isWritable: Bool = true) throws(TensorError) {
        let base = try Tensor.checkedBase(of: buffer, shape: shape, dtype: dtype)
        let storage = Storage.wrapping(UnsafeMutableRawPointer(mutating: base), byteCount: buffer.count,
                              isWritable: isWritable, release: .owner(owner))
        self.init(storage: storage, shape: shape, strides: Tensor.contiguousStrides(for: shape), storageOffset: 0, dtype: dtype)
    }

    /// The buffer's address after checking it can hold `shape` elements of `dtype`.
    private static func checkedBase(of buffer: UnsafeRawBufferPointer, shape: [Int], dtype: DType) throws(TensorError) -> UnsafeRawPointer {
        let count = Tensor.elementCount(of: shape, operation: "Tensor(wrapping:)")
        let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, buffer.count >= expected else {
            throw .byteCountMismatch(operation: "Tensor(wrapping:)", byteCount: buffer.count, expected: overflow ? .max : expected)
        }
        guard let base = buffer.baseAddress else {
            // An empty buffer may have no address; any aligned address serves zero elements.
            return UnsafeRawPointer(bitPattern: Storage.alignment)!
        }
        nablaPrecondition(Int(bitPattern: base) % dtype.itemSize == 0,
                     "Tensor(wrapping:): the buffer at \(base) is not aligned for \(dtype) (\(dtype.itemSize)-byte elements)")
        return base
    }

    /// Calls `body` with the elements in row-major order, for handing them to other code.
    ///
    /// A contiguous tensor passes its own memory; any other layout passes a temporary
    /// row-major copy. The pointer is valid only during `body`. `T` must be the Swift type
    /// of the tensor's dtype (`Int` or `Int64` for ``DType/int64``).
    public func withUnsafeBufferPointer<T: TensorElement, R>(as _: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        nablaPrecondition(T.dtype == dtype, "withUnsafeBufferPointer: a \(dtype) tensor of shape \(shape) cannot be read as \(T.self)")
        let source = isContiguous ? self : rowMajorCopy()
        return try withExtendedLifetime(source) {
            try body(UnsafeBufferPointer(start: source.rawData.assumingMemoryBound(to: T.self), count: numel))
        }
    }

    /// Calls `body` with the tensor's own elements in row-major order, to be modified in
    /// place; the changes are visible through every view of the storage.
    ///
    /// The tensor must be contiguous (call ``contiguous()`` first otherwise) and writable
    /// (not a read-only mapping); both are programmer errors that trap. `T` must be the
    /// Swift type of the tensor's dtype.
    public func withUnsafeMutableBufferPointer<T: TensorElement, R>(as _: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        nablaPrecondition(T.dtype == dtype, "withUnsafeMutableBufferPointer: a \(dtype) tensor of shape \(shape) cannot be written as \(T.self)")
        nablaPrecondition(isContiguous, "withUnsafeMutableBufferPointer: the tensor of shape \(shape) with strides \(strides) is not contiguous; call contiguous() first")
        let data = mutableRawData(operation: "withUnsafeMutableBufferPointer")
        return try withExtendedLifetime(self) {
            try body(UnsafeMutableBufferPointer(start: data.assumingMemoryBound(to: T.self), count: numel))
        }
    }

    /// Calls `body` with the bytes of the elements in row-major order (any dtype, including
    /// ``DType/float16`` as IEEE half-precision bit patterns). A non-contiguous tensor
    /// passes a temporary row-major copy. The pointer is valid only during `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let source = isContiguous ? self : rowMajorCopy()
        return try withExtendedLifetime(source) {
            try body(UnsafeRawBufferPointer(start: source.rawData, count: numel * itemSize))
        }
    }

    /// Calls `body` with the tensor's own bytes in row-major order, to be modified in place.
    /// The tensor must be contiguous and writable (programmer errors that trap).
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        nablaPrecondition(isContiguous, "withUnsafeMutableBytes: the tensor of shape \(shape) with strides \(strides) is not contiguous; call contiguous() first")
        let data = mutableRawData(operation: "withUnsafeMutableBytes")
        return try withExtendedLifetime(self) {
            try body(UnsafeMutableRawBufferPointer(start: data, count: numel * itemSize))
        }
    }
}

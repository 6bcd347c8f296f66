import NablaKernelsCore
// In-place operations on a tensor's elements or metadata.

extension Tensor {
    /// Traps when an in-place write would corrupt recorded gradients: writing into a
    /// leaf that requires grad, or into a result that is part of the graph.
    func checkInPlaceAllowed(_ operation: String) {
        guard GradMode.enabled, requiresGrad else { return }
        if isLeaf {
            nablaPreconditionFailure("\(operation): a leaf tensor that requires grad (shape \(shape)) is being used in an in-place operation; wrap the update in withNoGrad { } or use an out-of-place operation")
        }
        nablaPreconditionFailure("\(operation): in-place operations on a tensor that is part of the autograd graph (shape \(shape), gradFn \(gradFn ?? "")) are not supported; use the out-of-place form")
    }

    /// Copies `source` into this tensor's elements, broadcasting it to this shape and
    /// converting its dtype, like PyTorch's `copy_`. Every view of the storage sees
    /// the new values.
    public func copy(from source: Tensor) {
        checkInPlaceAllowed("copy(from:)")
        nablaPrecondition(Tensor.broadcasts(source.shape, to: shape),
                     "copy(from:): the source of shape \(source.shape) cannot be broadcast to the destination's shape \(shape)")
        _ = mutableRawData(operation: "copy(from:)")
        // Copy through a temporary when the two share storage, so that overlapping
        // regions read the old values.
        let input = source.storage === storage ? source.clone().detach() : source
        StridedCopy.copy(input, into: self)
    }

    /// Sets every element to `value` (converted to the dtype), like PyTorch's `fill_`.
    public func fill(_ value: Double) {
        checkInPlaceAllowed("fill")
        _ = mutableRawData(operation: "fill")
        Tensor.withElementType(dtype, Fill(tensor: self, value: value))
    }

    /// `fill` for one element type.
    private struct Fill: TensorElementBody {
        let tensor: Tensor, value: Double
        func run<T: TensorElement>(_: T.Type) { tensor.fillElements(with: value, as: T.self) }
    }

    private func fillElements<T: TensorElement>(with value: Double, as _: T.Type) {
        let element = T(nablaDouble: value)
        if isContiguous {
            rawData.assumingMemoryBound(to: T.self).initialize(repeating: element, count: numel)
            return
        }
        let scalar = Tensor(uninitializedShape: [], dtype: dtype, zeroed: false)
        scalar.rawData.assumingMemoryBound(to: T.self).pointee = element
        StridedCopy.copy(scalar, into: self)
    }

    /// Changes the tensor's shape in place to `shape`, contiguous, keeping the elements
    /// that fit in row-major order, like PyTorch's `resize_`: growing allocates more
    /// storage (new elements are zero; PyTorch leaves them uninitialised), shrinking keeps
    /// the storage and cuts off the view. Other views of the storage keep their own shape.
    public func resize(_ shape: [Int]) {
        checkInPlaceAllowed("resize")
        nablaPrecondition(storage.isWritable, "resize: the tensor of shape \(self.shape) is a read-only view")
        let count = Tensor.elementCount(of: shape, operation: "resize")
        let (end, overflow) = (storageOffset + count).multipliedReportingOverflow(by: dtype.itemSize)
        nablaPrecondition(!overflow, "resize: shape \(shape) is too large")
        storage.ensureCapacity(end, operation: "resize")
        storage.bumpVersion()
        setMetadata(shape: shape, strides: Tensor.contiguousStrides(for: shape), storageOffset: storageOffset)
    }

    /// ``resize(_:)`` with the sizes given one by one.
    public func resize(_ shape: Int...) { resize(shape) }

    /// Whether a tensor of shape `source` broadcasts to `target` (NumPy's rules, in one
    /// direction: `target` is not changed).
    static func broadcasts(_ source: [Int], to target: [Int]) -> Bool {
        guard source.count <= target.count else { return false }
        let lead = target.count - source.count
        for d in 0..<source.count where source[d] != 1 && source[d] != target[d + lead] { return false }
        return true
    }
}

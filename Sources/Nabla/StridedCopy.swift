import NablaKernelsCore
/// Copying between tensors of any layout and dtype: the engine behind `contiguous()`,
/// `clone()`, `to(_:)`, `copy(from:)`, `cat` and conversion to Swift arrays.
enum StridedCopy {
    /// Copies `source`, broadcast to `destination`'s shape, into `destination`, converting
    /// the element type. The caller has checked the shapes and marked the write.
    static func copy(_ source: Tensor, into destination: Tensor) {
        let shape = destination.shape
        let sourceStrides = broadcastStrides(of: source, to: shape)
        if destination.numel == 0 { return }
        if source.dtype == destination.dtype, source.isContiguous, destination.isContiguous, source.shape == shape {
            destination.rawData.copyMemory(from: source.rawData, byteCount: destination.numel * destination.itemSize)
            return
        }
        Tensor.withElementType(source.dtype) { sourceType in
            Tensor.withElementType(destination.dtype) { destinationType in
                convert(sourceType, destinationType, source: source.rawData, sourceStrides: sourceStrides,
                        destination: destination.rawData, destinationStrides: destination.strides, shape: shape)
            }
        }
    }

    /// `source`'s strides for reading it as `shape` (zero where it is broadcast).
    static func broadcastStrides(of source: Tensor, to shape: [Int]) -> [Int] {
        let offset = shape.count - source.ndim
        nablaPrecondition(offset >= 0, "copy: cannot broadcast shape \(source.shape) to \(shape)")
        var strides = [Int](repeating: 0, count: shape.count)
        for d in 0..<source.ndim {
            let size = source.shape[d]
            nablaPrecondition(size == shape[d + offset] || size == 1,
                         "copy: cannot broadcast shape \(source.shape) to \(shape)")
            strides[d + offset] = size == 1 ? 0 : source.strides[d]
        }
        return strides
    }

    private static func convert<S: TensorElement, D: TensorElement>(
        _: S.Type, _: D.Type,
        source: UnsafeMutableRawPointer, sourceStrides: [Int],
        destination: UnsafeMutableRawPointer, destinationStrides: [Int], shape: [Int]
    ) {
        let src = source.assumingMemoryBound(to: S.self)
        let dst = destination.assumingMemoryBound(to: D.self)
        let sameType = S.self == D.self
        ElementwiseLoop.forEachRun(shape: shape, strides: [destinationStrides, sourceStrides]) { run, inner in
            var d = run.offsets.0, s = run.offsets.1
            if sameType {
                for _ in 0..<run.count {
                    dst[d] = unsafeBitCast(src[s], to: D.self)
                    d += inner.0; s += inner.1
                }
            } else {
                for _ in 0..<run.count {
                    dst[d] = D(nablaDouble: src[s].nablaDouble)
                    d += inner.0; s += inner.1
                }
            }
        }
    }
}

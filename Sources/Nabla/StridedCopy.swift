import NablaKernels
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
            // One flat copy, split across threads when large, like the element-wise
            // kernels: one thread alone does not reach the memory bandwidth of two.
            let bytes = destination.numel * destination.itemSize
            let target = destination.rawData, origin = UnsafeRawPointer(source.rawData)
            let tasks = Parallel.taskCount(work: bytes / 4, grain: ElementwisePlan.grain)
            Parallel.run(tasks) { task in
                let part = Parallel.slice(bytes, tasks: tasks, task: task)
                (target + part.lowerBound).copyMemory(from: origin + part.lowerBound, byteCount: part.count)
            }
            return
        }
        let plan = ElementwisePlan(shape: shape, destination.strides, sourceStrides)
        Tensor.withElementType(source.dtype, CastFrom(
            plan: plan, source: UnsafeRawPointer(source.rawData),
            destination: destination.rawData, destinationType: destination.dtype))
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

    /// Copies the plan's elements from `source` (as `S`) to `destination` (as `D`),
    /// converting each one, on the plan's threads.
    fileprivate static func convert<S: TensorElement, D: TensorElement>(
        _: S.Type, _: D.Type, plan: ElementwisePlan, source: UnsafeRawPointer, destination: UnsafeMutableRawPointer
    ) {
        let src = source.assumingMemoryBound(to: S.self)
        let dst = destination.assumingMemoryBound(to: D.self)
        let sd = plan.innerStride(0), ss = plan.innerStride(1)
        if S.self == D.self {
            // The same type: a bit copy, whole runs at once where both sides are dense.
            let size = MemoryLayout<D>.stride
            plan.parallelRuns(cost: 1) { o0, o1, _, _, n in
                if sd == 1 && ss == 1 {
                    (destination + o0 * size).copyMemory(from: source + o1 * size, byteCount: n * size)
                    return
                }
                var d = o0, s = o1
                for _ in 0..<n {
                    dst[d] = unsafeBitCast(src[s], to: D.self)
                    d &+= sd; s &+= ss
                }
            }
            return
        }
        // float32 <-> float16 runs go through the vector kernels (the scalar conversion
        // through Double is a few nanoseconds an element).
        let halfKernel = (S.self == Float.self && D.self == HalfBits.self) || (S.self == HalfBits.self && D.self == Float.self)
        plan.parallelRuns(cost: 1) { o0, o1, _, _, n in
            if sd == 1 && ss == 1 {
                if halfKernel {
                    // HalfBits is one UInt16: its runs are the kernel's bit patterns.
                    let x = UnsafeRawPointer(src + o1), d = UnsafeMutableRawPointer(dst + o0)
                    if S.self == Float.self {
                        HalfConversion.floatToHalf(x.assumingMemoryBound(to: Float.self), d.assumingMemoryBound(to: UInt16.self), count: n)
                    } else {
                        HalfConversion.halfToFloat(x.assumingMemoryBound(to: UInt16.self), d.assumingMemoryBound(to: Float.self), count: n)
                    }
                    return
                }
                let d = dst + o0, x = src + o1
                for t in 0..<n { d[t] = D(nablaDouble: x[t].nablaDouble) }
                return
            }
            var d = o0, s = o1
            for _ in 0..<n {
                dst[d] = D(nablaDouble: src[s].nablaDouble)
                d &+= sd; s &+= ss
            }
        }
    }
}

/// The first half of a cast's type dispatch: the source's element type.
private struct CastFrom: TensorElementBody {
    let plan: ElementwisePlan
    let source: UnsafeRawPointer
    let destination: UnsafeMutableRawPointer
    let destinationType: DType

    func run<S: TensorElement>(_: S.Type) {
        Tensor.withElementType(destinationType, CastInto<S>(plan: plan, source: source, destination: destination))
    }
}

/// The second half: the destination's element type, with both now concrete.
private struct CastInto<S: TensorElement>: TensorElementBody {
    let plan: ElementwisePlan
    let source: UnsafeRawPointer
    let destination: UnsafeMutableRawPointer

    func run<D: TensorElement>(_: D.Type) {
        StridedCopy.convert(S.self, D.self, plan: plan, source: source, destination: destination)
    }
}

import NablaKernelsCore
/// Where a tensor's memory lives. Nabla is a CPU library by design: its kernels are
/// hand-written for CPU vector units, so ``cpu`` is the only device.
public enum Device: String, Sendable, Hashable, CustomStringConvertible {
    /// Main memory, computed on by the CPU.
    case cpu
    /// `"cpu"`.
    public var description: String { rawValue }
}

/// An n-dimensional array with PyTorch's semantics: a dtype, a shape, strides and a
/// storage offset over a shared, reference-counted storage.
///
/// Tensors are reference types, as in PyTorch: `let b = a` names the same tensor, and
/// views (``view(_:)-([Int])``, ``transpose(_:_:)``, slices...) are new tensors over the same
/// storage, so an in-place write through one is visible through all of them.
///
/// Misuse (a shape that does not fit, a dim out of range) is a programmer error and traps
/// with a message naming the operation and the shapes, like an array index out of range.
///
/// `Tensor` is `Sendable` on the same terms as a shared buffer: reading one tensor from
/// several tasks is safe; mutating one from several tasks at once is a race the caller
/// must avoid, as in PyTorch. Gradient accumulation into a shared leaf (``grad``, by
/// concurrent `backward()` calls) and the storage's version counter are synchronised, so
/// several tasks may run forward and backward passes through shared parameters.
public final class Tensor: @unchecked Sendable {
    // @unchecked: the metadata (`shape`, `strides`, `storageOffset`) and the autograd
    // links change only through in-place view operations and `requiresGrad`, which the
    // documentation above leaves to the caller not to race; the gradient is read and
    // written only under `GradientLocks` and the storage's version counter is atomic.
    //
    // The mutable fields are `@exclusivity(unchecked)`: they are read on every operation,
    // and the runtime's dynamic exclusivity check cost about 5% of a tiny operation. They
    // are only ever assigned whole, in short non-reentrant places (`resize`, autograd's
    // bookkeeping), so there is no overlapping access for the check to find; racing
    // writers are excluded by the contract above, not by the check.
    /// The size of each dimension.
    @exclusivity(unchecked) public private(set) var shape: [Int]
    /// The distance, in elements, between neighbours along each dimension.
    @exclusivity(unchecked) public private(set) var strides: [Int]
    /// Where the first element sits in the storage, in elements.
    @exclusivity(unchecked) public private(set) var storageOffset: Int
    /// The element type.
    public let dtype: DType
    /// A `var` only so that autograd can ask whether it is uniquely referenced (see
    /// `Tensor.accumulateGrad`); never reassigned.
    @exclusivity(unchecked) var storage: Storage

    // Autograd state; see Autograd.swift.
    @exclusivity(unchecked) var requiresGradStorage = false
    /// The accumulated gradient of a leaf. Read and written only under
    /// ``GradientLocks/withLock(for:_:)``: tasks running `backward()` on graphs that share
    /// this leaf (one model's parameters) add into it concurrently.
    @exclusivity(unchecked) var gradStorage: Tensor?
    @exclusivity(unchecked) var gradFnNode: Node?
    /// ``gradFnNode`` without taking a reference, for the backward pass's traversal (the
    /// graph is kept alive by its root for the whole pass).
    var unmanagedGradFn: Unmanaged<Node>? { Unmanaged.unretained(&gradFnNode) }
    @exclusivity(unchecked) var retainedGradHolder: GradHolder?

    init(storage: Storage, shape: [Int], strides: [Int], storageOffset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.storageOffset = storageOffset
        self.dtype = dtype
    }

    /// A new contiguous tensor of `shape` over fresh storage (zero-filled when `zeroed`).
    /// `rowMajorStrides`, when given, must be `shape`'s row-major strides: passing another
    /// tensor's array shares it instead of building a new one (an allocation fewer per
    /// tiny operation).
    init(uninitializedShape shape: [Int], rowMajorStrides: [Int]? = nil, dtype: DType, zeroed: Bool = true,
         operation: String = "Tensor") {
        // A shape that comes with its strides is an existing tensor's, already checked.
        let count = rowMajorStrides == nil ? Tensor.elementCount(of: shape, operation: operation) : shape.reduce(1, *)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        nablaPrecondition(!overflow, "\(operation): shape \(shape) is too large")
        storage = Storage.allocate(byteCount: bytes, zeroed: zeroed)
        self.shape = shape
        strides = rowMajorStrides ?? Tensor.contiguousStrides(for: shape)
        storageOffset = 0
        self.dtype = dtype
    }

    /// Whether ``strides`` are exactly ``contiguousStrides(for:)`` of ``shape``.
    var hasRowMajorStrides: Bool {
        var running = 1
        for d in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            if strides[d] != running { return false }
            running &*= Swift.max(shape[d], 1)
        }
        return true
    }

    /// The device the tensor lives on: always ``Device/cpu``.
    public var device: Device { .cpu }
    /// The number of dimensions.
    public var ndim: Int { shape.count }
    /// The number of elements (1 for a 0-d tensor, 0 when any dimension is 0).
    public var numel: Int { shape.reduce(1, *) }
    /// Bytes per element.
    public var itemSize: Int { dtype.itemSize }

    /// Whether the elements are laid out in row-major order without gaps, so that the
    /// tensor can be read as one flat buffer. Dimensions of size 1 may have any stride.
    public var isContiguous: Bool {
        var expected = 1
        for d in Swift.stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            // A tensor without elements is contiguous whatever its strides, as in PyTorch
            // (`[2, 0]` has strides `[1, 1]`); checked only on a mismatch, off the hot path.
            if strides[d] != expected { return shape.contains(0) }
            expected *= shape[d]
        }
        return true
    }

    /// The size of dimension `dim` (negative counts from the end).
    public func size(_ dim: Int) -> Int { shape[normalizedDim(dim, operation: "size")] }

    /// The stride of dimension `dim` (negative counts from the end).
    public func stride(_ dim: Int) -> Int { strides[normalizedDim(dim, operation: "stride")] }

    /// Row-major strides for a shape.
    static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for d in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = running
            running *= Swift.max(shape[d], 1)
        }
        return strides
    }

    /// The product of the dimensions, checked for negative sizes and overflow. The check
    /// covers the product of the non-zero dimensions too: strides are products of
    /// dimensions, so `[0, 1 << 40, 1 << 40]` holds no element yet cannot be laid out.
    static func elementCount(of shape: [Int], operation: String) -> Int {
        var count = 1
        var extent = 1
        for size in shape {
            nablaPrecondition(size >= 0, "\(operation): negative dimension in shape \(shape)")
            count = count &* size
            guard size > 0 else { continue }
            let (product, overflow) = extent.multipliedReportingOverflow(by: size)
            nablaPrecondition(!overflow, "\(operation): shape \(shape) has too many elements")
            extent = product
        }
        return count
    }

    /// Maps a possibly negative dim to `0..<rank`, trapping with the operation's name.
    func normalizedDim(_ dim: Int, rank: Int? = nil, operation: String) -> Int {
        let rank = rank ?? ndim
        let lower = rank == 0 ? -1 : -rank
        let upper = rank == 0 ? 0 : rank - 1
        nablaPrecondition(dim >= lower && dim <= upper,
                     "\(operation): dim \(dim) is out of range for a tensor of shape \(shape) (expected a dim in \(lower)...\(upper))")
        return dim < 0 ? dim + Swift.max(rank, 1) : dim
    }

    /// The address of the first element.
    var rawData: UnsafeMutableRawPointer { storage.data + storageOffset * dtype.itemSize }

    /// The address of the first element, for an operation about to write through it:
    /// traps if the storage is read-only, and counts the write for autograd.
    func mutableRawData(operation: String) -> UnsafeMutableRawPointer {
        nablaPrecondition(storage.isWritable,
                     "\(operation): the tensor of shape \(shape) is a read-only view (a file mapped with .readOnly); map it with .readWrite or .copyOnWrite, or clone() it, to write")
        storage.bumpVersion()
        return rawData
    }

    /// Replaces the metadata in place (for `resize`, which changes the tensor itself).
    func setMetadata(shape: [Int], strides: [Int], storageOffset: Int) {
        self.shape = shape
        self.strides = strides
        self.storageOffset = storageOffset
    }

    /// The tensor's first element as a typed pointer; `T` must match the dtype.
    func pointer<T: TensorElement>(as _: T.Type) -> UnsafeMutablePointer<T> {
        assert(T.dtype == dtype || (T.self == HalfBits.self && dtype == .float16))
        return rawData.assumingMemoryBound(to: T.self)
    }
}

extension Tensor {
    /// Runs `body` with the Swift type that stores `dtype`, specialised: each branch calls
    /// the generic `run` with a concrete type (see `NumericElementBody`). The one switch
    /// on the dtype that an operation makes, instead of one per element.
    static func withElementType<Body: TensorElementBody>(_ dtype: DType, _ body: Body) -> Body.Result {
        switch dtype {
        case .float32: body.run(Float.self)
        case .float64: body.run(Double.self)
        case .float16: body.run(HalfBits.self)
        case .int64: body.run(Int64.self)
        case .int32: body.run(Int32.self)
        case .uint8: body.run(UInt8.self)
        case .bool: body.run(Bool.self)
        }
    }
}

/// A computation generic over the tensor element type, which
/// `Tensor.withElementType(_:_:)` runs with the concrete Swift type of a dtype.
protocol TensorElementBody {
    associatedtype Result
    func run<T: TensorElement>(_: T.Type) -> Result
}

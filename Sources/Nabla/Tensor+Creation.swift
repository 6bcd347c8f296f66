import NablaKernelsCore
/// A Swift value that can be written as a (possibly nested) array literal for a tensor:
/// every ``TensorElement`` and arrays of them, to any depth.
///
/// `Tensor([[1, 2], [3, 4]])` is a 2 x 2 `int64` tensor; `Tensor([1.5, 2])` is `float32`.
public protocol NestedTensorLiteral {
    /// The element type at the bottom of the nesting.
    associatedtype Leaf: TensorElement
    /// The shape of the nesting, or `nil` when rows differ in length.
    var nablaShape: [Int]? { get }
    /// Appends the leaves in row-major order.
    func nablaFlatten(into values: inout [Leaf])
}

extension NestedTensorLiteral where Self: TensorElement, Leaf == Self {
    /// A single value has the empty shape.
    public var nablaShape: [Int]? { [] }
    /// Appends the value itself.
    public func nablaFlatten(into values: inout [Self]) { values.append(self) }
}

extension Float: NestedTensorLiteral { /** The leaf type: `Float`. */ public typealias Leaf = Float }
extension Double: NestedTensorLiteral { /** The leaf type: `Double`. */ public typealias Leaf = Double }
extension Int: NestedTensorLiteral { /** The leaf type: `Int`. */ public typealias Leaf = Int }
extension Int64: NestedTensorLiteral { /** The leaf type: `Int64`. */ public typealias Leaf = Int64 }
extension Int32: NestedTensorLiteral { /** The leaf type: `Int32`. */ public typealias Leaf = Int32 }
extension UInt8: NestedTensorLiteral { /** The leaf type: `UInt8`. */ public typealias Leaf = UInt8 }
extension Bool: NestedTensorLiteral { /** The leaf type: `Bool`. */ public typealias Leaf = Bool }

extension Array: NestedTensorLiteral where Element: NestedTensorLiteral {
    /// The leaf type of the elements.
    public typealias Leaf = Element.Leaf

    /// `[count] + the elements' shape`, or `nil` if the elements' shapes differ.
    public var nablaShape: [Int]? {
        guard let first = first else { return [0] }
        guard let inner = first.nablaShape else { return nil }
        for element in dropFirst() where element.nablaShape != inner { return nil }
        return [count] + inner
    }

    /// Appends every element's leaves in order.
    public func nablaFlatten(into values: inout [Element.Leaf]) {
        for element in self { element.nablaFlatten(into: &values) }
    }
}

extension Tensor {
    /// The dtype PyTorch infers for Swift values of type `T`: floating-point values
    /// become ``DType/float32`` (PyTorch's default dtype, also for `Double`), integers
    /// keep their type, `Int` becomes ``DType/int64``.
    static func inferredDType<T: TensorElement>(for _: T.Type) -> DType {
        T.self == Double.self ? .float32 : T.dtype
    }

    /// Creates a tensor from a value or a nested array, like `torch.tensor`.
    ///
    /// ```swift
    /// let a = Tensor([[1, 2], [3, 4]])        // int64, shape [2, 2]
    /// let b = Tensor([0.5, 1.5])              // float32, shape [2]
    /// let c = Tensor(3.0, dtype: .float64)    // 0-d float64
    /// ```
    ///
    /// Floating-point values default to `float32`, as in PyTorch, even when they are
    /// Swift `Double`s; pass `dtype: .float64` to keep double precision. A ragged nested
    /// array is a programmer error and traps; for data from outside use
    /// ``init(_:shape:dtype:requiresGrad:)``, which throws.
    public convenience init<L: NestedTensorLiteral>(_ literal: L, dtype: DType? = nil, requiresGrad: Bool = false) {
        guard let shape = literal.nablaShape else {
            nablaPreconditionFailure(TensorError.raggedArray(operation: "Tensor(_:)").description)
        }
        var values: [L.Leaf] = []
        values.reserveCapacity(shape.reduce(1, *))
        literal.nablaFlatten(into: &values)
        self.init(elements: values, shape: shape, dtype: dtype ?? Tensor.inferredDType(for: L.Leaf.self))
        if requiresGrad { self.requiresGrad = true }
    }

    /// Creates a tensor of `shape` from values in row-major order.
    ///
    /// - Throws: ``TensorError/elementCountMismatch(operation:count:shape:)`` when the
    ///   number of values does not match the shape.
    public convenience init<T: TensorElement>(_ values: [T], shape: [Int], dtype: DType? = nil, requiresGrad: Bool = false) throws {
        for size in shape where size < 0 {
            throw TensorError.elementCountMismatch(operation: "Tensor(_:shape:)", count: values.count, shape: shape)
        }
        let (count, overflow) = shape.reduce((1, false)) { partial, size in
            let (product, o) = partial.0.multipliedReportingOverflow(by: size)
            return (product, partial.1 || o)
        }
        guard !overflow, count == values.count else {
            throw TensorError.elementCountMismatch(operation: "Tensor(_:shape:)", count: values.count, shape: shape)
        }
        self.init(elements: values, shape: shape, dtype: dtype ?? Tensor.inferredDType(for: T.self))
        if requiresGrad { self.requiresGrad = true }
    }

    /// Values already checked against the shape.
    convenience init<T: TensorElement>(elements values: [T], shape: [Int], dtype: DType) {
        self.init(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "Tensor(_:)")
        Tensor.withElementType(dtype, FillFromArray(tensor: self, values: values))
    }

    /// Copies `values` into the tensor, for one element type of the tensor.
    private struct FillFromArray<T: TensorElement>: TensorElementBody {
        let tensor: Tensor, values: [T]
        func run<D: TensorElement>(_: D.Type) { tensor.fill(from: values, as: D.self) }
    }

    private func fill<T: TensorElement, D: TensorElement>(from values: [T], as _: D.Type) {
        let destination = rawData.assumingMemoryBound(to: D.self)
        values.withUnsafeBufferPointer { source in
            if T.self == D.self || (T.self == Int.self && D.self == Int64.self) {
                UnsafeMutableRawPointer(destination).copyMemory(from: source.baseAddress!, byteCount: source.count * MemoryLayout<T>.stride)
            } else {
                for i in source.indices { destination[i] = D(nablaDouble: source[i].nablaDouble) }
            }
        }
    }

    // MARK: Filled tensors

    /// A tensor of `shape` filled with `value`, like `torch.full`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        filled(shape, value, dtype: dtype, requiresGrad: requiresGrad, operation: "full")
    }

    /// `full` under the name of the creation function the user called, for its traps.
    private static func filled(_ shape: [Int], _ value: Double, dtype: DType, requiresGrad: Bool, operation: String) -> Tensor {
        let result = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: value == 0, operation: operation)
        if value != 0 { result.fill(value) }
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// A tensor of zeros, like `torch.zeros`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        filled(shape, 0, dtype: dtype, requiresGrad: requiresGrad, operation: "zeros")
    }

    /// A tensor of zeros with the dimensions given one by one: `Tensor.zeros(2, 3)`.
    public static func zeros(_ shape: Int..., dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        zeros(shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor of ones, like `torch.ones`.
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        filled(shape, 1, dtype: dtype, requiresGrad: requiresGrad, operation: "ones")
    }

    /// A tensor of ones with the dimensions given one by one: `Tensor.ones(2, 3)`.
    public static func ones(_ shape: Int..., dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        ones(shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor whose values are not meaningful, like `torch.empty`: write it before
    /// reading. (Nabla zero-fills it anyway, so reading it is never undefined behaviour.)
    public static func empty(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        zeros(shape, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A 0-d tensor holding `value`.
    public static func scalar(_ value: Double, dtype: DType = .float32) -> Tensor {
        full([], value, dtype: dtype)
    }

    /// A tensor of zeros with this tensor's shape (and dtype unless given).
    public func zerosLike(dtype: DType? = nil, requiresGrad: Bool = false) -> Tensor {
        Tensor.zeros(shape, dtype: dtype ?? self.dtype, requiresGrad: requiresGrad)
    }

    /// A tensor of ones with this tensor's shape (and dtype unless given).
    public func onesLike(dtype: DType? = nil, requiresGrad: Bool = false) -> Tensor {
        Tensor.ones(shape, dtype: dtype ?? self.dtype, requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value` with this tensor's shape (and dtype unless given).
    public func fullLike(_ value: Double, dtype: DType? = nil, requiresGrad: Bool = false) -> Tensor {
        Tensor.full(shape, value, dtype: dtype ?? self.dtype, requiresGrad: requiresGrad)
    }

    /// An uninitialised tensor with this tensor's shape (and dtype unless given).
    public func emptyLike(dtype: DType? = nil, requiresGrad: Bool = false) -> Tensor {
        Tensor.empty(shape, dtype: dtype ?? self.dtype, requiresGrad: requiresGrad)
    }

    // MARK: Ranges

    /// The integers `0..<end`, like `torch.arange(end)` (int64 unless `dtype` is given).
    public static func arange(_ end: Int, dtype: DType = .int64, requiresGrad: Bool = false) -> Tensor {
        arange(0, end, step: 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// The integers from `start` up to (not including) `end` in steps of `step`.
    public static func arange(_ start: Int, _ end: Int, step: Int = 1, dtype: DType = .int64, requiresGrad: Bool = false) -> Tensor {
        nablaPrecondition(step != 0, "arange: step must be nonzero")
        let count = Swift.max(0, (end - start + step - (step > 0 ? 1 : -1)) / step)
        let values = (0..<count).map { start + $0 * step }
        let result = Tensor(elements: values, shape: [count], dtype: dtype)
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// The values `start, start + step, ...` below `end` (above it for a negative step),
    /// like `torch.arange` with floating-point arguments: `float32` unless `dtype` is
    /// given, `ceil((end - start) / step)` elements.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        nablaPrecondition(step != 0 && step.isFinite && start.isFinite && end.isFinite,
                     "arange: start \(start), end \(end) and step \(step) must be finite, step nonzero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let values = (0..<count).map { start + Double($0) * step }
        let result = Tensor(elements: values, shape: [count], dtype: dtype)
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive, like `torch.linspace`.
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        nablaPrecondition(steps >= 0, "linspace: steps must be non-negative, got \(steps)")
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        // Like PyTorch, fill the second half from the end so that `end` is exact.
        let values = steps == 1 ? [start] : (0..<steps).map { i in i < steps / 2 ? start + step * Double(i) : end - step * Double(steps - 1 - i) }
        let result = Tensor(elements: values, shape: [steps], dtype: dtype)
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// The `n x m` identity matrix (`m` defaults to `n`), like `torch.eye`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        let columns = m ?? n
        let result = zeros([n, columns], dtype: dtype)
        let diagonal = Swift.min(n, columns)
        if diagonal > 0 {
            result.asStrided(shape: [diagonal], strides: [columns + 1], storageOffset: 0).fill(1)
        }
        if requiresGrad { result.requiresGrad = true }
        return result
    }
}

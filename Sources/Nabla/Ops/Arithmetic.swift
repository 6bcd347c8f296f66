import NablaKernelsCore
// + - * / with broadcasting and type promotion, with tensors and Swift numbers on either
// side, their in-place forms, and their gradients.

import NablaKernels

/// A binary operation on numbers of any numeric element type.
protocol BinaryNumericOperation {
    static func apply<T: NumericElement>(_ a: T, _ b: T) -> T
    /// The vectorised NablaKernels operation for float32/float64, if there is one.
    static var floatKernel: BinaryFloatOperation? { get }
}

extension BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { nil }
}

enum AddOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .add }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a + b } }
enum SubOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .sub }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a - b } }
enum MulOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .mul }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a * b } }
enum DivOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .div }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { T.divide(a, b) } }
/// `tanh`'s gradient from the output gradient `a` and the output `b`: `a * (1 - b * b)`.
enum TanhBackwardOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .tanhBackward }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a * (1 - b * b) } }
/// `sigmoid`'s gradient from the output gradient `a` and the output `b`: `a * (1 - b) * b`.
enum SigmoidBackwardOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .sigmoidBackward }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a * (1 - b) * b } }
/// NaN-propagating, like `torch.maximum`.
enum MaximumOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .maximum }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a != a ? a : (b != b ? b : (a >= b ? a : b)) }
}
/// NaN-propagating, like `torch.minimum`.
enum MinimumOperation: BinaryNumericOperation {
    static var floatKernel: BinaryFloatOperation? { .minimum }
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T { a != a ? a : (b != b ? b : (a <= b ? a : b)) }
}

extension Tensor {
    /// Runs a binary operation over the broadcast shape, computing in the promoted dtype.
    static func binary<Op: BinaryNumericOperation>(_: Op.Type, _ a: Tensor, _ b: Tensor, dtype: DType, operation: String) -> Tensor {
        if a.numel <= smallTensorLimit, b.numel <= smallTensorLimit, a.dtype == dtype, b.dtype == dtype,
           a.shape == b.shape || a.ndim == 0 || b.ndim == 0, a.isContiguous, b.isContiguous {
            switch dtype {
            case .float32: return smallBinary(Op.self, a, b, Float.self)
            case .float64: return smallBinary(Op.self, a, b, Double.self)
            default: break
            }
        }
        let shape = broadcastShape(a.shape, b.shape, operation: operation)
        let compute = computeType(for: dtype)
        let out = elementwiseOutput(shape: shape, dtype: compute, like: a, b, operation: operation)
        let ca = a.values(as: compute), cb = b.values(as: compute)
        if let kernel = Op.floatKernel, compute == .float32 || compute == .float64 {
            applyFloatKernel(kernel, ca.broadcastLayout(to: shape), cb.broadcastLayout(to: shape), into: out)
        } else {
            withNumericType(compute, operation: operation, BinaryRun<Op>(a: ca, b: cb, out: out))
        }
        return compute == dtype ? out : out.to(dtype)
    }

    /// `out = kernel(lhs, rhs)` for float32 or float64 operands already laid out over
    /// `out`'s shape (broadcast dims as zero strides); `out` may be `lhs` itself.
    static func applyFloatKernel(_ kernel: BinaryFloatOperation, _ lhs: Tensor, _ rhs: Tensor, into out: Tensor) {
        if out.dtype == .float32 {
            Elementwise.binary(kernel, shape: out.shape, output: out.pointer(as: Float.self), outputStrides: out.strides,
                               lhs: lhs.pointer(as: Float.self), lhsStrides: lhs.strides,
                               rhs: rhs.pointer(as: Float.self), rhsStrides: rhs.strides)
        } else {
            Elementwise.binary(kernel, shape: out.shape, output: out.pointer(as: Double.self), outputStrides: out.strides,
                               lhs: lhs.pointer(as: Double.self), lhsStrides: lhs.strides,
                               rhs: rhs.pointer(as: Double.self), rhsStrides: rhs.strides)
        }
    }

    /// Below this many elements an operation's fixed costs dominate, so same-shape
    /// contiguous operands skip the broadcasting engine (autograd on tiny tensors lives
    /// here). Only for operations made of correctly rounded steps without fused
    /// multiply-adds (+ - * /, min, max, the tanh and sigmoid gradients), whose results
    /// are the same bits on either path.
    static let smallTensorLimit = 256

    private static func smallBinary<Op: BinaryNumericOperation, T: NumericElement>(_: Op.Type, _ a: Tensor, _ b: Tensor, _: T.Type) -> Tensor {
        let model = a.ndim == 0 ? b : a
        let out = elementwiseOutput(shape: model.shape, dtype: T.dtype, like: model, operation: "binary")
        let x = a.pointer(as: T.self), y = b.pointer(as: T.self), z = out.pointer(as: T.self)
        // A 0-d operand is read at offset 0 for every element (stride 0).
        let strideA = a.ndim == 0 ? 0 : 1, strideB = b.ndim == 0 ? 0 : 1
        for i in 0..<out.numel { z[i] = Op.apply(x[i * strideA], y[i * strideB]) }
        return out
    }


    /// A Swift number as a 0-d tensor of the dtype it combines to with this tensor.
    func scalarOperand(_ value: Double, isFloatingPoint: Bool) -> Tensor {
        Tensor.scalar(value, dtype: resultType(withScalarIsFloatingPoint: isFloatingPoint))
    }

    // MARK: Tensor op Tensor

    /// Element-wise sum with broadcasting, like `torch.add(a, b, alpha=alpha)`:
    /// `self + alpha * other`.
    public func add(_ other: Tensor, alpha: Double = 1) -> Tensor {
        alpha == 1 ? self + other : self + other * alpha
    }

    /// Element-wise sum with broadcasting and type promotion.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let out = binary(AddOperation.self, lhs, rhs, dtype: resultType(lhs, rhs), operation: "add")
        guard recordsGradient(lhs, rhs) else { return out }
        return out.recordingGradientUnchecked("AddBackward0", input: lhs, rhs) { g in
                [g.sumToShape(lhs.shape).to(lhs.dtype), g.sumToShape(rhs.shape).to(rhs.dtype)]
            }
    }

    /// Element-wise difference with broadcasting and type promotion.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        nablaPrecondition(lhs.dtype != .bool || rhs.dtype != .bool, "sub: subtracting two bool tensors is not supported; use logical operations")
        let out = binary(SubOperation.self, lhs, rhs, dtype: resultType(lhs, rhs), operation: "sub")
        guard recordsGradient(lhs, rhs) else { return out }
        return out.recordingGradientUnchecked("SubBackward0", input: lhs, rhs) { g in
                [g.sumToShape(lhs.shape).to(lhs.dtype), (-g).sumToShape(rhs.shape).to(rhs.dtype)]
            }
    }

    /// Element-wise product with broadcasting and type promotion.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let out = binary(MulOperation.self, lhs, rhs, dtype: resultType(lhs, rhs), operation: "mul")
        guard recordsGradient(lhs, rhs) else { return out }
        return out.recordingGradientUnchecked("MulBackward0", input: lhs, rhs, savingInputs: true) { g in
                [lhs.requiresGrad ? (g * rhs).sumToShape(lhs.shape).to(lhs.dtype) : nil,
                 rhs.requiresGrad ? (g * lhs).sumToShape(rhs.shape).to(rhs.dtype) : nil]
            }
    }

    /// Element-wise true division with broadcasting: integer operands give a float32
    /// result, as in PyTorch.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        var dtype = resultType(lhs, rhs)
        if !dtype.isFloatingPoint { dtype = .float32 }
        let out = binary(DivOperation.self, lhs, rhs, dtype: dtype, operation: "div")
        guard recordsGradient(lhs, rhs) else { return out }
        return out.recordingGradientUnchecked("DivBackward0", input: lhs, rhs, savingInputs: true) { g in
                [lhs.requiresGrad ? (g / rhs).sumToShape(lhs.shape).to(lhs.dtype) : nil,
                 rhs.requiresGrad ? (-g * lhs / (rhs * rhs)).sumToShape(rhs.shape).to(rhs.dtype) : nil]
            }
    }

    /// Element-wise negation.
    public static prefix func - (operand: Tensor) -> Tensor {
        nablaPrecondition(operand.dtype != .bool, "neg: negation of a bool tensor is not supported; use logicalNot()")
        return binary(SubOperation.self, Tensor.scalar(0, dtype: operand.dtype), operand, dtype: operand.dtype, operation: "neg")
            .recordingGradient("NegBackward0", inputs: [operand]) { g in [-g] }
    }

    /// The element-wise maximum, propagating NaN, like `torch.maximum`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        binary(MaximumOperation.self, a, b, dtype: resultType(a, b), operation: "maximum")
            .recordingGradient("MaximumBackward0", inputs: [a, b], saving: [a, b]) { g in
                let share = Tensor.selectionShare(a, b, greater: true)
                return [(g * share).sumToShape(a.shape).to(a.dtype), (g * (1 - share)).sumToShape(b.shape).to(b.dtype)]
            }
    }

    /// The element-wise minimum, propagating NaN, like `torch.minimum`.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        binary(MinimumOperation.self, a, b, dtype: resultType(a, b), operation: "minimum")
            .recordingGradient("MinimumBackward0", inputs: [a, b], saving: [a, b]) { g in
                let share = Tensor.selectionShare(a, b, greater: false)
                return [(g * share).sumToShape(a.shape).to(a.dtype), (g * (1 - share)).sumToShape(b.shape).to(b.dtype)]
            }
    }

    /// 1 where `a` wins, 0 where `b` wins, 0.5 on ties (PyTorch splits the gradient).
    private static func selectionShare(_ a: Tensor, _ b: Tensor, greater: Bool) -> Tensor {
        let wins = (greater ? a .> b : a .< b).to(.float64)
        let ties = (a .== b).to(.float64)
        return wins + ties * 0.5
    }

    // MARK: Tensor op number

    /// Adds a number to every element.
    public static func + (lhs: Tensor, rhs: Double) -> Tensor { lhs + lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Adds an integer to every element (integer tensors stay integer).
    public static func + (lhs: Tensor, rhs: Int) -> Tensor { lhs + lhs.scalarOperand(Double(rhs), isFloatingPoint: false) }
    /// Adds a number to every element.
    public static func + (lhs: Double, rhs: Tensor) -> Tensor { rhs.scalarOperand(lhs, isFloatingPoint: true) + rhs }
    /// Adds an integer to every element.
    public static func + (lhs: Int, rhs: Tensor) -> Tensor { rhs.scalarOperand(Double(lhs), isFloatingPoint: false) + rhs }
    /// Subtracts a number from every element.
    public static func - (lhs: Tensor, rhs: Double) -> Tensor { lhs - lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Subtracts an integer from every element.
    public static func - (lhs: Tensor, rhs: Int) -> Tensor { lhs - lhs.scalarOperand(Double(rhs), isFloatingPoint: false) }
    /// Subtracts every element from a number.
    public static func - (lhs: Double, rhs: Tensor) -> Tensor { rhs.scalarOperand(lhs, isFloatingPoint: true) - rhs }
    /// Subtracts every element from an integer.
    public static func - (lhs: Int, rhs: Tensor) -> Tensor { rhs.scalarOperand(Double(lhs), isFloatingPoint: false) - rhs }
    /// Multiplies every element by a number.
    public static func * (lhs: Tensor, rhs: Double) -> Tensor { lhs * lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Multiplies every element by an integer.
    public static func * (lhs: Tensor, rhs: Int) -> Tensor { lhs * lhs.scalarOperand(Double(rhs), isFloatingPoint: false) }
    /// Multiplies every element by a number.
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs.scalarOperand(lhs, isFloatingPoint: true) * rhs }
    /// Multiplies every element by an integer.
    public static func * (lhs: Int, rhs: Tensor) -> Tensor { rhs.scalarOperand(Double(lhs), isFloatingPoint: false) * rhs }
    /// Divides every element by a number.
    public static func / (lhs: Tensor, rhs: Double) -> Tensor { lhs / lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Divides every element by an integer (true division).
    public static func / (lhs: Tensor, rhs: Int) -> Tensor { lhs / lhs.scalarOperand(Double(rhs), isFloatingPoint: false) }
    /// Divides a number by every element.
    public static func / (lhs: Double, rhs: Tensor) -> Tensor { rhs.scalarOperand(lhs, isFloatingPoint: true) / rhs }
    /// Divides an integer by every element (true division).
    public static func / (lhs: Int, rhs: Tensor) -> Tensor { rhs.scalarOperand(Double(lhs), isFloatingPoint: false) / rhs }

    // MARK: In place

    /// Writes `result` (of an operation with this tensor as first operand) into this
    /// tensor: the in-place forms (PyTorch's `add_` family). The result must keep this
    /// tensor's shape and be convertible to its dtype without changing kind.
    private func assignInPlace(_ result: Tensor, operation: String) {
        nablaPrecondition(result.shape == shape,
                     "\(operation): the result of shape \(result.shape) cannot be written in place into a tensor of shape \(shape) (the other operand must broadcast to it)")
        nablaPrecondition(result.dtype == dtype || !(result.dtype.isFloatingPoint && !dtype.isFloatingPoint),
                     "\(operation): result type \(result.dtype) can't be cast to the tensor's dtype \(dtype)")
        copy(from: result)
    }

    /// Computes `self = Op(self, other)` straight into the tensor's memory, one pass with
    /// no temporary, when the float kernel can: a float32 or float64 tensor covering its
    /// memory without overlap, a result of its own dtype, and `other` broadcasting to its
    /// shape without sharing its storage (an element could otherwise be read after it
    /// was written). Returns false when the caller must take the general path.
    private func binaryInPlace<Op: BinaryNumericOperation>(_: Op.Type, _ other: Tensor, operation: String) -> Bool {
        guard let kernel = Op.floatKernel, dtype == .float32 || dtype == .float64,
              Tensor.resultType(self, other) == dtype, other.storage !== storage,
              Tensor.broadcasts(other.shape, to: shape), isContiguous || denseDimensionOrder() != nil
        else { return false }
        _ = mutableRawData(operation: operation)
        Tensor.applyFloatKernel(kernel, self, other.values(as: dtype).broadcastLayout(to: shape), into: self)
        return true
    }

    /// Adds `other * alpha` into this tensor (PyTorch's `add_`).
    public func addInPlace(_ other: Tensor, alpha: Double = 1) {
        checkInPlaceAllowed("addInPlace")
        if alpha == 1, binaryInPlace(AddOperation.self, other, operation: "addInPlace") { return }
        assignInPlace(withNoGrad { add(other, alpha: alpha) }, operation: "addInPlace")
    }

    /// Subtracts `other` from this tensor in place (PyTorch's `sub_`).
    public func subInPlace(_ other: Tensor) {
        checkInPlaceAllowed("subInPlace")
        if binaryInPlace(SubOperation.self, other, operation: "subInPlace") { return }
        assignInPlace(withNoGrad { self - other }, operation: "subInPlace")
    }

    /// Multiplies this tensor by `other` in place (PyTorch's `mul_`).
    public func mulInPlace(_ other: Tensor) {
        checkInPlaceAllowed("mulInPlace")
        if binaryInPlace(MulOperation.self, other, operation: "mulInPlace") { return }
        assignInPlace(withNoGrad { self * other }, operation: "mulInPlace")
    }

    /// Divides this tensor by `other` in place (PyTorch's `div_`).
    public func divInPlace(_ other: Tensor) {
        checkInPlaceAllowed("divInPlace")
        if binaryInPlace(DivOperation.self, other, operation: "divInPlace") { return }
        assignInPlace(withNoGrad { self / other }, operation: "divInPlace")
    }

    /// `lhs.addInPlace(rhs)`.
    public static func += (lhs: Tensor, rhs: Tensor) { lhs.addInPlace(rhs) }
    /// `lhs.subInPlace(rhs)`.
    public static func -= (lhs: Tensor, rhs: Tensor) { lhs.subInPlace(rhs) }
    /// `lhs.mulInPlace(rhs)`.
    public static func *= (lhs: Tensor, rhs: Tensor) { lhs.mulInPlace(rhs) }
    /// `lhs.divInPlace(rhs)`.
    public static func /= (lhs: Tensor, rhs: Tensor) { lhs.divInPlace(rhs) }
    /// Adds a number in place.
    public static func += (lhs: Tensor, rhs: Double) { lhs.addInPlace(lhs.scalarOperand(rhs, isFloatingPoint: true)) }
    /// Subtracts a number in place.
    public static func -= (lhs: Tensor, rhs: Double) { lhs.subInPlace(lhs.scalarOperand(rhs, isFloatingPoint: true)) }
    /// Multiplies by a number in place.
    public static func *= (lhs: Tensor, rhs: Double) { lhs.mulInPlace(lhs.scalarOperand(rhs, isFloatingPoint: true)) }
    /// Divides by a number in place.
    public static func /= (lhs: Tensor, rhs: Double) { lhs.divInPlace(lhs.scalarOperand(rhs, isFloatingPoint: true)) }
}

/// `out = Op(a, b)`, for one element type.
private struct BinaryRun<Op: BinaryNumericOperation>: NumericElementBody {
    let a: Tensor, b: Tensor, out: Tensor
    func run<T: NumericElement>(_: T.Type) {
        ElementwiseLoop.map(a, b, into: out, BinaryFunction<Op, T>())
    }
}

/// `Op` on two elements of type `T`, for the element-wise loop.
private struct BinaryFunction<Op: BinaryNumericOperation, T: NumericElement>: BinaryElementFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { Op.apply(a, b) }
}

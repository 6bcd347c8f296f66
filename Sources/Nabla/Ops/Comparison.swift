import NablaKernels
import NablaKernelsCore
// Comparisons (bool results), selection and the piecewise functions built on them.

/// A comparison of two numbers of any numeric element type.
protocol ComparisonOperation {
    static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool
    /// The same comparison on the kernel layer, which float32 and float64 operands take.
    static var floatKernel: FloatComparison { get }
}

enum EqualOperation: ComparisonOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool { a == b }
    static var floatKernel: FloatComparison { .equal }
}
enum NotEqualOperation: ComparisonOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool { a != b }
    static var floatKernel: FloatComparison { .notEqual }
}
enum LessOperation: ComparisonOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool { a < b }
    static var floatKernel: FloatComparison { .less }
}
enum LessEqualOperation: ComparisonOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool { a <= b }
    static var floatKernel: FloatComparison { .lessOrEqual }
}
enum GreaterOperation: ComparisonOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool { a > b }
    static var floatKernel: FloatComparison { .greater }
}
enum GreaterEqualOperation: ComparisonOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> Bool { a >= b }
    static var floatKernel: FloatComparison { .greaterOrEqual }
}

/// The gradient of relu in one pass: the incoming gradient where the output is positive.
enum ReluBackwardOperation: BinaryNumericOperation {
    @inline(__always) static func apply<T: NumericElement>(_ gradient: T, _ output: T) -> T { output > 0 ? gradient : 0 }
}

/// Powers of numbers of any numeric element type (computed in double precision).
enum PowOperation: BinaryNumericOperation {
    @inline(__always) static func apply<T: NumericElement>(_ a: T, _ b: T) -> T {
        T(nablaDouble: _pow(a.nablaDouble, b.nablaDouble))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func _pow(_ a: Double, _ b: Double) -> Double { pow(a, b) }

extension Tensor {
    static func compare<Op: ComparisonOperation>(_: Op.Type, _ a: Tensor, _ b: Tensor, operation: String) -> Tensor {
        let shape = broadcastShape(a.shape, b.shape, operation: operation)
        let compute = computeType(for: resultType(a, b))
        let ca = a.values(as: compute), cb = b.values(as: compute)
        // The output follows a dense input's memory order (a transpose stays transposed),
        // as PyTorch's TensorIterator does, so the loop reads and writes in order.
        let out = elementwiseOutput(shape: shape, dtype: .bool, like: ca, cb, operation: operation)
        if compute == .float32 || compute == .float64 {
            // The kernel layer's loop, vectorised at the CPU's width (this module's own
            // loop is compiled for the baseline instruction set).
            applyFloatKernel(Op.floatKernel, ca.broadcastLayout(to: shape), cb.broadcastLayout(to: shape), into: out)
        } else {
            withNumericType(compute, operation: operation, ComparisonRun<Op>(a: ca, b: cb, out: out))
        }
        return out
    }

    /// Element-wise `==` with broadcasting, giving a bool tensor (Swift's `==` on tensors
    /// is reserved for `Equatable`-style identity of values, which tensors do not have).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { compare(EqualOperation.self, lhs, rhs, operation: "eq") }
    /// Element-wise `!=`, giving a bool tensor.
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(NotEqualOperation.self, lhs, rhs, operation: "ne") }
    /// Element-wise `<`, giving a bool tensor.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { compare(LessOperation.self, lhs, rhs, operation: "lt") }
    /// Element-wise `<=`, giving a bool tensor.
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(LessEqualOperation.self, lhs, rhs, operation: "le") }
    /// Element-wise `>`, giving a bool tensor.
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { compare(GreaterOperation.self, lhs, rhs, operation: "gt") }
    /// Element-wise `>=`, giving a bool tensor.
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(GreaterEqualOperation.self, lhs, rhs, operation: "ge") }

    /// Compares every element with a number.
    public static func .== (lhs: Tensor, rhs: Double) -> Tensor { lhs .== lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Compares every element with a number.
    public static func .!= (lhs: Tensor, rhs: Double) -> Tensor { lhs .!= lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Compares every element with a number.
    public static func .< (lhs: Tensor, rhs: Double) -> Tensor { lhs .< lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Compares every element with a number.
    public static func .<= (lhs: Tensor, rhs: Double) -> Tensor { lhs .<= lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Compares every element with a number.
    public static func .> (lhs: Tensor, rhs: Double) -> Tensor { lhs .> lhs.scalarOperand(rhs, isFloatingPoint: true) }
    /// Compares every element with a number.
    public static func .>= (lhs: Tensor, rhs: Double) -> Tensor { lhs .>= lhs.scalarOperand(rhs, isFloatingPoint: true) }

    /// Element-wise logical and of two bool tensors.
    public static func .& (lhs: Tensor, rhs: Tensor) -> Tensor {
        nablaPrecondition(lhs.dtype == .bool && rhs.dtype == .bool, "logicalAnd: expects bool tensors, got \(lhs.dtype) and \(rhs.dtype)")
        return (lhs.to(.uint8) * rhs.to(.uint8)).to(.bool)
    }

    /// Element-wise logical or of two bool tensors.
    public static func .| (lhs: Tensor, rhs: Tensor) -> Tensor {
        nablaPrecondition(lhs.dtype == .bool && rhs.dtype == .bool, "logicalOr: expects bool tensors, got \(lhs.dtype) and \(rhs.dtype)")
        return (lhs.to(.uint8) + rhs.to(.uint8)).to(.bool)
    }

    /// Element-wise logical not (true where the element is zero or false).
    public func logicalNot() -> Tensor { self .== 0.0 }

    /// Picks `a` where `condition` is true and `b` elsewhere, with broadcasting, like
    /// `torch.where(condition, a, b)`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        nablaPrecondition(condition.dtype == .bool, "where: the condition must be a bool tensor, got \(condition.dtype) (shape \(condition.shape))")
        let shape = broadcastShape(broadcastShape(condition.shape, a.shape, operation: "where"), b.shape, operation: "where")
        let dtype = resultType(a, b)
        let compute = computeType(for: dtype)
        let ca = a.values(as: compute), cb = b.values(as: compute)
        let out = elementwiseOutput(shape: shape, dtype: compute, like: ca, cb, condition, operation: "where")
        if compute == .float32 || compute == .float64 {
            // The kernel layer's loop, vectorised at the CPU's width, as for the comparisons.
            applySelectKernel(condition.broadcastLayout(to: shape), ca.broadcastLayout(to: shape),
                              cb.broadcastLayout(to: shape), into: out)
        } else {
            withNumericType(compute, operation: "where", WhereRun(condition: condition, a: ca, b: cb, out: out))
        }
        let result = compute == dtype ? out : out.to(dtype)
        return result.recordingGradient("WhereBackward0", inputs: [a, b], saving: [condition]) { g in
            let zero = Tensor.scalar(0, dtype: g.dtype)
            return [Tensor.where(condition, g, zero).sumToShape(a.shape).to(a.dtype),
                    Tensor.where(condition, zero, g).sumToShape(b.shape).to(b.dtype)]
        }
    }


    /// This tensor with `value` where `mask` is true, like PyTorch's `masked_fill`.
    public func maskedFill(_ mask: Tensor, _ value: Double) -> Tensor {
        nablaPrecondition(Tensor.broadcasts(mask.shape, to: shape), "maskedFill: mask of shape \(mask.shape) does not broadcast to the tensor's shape \(shape)")
        return Tensor.where(mask, Tensor.scalar(value, dtype: dtype), self)
    }

    /// Element-wise power with broadcasting, like `torch.pow(self, exponent)`.
    public func pow(_ exponent: Tensor) -> Tensor {
        let out = Tensor.binary(PowOperation.self, self, exponent, dtype: Tensor.resultType(self, exponent), operation: "pow")
        let savedOut = out.detach()
        return out.recordingGradient("PowBackward1", inputs: [self, exponent], saving: [self, exponent, savedOut]) { [self] g in
            let dBase = g * exponent * self.pow(exponent - 1.0)
            let dExponent = Tensor.where(self .== 0.0, Tensor.scalar(0, dtype: g.dtype), g * savedOut * self.log())
            return [dBase.sumToShape(self.shape).to(self.dtype), dExponent.sumToShape(exponent.shape).to(exponent.dtype)]
        }
    }

    /// Every element raised to a power, like `x ** p`.
    public func pow(_ exponent: Double) -> Tensor {
        let out = Tensor.binary(PowOperation.self, self, scalarOperand(exponent, isFloatingPoint: exponent.rounded() != exponent || dtype.isFloatingPoint),
                                dtype: resultType(withScalarIsFloatingPoint: exponent.rounded() != exponent), operation: "pow")
        return out.recordingGradient("PowBackward0", input: self, savingInputs: true) { [self] g in
            [exponent == 0 ? g.zerosLike() : g * self.pow(exponent - 1) * exponent]
        }
    }

    /// Element-wise absolute value.
    public func abs() -> Tensor {
        nablaPrecondition(dtype != .bool, "abs: not supported for bool tensors")
        let out = floatVectorKernel(.abs, operation: "abs") ?? withNoGrad { Tensor.where(self .< 0.0, -self, self) }
        return out.recordingGradient("AbsBackward0", input: self, savingInputs: true) { [self] g in [g * self.sign()] }
    }

    /// Element-wise sign: -1, 0 or 1 (NaN stays NaN for floats), in the tensor's dtype.
    public func sign() -> Tensor {
        nablaPrecondition(dtype != .bool, "sign: not supported for bool tensors")
        let out = floatVectorKernel(.sign, operation: "sign") ?? withNoGrad { () -> Tensor in
            let s = (self .> 0.0).to(dtype) - (self .< 0.0).to(dtype)
            return dtype.isFloatingPoint ? Tensor.where(self .!= self, self, s) : s
        }
        return out.recordingGradient("SignBackward0", input: self) { g in [g.zerosLike()] }
    }

    /// Element-wise `max(x, 0)` (NaN stays NaN).
    public func relu() -> Tensor {
        // Floats use the vector relu kernel; integers are a maximum against 0.
        let out = dtype == .float32 || dtype == .float64
            ? unaryFloat(ReluOperation.self, operation: "relu")
            : Tensor.binary(MaximumOperation.self, self, Tensor.scalar(0, dtype: dtype), dtype: dtype, operation: "relu")
        guard Tensor.recordsGradient(self) else { return out }
        let savedOut = out.detach()
        return out.recordingGradientUnchecked("ReluBackward0", input: self, saving: savedOut) { g in
            [Tensor.binary(ReluBackwardOperation.self, g, savedOut, dtype: g.dtype, operation: "relu backward")]
        }
    }

    /// Element-wise `x` for positive `x`, `negativeSlope * x` otherwise.
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor {
        let out = floatVectorKernel(.leakyRelu(slope: negativeSlope), operation: "leakyRelu")
            ?? withNoGrad { Tensor.where(self .> 0.0, self, self * negativeSlope) }
        return out.recordingGradient("LeakyReluBackward0", input: self, savingInputs: true) { [self] g in
            [Tensor.where(self .> 0.0, g, g * negativeSlope)]
        }
    }

    /// Every element limited to `min...max` (either bound may be omitted), like
    /// `torch.clamp`. NaN stays NaN.
    public func clamp(min: Double? = nil, max: Double? = nil) -> Tensor {
        nablaPrecondition(min != nil || max != nil, "clamp: at least one of min and max must be given")
        var out = self
        if dtype == .float32 || dtype == .float64 {
            // One vector pass (NaN stays NaN).
            out = Tensor.elementwiseOutput(shape: shape, dtype: dtype, like: self, operation: "clamp")
            Tensor.applyFloatKernel(.clamp(min: min ?? -.infinity, max: max ?? .infinity), self, into: out)
        } else {
            // At least one bound is given, so `out` is always a new tensor below.
            withNoGrad {
                if let min {
                    let bound = scalarOperand(min, isFloatingPoint: min.rounded() != min)
                    out = Tensor.binary(MaximumOperation.self, out, bound, dtype: Tensor.resultType(out, bound), operation: "clamp")
                }
                if let max {
                    let bound = scalarOperand(max, isFloatingPoint: max.rounded() != max)
                    out = Tensor.binary(MinimumOperation.self, out, bound, dtype: Tensor.resultType(out, bound), operation: "clamp")
                }
            }
        }
        // The mask of elements inside the bounds is built only when a gradient is asked
        // for, so inference pays for the clamping above and nothing else.
        return out.recordingGradient("ClampBackward1", input: self, savingInputs: true) { [self] g in
            var inside: Tensor?
            if let min { inside = self .>= min }
            if let max {
                let below = self .<= max
                inside = inside.map { $0 .& below } ?? below
            }
            return [g * inside!.to(g.dtype)]
        }
    }

    /// Clamps every element in place (PyTorch's `clamp_`).
    public func clampInPlace(min: Double? = nil, max: Double? = nil) {
        checkInPlaceAllowed("clampInPlace")
        copy(from: withNoGrad { clamp(min: min, max: max) })
    }

    /// `kernel` over a float32 or float64 tensor in one vector pass, into a new tensor of
    /// the same dtype (without gradient); nil for other dtypes.
    func floatVectorKernel(_ kernel: UnaryFloatOperation, operation: String) -> Tensor? {
        guard dtype == .float32 || dtype == .float64 else { return nil }
        let out = Tensor.elementwiseOutput(shape: shape, dtype: dtype, like: self, operation: operation)
        Tensor.applyFloatKernel(kernel, self, into: out)
        return out
    }

    /// `out = kernel(lhs, rhs)` as bools, for float32 or float64 operands already laid out
    /// over `out`'s shape (broadcast dims as zero strides), like the arithmetic kernels'
    /// `applyFloatKernel`.
    static func applyFloatKernel(_ kernel: FloatComparison, _ lhs: Tensor, _ rhs: Tensor, into out: Tensor) {
        if lhs.dtype == .float32 {
            Elementwise.compare(kernel, shape: out.shape, output: out.pointer(as: Bool.self), outputStrides: out.strides,
                                lhs: lhs.pointer(as: Float.self), lhsStrides: lhs.strides,
                                rhs: rhs.pointer(as: Float.self), rhsStrides: rhs.strides)
        } else {
            Elementwise.compare(kernel, shape: out.shape, output: out.pointer(as: Bool.self), outputStrides: out.strides,
                                lhs: lhs.pointer(as: Double.self), lhsStrides: lhs.strides,
                                rhs: rhs.pointer(as: Double.self), rhsStrides: rhs.strides)
        }
    }

    /// `out = condition ? lhs : rhs` for float32 or float64 operands, every operand laid
    /// out over `out`'s shape.
    static func applySelectKernel(_ condition: Tensor, _ lhs: Tensor, _ rhs: Tensor, into out: Tensor) {
        if out.dtype == .float32 {
            Elementwise.select(shape: out.shape, output: out.pointer(as: Float.self), outputStrides: out.strides,
                               condition: condition.pointer(as: Bool.self), conditionStrides: condition.strides,
                               lhs: lhs.pointer(as: Float.self), lhsStrides: lhs.strides,
                               rhs: rhs.pointer(as: Float.self), rhsStrides: rhs.strides)
        } else {
            Elementwise.select(shape: out.shape, output: out.pointer(as: Double.self), outputStrides: out.strides,
                               condition: condition.pointer(as: Bool.self), conditionStrides: condition.strides,
                               lhs: lhs.pointer(as: Double.self), lhsStrides: lhs.strides,
                               rhs: rhs.pointer(as: Double.self), rhsStrides: rhs.strides)
        }
    }
}

/// `out = Op(a, b)` as bools, for one element type.
private struct ComparisonRun<Op: ComparisonOperation>: NumericElementBody {
    let a: Tensor, b: Tensor, out: Tensor
    func run<T: NumericElement>(_: T.Type) {
        ElementwiseLoop.map(a, b, into: out, ComparisonFunction<Op, T>())
    }
}

/// `Op` on two elements of type `T`, for the element-wise loop.
private struct ComparisonFunction<Op: ComparisonOperation, T: NumericElement>: BinaryElementFunction {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { Op.apply(a, b) }
}

/// `out = condition ? a : b`, for one element type.
private struct WhereRun: NumericElementBody {
    let condition: Tensor, a: Tensor, b: Tensor, out: Tensor
    func run<T: NumericElement>(_: T.Type) {
        ElementwiseLoop.map(condition, a, b, into: out, SelectFunction<T>())
    }
}

/// `condition ? a : b` on elements of type `T`.
private struct SelectFunction<T: NumericElement>: TernaryElementFunction {
    @inline(__always) func callAsFunction(_ condition: Bool, _ a: T, _ b: T) -> T { condition ? a : b }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Element-wise functions of one tensor and their gradients.

import NablaKernels

/// A function of one floating-point value.
protocol UnaryFloatFunction {
    static func apply<T: FloatElement>(_ x: T) -> T
    /// The vectorised NablaKernels operation, if there is one.
    static var floatKernel: UnaryFloatOperation? { get }
}

extension UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { nil }
}

/// Applies a `Double` function to any float element (the scalar path; vector kernels
/// take over the hot float32/float64 loops).
@inline(__always) private func viaDouble<T: FloatElement>(_ x: T, _ f: (Double) -> Double) -> T {
    T(nablaDouble: f(x.nablaDouble))
}

enum SqrtOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .sqrt }
 static func apply<T: FloatElement>(_ x: T) -> T { x.squareRoot() } }
enum RsqrtOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .rsqrt }
 static func apply<T: FloatElement>(_ x: T) -> T { 1 / x.squareRoot() } }
enum ExpOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .exp }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, exp) } }
enum LogOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .log }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, log) } }
enum Log1pOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .log1p }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, log1p) } }
enum Expm1Operation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .expm1 }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, expm1) } }
enum SinOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .sin }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, sin) } }
enum CosOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .cos }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, cos) } }
enum TanhOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .tanh }
 static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, tanh) } }
enum SigmoidOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .sigmoid }

    static func apply<T: FloatElement>(_ x: T) -> T {
        viaDouble(x) { v in v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)) }
    }
}
/// The exact GELU, PyTorch's default: x * Phi(x).
enum GeluOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .gelu }

    static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x) { v in 0.5 * v * (1 + erf(v * 0.7071067811865476)) } }
}
/// PyTorch's `approximate="tanh"` GELU.
enum GeluTanhOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .geluTanh }

    static func apply<T: FloatElement>(_ x: T) -> T {
        viaDouble(x) { v in 0.5 * v * (1 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))) }
    }
}
/// `max(x, 0)`, NaN staying NaN.
enum ReluOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .relu }
    static func apply<T: FloatElement>(_ x: T) -> T { x.isNaN || x > 0 ? x : 0 }
}
/// Round half to even, like `torch.round`.
enum RoundOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .round }
    static func apply<T: FloatElement>(_ x: T) -> T { x.rounded(.toNearestOrEven) }
}
enum FloorOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .floor }
    static func apply<T: FloatElement>(_ x: T) -> T { x.rounded(.down) }
}
enum CeilOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .ceil }
    static func apply<T: FloatElement>(_ x: T) -> T { x.rounded(.up) }
}

/// How `gelu` is computed.
public enum GELUApproximation: String, Sendable {
    /// The exact form, `x * Phi(x)` with the normal CDF (PyTorch's default, `"none"`).
    case none
    /// The tanh approximation (PyTorch's `approximate="tanh"`).
    case tanh
}

extension Tensor {
    /// Applies a float function element-wise; integer and bool inputs are computed in
    /// float32, as PyTorch does for `exp`, `sqrt` and the like.
    func unaryFloat<Op: UnaryFloatFunction>(_: Op.Type, operation: String) -> Tensor {
        let dtype: DType = self.dtype.isFloatingPoint ? self.dtype : .float32
        let compute = Tensor.computeType(for: dtype)
        let input = values(as: compute)
        let out = Tensor.elementwiseOutput(shape: shape, dtype: compute, like: input, operation: operation)
        // Functions with a vector kernel always use it, even for tiny tensors, so that a
        // value does not depend on the size or layout of the tensor it is in.
        if let kernel = Op.floatKernel {
            Tensor.applyFloatKernel(kernel, input, into: out)
        } else {
            Tensor.withFloatType(compute, operation: operation, UnaryRun<Op>(input: input, out: out))
        }
        return compute == dtype ? out : out.to(dtype)
    }

    /// Runs a NablaKernels vector operation from a float32 or float64 tensor into `out` of
    /// the same shape and dtype.
    static func applyFloatKernel(_ kernel: UnaryFloatOperation, _ input: Tensor, into out: Tensor) {
        // Same-layout dense operands are one flat run: a 1-d call keeps the engine's
        // planning (per call, not per element) as cheap as it gets for tiny tensors.
        let flat = input.strides == out.strides && out.isContiguous
        let runShape = flat ? [input.numel] : input.shape
        let inputStrides = flat ? [1] : input.strides, outputStrides = flat ? [1] : out.strides
        if out.dtype == .float32 {
            Elementwise.unary(kernel, shape: runShape, output: out.pointer(as: Float.self), outputStrides: outputStrides,
                              input: input.pointer(as: Float.self), inputStrides: inputStrides)
        } else {
            Elementwise.unary(kernel, shape: runShape, output: out.pointer(as: Double.self), outputStrides: outputStrides,
                              input: input.pointer(as: Double.self), inputStrides: inputStrides)
        }
    }


    /// Element-wise square root.
    public func sqrt() -> Tensor {
        let out = unaryFloat(SqrtOperation.self, operation: "sqrt")
        guard Tensor.recordsGradient(self) else { return out }
        let savedOut = out.detach()
        return out.recordingGradientUnchecked("SqrtBackward0", input: self, saving: savedOut) { g in [g / (savedOut * 2)] }
    }

    /// Element-wise reciprocal square root, `1 / sqrt(x)`.
    public func rsqrt() -> Tensor {
        let out = unaryFloat(RsqrtOperation.self, operation: "rsqrt")
        guard Tensor.recordsGradient(self) else { return out }
        let savedOut = out.detach()
        return out.recordingGradientUnchecked("RsqrtBackward0", input: self, saving: savedOut) { g in [g * savedOut * savedOut * savedOut * -0.5] }
    }

    /// Element-wise exponential.
    public func exp() -> Tensor {
        let out = unaryFloat(ExpOperation.self, operation: "exp")
        guard Tensor.recordsGradient(self) else { return out }
        let savedOut = out.detach()
        return out.recordingGradientUnchecked("ExpBackward0", input: self, saving: savedOut) { g in [g * savedOut] }
    }

    /// Element-wise natural logarithm.
    public func log() -> Tensor {
        let out = unaryFloat(LogOperation.self, operation: "log")
        return out.recordingGradient("LogBackward0", input: self, savingInputs: true) { [self] g in [g / self] }
    }

    /// Element-wise `log(1 + x)`, accurate for small `x`.
    public func log1p() -> Tensor {
        let out = unaryFloat(Log1pOperation.self, operation: "log1p")
        return out.recordingGradient("Log1PBackward0", input: self, savingInputs: true) { [self] g in [g / (self + 1.0)] }
    }

    /// Element-wise `exp(x) - 1`, accurate for small `x`.
    public func expm1() -> Tensor {
        let out = unaryFloat(Expm1Operation.self, operation: "expm1")
        let savedOut = out.detach()
        return out.recordingGradient("Expm1Backward0", input: self, saving: savedOut) { g in [g * (savedOut + 1.0)] }
    }

    /// Element-wise sine.
    public func sin() -> Tensor {
        unaryFloat(SinOperation.self, operation: "sin")
            .recordingGradient("SinBackward0", input: self, savingInputs: true) { [self] g in [g * self.cos()] }
    }

    /// Element-wise cosine.
    public func cos() -> Tensor {
        unaryFloat(CosOperation.self, operation: "cos")
            .recordingGradient("CosBackward0", input: self, savingInputs: true) { [self] g in [-g * self.sin()] }
    }

    /// Element-wise hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = unaryFloat(TanhOperation.self, operation: "tanh")
        guard Tensor.recordsGradient(self) else { return out }
        let savedOut = out.detach()
        return out.recordingGradientUnchecked("TanhBackward0", input: self, saving: savedOut) { g in
            [Tensor.binary(TanhBackwardOperation.self, g, savedOut, dtype: g.dtype, operation: "tanh_backward")]
        }
    }

    /// Element-wise logistic sigmoid, `1 / (1 + exp(-x))`.
    public func sigmoid() -> Tensor {
        let out = unaryFloat(SigmoidOperation.self, operation: "sigmoid")
        guard Tensor.recordsGradient(self) else { return out }
        let savedOut = out.detach()
        return out.recordingGradientUnchecked("SigmoidBackward0", input: self, saving: savedOut) { g in
            [Tensor.binary(SigmoidBackwardOperation.self, g, savedOut, dtype: g.dtype, operation: "sigmoid_backward")]
        }
    }

    /// Element-wise GELU, exact (PyTorch's default) or with the tanh approximation.
    public func gelu(approximate: GELUApproximation = .none) -> Tensor {
        switch approximate {
        case .none:
            return unaryFloat(GeluOperation.self, operation: "gelu")
                .recordingGradient("GeluBackward0", input: self, savingInputs: true) { [self] g in
                    let x = self
                    let cdf = ((x * 0.7071067811865476).erf() + 1.0) * 0.5
                    let pdf = (x * x * -0.5).exp() * 0.3989422804014327
                    return [g * (cdf + x * pdf)]
                }
        case .tanh:
            return unaryFloat(GeluTanhOperation.self, operation: "gelu")
                .recordingGradient("GeluBackward0", input: self, savingInputs: true) { [self] g in
                    let x = self
                    let inner = (x + x * x * x * 0.044715) * 0.7978845608028654
                    let t = inner.tanh()
                    let dInner = (x * x * (3 * 0.044715) + 1.0) * 0.7978845608028654
                    return [g * ((t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * dInner)]
                }
        }
    }

    /// Element-wise error function.
    public func erf() -> Tensor {
        unaryFloat(ErfOperation.self, operation: "erf")
            .recordingGradient("ErfBackward0", input: self, savingInputs: true) { [self] g in
                [g * (self * self * -1.0).exp() * 1.1283791670955126]
            }
    }

    /// Element-wise rounding half to even, like `torch.round` (integers are unchanged).
    public func round() -> Tensor { roundingOperation(RoundOperation.self, name: "RoundBackward0") }
    /// Element-wise rounding toward negative infinity.
    public func floor() -> Tensor { roundingOperation(FloorOperation.self, name: "FloorBackward0") }
    /// Element-wise rounding toward positive infinity.
    public func ceil() -> Tensor { roundingOperation(CeilOperation.self, name: "CeilBackward0") }

    private func roundingOperation<Op: UnaryFloatFunction>(_: Op.Type, name: String) -> Tensor {
        guard dtype.isFloatingPoint else { return clone().detach() }
        return unaryFloat(Op.self, operation: name)
            .recordingGradient(name, inputs: [self]) { g in [g.zerosLike()] }
    }
}

enum ErfOperation: UnaryFloatFunction {
    static var floatKernel: UnaryFloatOperation? { .erf }
    static func apply<T: FloatElement>(_ x: T) -> T { viaDouble(x, erf) }
}

/// `out = Op(input)` in the scalar loop, for one floating-point element type.
private struct UnaryRun<Op: UnaryFloatFunction>: FloatElementBody {
    let input: Tensor, out: Tensor
    func run<T: FloatElement>(_: T.Type) {
        // The scalar math functions (through `Double` where the platform has no `Float`
        // version) cost tens of cycles an element, so smaller tensors are worth threading.
        ElementwiseLoop.map(input, into: out, cost: 16, UnaryFloatFunctionCall<Op, T>())
    }
}

/// `Op` on one element of type `T`, for the element-wise loop.
private struct UnaryFloatFunctionCall<Op: UnaryFloatFunction, T: FloatElement>: UnaryElementFunction {
    @inline(__always) func callAsFunction(_ x: T) -> T { Op.apply(x) }
}

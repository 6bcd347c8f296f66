/// The floating-point element-wise functions of one operand that have SIMD kernels.
///
/// Parameters are given in `Double` and converted to the element type once per call.
public enum UnaryFloatOperation: Sendable, Equatable {
    /// `-x` (flips the sign bit: `-(0) = -0`).
    case neg
    /// `|x|`.
    case abs
    /// `√x` (NaN below 0).
    case sqrt
    /// `1 / √x`, correctly rounded division of a correctly rounded root.
    case rsqrt
    /// `e^x` (the algorithm and its error bound are on the package-internal `VectorMath`).
    case exp
    /// `ln x`.
    case log
    /// `ln(1 + x)` (C library, per lane).
    case log1p
    /// `e^x - 1` (C library, per lane).
    case expm1
    /// `sin x` (C library, per lane).
    case sin
    /// `cos x` (C library, per lane).
    case cos
    /// `tanh x`.
    case tanh
    /// `1 / (1 + e^-x)`.
    case sigmoid
    /// `max(x, 0)`, NaN propagating.
    case relu
    /// `x` for `x >= 0`, `slope * x` below.
    case leakyRelu(slope: Double)
    /// Exact (erf-based) GELU.
    case gelu
    /// GELU's tanh approximation.
    case geluTanh
    /// `erf x`.
    case erf
    /// -1, 0 or 1 by the sign of `x` (`sign(±0) = +0`), NaN for NaN.
    case sign
    /// Rounds towards minus infinity.
    case floor
    /// Rounds towards plus infinity.
    case ceil
    /// Rounds to the nearest integer, ties to even (as `torch.round`).
    case round
    /// `min(max(x, min), max)`, NaN propagating.
    case clamp(min: Double, max: Double)
}

/// The floating-point element-wise functions of two operands that have SIMD kernels.
public enum BinaryFloatOperation: Sendable, Equatable {
    /// `a + b`.
    case add
    /// `a - b`.
    case sub
    /// `a * b`.
    case mul
    /// `a / b`.
    case div
    /// `a ^ b` (C library `pow`, per lane).
    case pow
    /// The smaller operand; NaN if either is NaN (as `torch.minimum`).
    case minimum
    /// The larger operand; NaN if either is NaN (as `torch.maximum`).
    case maximum
    /// `a * (1 - b * b)`: the gradient of `tanh` from the output gradient `a` and the
    /// output `b` (PyTorch's `tanh_backward`), in one pass instead of three.
    case tanhBackward
    /// `a * (1 - b) * b`: the gradient of `sigmoid` from the output gradient `a` and the
    /// output `b` (PyTorch's `sigmoid_backward`).
    case sigmoidBackward
}

/// Namespace for the SIMD operation bodies the instruction-set targets instantiate.
@usableFromInline package enum FloatOps {
    /// See ``UnaryFloatOperation/neg``.
    @usableFromInline package struct Neg<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Element { VectorMath.negate(x) }
    }

    /// See ``UnaryFloatOperation/abs``.
    @usableFromInline package struct Abs<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.magnitude(x) }
    }

    /// See ``UnaryFloatOperation/sqrt``.
    @usableFromInline package struct Sqrt<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 2 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        // `squareRoot()` is a C call per lane on Linux; `VectorMath.squareRoot` (which the
        // optimizers use) was measured slower here: in this loop the compiler splits it
        // into 128-bit pieces (12 against 4.6 ms for 4M positive floats).
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { x.squareRoot() }
    }

    /// See ``UnaryFloatOperation/rsqrt``.
    @usableFromInline package struct Rsqrt<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 2 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { 1 / x.squareRoot() }
    }

    /// See ``UnaryFloatOperation/exp``.
    @usableFromInline package struct Exp<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 4 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.exp(x, m) }
    }

    /// See ``UnaryFloatOperation/log``.
    @usableFromInline package struct Log<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 4 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.log(x, m) }
    }

    /// See ``UnaryFloatOperation/log1p``.
    @usableFromInline package struct Log1p<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 16 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.log1p(x) }
    }

    /// See ``UnaryFloatOperation/expm1``.
    @usableFromInline package struct Expm1<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 16 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.expm1(x) }
    }

    /// See ``UnaryFloatOperation/sin``.
    @usableFromInline package struct Sin<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 16 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.sin(x) }
    }

    /// See ``UnaryFloatOperation/cos``.
    @usableFromInline package struct Cos<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 16 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.cos(x) }
    }

    /// See ``UnaryFloatOperation/tanh``.
    @usableFromInline package struct Tanh<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 4 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.tanh(x, m) }
    }

    /// See ``UnaryFloatOperation/sigmoid``.
    @usableFromInline package struct Sigmoid<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 4 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.sigmoid(x, m) }
    }

    /// See ``UnaryFloatOperation/relu``.
    @usableFromInline package struct Relu<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { x.blended(with: V(), where: V.lanesLess(x, V())) }
    }

    /// See ``UnaryFloatOperation/gelu``.
    @usableFromInline package struct Gelu<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 8 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.gelu(x, m) }
    }

    /// See ``UnaryFloatOperation/geluTanh``.
    @usableFromInline package struct GeluTanh<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 4 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.geluTanh(x, m) }
    }

    /// See ``UnaryFloatOperation/erf``.
    @usableFromInline package struct Erf<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 8 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.erf(x, m) }
    }

    /// See ``UnaryFloatOperation/sign``.
    @usableFromInline package struct Sign<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { V().blended(with: V(repeating: 1), where: V.lanesLess(V(), x)).blended(with: V(repeating: -1), where: V.lanesLess(x, V())).blended(with: x, where: V.lanesNotEqual(x, x)) }
    }

    /// See ``UnaryFloatOperation/floor``.
    @usableFromInline package struct Floor<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.floor(x) }
    }

    /// See ``UnaryFloatOperation/ceil``.
    @usableFromInline package struct Ceil<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.ceil(x) }
    }

    /// See ``UnaryFloatOperation/round``.
    @usableFromInline package struct Round<Element: VectorMathScalar>: VectorUnaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element { VectorMath.roundToEven(x) }
    }

    /// See ``UnaryFloatOperation/leakyRelu(slope:)``.
    @usableFromInline package struct LeakyRelu<Element: VectorMathScalar>: VectorUnaryOperation {
        /// The factor applied to negative inputs.
        @usableFromInline package let slope: Element
        /// Creates the operation.
        @inlinable package init(slope: Element) { self.slope = slope }
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Element {
            x.blended(with: x * V(repeating: slope), where: V.lanesLess(x, V()))
        }
    }

    /// See ``UnaryFloatOperation/clamp(min:max:)``.
    @usableFromInline package struct Clamp<Element: VectorMathScalar>: VectorUnaryOperation {
        /// The lower bound.
        @usableFromInline package let lower: Element
        /// The upper bound.
        @usableFromInline package let upper: Element
        /// Creates the operation.
        @inlinable package init(lower: Element, upper: Element) { self.lower = lower; self.upper = upper }
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for a vector of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Element {
            // min(max(x, lower), upper), as PyTorch: with lower > upper every lane is upper.
            let lo = V(repeating: lower), hi = V(repeating: upper)
            let raised = x.blended(with: lo, where: V.lanesLess(x, lo))
            return raised.blended(with: hi, where: V.lanesLess(hi, raised))
        }
    }

    /// See ``BinaryFloatOperation/add``.
    @usableFromInline package struct Add<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a + b }
    }

    /// See ``BinaryFloatOperation/sub``.
    @usableFromInline package struct Sub<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a - b }
    }

    /// See ``BinaryFloatOperation/mul``.
    @usableFromInline package struct Mul<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a * b }
    }

    /// See ``BinaryFloatOperation/div``.
    @usableFromInline package struct Div<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 2 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a / b }
    }

    /// See ``BinaryFloatOperation/pow``.
    @usableFromInline package struct Pow<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 16 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { { var r = V(); for i in 0..<V.scalarCount { r[i] = Element._pow(a[i], b[i]) }; return r }() }
    }

    /// See ``BinaryFloatOperation/minimum``.
    @usableFromInline package struct Minimum<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a.blended(with: b, where: V.lanesLess(b, a)).blended(with: a, where: V.lanesNotEqual(a, a)).blended(with: b, where: V.lanesNotEqual(b, b)) }
    }

    /// See ``BinaryFloatOperation/maximum``.
    @usableFromInline package struct Maximum<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a.blended(with: b, where: V.lanesLess(a, b)).blended(with: a, where: V.lanesNotEqual(a, a)).blended(with: b, where: V.lanesNotEqual(b, b)) }
    }

    /// See ``BinaryFloatOperation/tanhBackward``.
    @usableFromInline package struct TanhBackward<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements (no fused multiply-add, so that the scalar
        /// small-tensor path gives the same bits).
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a * (V(repeating: 1) - b * b) }
    }

    /// See ``BinaryFloatOperation/sigmoidBackward``.
    @usableFromInline package struct SigmoidBackward<Element: VectorMathScalar>: VectorBinaryOperation {
        /// Creates the operation.
        @inlinable package init() {}
        /// Relative cost per element.
        @inlinable package static var cost: Int { 1 }
        /// The result for vectors of elements.
        @inlinable @inline(__always)
        package func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _: M.Type) -> V where V.Scalar == Element { a * (V(repeating: 1) - b) * b }
    }
}

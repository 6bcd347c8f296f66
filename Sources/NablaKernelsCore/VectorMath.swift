#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a vector kernel evaluates `a * b + c`.
///
/// Fused multiply-add is both faster and more accurate, but on a target without FMA
/// (baseline x86-64) `addingProduct` becomes one `fma` library call per lane, so the
/// baseline instantiation passes ``UnfusedMultiplyAdd`` instead. The accuracy bounds
/// documented on ``VectorMath`` hold for both.
@usableFromInline package protocol MultiplyAddStrategy {
    /// Returns `a * b + c`.
    static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint
    /// Whether ``multiplyAdd(_:_:_:)`` rounds once (hardware FMA): algorithms that need
    /// an exact product take another route when it does not.
    static var isFused: Bool { get }
}

/// `a * b + c` with one rounding (hardware FMA).
@usableFromInline package enum FusedMultiplyAdd: MultiplyAddStrategy {
    /// Returns `a * b + c` rounded once.
    @inlinable @inline(__always)
    package static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint {
        c.addingProduct(a, b)
    }
    /// True: one rounding.
    @inlinable package static var isFused: Bool { true }
}

/// `a * b + c` as a multiply then an add (for targets without FMA).
@usableFromInline package enum UnfusedMultiplyAdd: MultiplyAddStrategy {
    /// Returns `a * b + c` rounded twice.
    @inlinable @inline(__always)
    package static func multiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: FloatingPoint {
        a * b + c
    }
    /// False: two roundings.
    @inlinable package static var isFused: Bool { false }
}

/// A SIMD vector of `Float` or `Double` that the vectorised math functions accept
/// (`SIMD2`, `SIMD4`, `SIMD8` and `SIMD16` of either).
///
/// The lane comparisons are requirements because the generic `.<` of the standard library
/// compiles to a scalar loop (swiftlang/swift #72413); these forward to the concrete
/// operators, which compile to one vector compare. `BitwiseCopyable` selects the standard
/// library's one-instruction unaligned loads and stores in generic code (the overloads
/// for any type copy through a temporary, are not always inlined, and would then be
/// emitted as specialisations every instruction-set target shares).
@usableFromInline package protocol FloatVector: SIMD, BitwiseCopyable where Scalar: VectorMathScalar {
    /// `a .< b`, vectorised.
    static func lanesLess(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage>
    /// `a .<= b`, vectorised.
    static func lanesLessOrEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage>
    /// `a .== b`, vectorised.
    static func lanesEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage>
    /// `a .!= b`, vectorised (true in NaN lanes of `x .!= x`).
    static func lanesNotEqual(_ a: Self, _ b: Self) -> SIMDMask<MaskStorage>
    /// `whereFalse.blended(with: whereTrue, where: mask)`, vectorised (the generic
    /// `replacing` splits a 512-bit vector into 128-bit pieces).
    static func select(_ mask: SIMDMask<MaskStorage>, _ whereTrue: Self, _ whereFalse: Self) -> Self
    /// The bit-pattern estimate of `1 / sqrt(x)` (see ``VectorMathScalar/_rsqrtSeed2(_:)``).
    static func rsqrtSeed(_ x: Self) -> Self
}

extension FloatVector {
    /// This vector with the lanes where `mask` is true taken from `other`: the
    /// vectorised spelling of `replacing(with:where:)`.
    @inlinable @inline(__always)
    package func blended(with other: Self, where mask: SIMDMask<MaskStorage>) -> Self {
        Self.select(mask, other, self)
    }
}

/// `Float` and `Double`: the scalar types with vectorised elementary functions.
///
/// The requirements are the per-type algorithms behind ``VectorMath``; call them through
/// ``VectorMath``.
@usableFromInline package protocol VectorMathScalar: BinaryFloatingPoint, SIMDScalar, Codable
    where SIMD2Storage: BitwiseCopyable, SIMD4Storage: BitwiseCopyable, SIMD8Storage: BitwiseCopyable, SIMD16Storage: BitwiseCopyable {
    /// Vectorised comparisons for each supported width (see ``FloatVector``).
    static func _less2(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMDMask<SIMD2<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _less4(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMDMask<SIMD4<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _less8(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMDMask<SIMD8<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _less16(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _lessOrEqual2(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMDMask<SIMD2<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _lessOrEqual4(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMDMask<SIMD4<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _lessOrEqual8(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMDMask<SIMD8<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _lessOrEqual16(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _equal2(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMDMask<SIMD2<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _equal4(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMDMask<SIMD4<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _equal8(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMDMask<SIMD8<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _equal16(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _notEqual2(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMDMask<SIMD2<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _notEqual4(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMDMask<SIMD4<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _notEqual8(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMDMask<SIMD8<SIMDMaskScalar>>
    /// See ``_less2(_:_:)``.
    static func _notEqual16(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<SIMDMaskScalar>>
    /// See ``FloatVector/select(_:_:_:)``.
    static func _select2(_ mask: SIMDMask<SIMD2<SIMDMaskScalar>>, _ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMD2<Self>
    /// See ``FloatVector/select(_:_:_:)``.
    static func _select4(_ mask: SIMDMask<SIMD4<SIMDMaskScalar>>, _ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
    /// See ``FloatVector/select(_:_:_:)``.
    static func _select8(_ mask: SIMDMask<SIMD8<SIMDMaskScalar>>, _ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
    /// See ``FloatVector/select(_:_:_:)``.
    static func _select16(_ mask: SIMDMask<SIMD16<SIMDMaskScalar>>, _ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMD16<Self>
    /// The bit-pattern estimate of `1 / sqrt(x)` for positive normal `x` (within 3.5%),
    /// for each supported width: a magic constant minus half the bits, on concrete
    /// unsigned lanes (the generic integer operators compile lane by lane).
    static func _rsqrtSeed2(_ x: SIMD2<Self>) -> SIMD2<Self>
    /// See ``_rsqrtSeed2(_:)``.
    static func _rsqrtSeed4(_ x: SIMD4<Self>) -> SIMD4<Self>
    /// See ``_rsqrtSeed2(_:)``.
    static func _rsqrtSeed8(_ x: SIMD8<Self>) -> SIMD8<Self>
    /// See ``_rsqrtSeed2(_:)``.
    static func _rsqrtSeed16(_ x: SIMD16<Self>) -> SIMD16<Self>

    /// See ``VectorMath/exp(_:_:)``.
    static func _exp<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Self
    /// See ``VectorMath/log(_:_:)``.
    static func _log<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Self
    /// See ``VectorMath/tanh(_:_:)``.
    static func _tanh<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Self
    /// See ``VectorMath/erf(_:_:)``.
    static func _erf<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Self
    /// See ``VectorMath/gelu(_:_:)``.
    static func _gelu<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Self
    /// The C library's function of the same name, for scalar fallbacks.
    static func _libm(_ function: ScalarMathFunction, _ x: Self) -> Self
    /// The C library's `pow`.
    static func _pow(_ x: Self, _ y: Self) -> Self
}

/// Elementary functions the vector kernels evaluate one lane at a time with the C library.
@usableFromInline package enum ScalarMathFunction: Sendable {
    /// `expm1(x)`.
    case expm1
    /// `log1p(x)`.
    case log1p
    /// `sin(x)`.
    case sin
    /// `cos(x)`.
    case cos
    /// `erf(x)`.
    case erf
    /// `erfc(x)`.
    case erfc
    /// `exp(x)`.
    case exp
    /// `log(x)`.
    case log
    /// `tanh(x)`.
    case tanh
}

/// Vectorised elementary functions for SIMD vectors of `Float` and `Double`.
///
/// Accuracy (maximum error in units in the last place of the exact result, against the
/// C library's `long double` functions). For `Float`, measured on every input of
/// magnitude 2^-8 to 64 on every instruction set (the opt-in exhaustive test in
/// `VectorMathAccuracyTests`) and on a sweep of every binade; for `Double`, on that sweep
/// (a fixed sample of every binade and a dense grid over the interesting range):
///
/// | function | Float | Double |
/// |---|---|---|
/// | `exp` | 1.02 ulp | 1 ulp |
/// | `log` | 1 ulp | 1 ulp |
/// | `tanh` | 2.5 ulp | 2 ulp |
/// | `sigmoid` | 2.5 ulp | 2 ulp |
/// | `erf` | 4 ulp | C library (scalar lanes) |
/// | `gelu` | 8.5 ulp | 20 ulp (C library `erfc`, scalar lanes) |
/// | `geluTanh` | 15 ulp for x >= -3 (13.5 with FMA) | 16 ulp for x >= -3 |
///
/// (`geluTanh` is ill-conditioned for negative `x`: the rounding of `u`, its cubic, is
/// amplified about `2|u|` times, 6.7 at -3 and more below, as in every implementation of
/// that formula.)
///
/// Special values follow C: `exp(-inf) = 0`, `exp(inf) = inf`, `log(0) = -inf`,
/// `log(x < 0) = nan`, `tanh(±inf) = ±1`, `erf(±inf) = ±1`, `gelu(-inf) = -0`,
/// NaN in gives NaN out, signed zeros are kept where C keeps them, subnormal inputs and
/// results are handled (no flush to zero). Each function is generic over the vector
/// width and over how `a * b + c` is computed (see ``MultiplyAddStrategy``).
@usableFromInline package enum VectorMath {
    /// e raised to `x`.
    @inlinable @inline(__always)
    package static func exp<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        V.Scalar._exp(x, m)
    }

    /// The natural logarithm of `x`.
    @inlinable @inline(__always)
    package static func log<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        V.Scalar._log(x, m)
    }

    /// The hyperbolic tangent of `x`.
    @inlinable @inline(__always)
    package static func tanh<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        V.Scalar._tanh(x, m)
    }

    /// The logistic function `1 / (1 + exp(-x))`, computed as `exp(x) / (1 + exp(x))` for
    /// negative `x` so that tiny results keep their relative accuracy: with `e = exp(-|x|)`,
    /// `1 / (1 + e)` or `e / (1 + e)`, one division rounded once (a reciprocal then a
    /// product would round twice: 2.8 ulp rather than 2.4 for `Float`).
    @inlinable @inline(__always)
    package static func sigmoid<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        let e = V.Scalar._exp(-magnitude(x), m)
        return e.blended(with: V(repeating: 1), where: V.lanesLessOrEqual(V(), x)) / (1 + e)
    }

    /// The error function of `x`.
    @inlinable @inline(__always)
    package static func erf<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        V.Scalar._erf(x, m)
    }

    /// The exact GELU, `x * Φ(x) = 0.5 * x * (1 + erf(x / √2))` (PyTorch's default).
    ///
    /// Evaluated as `0.5 * x * erfc(-x / √2)` with the square in `exp(-x² / 2)` carried
    /// exactly, so the negative tail keeps its relative accuracy.
    @inlinable @inline(__always)
    package static func gelu<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        V.Scalar._gelu(x, m)
    }

    /// PyTorch's tanh approximation of GELU,
    /// `0.5 * x * (1 + tanh(√(2/π) * (x + 0.044715 * x³)))`, evaluated as
    /// `x * sigmoid(2u)` (the same function, without the cancellation of `1 + tanh u`).
    @inlinable @inline(__always)
    package static func geluTanh<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: V, _ m: M.Type = FusedMultiplyAdd.self
    ) -> V {
        let k0 = V(repeating: 0.7978845608028654)  // √(2/π)
        let k1 = V(repeating: 0.044715 * 0.7978845608028654)
        let u = x * M.multiplyAdd(k1 * x, x, k0)
        let y = x * sigmoid(u + u, m)
        // x * sigmoid(-inf) is inf * 0; the limit is -0.
        return y.blended(with: V(repeating: -0.0), where: V.lanesEqual(x, V(repeating: -.infinity)))
    }

    /// `exp(x) - 1`, accurate near 0 (C library, one lane at a time).
    @inlinable @inline(__always)
    package static func expm1<V: FloatVector>(_ x: V) -> V { scalarLanes(x, .expm1) }

    /// `log(1 + x)`, accurate near 0 (C library, one lane at a time).
    @inlinable @inline(__always)
    package static func log1p<V: FloatVector>(_ x: V) -> V { scalarLanes(x, .log1p) }

    /// The sine of `x` (C library, one lane at a time).
    @inlinable @inline(__always)
    package static func sin<V: FloatVector>(_ x: V) -> V { scalarLanes(x, .sin) }

    /// The cosine of `x` (C library, one lane at a time).
    @inlinable @inline(__always)
    package static func cos<V: FloatVector>(_ x: V) -> V { scalarLanes(x, .cos) }

    /// `sqrt(x)` in every lane, vectorised: Swift's `squareRoot()` is, on Linux, a C
    /// `sqrtf`/`sqrt` call per lane (C's may set `errno`, so it is never a vector
    /// instruction), and no vector square root is reachable from Swift.
    ///
    /// A bit-pattern estimate of `1 / sqrt(x)` (within 3.5%), Newton steps
    /// `r = r (3/2 - x/2 r^2)` (three for `Float`, four for `Double`, each squaring the
    /// error), then `y = x r` corrected once by its exact residual `x - y^2`: within an
    /// ulp, nearly always the correctly rounded result (the tests bound it at one ulp
    /// against the exact square root on every instruction set). Subnormal inputs are scaled
    /// by an even power of two first; `-0`, `0`, `inf`, NaN and negative inputs give what
    /// `squareRoot()` gives.
    @_transparent @usableFromInline
    package static func squareRoot<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V {
        let isDouble = V.Scalar.significandBitCount > 23
        // Below 2^-100 (Double: 2^-1000), scale by 2^100 (2^1000) so the estimate's input
        // is a normal number, and the root back by 2^-50 (2^-500); from 2^100 (2^1000)
        // on, the other way, so that squaring the root cannot overflow. Exact scalings.
        let small = V(repeating: isDouble ? 0x1p-1000 : 0x1p-100)
        let large = V(repeating: isDouble ? 0x1p1000 : 0x1p100)
        let tiny = V.lanesLess(x, small)
        let huge = V.lanesLessOrEqual(large, x)
        let one = V(repeating: 1)
        // Negative lanes (answered below) start from 0: their bits would make a subnormal
        // estimate, and subnormal arithmetic is a hundred times slower.
        let scaled = lanesMax(x, V()) * one.blended(with: large, where: tiny).blended(with: small, where: huge)
        let half = scaled * 0.5
        var r = V.rsqrtSeed(scaled)
        let threeHalves = V(repeating: 1.5)
        r = r * (threeHalves - (half * r) * r)
        r = r * (threeHalves - (half * r) * r)
        r = r * (threeHalves - (half * r) * r)
        if isDouble { r = r * (threeHalves - (half * r) * r) }
        var y = scaled * r
        // The residual `x - y^2` exactly: one multiply-add with FMA; without it (the
        // baseline x86-64 target), `y^2` as an unevaluated sum (`exactSquare`).
        let residual: V
        if !M.isFused {
            let (hi, lo) = exactSquare(y)
            residual = (scaled - hi) - lo
        } else {
            residual = M.multiplyAdd(V() - y, y, scaled)
        }
        y = M.multiplyAdd(residual, r * 0.5, y)
        y = y * one.blended(with: V(repeating: isDouble ? 0x1p-500 : 0x1p-50), where: tiny)
            .blended(with: V(repeating: isDouble ? 0x1p500 : 0x1p50), where: huge)
        // 0 and -0 come out as themselves (0 * r); inf and negatives need their answers.
        y = y.blended(with: x, where: V.lanesEqual(x, V(repeating: .infinity)))
        y = y.blended(with: x, where: V.lanesEqual(x, V()))
        return y.blended(with: V(repeating: .nan), where: V.lanesLess(x, V()))
    }

    /// `|x|` by clearing the sign bit (so `-0` gives `0` and NaN stays NaN).
    @inlinable @inline(__always)
    package static func magnitude<V: FloatVector>(_ x: V) -> V {
        fromBits(bits(x) & ~signMask(V.self), V.self)
    }

    /// `-x` by flipping the sign bit (so `-(0)` is `-0`, unlike `0 - x`).
    @inlinable @inline(__always)
    package static func negate<V: FloatVector>(_ x: V) -> V {
        fromBits(bits(x) ^ signMask(V.self), V.self)
    }

    /// `x` with the sign of `y`.
    @inlinable @inline(__always)
    package static func copySign<V: FloatVector>(_ x: V, _ y: V) -> V {
        let s = signMask(V.self)
        return fromBits((bits(x) & ~s) | (bits(y) & s), V.self)
    }

    /// `x` rounded to the nearest integer, ties to even (as `torch.round`).
    @inlinable @inline(__always)
    package static func roundToEven<V: FloatVector>(_ x: V) -> V {
        // Adding 2^(p-1) pushes the fraction bits out under the current (nearest-even)
        // rounding; beyond 2^(p-1) every value is an integer already.
        let big = V(repeating: V.Scalar(sign: .plus, exponent: V.Scalar.Exponent(V.Scalar.significandBitCount), significand: 1))
        let a = magnitude(x)
        let r = copySign((a + big) - big, x)
        return r.blended(with: x, where: V.lanesLessOrEqual(big, a))
    }

    /// The largest integer not above `x`.
    @inlinable @inline(__always)
    package static func floor<V: FloatVector>(_ x: V) -> V {
        let r = roundToEven(x)
        return r.blended(with: r - 1, where: V.lanesLess(x, r))
    }

    /// The smallest integer not below `x`.
    @inlinable @inline(__always)
    package static func ceil<V: FloatVector>(_ x: V) -> V {
        let r = roundToEven(x)
        return r.blended(with: r + 1, where: V.lanesLess(r, x))
    }

    /// Applies a C library function lane by lane.
    @inlinable @inline(__always)
    package static func scalarLanes<V: FloatVector>(_ x: V, _ f: ScalarMathFunction) -> V {
        var r = V()
        for i in 0..<V.scalarCount { r[i] = V.Scalar._libm(f, x[i]) }
        return r
    }
}

// MARK: - Bit-level helpers shared by the Float and Double algorithms

/// The lanes of `x` reinterpreted as signed integers of the same width.
@inlinable @inline(__always)
func bits<V: SIMD>(_ x: V) -> V.MaskStorage {
    unsafeBitCast(x, to: V.MaskStorage.self)
}

/// Integer lanes reinterpreted as the floating-point vector `V`.
@inlinable @inline(__always)
func fromBits<V: SIMD>(_ x: V.MaskStorage, _: V.Type) -> V {
    unsafeBitCast(x, to: V.self)
}

/// An integer vector with every lane `value` (truncated to the lane width).
@inlinable @inline(__always)
func splat<V: SIMD>(_ value: Int64, _: V.Type) -> V.MaskStorage {
    V.MaskStorage(repeating: V.MaskStorage.Scalar(truncatingIfNeeded: value))
}

@inlinable @inline(__always)
func signMask<V: SIMD>(_: V.Type) -> V.MaskStorage {
    V.MaskStorage(repeating: V.MaskStorage.Scalar.min)
}

/// The lane-wise minimum through the vector compare (the standard library's
/// `pointwiseMin` is not inlined and runs lane by lane). Either operand in a NaN lane.
@inlinable @inline(__always)
func lanesMin<V: FloatVector>(_ a: V, _ b: V) -> V {
    a.blended(with: b, where: V.lanesLess(b, a))
}

/// The lane-wise maximum (see ``lanesMin(_:_:)``).
@inlinable @inline(__always)
func lanesMax<V: FloatVector>(_ a: V, _ b: V) -> V {
    a.blended(with: b, where: V.lanesLess(a, b))
}

/// `t * t` as an unevaluated sum `hi + lo`, exactly (Veltkamp splitting; no FMA needed).
/// Valid while `t * t` does not overflow.
@inlinable @inline(__always)
func exactSquare<V: FloatVector>(_ t: V) -> (hi: V, lo: V) {
    let splitter = V(repeating: V.Scalar(sign: .plus, exponent: V.Scalar.Exponent((V.Scalar.significandBitCount + 2) / 2), significand: 1) + 1)
    let c = t * splitter
    let th = c - (c - t)
    let tl = t - th
    let hi = t * t
    let lo = ((th * th - hi) + (th + th) * tl) + tl * tl
    return (hi, lo)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Float: VectorMathScalar {
    /// `e^x = 2^n p` for `x` in `_exp`'s clamped range: returns `p` (Cephes' `expf`
    /// polynomial on the reduced argument, in [√½, √2]) and `n` as integer lanes.
    @inlinable @inline(__always)
    static func _expReduced<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> (p: V, n: V.MaskStorage)
    where V.Scalar == Float {
        let (q, n) = _expReducedMinusOne(x, M.self)
        return (q + 1, n)
    }

    /// `e^x = 2^n (1 + q)`: ``_expReduced(_:_:)`` with `q` returned without its 1, so
    /// that `e^x - 1` keeps its relative accuracy near 0.
    @inlinable @inline(__always)
    static func _expReducedMinusOne<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> (q: V, n: V.MaskStorage)
    where V.Scalar == Float {
        // Adding 1.5 * 2^23 rounds x / ln2 to an integer that lands in the low mantissa bits.
        let shifter = V(repeating: 12582912)
        let t = M.multiplyAdd(x, V(repeating: 1.44269504088896341), shifter)
        let n = t - shifter
        var r = M.multiplyAdd(n, V(repeating: -0.693359375), x)
        r = M.multiplyAdd(n, V(repeating: 2.12194440e-4), r)
        var p = V(repeating: 1.9875691500e-4)
        p = M.multiplyAdd(p, r, V(repeating: 1.3981999507e-3))
        p = M.multiplyAdd(p, r, V(repeating: 8.3334519073e-3))
        p = M.multiplyAdd(p, r, V(repeating: 4.1665795894e-2))
        p = M.multiplyAdd(p, r, V(repeating: 1.6666665459e-1))
        p = M.multiplyAdd(p, r, V(repeating: 5.0000001201e-1))
        return (M.multiplyAdd(p, r * r, r), bits(t) &- bits(shifter))
    }

    /// Cody-Waite reduction `x = n ln2 + r`, `|r| <= ln2 / 2`, then Cephes' degree-6
    /// polynomial for `e^r`; `2^n` is applied in two halves so that results in the
    /// subnormal range and up to the overflow threshold come out with one rounding.
    @inlinable @inline(__always)
    package static func _exp<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Float {
        // Beyond these bounds the result is 0 or inf anyway; clamping keeps n in range.
        let xc = lanesMin(lanesMax(x, V(repeating: -104)), V(repeating: 89))
        let (p, ni) = _expReduced(xc, M.self)
        let n1 = ni &>> 1
        let n2 = ni &- n1
        let bias = splat(127, V.self)
        let s1 = fromBits((n1 &+ bias) &<< 23, V.self)
        let s2 = fromBits((n2 &+ bias) &<< 23, V.self)
        let y = (p * s1) * s2
        return y.blended(with: x, where: V.lanesNotEqual(x, x))
    }

    /// musl's `logf`: `x = 2^k m`, `m` in [√½, √2), `log m = 2 atanh(s)` with
    /// `s = f / (2 + f)` and a degree-4 polynomial in `s²`.
    @inlinable @inline(__always)
    package static func _log<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Float {
        let subnormal = V.lanesLess(x, V(repeating: .leastNormalMagnitude))
        let xs = x.blended(with: x * 8388608, where: subnormal)  // 2^23
        let kAdjust = V().blended(with: V(repeating: -23), where: subnormal)
        var ix = bits(xs) &+ splat(0x3f80_0000 - 0x3f35_04f3, V.self)
        let k = (ix &>> 23) &- splat(0x7f, V.self)
        ix = (ix & splat(0x007f_ffff, V.self)) &+ splat(0x3f35_04f3, V.self)
        let f = fromBits(ix, V.self) - 1
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * M.multiplyAdd(w, V(repeating: 0.24279078841), V(repeating: 0.40000972152))
        let t2 = z * M.multiplyAdd(w, V(repeating: 0.28498786688), V(repeating: 0.66666662693))
        let hfsq = 0.5 * f * f
        // Integer to float through the same 1.5 * 2^23 shifter as exp.
        let shifter = V(repeating: 12582912)
        let dk = (fromBits(k &+ bits(shifter), V.self) - shifter) + kAdjust
        var y = M.multiplyAdd(s, hfsq + (t2 + t1), dk * V(repeating: 9.0580006145e-06))
        y = M.multiplyAdd(dk, V(repeating: 6.9313812256e-01), (y - hfsq) + f)
        y = y.blended(with: V(repeating: .infinity), where: V.lanesEqual(x, V(repeating: .infinity)))
        y = y.blended(with: V(repeating: -.infinity), where: V.lanesEqual(x, V()))
        y = y.blended(with: V(repeating: .nan), where: V.lanesLess(x, V()))
        return y.blended(with: x, where: V.lanesNotEqual(x, x))
    }

    /// `tanh|x| = (e^{2|x|} - 1) / (e^{2|x|} + 1)`, one formula for every `x` (Cephes'
    /// `tanhf`, a polynomial below 0.625 and `1 - 2 / (e^{2|x|} + 1)` above, computed both
    /// and blended them: 1.43x the time, for 1.33 ulp rather than 2.42).
    @inlinable @inline(__always)
    package static func _tanh<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Float {
        // tanh|x| = m / (m + 2) with m = e^{2|x|} - 1, no cancellation anywhere: with
        // e^y = 2^n (1 + q) from `_expReduced`'s reduction and polynomial (q without its
        // 1), m = 2^n q + (2^n - 1), both terms exact but for q's own error. From
        // |x| = 9.1 on, tanh rounds to 1 in Float, so clamping there keeps 2^n a plain
        // normal number. NaN stays NaN; -0 stays -0.
        let a = VectorMath.magnitude(x)
        let (q, n) = _expReducedMinusOne(lanesMin(a, V(repeating: 9.1)) * 2, M.self)
        let s = fromBits((n &+ splat(127, V.self)) &<< 23, V.self)
        let em1 = M.multiplyAdd(s, q, s - 1)
        // Within 2.42 ulp (every Float checked). Dividing out the rounding of m + 2
        // (recovered by a two-sum) brought that to 2.03 but cost 1.3x the time.
        return VectorMath.copySign(em1 / (em1 + 2), x)
    }

    /// `erf(x) = x P(x²)` below 0.875; above, `1 - erfc(|x|)` with
    /// `erfc(t) = e^{-t²} R(t) / t`, `R` a polynomial in `1/t` on two intervals (fitted for
    /// this library, relative error below 2e-7), and `t²` carried exactly.
    @inlinable @inline(__always)
    package static func _erf<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Float {
        let a = VectorMath.magnitude(x)
        let small = x * _erfSmallPolynomial(x * x, m)
        let t = lanesMin(a, V(repeating: 10.5))
        let (hi, lo) = exactSquare(t)
        let erfcT = _erfcTail(t, hi, lo, m)
        let large = VectorMath.copySign(1 - erfcT, x)
        let y = large.blended(with: small, where: V.lanesLess(a, V(repeating: 0.875)))
        return y.blended(with: x, where: V.lanesNotEqual(x, x))
    }

    /// `0.5 x erfc(-x/√2)`; `erfc` of the negative tail uses `exp(-x²/2)` with `x²` exact.
    @inlinable @inline(__always)
    package static func _gelu<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Float {
        let z = x * V(repeating: 0.70710678118654752)
        let az = VectorMath.magnitude(z)
        // erfc(-z) = 1 + erf(z) has no cancellation while |z| < 0.875.
        let nearZero = 1 + z * _erfSmallPolynomial(z * z, m)
        let ax = lanesMin(VectorMath.magnitude(x), V(repeating: 15))
        let (hi, lo) = exactSquare(ax)
        let t = lanesMin(az, V(repeating: 10.5))
        let tail = _erfcTail(t, 0.5 * hi, 0.5 * lo, m)  // erfc(|z|)
        var e = (2 - tail).blended(with: tail, where: V.lanesLess(x, V()))
        e = e.blended(with: nearZero, where: V.lanesLess(az, V(repeating: 0.875)))
        let y = 0.5 * x * e
        return y.blended(with: V(repeating: -0.0), where: V.lanesEqual(x, V(repeating: -.infinity)))
    }

    /// `erf(x) / x` as a polynomial in `x²` for `|x| < 0.875` (relative error 1.2e-7).
    @inlinable @inline(__always)
    static func _erfSmallPolynomial<V: FloatVector, M: MultiplyAddStrategy>(_ z: V, _: M.Type) -> V where V.Scalar == Float {
        var p = V(repeating: -6.121246260590851e-4)
        p = M.multiplyAdd(p, z, V(repeating: 5.016022827476263e-3))
        p = M.multiplyAdd(p, z, V(repeating: -2.6780294254422188e-2))
        p = M.multiplyAdd(p, z, V(repeating: 1.1282140016555786e-1))
        p = M.multiplyAdd(p, z, V(repeating: -3.7612518668174744e-1))
        return M.multiplyAdd(p, z, V(repeating: 1.1283791065216064))
    }

    /// `erfc(t)` for `0.875 <= t <= 10.5`, given `t² = hi + lo` exactly (or the exact halves
    /// of another square, as GELU passes).
    @inlinable @inline(__always)
    static func _erfcTail<V: FloatVector, M: MultiplyAddStrategy>(_ t: V, _ hi: V, _ lo: V, _ m: M.Type) -> V where V.Scalar == Float {
        let u = 1 / t
        // t R(t) = t e^{t²} erfc(t) on [0.875, 2.25] (degree 6) and [2.25, 10.5] (degree 8).
        var p = V(repeating: -1.546255127e-02)
        p = M.multiplyAdd(p, u, V(repeating: 1.069879457e-01))
        p = M.multiplyAdd(p, u, V(repeating: -3.213846087e-01))
        p = M.multiplyAdd(p, u, V(repeating: 5.331251025e-01))
        p = M.multiplyAdd(p, u, V(repeating: -4.734752476e-01))
        p = M.multiplyAdd(p, u, V(repeating: 3.657728061e-02))
        p = M.multiplyAdd(p, u, V(repeating: 5.612156391e-01))
        var q = V(repeating: -3.653405309e-01)
        q = M.multiplyAdd(q, u, V(repeating: 6.659523249e-01))
        q = M.multiplyAdd(q, u, V(repeating: -1.306938976e-01))
        q = M.multiplyAdd(q, u, V(repeating: -6.307458878e-01))
        q = M.multiplyAdd(q, u, V(repeating: 6.187819242e-01))
        q = M.multiplyAdd(q, u, V(repeating: -3.529035300e-02))
        q = M.multiplyAdd(q, u, V(repeating: -2.783102989e-01))
        q = M.multiplyAdd(q, u, V(repeating: -2.233464766e-04))
        q = M.multiplyAdd(q, u, V(repeating: 5.641951561e-01))
        let r = q.blended(with: p, where: V.lanesLess(t, V(repeating: 2.25))) * u
        // e^{-(hi + lo)} = e^{-hi} (1 - lo) to first order; |lo| <= ulp(hi) / 2.
        let e = _exp(-hi, m)
        return M.multiplyAdd(-r * lo, e, r * e)
    }

    /// The C library's function of the same name.
    @inlinable @inline(__always)
    package static func _libm(_ function: ScalarMathFunction, _ x: Float) -> Float {
        switch function {
        case .expm1: expm1f(x)
        case .log1p: log1pf(x)
        case .sin: sinf(x)
        case .cos: cosf(x)
        case .erf: erff(x)
        case .erfc: erfcf(x)
        case .exp: expf(x)
        case .log: logf(x)
        case .tanh: tanhf(x)
        }
    }

    /// The C library's `powf`.
    @inlinable @inline(__always)
    package static func _pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

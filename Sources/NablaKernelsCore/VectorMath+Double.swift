#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Double: VectorMathScalar {
    /// Cody-Waite reduction with fdlibm's split of ln 2, then the Taylor polynomial of
    /// degree 13 (truncation error below 5e-18 on |r| <= ln2 / 2); `2^n` applied in halves.
    @inlinable @inline(__always)
    package static func _exp<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Double {
        let xc = lanesMin(lanesMax(x, V(repeating: -746)), V(repeating: 710))
        let shifter = V(repeating: 6755399441055744)  // 1.5 * 2^52
        let t = M.multiplyAdd(xc, V(repeating: 1.4426950408889634), shifter)
        let n = t - shifter
        var r = M.multiplyAdd(n, V(repeating: -6.93147180369123816490e-01), xc)
        r = M.multiplyAdd(n, V(repeating: -1.90821492927058770002e-10), r)
        var p = V(repeating: 1.6059043836821613e-10)
        p = M.multiplyAdd(p, r, V(repeating: 2.08767569878681e-09))
        p = M.multiplyAdd(p, r, V(repeating: 2.505210838544172e-08))
        p = M.multiplyAdd(p, r, V(repeating: 2.755731922398589e-07))
        p = M.multiplyAdd(p, r, V(repeating: 2.7557319223985893e-06))
        p = M.multiplyAdd(p, r, V(repeating: 2.48015873015873e-05))
        p = M.multiplyAdd(p, r, V(repeating: 1.984126984126984e-04))
        p = M.multiplyAdd(p, r, V(repeating: 1.388888888888889e-03))
        p = M.multiplyAdd(p, r, V(repeating: 8.333333333333333e-03))
        p = M.multiplyAdd(p, r, V(repeating: 4.1666666666666664e-02))
        p = M.multiplyAdd(p, r, V(repeating: 1.6666666666666666e-01))
        p = M.multiplyAdd(p, r, V(repeating: 0.5))
        p = M.multiplyAdd(p, r * r, r) + 1
        let ni = bits(t) &- bits(shifter)
        let n1 = ni &>> 1
        let n2 = ni &- n1
        let bias = splat(1023, V.self)
        let s1 = fromBits((n1 &+ bias) &<< 52, V.self)
        let s2 = fromBits((n2 &+ bias) &<< 52, V.self)
        let y = (p * s1) * s2
        return y.blended(with: x, where: V.lanesNotEqual(x, x))
    }

    /// fdlibm's `log`: `x = 2^k m`, `m` in [√½, √2), `log m = 2 atanh(s)` with
    /// `s = f / (2 + f)` and a degree-7 polynomial in `s²`.
    @inlinable @inline(__always)
    package static func _log<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Double {
        let subnormal = V.lanesLess(x, V(repeating: .leastNormalMagnitude))
        let xs = x.blended(with: x * 18014398509481984, where: subnormal)  // 2^54
        let kAdjust = V().blended(with: V(repeating: -54), where: subnormal)
        var ix = bits(xs) &+ splat(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd, V.self)
        let k = (ix &>> 52) &- splat(0x3ff, V.self)
        ix = (ix & splat(0x000f_ffff_ffff_ffff, V.self)) &+ splat(0x3fe6_a09e_667f_3bcd, V.self)
        let f = fromBits(ix, V.self) - 1
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        var t1 = M.multiplyAdd(w, V(repeating: 1.531383769920937332e-01), V(repeating: 2.222219843214978396e-01))
        t1 = w * M.multiplyAdd(w, t1, V(repeating: 3.999999999940941908e-01))
        var t2 = M.multiplyAdd(w, V(repeating: 1.479819860511658591e-01), V(repeating: 1.818357216161805012e-01))
        t2 = M.multiplyAdd(w, t2, V(repeating: 2.857142874366239149e-01))
        t2 = z * M.multiplyAdd(w, t2, V(repeating: 6.666666666666735130e-01))
        let hfsq = 0.5 * f * f
        let shifter = V(repeating: 6755399441055744)
        let dk = (fromBits(k &+ bits(shifter), V.self) - shifter) + kAdjust
        var y = M.multiplyAdd(s, hfsq + (t2 + t1), dk * V(repeating: 1.90821492927058770002e-10))
        y = M.multiplyAdd(dk, V(repeating: 6.93147180369123816490e-01), (y - hfsq) + f)
        y = y.blended(with: V(repeating: .infinity), where: V.lanesEqual(x, V(repeating: .infinity)))
        y = y.blended(with: V(repeating: -.infinity), where: V.lanesEqual(x, V()))
        y = y.blended(with: V(repeating: .nan), where: V.lanesLess(x, V()))
        return y.blended(with: x, where: V.lanesNotEqual(x, x))
    }

    /// Cephes' `tanh`: `x + x z P(z)/Q(z)` below 0.625, `1 - 2 / (e^{2|x|} + 1)` above.
    @inlinable @inline(__always)
    package static func _tanh<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Double {
        let a = VectorMath.magnitude(x)
        let z = x * x
        var p = V(repeating: -9.64399179425052238628e-1)
        p = M.multiplyAdd(p, z, V(repeating: -9.92877231001918586564e1))
        p = M.multiplyAdd(p, z, V(repeating: -1.61468768441708447952e3))
        var q = z + V(repeating: 1.12811678491632931402e2)
        q = M.multiplyAdd(q, z, V(repeating: 2.23548839060100448583e3))
        q = M.multiplyAdd(q, z, V(repeating: 4.84406305325125486048e3))
        let small = M.multiplyAdd(x * z, p / q, x)
        let e = _exp(a + a, m)
        let large = VectorMath.copySign(1 - 2 / (e + 1), x)
        return large.blended(with: small, where: V.lanesLess(a, V(repeating: 0.625)))
    }

    /// The C library's `erf`, one lane at a time.
    @inlinable @inline(__always)
    package static func _erf<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Double {
        VectorMath.scalarLanes(x, .erf)
    }

    /// `0.5 x erfc(-x/√2)` one lane at a time with the C library's `erfc`, correcting for
    /// the rounding of `x/√2` (which would otherwise cost `x²` ulps in the negative tail).
    @inlinable @inline(__always)
    package static func _gelu<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _: M.Type) -> V where V.Scalar == Double {
        var y = V()
        for i in 0..<V.scalarCount { y[i] = _geluScalar(x[i]) }
        return y
    }

    @inlinable @inline(__always)
    static func _geluScalar(_ x: Double) -> Double {
        guard x.isFinite else { return x == -.infinity ? -0.0 : x }
        let cHi = 0.7071067811865476
        let cLo = -4.833646656726457e-17  // 1/√2 - cHi
        let p = x * cHi
        // t = -x/√2 = tHi + tLo, with the product's rounding error recovered by an FMA.
        let tHi = -p
        let tLo = -((-p).addingProduct(x, cHi) + x * cLo)
        // erfc(tHi + tLo) = erfc(tHi) - tLo (2/√π) e^{-tHi²} to first order.
        let e = erfc(tHi) - tLo * 1.1283791670955126 * Glibc_exp(-tHi * tHi)
        return 0.5 * x * e
    }

    /// The C library's function of the same name.
    @inlinable @inline(__always)
    package static func _libm(_ function: ScalarMathFunction, _ x: Double) -> Double {
        switch function {
        case .expm1: expm1(x)
        case .log1p: log1p(x)
        case .sin: sin(x)
        case .cos: cos(x)
        case .erf: erf(x)
        case .erfc: erfc(x)
        case .exp: Glibc_exp(x)
        case .log: Glibc_log(x)
        case .tanh: tanh(x)
        }
    }

    /// The C library's `pow`.
    @inlinable @inline(__always)
    package static func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
}

@inlinable @inline(__always)
func Glibc_exp(_ x: Double) -> Double { exp(x) }

@inlinable @inline(__always)
func Glibc_log(_ x: Double) -> Double { log(x) }

/// PyTorch's vectorised normal sampling for `Float` (`normal_` and `randn` on 16 or more
/// contiguous elements), reproduced bit for bit.
///
/// PyTorch fills the tensor with uniforms in [0, 1), then turns each block of 16 into 16
/// normals by Box-Muller: the first 8 uniforms give the radii `sqrt(-2 log(1 - u))`, the
/// last 8 the angles `2 pi u`, and the block becomes `radius * cos` then `radius * sin`,
/// scaled by `std` and shifted by `mean` in one fused multiply-add. On x86-64 it evaluates
/// the logarithm, sine and cosine with Cephes' single-precision polynomials (Julien
/// Pommier's `avx_mathfun`), compiled by GCC, which fuses every product that feeds only an
/// addition into an FMA. The functions below perform exactly those float operations, with
/// exactly those products fused (`addingProduct`) and all others rounded on their own, so
/// the result does not depend on the instruction set that runs them.
///
/// `ISA` only names the instruction-set target that specialises the engine, so that each
/// target's copy has its own symbols (DESIGN.md's ISA rule); the arithmetic is the same.
@usableFromInline package enum BoxMullerEngine<ISA> {
    /// Eight floats: PyTorch's AVX2 width, half a block.
    @usableFromInline package typealias Vector = SIMD8<Float>

    /// Turns the blocks of 16 uniforms at `data`, `data + 16`, ... (as many whole blocks as
    /// `count` holds) into normals with mean `mean` and standard deviation `std`.
    ///
    /// Every uniform must be in [0, 1), as a 24-bit draw is.
    @inlinable @inline(__always)
    package static func transformBlocks(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        var start = 0
        while start &+ 16 <= count {
            transformBlock(data + start, mean: Vector(repeating: mean), std: Vector(repeating: std))
            start &+= 16
        }
    }

    @inlinable @inline(__always)
    static func transformBlock(_ block: UnsafeMutablePointer<Float>, mean: Vector, std: Vector) {
        let raw = UnsafeMutableRawPointer(block)
        let u1 = 1 - ISAMemory<ISA>.load(raw, as: Vector.self)
        let u2 = ISAMemory<ISA>.load(raw + 32, as: Vector.self)
        let radius = (-2 * logarithm(u1)).squareRoot()
        let theta = Vector(repeating: Float(2 * Double.pi)) * u2
        let (sine, cosine) = sineCosine(theta)
        ISAMemory<ISA>.store(mean.addingProduct(radius * cosine, std), to: raw)
        ISAMemory<ISA>.store(mean.addingProduct(radius * sine, std), to: raw + 32)
    }

    @inlinable @inline(__always)
    static func bits(_ x: Vector) -> SIMD8<UInt32> { unsafeBitCast(x, to: SIMD8<UInt32>.self) }

    @inlinable @inline(__always)
    static func float(_ x: SIMD8<UInt32>) -> Vector { unsafeBitCast(x, to: Vector.self) }

    // `logarithm` and `sineCosine` are transparent: the optimiser declines to inline them
    // into the instruction-set targets even when told to always, and would call this
    // module's baseline build, with an `fmaf` call per lane.

    /// Cephes' `logf` for positive normal `x` (`log256_ps`): `x = m 2^e` with `m` in
    /// [sqrt(1/2), sqrt(2)), a degree-8 polynomial in `m - 1`, and `e log 2` added in two
    /// parts.
    @usableFromInline @_transparent
    static func logarithm(_ input: Vector) -> Vector {
        let one = Vector(repeating: 1)
        let x0 = input.replacing(with: Vector(repeating: Float.leastNormalMagnitude), where: input .< Float.leastNormalMagnitude)
        // The biased exponent as a float, exactly: 2^23 + n has n in its low mantissa bits.
        let twoTo23 = Vector(repeating: 0x1p23)
        var e = (float((bits(x0) &>> 23) | bits(twoTo23)) - (twoTo23 + 127)) + one
        // The mantissa, scaled into [0.5, 1).
        var x = float((bits(x0) & ~0x7F80_0000) | bits(Vector(repeating: 0.5)))
        let small = x .< Float(0.707106781186547524)
        let extra = Vector(repeating: 0).replacing(with: x, where: small)
        x = x - one
        e = e - Vector(repeating: 0).replacing(with: one, where: small)
        x = x + extra
        let z = x * x
        // Horner's scheme, one FMA per coefficient.
        var y = Vector(repeating: -1.1514610310E-1).addingProduct(Vector(repeating: 7.0376836292E-2), x)
        y = Vector(repeating: 1.1676998740E-1).addingProduct(y, x)
        y = Vector(repeating: -1.2420140846E-1).addingProduct(y, x)
        y = Vector(repeating: 1.4249322787E-1).addingProduct(y, x)
        y = Vector(repeating: -1.6668057665E-1).addingProduct(y, x)
        y = Vector(repeating: 2.0000714765E-1).addingProduct(y, x)
        y = Vector(repeating: -2.4999993993E-1).addingProduct(y, x)
        y = Vector(repeating: 3.3333331174E-1).addingProduct(y, x)
        y = y * x
        y = (e * -2.12194440e-4).addingProduct(y, z)
        y = y.addingProduct(-z, Vector(repeating: 0.5))
        return (x + y).addingProduct(e, Vector(repeating: 0.693359375))
    }

    /// Cephes' `sinf` and `cosf` together (`sincos256_ps`): reduction by multiples of
    /// pi/4 in three parts, then a sine or a cosine polynomial per octant.
    @usableFromInline @_transparent
    static func sineCosine(_ input: Vector) -> (sine: Vector, cosine: Vector) {
        let signMask: UInt32 = 0x8000_0000
        var signSine = bits(input) & signMask
        var x = float(bits(input) & ~signMask)
        // The octant j = (trunc(x 4/pi) + 1) & ~1, as a float and as an integer, without
        // the standard library's lane-by-lane conversions: for 0 <= v < 2^22, v + 2^23
        // rounds v to an integer in its low mantissa bits. Exact for |x| < 2^22 pi/4
        // (angles here are below 2 pi).
        let twoTo23 = Vector(repeating: 0x1p23)
        let scaled = x * Float(1.27323954473516)
        var truncated = (scaled + twoTo23) - twoTo23
        truncated = truncated.replacing(with: truncated - 1, where: truncated .> scaled)
        let j = bits(truncated + 1 + twoTo23) & 0x7F_FFFE
        let y = float(j | bits(twoTo23)) - twoTo23
        let swapSineSign = (j & 4) &<< 29
        let sinePolynomial = (j & 2) .== 0
        x = x.addingProduct(y, Vector(repeating: -0.78515625))
        x = x.addingProduct(y, Vector(repeating: -2.4187564849853515625e-4))
        x = x.addingProduct(y, Vector(repeating: -3.77489497744594108e-8))
        let signCosine = (~(j &- 2) & 4) &<< 29
        signSine ^= swapSineSign

        let z = x * x
        var cosine = Vector(repeating: -1.388731625493765E-003).addingProduct(Vector(repeating: 2.443315711809948E-005), z)
        cosine = Vector(repeating: 4.166664568298827E-002).addingProduct(cosine, z)
        cosine = cosine * z
        cosine = (-(z * 0.5)).addingProduct(cosine, z)
        cosine = cosine + 1

        var sine = Vector(repeating: 8.3321608736E-3).addingProduct(Vector(repeating: -1.9515295891E-4), z)
        sine = Vector(repeating: -1.6666654611E-1).addingProduct(sine, z)
        sine = sine * z
        sine = x.addingProduct(sine, x)

        // Each result takes one polynomial; the other's subtraction leaves the same zeros
        // (and signs of zero) as PyTorch's masked arithmetic.
        let zero = Vector(repeating: 0)
        let sineFromSine = zero.replacing(with: sine, where: sinePolynomial)
        let sineFromCosine = zero.replacing(with: cosine, where: .!sinePolynomial)
        let cosineFromSine = sine - sineFromSine
        let cosineFromCosine = cosine - sineFromCosine
        return (float(bits(sineFromCosine + sineFromSine) ^ signSine),
                float(bits(cosineFromCosine + cosineFromSine) ^ signCosine))
    }
}

/// The 8 x 8 inverse DCT in integer arithmetic (the "accurate integer" method libjpeg
/// calls islow): the Loeffler-Ligtenberg-Moschytz factorisation, 13-bit fixed-point
/// constants, two extra bits of precision between the column and row passes. Pillow
/// decodes with this method, so matching its arithmetic matches Pillow's pixels.
///
/// Eight lanes of 32-bit wrapping arithmetic, as libjpeg's scalar code computes: valid data never comes near overflow, and
/// corrupt data gives garbage pixels rather than a trap.
enum JPEGIDCT {
    static let constBits: Int32 = 13
    static let pass1Bits: Int32 = 2

    // The rotation constants, round(c * 2^13).
    static let f0_298631336: Int32 = 2446, f0_390180644: Int32 = 3196, f0_541196100: Int32 = 4433, f0_765366865: Int32 = 6270
    static let f0_899976223: Int32 = 7373, f1_175875602: Int32 = 9633, f1_501321110: Int32 = 12299, f1_847759065: Int32 = 15137
    static let f1_961570560: Int32 = 16069, f2_053119869: Int32 = 16819, f2_562915447: Int32 = 20995, f3_072711026: Int32 = 25172

    typealias Lanes = SIMD8<Int32>

    /// Transforms one block of quantised coefficients (natural order) into 8 rows of 8
    /// samples at `output` (rows `stride` bytes apart), level-shifted and clamped to 0...255.
    ///
    /// Both passes work on eight lanes at once: the column pass takes the block's rows as
    /// vectors (lane = column), the row pass the transposed intermediate (lane = row).
    @inline(__always)
    static func transform(_ coefficients: UnsafePointer<Int16>, quant: UnsafePointer<Int32>, output: UnsafeMutablePointer<UInt8>, stride: Int) {
        @inline(__always) func row(_ r: Int) -> Lanes {
            let c = UnsafeRawPointer(coefficients + 8 * r).loadUnaligned(as: SIMD8<Int16>.self)
            return Lanes(truncatingIfNeeded: c) &* UnsafeRawPointer(quant + 8 * r).loadUnaligned(as: Lanes.self)
        }
        let columns = butterfly(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
        let shift1 = Lanes(repeating: constBits - pass1Bits), half1 = Lanes(repeating: 1 << (constBits - pass1Bits - 1))
        var w = transpose((columns.0 &+ half1) &>> shift1, (columns.1 &+ half1) &>> shift1, (columns.2 &+ half1) &>> shift1,
                          (columns.3 &+ half1) &>> shift1, (columns.4 &+ half1) &>> shift1, (columns.5 &+ half1) &>> shift1,
                          (columns.6 &+ half1) &>> shift1, (columns.7 &+ half1) &>> shift1)
        // The rounding of the final shift rides on the DC term.
        w.0 &+= Lanes(repeating: 1 << (pass1Bits + 2))
        let rows = butterfly(w.0, w.1, w.2, w.3, w.4, w.5, w.6, w.7)
        let shift2 = Lanes(repeating: constBits + pass1Bits + 3), center = Lanes(repeating: 128)
        let low = Lanes(repeating: 0), high = Lanes(repeating: 255)
        @inline(__always) func pixels(_ v: Lanes) -> Lanes { pointwiseMax(pointwiseMin((v &>> shift2) &+ center, high), low) }
        let t = transpose(pixels(rows.0), pixels(rows.1), pixels(rows.2), pixels(rows.3),
                          pixels(rows.4), pixels(rows.5), pixels(rows.6), pixels(rows.7))
        @inline(__always) func store(_ v: Lanes, _ r: Int) {
            UnsafeMutableRawPointer(output + r * stride).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: v), as: SIMD8<UInt8>.self)
        }
        store(t.0, 0); store(t.1, 1); store(t.2, 2); store(t.3, 3); store(t.4, 4); store(t.5, 5); store(t.6, 6); store(t.7, 7)
    }

    /// The 8 x 8 transpose of eight row vectors: three rounds of splitting every pair of
    /// rows into their even and odd lanes.
    @inline(__always)
    static func transpose(_ a0: Lanes, _ a1: Lanes, _ a2: Lanes, _ a3: Lanes, _ a4: Lanes, _ a5: Lanes, _ a6: Lanes, _ a7: Lanes)
        -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)
    {
        @inline(__always) func round(_ a: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)) -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
            (Lanes(lowHalf: a.0.evenHalf, highHalf: a.1.evenHalf), Lanes(lowHalf: a.2.evenHalf, highHalf: a.3.evenHalf),
             Lanes(lowHalf: a.4.evenHalf, highHalf: a.5.evenHalf), Lanes(lowHalf: a.6.evenHalf, highHalf: a.7.evenHalf),
             Lanes(lowHalf: a.0.oddHalf, highHalf: a.1.oddHalf), Lanes(lowHalf: a.2.oddHalf, highHalf: a.3.oddHalf),
             Lanes(lowHalf: a.4.oddHalf, highHalf: a.5.oddHalf), Lanes(lowHalf: a.6.oddHalf, highHalf: a.7.oddHalf))
        }
        return round(round(round((a0, a1, a2, a3, a4, a5, a6, a7))))
    }

    @inline(__always)
    static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : value > 255 ? 255 : value)
    }

    /// One 8-point pass on eight lanes, outputs scaled by 2^13 (not yet shifted back).
    @inline(__always)
    static func butterfly(_ i0: Lanes, _ i1: Lanes, _ i2: Lanes, _ i3: Lanes, _ i4: Lanes, _ i5: Lanes, _ i6: Lanes, _ i7: Lanes)
        -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)
    {
        @inline(__always) func k(_ c: Int32) -> Lanes { Lanes(repeating: c) }
        // Even part: the rotation of inputs 2 and 6, then 0 and 4.
        let z1 = (i2 &+ i6) &* k(f0_541196100)
        let t2e = z1 &- i6 &* k(f1_847759065)
        let t3e = z1 &+ i2 &* k(f0_765366865)
        let t0e = (i0 &+ i4) &<< k(constBits)
        let t1e = (i0 &- i4) &<< k(constBits)
        let t10 = t0e &+ t3e, t13 = t0e &- t3e, t11 = t1e &+ t2e, t12 = t1e &- t2e
        // Odd part.
        let z1o = (i7 &+ i1) &* k(0 &- f0_899976223)
        let z2 = (i5 &+ i3) &* k(0 &- f2_562915447)
        let z5 = (i7 &+ i3 &+ i5 &+ i1) &* k(f1_175875602)
        let z3 = (i7 &+ i3) &* k(0 &- f1_961570560) &+ z5
        let z4 = (i5 &+ i1) &* k(0 &- f0_390180644) &+ z5
        let t0 = i7 &* k(f0_298631336) &+ z1o &+ z3
        let t1 = i5 &* k(f2_053119869) &+ z2 &+ z4
        let t2 = i3 &* k(f3_072711026) &+ z2 &+ z3
        let t3 = i1 &* k(f1_501321110) &+ z1o &+ z4
        return (t10 &+ t3, t11 &+ t2, t12 &+ t1, t13 &+ t0, t13 &- t0, t12 &- t1, t11 &- t2, t10 &- t3)
    }
}

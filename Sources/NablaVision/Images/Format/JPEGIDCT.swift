/// The 8 x 8 inverse DCT in integer arithmetic (the "accurate integer" method libjpeg
/// calls islow): the Loeffler-Ligtenberg-Moschytz factorisation, 13-bit fixed-point
/// constants, two extra bits of precision between the column and row passes. Pillow
/// decodes with this method, so matching its arithmetic matches Pillow's pixels.
///
/// 32-bit wrapping arithmetic, as libjpeg's: valid data never comes near overflow, and
/// corrupt data gives garbage pixels rather than a trap.
enum JPEGIDCT {
    static let constBits: Int32 = 13
    static let pass1Bits: Int32 = 2

    // The rotation constants, round(c * 2^13).
    static let f0_298631336: Int32 = 2446, f0_390180644: Int32 = 3196, f0_541196100: Int32 = 4433, f0_765366865: Int32 = 6270
    static let f0_899976223: Int32 = 7373, f1_175875602: Int32 = 9633, f1_501321110: Int32 = 12299, f1_847759065: Int32 = 15137
    static let f1_961570560: Int32 = 16069, f2_053119869: Int32 = 16819, f2_562915447: Int32 = 20995, f3_072711026: Int32 = 25172

    /// Transforms one block of quantised coefficients (natural order) into 8 rows of 8
    /// samples at `output` (rows `stride` bytes apart), level-shifted and clamped to 0...255.
    /// `workspace` holds 64 values.
    @inline(__always)
    static func transform(_ coefficients: UnsafePointer<Int16>, quant: UnsafePointer<Int32>, workspace: UnsafeMutablePointer<Int32>,
                          output: UnsafeMutablePointer<UInt8>, stride: Int) {
        // Columns.
        for column in 0..<8 {
            let c = coefficients + column, q = quant + column, w = workspace + column
            if c[8] | c[16] | c[24] | c[32] | c[40] | c[48] | c[56] == 0 {
                let dc = (Int32(c[0]) &* q[0]) &<< pass1Bits
                w[0] = dc; w[8] = dc; w[16] = dc; w[24] = dc; w[32] = dc; w[40] = dc; w[48] = dc; w[56] = dc
                continue
            }
            let r = butterfly(Int32(c[0]) &* q[0], Int32(c[8]) &* q[8], Int32(c[16]) &* q[16], Int32(c[24]) &* q[24],
                              Int32(c[32]) &* q[32], Int32(c[40]) &* q[40], Int32(c[48]) &* q[48], Int32(c[56]) &* q[56])
            let shift = constBits - pass1Bits, half: Int32 = 1 << (shift - 1)
            w[0] = (r.0 &+ half) &>> shift; w[8] = (r.1 &+ half) &>> shift; w[16] = (r.2 &+ half) &>> shift; w[24] = (r.3 &+ half) &>> shift
            w[32] = (r.4 &+ half) &>> shift; w[40] = (r.5 &+ half) &>> shift; w[48] = (r.6 &+ half) &>> shift; w[56] = (r.7 &+ half) &>> shift
        }
        // Rows; the rounding for the final shift and the +128 level shift are folded in.
        let shift = constBits + pass1Bits + 3
        for row in 0..<8 {
            let w = workspace + row * 8, out = output + row * stride
            let rounded = w[0] &+ (1 << (pass1Bits + 2))
            if w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7] == 0 {
                let value = clamp((rounded &>> (pass1Bits + 3)) &+ 128)
                out.initialize(repeating: value, count: 8)
                continue
            }
            let r = butterfly(rounded, w[1], w[2], w[3], w[4], w[5], w[6], w[7])
            out[0] = clamp((r.0 &>> shift) &+ 128); out[1] = clamp((r.1 &>> shift) &+ 128)
            out[2] = clamp((r.2 &>> shift) &+ 128); out[3] = clamp((r.3 &>> shift) &+ 128)
            out[4] = clamp((r.4 &>> shift) &+ 128); out[5] = clamp((r.5 &>> shift) &+ 128)
            out[6] = clamp((r.6 &>> shift) &+ 128); out[7] = clamp((r.7 &>> shift) &+ 128)
        }
    }

    @inline(__always)
    static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : value > 255 ? 255 : value)
    }

    /// One 8-point pass, outputs scaled by 2^13 (not yet shifted back).
    @inline(__always)
    static func butterfly(_ i0: Int32, _ i1: Int32, _ i2: Int32, _ i3: Int32, _ i4: Int32, _ i5: Int32, _ i6: Int32, _ i7: Int32)
        -> (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32)
    {
        // Even part: the rotation of inputs 2 and 6, then 0 and 4.
        let z1 = (i2 &+ i6) &* f0_541196100
        let t2e = z1 &- i6 &* f1_847759065
        let t3e = z1 &+ i2 &* f0_765366865
        let t0e = (i0 &+ i4) &<< constBits
        let t1e = (i0 &- i4) &<< constBits
        let t10 = t0e &+ t3e, t13 = t0e &- t3e, t11 = t1e &+ t2e, t12 = t1e &- t2e
        // Odd part.
        let z1o = (i7 &+ i1) &* (0 &- f0_899976223)
        let z2 = (i5 &+ i3) &* (0 &- f2_562915447)
        let z5 = (i7 &+ i3 &+ i5 &+ i1) &* f1_175875602
        let z3 = (i7 &+ i3) &* (0 &- f1_961570560) &+ z5
        let z4 = (i5 &+ i1) &* (0 &- f0_390180644) &+ z5
        let t0 = i7 &* f0_298631336 &+ z1o &+ z3
        let t1 = i5 &* f2_053119869 &+ z2 &+ z4
        let t2 = i3 &* f3_072711026 &+ z2 &+ z3
        let t3 = i1 &* f1_501321110 &+ z1o &+ z4
        return (t10 &+ t3, t11 &+ t2, t12 &+ t1, t13 &+ t0, t13 &- t0, t12 &- t1, t11 &- t2, t10 &- t3)
    }
}

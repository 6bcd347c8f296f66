/// The 8 x 8 inverse DCT in integer arithmetic (the "accurate integer" method libjpeg
/// calls islow): the Loeffler-Ligtenberg-Moschytz factorisation, 13-bit fixed-point
/// constants, two extra bits of precision between the column and row passes. Pillow
/// decodes with this method, so matching its arithmetic matches Pillow's pixels.
enum JPEGIDCT {
    static let constBits = 13
    static let pass1Bits = 2

    // The rotation constants, round(c * 2^13).
    static let f0_298631336 = 2446, f0_390180644 = 3196, f0_541196100 = 4433, f0_765366865 = 6270
    static let f0_899976223 = 7373, f1_175875602 = 9633, f1_501321110 = 12299, f1_847759065 = 15137
    static let f1_961570560 = 16069, f2_053119869 = 16819, f2_562915447 = 20995, f3_072711026 = 25172

    /// Transforms one block of quantised coefficients (natural order) into 8 rows of 8
    /// samples at `output` (rows `stride` bytes apart), level-shifted and clamped to 0...255.
    /// `workspace` holds 64 values.
    @inline(__always)
    static func transform(_ coefficients: UnsafePointer<Int16>, quant: UnsafePointer<Int32>, workspace: UnsafeMutablePointer<Int>,
                          output: UnsafeMutablePointer<UInt8>, stride: Int) {
        // Columns.
        for column in 0..<8 {
            let c = coefficients + column, q = quant + column, w = workspace + column
            if c[8] == 0 && c[16] == 0 && c[24] == 0 && c[32] == 0 && c[40] == 0 && c[48] == 0 && c[56] == 0 {
                let dc = Int(c[0]) * Int(q[0]) << pass1Bits
                for row in 0..<8 { w[row * 8] = dc }
                continue
            }
            let d0 = Int(c[0]) * Int(q[0]), d1 = Int(c[8]) * Int(q[8]), d2 = Int(c[16]) * Int(q[16]), d3 = Int(c[24]) * Int(q[24])
            let d4 = Int(c[32]) * Int(q[32]), d5 = Int(c[40]) * Int(q[40]), d6 = Int(c[48]) * Int(q[48]), d7 = Int(c[56]) * Int(q[56])
            let (r0, r1, r2, r3, r4, r5, r6, r7) = butterfly(d0, d1, d2, d3, d4, d5, d6, d7)
            let shift = constBits - pass1Bits, half = 1 << (shift - 1)
            w[0] = (r0 + half) >> shift; w[8] = (r1 + half) >> shift; w[16] = (r2 + half) >> shift; w[24] = (r3 + half) >> shift
            w[32] = (r4 + half) >> shift; w[40] = (r5 + half) >> shift; w[48] = (r6 + half) >> shift; w[56] = (r7 + half) >> shift
        }
        // Rows; the rounding for the final shift and the +128 level shift are folded in.
        let shift = constBits + pass1Bits + 3
        for row in 0..<8 {
            let w = workspace + row * 8, out = output + row * stride
            if w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0 {
                let value = clamp(((w[0] + (1 << (pass1Bits + 2))) >> (pass1Bits + 3)) + 128)
                for x in 0..<8 { out[x] = value }
                continue
            }
            let (r0, r1, r2, r3, r4, r5, r6, r7) = butterfly(w[0] + (1 << (pass1Bits + 2)), w[1], w[2], w[3], w[4], w[5], w[6], w[7])
            out[0] = clamp((r0 >> shift) + 128); out[1] = clamp((r1 >> shift) + 128)
            out[2] = clamp((r2 >> shift) + 128); out[3] = clamp((r3 >> shift) + 128)
            out[4] = clamp((r4 >> shift) + 128); out[5] = clamp((r5 >> shift) + 128)
            out[6] = clamp((r6 >> shift) + 128); out[7] = clamp((r7 >> shift) + 128)
        }
    }

    @inline(__always)
    static func clamp(_ value: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : value > 255 ? 255 : value)
    }

    /// One 8-point pass, outputs scaled by 2^13 (not yet shifted back).
    @inline(__always)
    static func butterfly(_ i0: Int, _ i1: Int, _ i2: Int, _ i3: Int, _ i4: Int, _ i5: Int, _ i6: Int, _ i7: Int) -> (Int, Int, Int, Int, Int, Int, Int, Int) {
        // Even part: the rotation of inputs 2 and 6, then 0 and 4.
        let z1 = (i2 + i6) * f0_541196100
        let t2e = z1 - i6 * f1_847759065
        let t3e = z1 + i2 * f0_765366865
        let t0e = (i0 + i4) << constBits
        let t1e = (i0 - i4) << constBits
        let t10 = t0e + t3e, t13 = t0e - t3e, t11 = t1e + t2e, t12 = t1e - t2e
        // Odd part.
        var t0 = i7, t1 = i5, t2 = i3, t3 = i1
        var z1o = t0 + t3, z2 = t1 + t2, z3 = t0 + t2, z4 = t1 + t3
        let z5 = (z3 + z4) * f1_175875602
        t0 *= f0_298631336; t1 *= f2_053119869; t2 *= f3_072711026; t3 *= f1_501321110
        z1o *= -f0_899976223; z2 *= -f2_562915447; z3 *= -f1_961570560; z4 *= -f0_390180644
        z3 += z5; z4 += z5
        t0 += z1o + z3; t1 += z2 + z4; t2 += z2 + z3; t3 += z1o + z4
        return (t10 + t3, t11 + t2, t12 + t1, t13 + t0, t13 - t0, t12 - t1, t11 - t2, t10 - t3)
    }
}

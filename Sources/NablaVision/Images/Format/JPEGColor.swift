/// Upsampling of subsampled components and YCbCr to RGB conversion, row by row, the way
/// libjpeg(-turbo) does it by default: "fancy" triangular interpolation for 2x horizontal
/// and/or vertical subsampling (each output sample weighs its nearer input sample 3/4
/// and the farther one 1/4), replication for other factors, and the fixed-point
/// colour conversion with 16 fractional bits.
enum JPEGColor {
    static let scaleBits = 16
    static let half = 1 << 15

    /// R's Cr term, B's Cb term, and G's two terms, indexed by the chroma sample.
    static let tables: (crR: [Int32], cbB: [Int32], crG: [Int32], cbG: [Int32]) = {
        var crR = [Int32](repeating: 0, count: 256), cbB = crR, crG = crR, cbG = crR
        for i in 0..<256 {
            let x = i - 128
            crR[i] = Int32((91881 * x + half) >> scaleBits)      // 1.40200
            cbB[i] = Int32((116130 * x + half) >> scaleBits)     // 1.77200
            crG[i] = Int32(-46802 * x)                           // -0.71414
            cbG[i] = Int32(-22554 * x + half)                    // -0.34414, rounding folded in
        }
        return (crR, cbB, crG, cbG)
    }()

    /// Clamps `value - 256` to 0...255 by lookup (libjpeg's range-limit table): the colour
    /// sums lie in -256...511, so the conversion loop has no branches.
    static let rangeLimit: [UInt8] = (0..<768).map { UInt8(clamping: $0 - 256) }

    static func convert(components: [JPEGComponent], planes: [UnsafeMutablePointer<UInt8>], width: Int, height: Int,
                        maxH: Int, maxV: Int, rgb: Bool, output: UnsafeMutablePointer<UInt8>) {
        let count = components.count
        let rows = UnsafeMutablePointer<UInt8>.allocate(capacity: count * (width + 16))
        let sums = UnsafeMutablePointer<Int32>.allocate(capacity: width + 16)
        let source = UnsafeMutablePointer<UnsafePointer<UInt8>>.allocate(capacity: count)
        defer { rows.deallocate(); sums.deallocate(); source.deallocate() }
        let (crR, cbB, crG, cbG) = tables
        crR.withUnsafeBufferPointer { crR in cbB.withUnsafeBufferPointer { cbB in
        crG.withUnsafeBufferPointer { crG in cbG.withUnsafeBufferPointer { cbG in
        rangeLimit.withUnsafeBufferPointer { limit in
            let crR = crR.baseAddress!, cbB = cbB.baseAddress!, crG = crG.baseAddress!, cbG = cbG.baseAddress!
            let clamp = limit.baseAddress! + 256
            for y in 0..<height {
                for index in 0..<count {
                    let scratch = rows + index * (width + 16)
                    source[index] = upsampledRow(components[index], plane: planes[index], y: y, width: width, maxH: maxH, maxV: maxV,
                                                 scratch: scratch, sums: sums)
                }
                let out = output + y * width * (count == 1 ? 1 : 3)
                if count == 1 {
                    out.update(from: source[0], count: width)
                    continue
                }
                let c0 = source[0], c1 = source[1], c2 = source[2]
                if rgb {
                    for x in 0..<width {
                        out[3 * x] = c0[x]; out[3 * x + 1] = c1[x]; out[3 * x + 2] = c2[x]
                    }
                    continue
                }
                for x in 0..<width {
                    let luma = Int(c0[x]), cb = Int(c1[x]), cr = Int(c2[x])
                    let o = out + 3 * x
                    o[0] = clamp[luma &+ Int(crR[cr])]
                    o[1] = clamp[luma &+ Int((cbG[cb] &+ crG[cr]) &>> Int32(scaleBits))]
                    o[2] = clamp[luma &+ Int(cbB[cb])]
                }
            }
        } } } } }
    }

    /// Row `y` of the image's grid for one component: the plane's own row when it is not
    /// subsampled, otherwise an interpolated row written to `scratch`.
    static func upsampledRow(_ component: JPEGComponent, plane: UnsafeMutablePointer<UInt8>, y: Int, width: Int, maxH: Int, maxV: Int,
                             scratch: UnsafeMutablePointer<UInt8>, sums: UnsafeMutablePointer<Int32>) -> UnsafePointer<UInt8> {
        let fx = maxH / component.h, fy = maxV / component.v
        let stride = component.blocksPerLine * 8
        let validWidth = component.width, validHeight = component.height
        if fx == 1 && fy == 1 { return UnsafePointer(plane + y * stride) }
        if fy == 1 && fx == 2 {
            // h2v1: 3/4 of the nearer sample, 1/4 of the farther.
            let row = plane + y * stride
            horizontal(row: row, count: validWidth, width: width, into: scratch)
            return UnsafePointer(scratch)
        }
        if fy == 2 && (fx == 1 || fx == 2) {
            let r = y / 2
            let neighbour = y % 2 == 0 ? max(r - 1, 0) : min(r + 1, validHeight - 1)
            let this = plane + r * stride, other = plane + neighbour * stride
            if fx == 1 {
                // h1v2: vertical triangle only, rounding as libjpeg-turbo does (1 above, 2 below).
                let bias: Int32 = y % 2 == 0 ? 1 : 2
                for x in 0..<width {
                    scratch[x] = UInt8(truncatingIfNeeded: (3 * Int32(this[x]) + Int32(other[x]) + bias) >> 2)
                }
                return UnsafePointer(scratch)
            }
            // h2v2: vertical sums (weights 3 and 1), then the horizontal triangle on them.
            for x in 0..<validWidth { sums[x] = 3 * Int32(this[x]) + Int32(other[x]) }
            if validWidth == 1 {
                let value = UInt8(truncatingIfNeeded: (sums[0] * 4 + 8) >> 4)
                for x in 0..<width { scratch[x] = value }
                return UnsafePointer(scratch)
            }
            scratch[0] = UInt8(truncatingIfNeeded: (sums[0] * 4 + 8) >> 4)
            scratch[1] = UInt8(truncatingIfNeeded: (sums[0] * 3 + sums[1] + 7) >> 4)
            var i = 1
            while i < validWidth - 1 {
                let this = sums[i] * 3
                scratch[2 * i] = UInt8(truncatingIfNeeded: (this + sums[i - 1] + 8) >> 4)
                scratch[2 * i + 1] = UInt8(truncatingIfNeeded: (this + sums[i + 1] + 7) >> 4)
                i += 1
            }
            let last = validWidth - 1
            scratch[2 * last] = UInt8(truncatingIfNeeded: (sums[last] * 3 + sums[last - 1] + 8) >> 4)
            scratch[2 * last + 1] = UInt8(truncatingIfNeeded: (sums[last] * 4 + 7) >> 4)
            return UnsafePointer(scratch)
        }
        // Other factors: replicate (libjpeg's integral upsampling).
        let row = plane + min(y / fy, validHeight - 1) * stride
        for x in 0..<width { scratch[x] = row[x / fx] }
        return UnsafePointer(scratch)
    }

    /// h2v1 fancy upsampling of `count` samples into `width` (at most `2 * count` + 1) outputs.
    static func horizontal(row: UnsafeMutablePointer<UInt8>, count: Int, width: Int, into out: UnsafeMutablePointer<UInt8>) {
        if count == 1 {
            for x in 0..<width { out[x] = row[0] }
            return
        }
        out[0] = row[0]
        out[1] = UInt8(truncatingIfNeeded: (3 * Int32(row[0]) + Int32(row[1]) + 2) >> 2)
        var i = 1
        while i < count - 1 {
            let this = 3 * Int32(row[i])
            out[2 * i] = UInt8(truncatingIfNeeded: (this + Int32(row[i - 1]) + 1) >> 2)
            out[2 * i + 1] = UInt8(truncatingIfNeeded: (this + Int32(row[i + 1]) + 2) >> 2)
            i += 1
        }
        let last = count - 1
        out[2 * last] = UInt8(truncatingIfNeeded: (3 * Int32(row[last]) + Int32(row[last - 1]) + 1) >> 2)
        out[2 * last + 1] = row[last]
    }
}

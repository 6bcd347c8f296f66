/// Separable bilinear resampling with Pillow's weights: when shrinking, the triangle
/// filter is widened by the scale factor (antialiasing), so a 2x reduction averages a 4x4
/// neighbourhood. `uint8` images follow Pillow's integer arithmetic exactly (22-bit
/// fixed-point weights, a horizontal pass rounded to 8 bits, then a vertical pass), which
/// is what torchvision's `Resize` runs on PIL images; float images use the same weights
/// without intermediate rounding (torchvision's `antialias=True` on tensors).
struct ResampleWeights {
    /// First input index of each output sample.
    var first: [Int]
    /// Number of inputs of each output sample.
    var counts: [Int]
    /// `kernelSize` weights per output sample.
    var weights: [Double]
    var kernelSize: Int

    static let precisionBits = 22

    init(inputSize: Int, outputSize: Int) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filterScale
        kernelSize = Int(support.rounded(.up)) * 2 + 1
        first = [Int](repeating: 0, count: outputSize)
        counts = [Int](repeating: 0, count: outputSize)
        weights = [Double](repeating: 0, count: outputSize * kernelSize)
        let inverse = 1 / filterScale
        for out in 0..<outputSize {
            let center = (Double(out) + 0.5) * scale
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inputSize)
            let count = max(high - low, 0)
            var total = 0.0
            for i in 0..<count {
                let w = max(0, 1 - abs((Double(i + low) - center + 0.5) * inverse))
                weights[out * kernelSize + i] = w
                total += w
            }
            if total != 0 {
                for i in 0..<count { weights[out * kernelSize + i] /= total }
            }
            first[out] = low
            counts[out] = count
        }
    }

    /// The weights as Pillow's 22-bit fixed-point integers.
    var fixedPoint: [Int32] {
        weights.map { w in
            let scaled = w * Double(1 << Self.precisionBits)
            return Int32(w < 0 ? (scaled - 0.5).rounded(.towardZero) : (scaled + 0.5).rounded(.towardZero))
        }
    }
}

enum Resampling {
    /// Resizes an `h x w x c` interleaved 8-bit image to `outH x outW` (Pillow's
    /// `Image.resize(..., BILINEAR)`).
    static func resize(_ input: UnsafePointer<UInt8>, height h: Int, width w: Int, channels c: Int,
                       to output: UnsafeMutablePointer<UInt8>, height outH: Int, width outW: Int) {
        let horizontal = ResampleWeights(inputSize: w, outputSize: outW)
        let vertical = ResampleWeights(inputSize: h, outputSize: outH)
        let half = Int32(1 << (ResampleWeights.precisionBits - 1))
        @inline(__always) func clip(_ value: Int32) -> UInt8 {
            value <= 0 ? 0 : value >= Int32(255 << ResampleWeights.precisionBits) ? 255 : UInt8(truncatingIfNeeded: value >> Int32(ResampleWeights.precisionBits))
        }
        // Only the input rows the vertical pass reads go through the horizontal pass.
        let rowFirst = outH > 0 ? vertical.first[0] : 0
        let rowEnd = outH > 0 ? vertical.first[outH - 1] + vertical.counts[outH - 1] : 0
        let needsHorizontal = outW != w, needsVertical = outH != h
        let middleRows = needsVertical ? rowEnd - rowFirst : h
        let middle = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, middleRows * outW * c))
        defer { middle.deallocate() }
        let rowOffset = needsVertical ? rowFirst : 0
        if needsHorizontal {
            let weights = horizontal.fixedPoint
            weights.withUnsafeBufferPointer { k in
                horizontal.first.withUnsafeBufferPointer { first in
                    horizontal.counts.withUnsafeBufferPointer { counts in
                        for y in 0..<middleRows {
                            let source = input + (y + rowOffset) * w * c
                            let target = middle + y * outW * c
                            for x in 0..<outW {
                                let kernel = k.baseAddress! + x * horizontal.kernelSize
                                let start = source + first[x] * c
                                let n = counts[x]
                                if c == 3 {
                                    var s0 = half, s1 = half, s2 = half
                                    for i in 0..<n {
                                        let weight = kernel[i], p = start + 3 * i
                                        s0 &+= Int32(p[0]) &* weight
                                        s1 &+= Int32(p[1]) &* weight
                                        s2 &+= Int32(p[2]) &* weight
                                    }
                                    target[3 * x] = clip(s0); target[3 * x + 1] = clip(s1); target[3 * x + 2] = clip(s2)
                                } else {
                                    for channel in 0..<c {
                                        var sum = half
                                        for i in 0..<n { sum &+= Int32(start[i * c + channel]) &* kernel[i] }
                                        target[x * c + channel] = clip(sum)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } else {
            middle.update(from: input + rowOffset * w * c, count: middleRows * w * c)
        }
        guard needsVertical else {
            output.update(from: middle, count: outH * outW * c)
            return
        }
        let weights = vertical.fixedPoint
        let rowLength = outW * c
        let sums = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, rowLength))
        defer { sums.deallocate() }
        weights.withUnsafeBufferPointer { k in
            for y in 0..<outH {
                let kernel = k.baseAddress! + y * vertical.kernelSize
                sums.initialize(repeating: half, count: rowLength)
                for i in 0..<vertical.counts[y] {
                    let weight = kernel[i]
                    let row = middle + (vertical.first[y] - rowFirst + i) * rowLength
                    for x in 0..<rowLength { sums[x] &+= Int32(row[x]) &* weight }
                }
                let target = output + y * rowLength
                for x in 0..<rowLength { target[x] = clip(sums[x]) }
            }
        }
    }

    /// Resizes `planes` planes of `h x w` floats to `outH x outW` with the same weights
    /// and no rounding between the passes.
    static func resize(_ input: UnsafePointer<Float>, planes: Int, height h: Int, width w: Int,
                       to output: UnsafeMutablePointer<Float>, height outH: Int, width outW: Int) {
        let horizontal = ResampleWeights(inputSize: w, outputSize: outW)
        let vertical = ResampleWeights(inputSize: h, outputSize: outH)
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: max(1, h * outW))
        defer { middle.deallocate() }
        let hk = horizontal.weights.map { Float($0) }, vk = vertical.weights.map { Float($0) }
        for plane in 0..<planes {
            let source = input + plane * h * w
            for y in 0..<h {
                for x in 0..<outW {
                    var sum: Float = 0
                    for i in 0..<horizontal.counts[x] {
                        sum += source[y * w + horizontal.first[x] + i] * hk[x * horizontal.kernelSize + i]
                    }
                    middle[y * outW + x] = sum
                }
            }
            let target = output + plane * outH * outW
            for y in 0..<outH {
                for x in 0..<outW { target[y * outW + x] = 0 }
                for i in 0..<vertical.counts[y] {
                    let weight = vk[y * vertical.kernelSize + i]
                    let row = middle + (vertical.first[y] + i) * outW
                    for x in 0..<outW { target[y * outW + x] += row[x] * weight }
                }
            }
        }
    }
}

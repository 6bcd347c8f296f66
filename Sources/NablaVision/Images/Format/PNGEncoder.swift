/// Writes PNG files: gray, gray + alpha, RGB or RGBA at 8 or 16 bits, not interlaced.
///
/// Each row gets the filter (none, sub, up, average or Paeth) whose output has the
/// smallest sum of absolute values, libpng's heuristic; the filtered rows are compressed
/// by ``Deflater``.
enum PNGEncoder {
    static func encode(_ image: RawImage) -> [UInt8] {
        let colorType: UInt8
        switch image.channels {
        case 1: colorType = 0
        case 2: colorType = 4
        case 3: colorType = 2
        default: colorType = 6
        }
        let sampleBytes = image.bitDepth / 8
        let bpp = image.channels * sampleBytes
        let rowBytes = image.width * bpp
        var filtered = [UInt8](repeating: 0, count: image.height * (rowBytes + 1))
        let big = [UInt8](unsafeUninitializedCapacity: image.height * rowBytes) { buffer, initialized in
            image.bytes.withUnsafeBufferPointer { source in
                if sampleBytes == 1 {
                    _ = buffer.initialize(fromContentsOf: source)
                } else {
                    // 16-bit samples are stored big-endian.
                    for i in stride(from: 0, to: source.count, by: 2) {
                        let value = UnsafeRawPointer(source.baseAddress! + i).loadUnaligned(as: UInt16.self)
                        buffer[i] = UInt8(value >> 8)
                        buffer[i + 1] = UInt8(value & 0xFF)
                    }
                }
            }
            initialized = image.height * rowBytes
        }
        big.withUnsafeBufferPointer { rows in
            filtered.withUnsafeMutableBufferPointer { out in
                let candidate = UnsafeMutablePointer<UInt8>.allocate(capacity: 5 * max(1, rowBytes))
                defer { candidate.deallocate() }
                for y in 0..<image.height {
                    let row = rows.baseAddress! + y * rowBytes
                    let above: UnsafePointer<UInt8>? = y > 0 ? rows.baseAddress! + (y - 1) * rowBytes : nil
                    var best = 0, bestScore = Int.max
                    for filter in 0..<5 {
                        let target = candidate + filter * rowBytes
                        var score = 0
                        for i in 0..<rowBytes {
                            let a = i >= bpp ? row[i - bpp] : 0
                            let b = above?[i] ?? 0
                            let c = i >= bpp ? above?[i - bpp] ?? 0 : 0
                            let predicted: UInt8
                            switch filter {
                            case 0: predicted = 0
                            case 1: predicted = a
                            case 2: predicted = b
                            case 3: predicted = UInt8((UInt16(a) + UInt16(b)) >> 1)
                            default: predicted = PNGDecoder.paeth(a, b, c)
                            }
                            let value = row[i] &- predicted
                            target[i] = value
                            score += value < 128 ? Int(value) : 256 - Int(value)
                        }
                        if score < bestScore {
                            bestScore = score
                            best = filter
                        }
                    }
                    let destination = out.baseAddress! + y * (rowBytes + 1)
                    destination[0] = UInt8(best)
                    (destination + 1).update(from: candidate + best * rowBytes, count: rowBytes)
                }
            }
        }
        var file = PNGDecoder.signature
        var header = [UInt8]()
        for value in [UInt32(image.width), UInt32(image.height)] {
            header += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        header += [UInt8(image.bitDepth), colorType, 0, 0, 0]
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", filtered.withUnsafeBytes { Deflater.zlib($0) }, to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let length = UInt32(data.count)
        file += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        let body = Array(type.utf8) + data
        file += body
        let crc = body.withUnsafeBytes { CRC32.checksum($0) }
        file += [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }
}

extension RawImage {
    /// The image as a PNG file (8- or 16-bit samples as held, 1 to 4 channels).
    public func pngData() -> [UInt8] {
        PNGEncoder.encode(self)
    }
}

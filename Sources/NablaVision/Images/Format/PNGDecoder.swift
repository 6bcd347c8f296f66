/// A PNG decoder (ISO/IEC 15948): every colour type and bit depth, palettes with
/// transparency, Adam7 interlacing, with each chunk's CRC-32 and the zlib stream's
/// Adler-32 checked.
///
/// Results, by colour type (the pixels Pillow gives, except where noted):
/// - gray at 1, 2 or 4 bits: scaled to 0...255 (1 channel, 8 bits);
/// - gray 8 or 16 bits, RGB 8 or 16, gray + alpha, RGBA: unchanged, 16-bit samples kept
///   at 16 bits (Pillow truncates 16-bit RGB and gray + alpha to 8 bits);
/// - palette: expanded to RGB, or RGBA when a `tRNS` chunk gives the entries alpha;
/// - gray or RGB with a `tRNS` colour key: an alpha channel is added (opaque except for
///   the key colour), as libpng's `png_set_tRNS_to_alpha` does.
///
/// The inflated size is known from the header, so the decoder allocates it once, after
/// checking the pixel limit and that the compressed data could inflate to that size at
/// all (deflate expands at most 1032:1).
enum PNGDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Adam7's passes: first column, first row, column step, row step.
    static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    struct Header {
        var width = 0, height = 0, bitDepth = 0, colorType = 0, interlaced = false

        /// Samples per pixel as stored.
        var storedChannels: Int {
            switch colorType {
            case 0, 3: 1
            case 2: 3
            case 4: 2
            default: 4
            }
        }

        var bitsPerPixel: Int { storedChannels * bitDepth }
        /// The filter's byte distance to the corresponding byte of the previous pixel.
        var filterStride: Int { max(1, bitsPerPixel / 8) }
        func rowBytes(width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
    }

    /// Whether `bytes` starts with the PNG signature.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 8 && zip(bytes.prefix(8), signature).allSatisfy { $0 == $1 }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws(ImageError) -> RawImage {
        guard matches(bytes) else { throw .malformed(format: "PNG", reason: "no PNG signature") }
        var header: Header?
        var palette: [UInt8] = []
        var transparency: [UInt8]?
        var compressed: [UInt8] = []
        var offset = 8
        var sawIDAT = false, idatEnded = false, sawEnd = false
        while !sawEnd {
            guard bytes.count - offset >= 12 else { throw .truncated(format: "PNG", section: "a chunk header") }
            let length = Int(bytes.bigEndianUInt32(at: offset))
            guard length <= 0x7FFF_FFFF else { throw .malformed(format: "PNG", reason: "a chunk length of \(length)") }
            guard length <= bytes.count - offset - 12 else {
                throw .truncated(format: "PNG", section: "a chunk of \(length) bytes")
            }
            let typeBytes = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<(offset + 8 + length)])
            let stored = bytes.bigEndianUInt32(at: offset + 8 + length)
            let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 8 + length)]))
            guard stored == computed else {
                throw .checksumMismatch(format: "PNG", section: "chunk \(type)", expected: stored, actual: computed)
            }
            offset += 12 + length
            if header == nil && type != "IHDR" { throw .malformed(format: "PNG", reason: "the first chunk is \(type), not IHDR") }
            if sawIDAT && type != "IDAT" { idatEnded = true }
            switch type {
            case "IHDR":
                guard header == nil else { throw .malformed(format: "PNG", reason: "a second IHDR chunk") }
                header = try parseHeader(data, limits: limits)
            case "PLTE":
                guard length % 3 == 0, length >= 3, length <= 768 else {
                    throw .malformed(format: "PNG", reason: "a palette of \(length) bytes")
                }
                guard !sawIDAT else { throw .malformed(format: "PNG", reason: "PLTE after IDAT") }
                palette = Array(data)
            case "tRNS":
                guard !sawIDAT else { throw .malformed(format: "PNG", reason: "tRNS after IDAT") }
                transparency = Array(data)
            case "IDAT":
                guard !idatEnded else { throw .malformed(format: "PNG", reason: "IDAT chunks are not consecutive") }
                sawIDAT = true
                compressed.append(contentsOf: data)
            case "IEND":
                sawEnd = true
            default:
                // Unknown critical chunks (uppercase first letter) cannot be skipped safely.
                guard let first = typeBytes.first, first & 0x20 != 0 else {
                    throw .unsupported(format: "PNG", feature: "critical chunk \(type)")
                }
            }
        }
        guard let header else { throw .truncated(format: "PNG", section: "IHDR") }
        guard sawIDAT else { throw .malformed(format: "PNG", reason: "no IDAT chunk") }
        if header.colorType == 3 {
            guard !palette.isEmpty else { throw .malformed(format: "PNG", reason: "colour type 3 without a palette") }
        }
        var filtered = try inflate(compressed, header: header)
        return try reconstruct(&filtered, header: header, palette: palette, transparency: transparency)
    }

    static func parseHeader(_ data: UnsafeRawBufferPointer, limits: ImageLimits) throws(ImageError) -> Header {
        guard data.count == 13 else { throw .malformed(format: "PNG", reason: "an IHDR of \(data.count) bytes") }
        var header = Header()
        header.width = Int(data.bigEndianUInt32(at: 0))
        header.height = Int(data.bigEndianUInt32(at: 4))
        header.bitDepth = Int(data[8])
        header.colorType = Int(data[9])
        let allowed: [Int]
        switch header.colorType {
        case 0: allowed = [1, 2, 4, 8, 16]
        case 3: allowed = [1, 2, 4, 8]
        case 2, 4, 6: allowed = [8, 16]
        default: throw .malformed(format: "PNG", reason: "colour type \(header.colorType)")
        }
        guard allowed.contains(header.bitDepth) else {
            throw .malformed(format: "PNG", reason: "bit depth \(header.bitDepth) with colour type \(header.colorType)")
        }
        guard data[10] == 0, data[11] == 0, data[12] <= 1 else {
            throw .malformed(format: "PNG", reason: "compression \(data[10]), filter \(data[11]), interlace \(data[12])")
        }
        header.interlaced = data[12] == 1
        try limits.check(width: header.width, height: header.height, format: "PNG")
        return header
    }

    /// The sizes of the (sub-)images stored one after the other: one, or Adam7's seven.
    static func passSizes(_ header: Header) -> [(width: Int, height: Int)] {
        guard header.interlaced else { return [(header.width, header.height)] }
        return adam7.map { pass in
            ((header.width - pass.x + pass.dx - 1) / pass.dx, (header.height - pass.y + pass.dy - 1) / pass.dy)
        }
    }

    static func inflate(_ compressed: [UInt8], header: Header) throws(ImageError) -> [UInt8] {
        var expected = 0
        for (width, height) in passSizes(header) where width > 0 && height > 0 {
            expected += height * (1 + header.rowBytes(width: width))
        }
        guard compressed.count >= 6 else { throw .truncated(format: "PNG", section: "the zlib stream") }
        let cmf = compressed[0], flags = compressed[1]
        guard cmf & 0x0F == 8, cmf >> 4 <= 7, (UInt16(cmf) << 8 | UInt16(flags)) % 31 == 0 else {
            throw .corruptData(format: "PNG", reason: "not a zlib stream (header \(cmf), \(flags))")
        }
        guard flags & 0x20 == 0 else { throw .unsupported(format: "PNG", feature: "a zlib preset dictionary") }
        // Deflate cannot expand data by more than 1032:1: refuse before allocating.
        guard expected / 1032 <= compressed.count else {
            throw .truncated(format: "PNG", section: "the image data (\(compressed.count) compressed bytes for \(expected))")
        }
        var output = [UInt8](repeating: 0, count: expected)
        let written: Int
        do {
            written = try compressed.withUnsafeBytes { input in
                try output.withUnsafeMutableBytes { destination in
                    try Inflate.decode(UnsafeRawBufferPointer(rebasing: input[2..<(input.count - 4)]), into: destination)
                }
            }
        } catch let error as NumPyFormatError {
            if case let .corruptDeflateStream(reason) = error { throw .corruptData(format: "PNG", reason: reason) }
            throw .corruptData(format: "PNG", reason: error.description)
        } catch {
            throw .corruptData(format: "PNG", reason: "\(error)")
        }
        guard written == expected else {
            throw .truncated(format: "PNG", section: "the image data (\(written) of \(expected) bytes)")
        }
        let stored = UInt32(compressed[compressed.count - 4]) << 24 | UInt32(compressed[compressed.count - 3]) << 16
            | UInt32(compressed[compressed.count - 2]) << 8 | UInt32(compressed[compressed.count - 1])
        let computed = output.withUnsafeBytes { Adler32.checksum($0) }
        guard stored == computed else {
            throw .checksumMismatch(format: "PNG", section: "the zlib stream (Adler-32)", expected: stored, actual: computed)
        }
        return output
    }

    /// Undoes the filters of one sub-image in place; `data` starts at its first filter byte.
    static func unfilter(_ data: UnsafeMutablePointer<UInt8>, rows: Int, rowBytes: Int, stride bpp: Int) throws(ImageError) {
        var previous: UnsafeMutablePointer<UInt8>? = nil
        for row in 0..<rows {
            let line = data + row * (rowBytes + 1)
            let filter = line[0]
            let current = line + 1
            guard filter <= 4 else { throw .malformed(format: "PNG", reason: "filter type \(filter) on row \(row)") }
            if (bpp == 3 || bpp == 4) && (filter == 3 || filter == 4) && previous != nil {
                // Each byte depends on the one a pixel before: work a pixel at a time, its
                // channels side by side in one vector.
                if bpp == 3 {
                    unfilterPixels(current, above: previous!, rowBytes: rowBytes, filter: filter, pixel: 3)
                } else {
                    unfilterPixels(current, above: previous!, rowBytes: rowBytes, filter: filter, pixel: 4)
                }
                previous = current
                continue
            }
            switch filter {
            case 1:
                if rowBytes > bpp {
                    for i in bpp..<rowBytes { current[i] &+= current[i - bpp] }
                }
            case 2:
                if let previous {
                    for i in 0..<rowBytes { current[i] &+= previous[i] }
                }
            case 3:
                if let previous {
                    for i in 0..<min(bpp, rowBytes) { current[i] &+= previous[i] >> 1 }
                    if rowBytes > bpp {
                        for i in bpp..<rowBytes {
                            current[i] &+= UInt8((UInt16(current[i - bpp]) + UInt16(previous[i])) >> 1)
                        }
                    }
                } else if rowBytes > bpp {
                    for i in bpp..<rowBytes { current[i] &+= current[i - bpp] >> 1 }
                }
            case 4:
                if let previous {
                    for i in 0..<min(bpp, rowBytes) { current[i] &+= previous[i] }
                    if rowBytes > bpp {
                        for i in bpp..<rowBytes {
                            current[i] &+= paeth(current[i - bpp], previous[i], previous[i - bpp])
                        }
                    }
                } else if rowBytes > bpp {
                    // With no row above, Paeth always picks the left neighbour.
                    for i in bpp..<rowBytes { current[i] &+= current[i - bpp] }
                }
            default:
                break
            }
            previous = current
        }
    }

    /// The average (3) or Paeth (4) filter undone for 3- or 4-byte pixels: the channels'
    /// dependency chains (each byte needs the one a pixel before) interleaved in one loop,
    /// with a branch-free Paeth predictor.
    @inline(__always)
    static func unfilterPixels(_ current: UnsafeMutablePointer<UInt8>, above: UnsafeMutablePointer<UInt8>, rowBytes: Int, filter: UInt8, pixel: Int) {
        var a0 = 0, a1 = 0, a2 = 0, a3 = 0
        var c0 = 0, c1 = 0, c2 = 0, c3 = 0
        var offset = 0
        let pixels = rowBytes / pixel
        if filter == 3 {
            for _ in 0..<pixels {
                let p = current + offset, q = above + offset
                a0 = (Int(p[0]) &+ ((a0 &+ Int(q[0])) &>> 1)) & 0xFF; p[0] = UInt8(truncatingIfNeeded: a0)
                a1 = (Int(p[1]) &+ ((a1 &+ Int(q[1])) &>> 1)) & 0xFF; p[1] = UInt8(truncatingIfNeeded: a1)
                a2 = (Int(p[2]) &+ ((a2 &+ Int(q[2])) &>> 1)) & 0xFF; p[2] = UInt8(truncatingIfNeeded: a2)
                if pixel == 4 { a3 = (Int(p[3]) &+ ((a3 &+ Int(q[3])) &>> 1)) & 0xFF; p[3] = UInt8(truncatingIfNeeded: a3) }
                offset &+= pixel
            }
            return
        }
        @inline(__always) func predict(_ a: Int, _ b: Int, _ c: Int) -> Int {
            let pa = Swift.abs(b &- c), pb = Swift.abs(a &- c), pc = Swift.abs(a &+ b &- c &- c)
            let (nearer, distance) = pa <= pb ? (a, pa) : (b, pb)
            return distance <= pc ? nearer : c
        }
        for _ in 0..<pixels {
            let p = current + offset, q = above + offset
            let b0 = Int(q[0]), b1 = Int(q[1]), b2 = Int(q[2])
            a0 = (Int(p[0]) &+ predict(a0, b0, c0)) & 0xFF; p[0] = UInt8(truncatingIfNeeded: a0); c0 = b0
            a1 = (Int(p[1]) &+ predict(a1, b1, c1)) & 0xFF; p[1] = UInt8(truncatingIfNeeded: a1); c1 = b1
            a2 = (Int(p[2]) &+ predict(a2, b2, c2)) & 0xFF; p[2] = UInt8(truncatingIfNeeded: a2); c2 = b2
            if pixel == 4 {
                let b3 = Int(q[3])
                a3 = (Int(p[3]) &+ predict(a3, b3, c3)) & 0xFF; p[3] = UInt8(truncatingIfNeeded: a3); c3 = b3
            }
            offset &+= pixel
        }
    }

    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let ia = Int16(a), ib = Int16(b), ic = Int16(c)
        let pa = abs(ib - ic), pb = abs(ia - ic), pc = abs(ia + ib - 2 * ic)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Output channels for a header, with expanded palettes and colour keys.
    static func outputChannels(_ header: Header, transparency: [UInt8]?) -> Int {
        switch header.colorType {
        case 3: transparency == nil ? 3 : 4
        case 0: transparency == nil ? 1 : 2
        case 2: transparency == nil ? 3 : 4
        default: header.storedChannels
        }
    }

    /// Unfilters `inflated` in place and expands it into pixels.
    static func reconstruct(_ inflated: inout [UInt8], header: Header, palette: [UInt8], transparency: [UInt8]?) throws(ImageError) -> RawImage {
        let keyLength = header.colorType == 0 ? 2 : header.colorType == 2 ? 6 : nil as Int?
        if let transparency {
            switch header.colorType {
            case 3:
                guard transparency.count <= palette.count / 3 else {
                    throw .malformed(format: "PNG", reason: "tRNS has more entries than the palette")
                }
            case 0, 2:
                guard transparency.count == keyLength else {
                    throw .malformed(format: "PNG", reason: "a tRNS chunk of \(transparency.count) bytes for colour type \(header.colorType)")
                }
            default:
                throw .malformed(format: "PNG", reason: "tRNS with colour type \(header.colorType), which has alpha")
            }
        }
        let channels = outputChannels(header, transparency: transparency)
        let outputDepth = header.bitDepth == 16 ? 16 : 8
        var image = RawImage(uninitializedWidth: header.width, height: header.height, channels: channels, bitDepth: outputDepth)
        let expansion = Expansion(header: header, palette: palette, transparency: transparency, channels: channels)
        try inflated.withUnsafeMutableBufferPointer { data throws(ImageError) in
            try image.bytes.withUnsafeMutableBufferPointer { output throws(ImageError) in
                var offset = 0
                for (pass, size) in passSizes(header).enumerated() where size.width > 0 && size.height > 0 {
                    let rowBytes = header.rowBytes(width: size.width)
                    let start = data.baseAddress! + offset
                    try unfilter(start, rows: size.height, rowBytes: rowBytes, stride: header.filterStride)
                    let (x0, y0, dx, dy) = header.interlaced ? adam7[pass] : (0, 0, 1, 1)
                    for row in 0..<size.height {
                        expansion.expand(row: start + row * (rowBytes + 1) + 1, count: size.width,
                                         into: output.baseAddress!, y: y0 + row * dy, x0: x0, dx: dx)
                    }
                    offset += size.height * (rowBytes + 1)
                }
            }
        }
        return image
    }

    /// Turns stored samples into output pixels: unpacks low bit depths, byte-swaps 16-bit
    /// samples, looks up palettes and applies colour keys.
    struct Expansion {
        let header: Header
        let width: Int
        let channels: Int
        /// RGBA per palette entry (256 entries, missing ones black and opaque).
        let paletteRGBA: [UInt8]
        /// The colour key as 16-bit samples (gray, or R, G, B), when there is one.
        let key: [UInt16]?

        init(header: Header, palette: [UInt8], transparency: [UInt8]?, channels: Int) {
            self.header = header
            self.width = header.width
            self.channels = channels
            var rgba = [UInt8](repeating: 0, count: 1024)
            for entry in 0..<256 {
                if entry * 3 + 2 < palette.count {
                    rgba[entry * 4] = palette[entry * 3]
                    rgba[entry * 4 + 1] = palette[entry * 3 + 1]
                    rgba[entry * 4 + 2] = palette[entry * 3 + 2]
                }
                rgba[entry * 4 + 3] = header.colorType == 3 && entry < (transparency?.count ?? 0) ? transparency![entry] : 255
            }
            paletteRGBA = rgba
            if let transparency, header.colorType == 0 || header.colorType == 2 {
                key = stride(from: 0, to: transparency.count, by: 2).map { UInt16(transparency[$0]) << 8 | UInt16(transparency[$0 + 1]) }
            } else {
                key = nil
            }
        }

        /// Writes `count` pixels of one stored row to output row `y`, columns `x0`, `x0 + dx`, ...
        func expand(row: UnsafeMutablePointer<UInt8>, count: Int, into output: UnsafeMutablePointer<UInt8>, y: Int, x0: Int, dx: Int) {
            let depth = header.bitDepth
            if depth == 16 {
                let out = UnsafeMutableRawPointer(output).assumingMemoryBound(to: UInt16.self) + y * width * channels
                let stored = header.storedChannels
                for i in 0..<count {
                    let pixel = out + (x0 + i * dx) * channels
                    let source = row + i * stored * 2
                    var matchesKey = key != nil
                    for c in 0..<stored {
                        let value = UInt16(source[2 * c]) << 8 | UInt16(source[2 * c + 1])
                        pixel[c] = value
                        if let key, key[c] != value { matchesKey = false }
                    }
                    if key != nil { pixel[stored] = matchesKey ? 0 : 0xFFFF }
                }
                return
            }
            let out = output + y * width * channels
            if depth == 8 && header.colorType != 3 && key == nil {
                let stored = header.storedChannels
                if dx == 1 {
                    (out + x0 * channels).update(from: row, count: count * stored)
                } else {
                    for i in 0..<count {
                        let pixel = out + (x0 + i * dx) * channels
                        for c in 0..<stored { pixel[c] = row[i * stored + c] }
                    }
                }
                return
            }
            if depth == 8 && key != nil {
                let stored = header.storedChannels
                for i in 0..<count {
                    let pixel = out + (x0 + i * dx) * channels
                    var matchesKey = true
                    for c in 0..<stored {
                        pixel[c] = row[i * stored + c]
                        if key![c] != UInt16(row[i * stored + c]) { matchesKey = false }
                    }
                    pixel[stored] = matchesKey ? 0 : 255
                }
                return
            }
            // One sample per pixel at 1, 2, 4 or 8 bits: gray or palette index.
            let mask = UInt8(truncatingIfNeeded: (1 << depth) - 1)
            let scale = UInt8(255 / Int(mask))
            paletteRGBA.withUnsafeBufferPointer { palette in
                for i in 0..<count {
                    let bit = i * depth
                    let sample = (row[bit >> 3] >> UInt8(8 - depth - (bit & 7))) & mask
                    let pixel = out + (x0 + i * dx) * channels
                    if header.colorType == 3 {
                        let entry = palette.baseAddress! + Int(sample) * 4
                        for c in 0..<channels { pixel[c] = entry[c] }
                    } else {
                        pixel[0] = sample &* scale
                        if let key { pixel[1] = UInt16(sample) == key[0] ? 0 : 255 }
                    }
                }
            }
        }
    }
}

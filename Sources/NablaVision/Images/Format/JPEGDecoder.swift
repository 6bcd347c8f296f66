/// A JPEG decoder (ITU T.81 / JFIF): baseline and extended sequential (SOF0, SOF1) and
/// progressive (SOF2) Huffman-coded 8-bit images, gray or YCbCr with any integral chroma
/// subsampling, restart intervals, and the EXIF orientation applied on request.
///
/// Pixels match libjpeg-turbo's (and so Pillow's) within rounding: the accurate integer
/// IDCT, "fancy" triangular upsampling of 2x subsampled chroma, and libjpeg's fixed-point
/// YCbCr to RGB conversion. Arithmetic coding, lossless and hierarchical modes, 12-bit
/// samples and CMYK/YCCK (four components) throw ``ImageError/unsupported(format:feature:)``.
enum JPEGDecoder {
    /// Whether `bytes` starts with a JPEG start-of-image marker.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    }

    /// The zig-zag order: `zigzag[k]` is the natural index of the k-th coefficient; 16
    /// extra entries keep a corrupt run from reading past the table.
    static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
        54, 47, 55, 62, 63,
    ] + [Int](repeating: 63, count: 16)

    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default, applyOrientation: Bool = true) throws(ImageError) -> RawImage {
        guard matches(bytes), let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .malformed(format: "JPEG", reason: "no start-of-image marker")
        }
        let decoder = JPEGDecoderState(data: base, count: bytes.count, limits: limits)
        let image = try decoder.run()
        if applyOrientation, let orientation = decoder.orientation { return image.oriented(orientation) }
        return image
    }
}

/// One image component (Y, Cb, Cr or gray) and the buffers it decodes into.
struct JPEGComponent {
    var id: Int
    var h: Int
    var v: Int
    var quantTable: Int
    /// Its size in samples, before upsampling.
    var width = 0
    var height = 0
    /// Blocks per row and per column, padded to whole MCUs.
    var blocksPerLine = 0
    var blocksPerColumn = 0
    var dcTable = 0
    var acTable = 0
    var predictor = 0
}

final class JPEGDecoderState {
    let data: UnsafePointer<UInt8>
    let count: Int
    let limits: ImageLimits
    var position = 2

    /// Four quantization tables of 64 entries (natural order).
    let quantTables = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * 64)
    var quantDefined = [false, false, false, false]
    var dcTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var acTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var components: [JPEGComponent] = []
    var width = 0, height = 0
    var progressive = false
    var restartInterval = 0
    var maxH = 1, maxV = 1
    var mcusPerLine = 0, mcusPerColumn = 0
    var orientation: ImageOrientation?
    var adobeTransform: Int?
    var sawJFIF = false
    var frameSeen = false
    var scansDecoded = 0

    /// Component planes of decoded samples (`blocksPerLine * 8` wide).
    var planes: [UnsafeMutablePointer<UInt8>] = []
    /// Progressive mode: every component's quantised coefficients, 64 per block.
    var coefficients: [UnsafeMutablePointer<Int16>] = []
    var eobRun = 0
    let block = UnsafeMutablePointer<Int16>.allocate(capacity: 64)

    init(data: UnsafePointer<UInt8>, count: Int, limits: ImageLimits) {
        self.data = data
        self.count = count
        self.limits = limits
    }

    deinit {
        block.deallocate()
        quantTables.deallocate()
        for plane in planes { plane.deallocate() }
        for buffer in coefficients { buffer.deallocate() }
    }

    func segmentLength() throws(ImageError) -> Int {
        guard position + 2 <= count else { throw .truncated(format: "JPEG", section: "a marker segment's length") }
        let length = Int(data[position]) << 8 | Int(data[position + 1])
        guard length >= 2 else { throw .malformed(format: "JPEG", reason: "a marker segment of length \(length)") }
        guard position + length <= count else { throw .truncated(format: "JPEG", section: "a marker segment") }
        return length
    }

    func run() throws(ImageError) -> RawImage {
        while true {
            // Find the next marker, skipping fill bytes.
            guard position + 2 <= count else { throw .truncated(format: "JPEG", section: "the marker stream (no end-of-image)") }
            guard data[position] == 0xFF else {
                throw .malformed(format: "JPEG", reason: "expected a marker at offset \(position), found \(data[position])")
            }
            var marker = Int(data[position + 1])
            position += 2
            while marker == 0xFF {
                guard position < count else { throw .truncated(format: "JPEG", section: "the marker stream") }
                marker = Int(data[position])
                position += 1
            }
            switch marker {
            case 0xD8:
                throw .malformed(format: "JPEG", reason: "a second start-of-image marker")
            case 0xD9:
                guard frameSeen, scansDecoded > 0 else { throw .malformed(format: "JPEG", reason: "end of image before any scan") }
                return try finish()
            case 0xD0...0xD7, 0x01:
                continue
            case 0xC0, 0xC1, 0xC2:
                try readFrame(progressive: marker == 0xC2)
            case 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                throw .unsupported(format: "JPEG", feature: "SOF\(marker - 0xC0) (lossless, hierarchical or arithmetic coding)")
            case 0xC4:
                try readHuffmanTables()
            case 0xCC:
                throw .unsupported(format: "JPEG", feature: "arithmetic coding")
            case 0xDB:
                try readQuantizationTables()
            case 0xDD:
                let length = try segmentLength()
                guard length == 4 else { throw .malformed(format: "JPEG", reason: "a DRI segment of length \(length)") }
                restartInterval = Int(data[position + 2]) << 8 | Int(data[position + 3])
                position += length
            case 0xDA:
                try readScan()
            case 0xDC:
                throw .unsupported(format: "JPEG", feature: "a DNL marker (height defined after the scan)")
            case 0xE1:
                let length = try segmentLength()
                if orientation == nil {
                    orientation = EXIF.orientation(UnsafeRawBufferPointer(start: data + position + 2, count: length - 2))
                }
                position += length
            case 0xEE:
                let length = try segmentLength()
                if length >= 14, data[position + 2] == 0x41, data[position + 3] == 0x64, data[position + 4] == 0x6F,
                   data[position + 5] == 0x62, data[position + 6] == 0x65 {
                    adobeTransform = Int(data[position + 13])
                }
                position += length
            case 0xE0:
                let length = try segmentLength()
                if length >= 7, data[position + 2] == 0x4A, data[position + 3] == 0x46, data[position + 4] == 0x49,
                   data[position + 5] == 0x46, data[position + 6] == 0 {
                    sawJFIF = true
                }
                position += length
            default:
                // APPn, COM and other segments with a length.
                position += try segmentLength()
            }
        }
    }

    func readQuantizationTables() throws(ImageError) {
        let end = position + (try segmentLength())
        position += 2
        while position < end {
            let precision = Int(data[position] >> 4), index = Int(data[position] & 15)
            position += 1
            guard precision <= 1, index < 4 else { throw .malformed(format: "JPEG", reason: "quantization table \(index) of precision \(precision)") }
            let size = precision == 0 ? 64 : 128
            guard position + size <= end else { throw .truncated(format: "JPEG", section: "a quantization table") }
            let table = quantTables + 64 * index
            for k in 0..<64 {
                let value = precision == 0 ? Int32(data[position + k]) : Int32(data[position + 2 * k]) << 8 | Int32(data[position + 2 * k + 1])
                table[JPEGDecoder.zigzag[k]] = value
            }
            quantDefined[index] = true
            position += size
        }
        guard position == end else { throw .malformed(format: "JPEG", reason: "a DQT segment's length does not match its tables") }
    }

    func readHuffmanTables() throws(ImageError) {
        let end = position + (try segmentLength())
        position += 2
        while position < end {
            guard position + 17 <= end else { throw .truncated(format: "JPEG", section: "a Huffman table") }
            let tableClass = Int(data[position] >> 4), index = Int(data[position] & 15)
            guard tableClass <= 1, index < 4 else { throw .malformed(format: "JPEG", reason: "Huffman table class \(tableClass), index \(index)") }
            var counts = [Int](repeating: 0, count: 16)
            var total = 0
            for length in 0..<16 {
                counts[length] = Int(data[position + 1 + length])
                total += counts[length]
            }
            position += 17
            guard total <= 256, position + total <= end else { throw .malformed(format: "JPEG", reason: "a Huffman table of \(total) symbols") }
            let symbols = Array(UnsafeBufferPointer(start: data + position, count: total))
            position += total
            let table = try JPEGHuffmanTable(counts: counts, symbols: symbols)
            if tableClass == 0 { dcTables[index] = table } else { acTables[index] = table }
        }
        guard position == end else { throw .malformed(format: "JPEG", reason: "a DHT segment's length does not match its tables") }
    }

    func readFrame(progressive: Bool) throws(ImageError) {
        guard !frameSeen else { throw .unsupported(format: "JPEG", feature: "more than one frame") }
        frameSeen = true
        self.progressive = progressive
        let length = try segmentLength()
        guard length >= 8 else { throw .malformed(format: "JPEG", reason: "a frame header of length \(length)") }
        let p = position + 2
        guard data[p] == 8 else { throw .unsupported(format: "JPEG", feature: "\(data[p])-bit samples") }
        height = Int(data[p + 1]) << 8 | Int(data[p + 2])
        width = Int(data[p + 3]) << 8 | Int(data[p + 4])
        let componentCount = Int(data[p + 5])
        guard height > 0 else { throw .unsupported(format: "JPEG", feature: "a height defined by a DNL marker") }
        guard componentCount == 1 || componentCount == 3 else {
            throw .unsupported(format: "JPEG", feature: "\(componentCount) components (only gray and YCbCr/RGB)")
        }
        guard length == 8 + 3 * componentCount else { throw .malformed(format: "JPEG", reason: "a frame header of length \(length)") }
        try limits.check(width: width, height: height, format: "JPEG")
        // Every 8 x 8 block costs at least one bit of entropy-coded data (its DC code), so a
        // file shorter than pixels / 512 bytes cannot hold the image: refuse before allocating.
        guard width * height / 512 <= count else {
            throw .truncated(format: "JPEG", section: "the file (\(count) bytes cannot code \(width) x \(height) pixels)")
        }
        for c in 0..<componentCount {
            let q = p + 6 + 3 * c
            let h = Int(data[q + 1] >> 4), v = Int(data[q + 1] & 15), table = Int(data[q + 2])
            guard (1...4).contains(h), (1...4).contains(v), table < 4 else {
                throw .malformed(format: "JPEG", reason: "component sampling \(h)x\(v), quantization table \(table)")
            }
            guard !components.contains(where: { $0.id == Int(data[q]) }) else {
                throw .malformed(format: "JPEG", reason: "two components with id \(data[q])")
            }
            components.append(JPEGComponent(id: Int(data[q]), h: h, v: v, quantTable: table))
        }
        position += length
        maxH = components.map(\.h).max()!
        maxV = components.map(\.v).max()!
        for component in components where maxH % component.h != 0 || maxV % component.v != 0 {
            throw .unsupported(format: "JPEG", feature: "non-integral chroma subsampling \(component.h)x\(component.v) of \(maxH)x\(maxV)")
        }
        mcusPerLine = (width + 8 * maxH - 1) / (8 * maxH)
        mcusPerColumn = (height + 8 * maxV - 1) / (8 * maxV)
        for index in components.indices {
            var component = components[index]
            component.width = (width * component.h + maxH - 1) / maxH
            component.height = (height * component.v + maxV - 1) / maxV
            component.blocksPerLine = mcusPerLine * component.h
            component.blocksPerColumn = mcusPerColumn * component.v
            components[index] = component
            let samples = component.blocksPerLine * component.blocksPerColumn * 64
            let plane = UnsafeMutablePointer<UInt8>.allocate(capacity: samples)
            plane.initialize(repeating: 128, count: samples)
            planes.append(plane)
            if progressive {
                let buffer = UnsafeMutablePointer<Int16>.allocate(capacity: samples)
                buffer.initialize(repeating: 0, count: samples)
                coefficients.append(buffer)
            }
        }
    }

    func readScan() throws(ImageError) {
        guard frameSeen else { throw .malformed(format: "JPEG", reason: "a scan before the frame header") }
        let length = try segmentLength()
        let p = position + 2
        guard length >= 6 else { throw .malformed(format: "JPEG", reason: "a scan header of length \(length)") }
        let scanCount = Int(data[p])
        guard scanCount >= 1, scanCount <= components.count, length == 6 + 2 * scanCount else {
            throw .malformed(format: "JPEG", reason: "a scan of \(scanCount) components, header length \(length)")
        }
        var scanComponents: [Int] = []
        for s in 0..<scanCount {
            let id = Int(data[p + 1 + 2 * s]), tables = Int(data[p + 2 + 2 * s])
            guard let index = components.firstIndex(where: { $0.id == id }), !scanComponents.contains(index) else {
                throw .malformed(format: "JPEG", reason: "a scan names component \(id)")
            }
            guard tables >> 4 < 4, tables & 15 < 4 else { throw .malformed(format: "JPEG", reason: "Huffman table selector \(tables)") }
            components[index].dcTable = tables >> 4
            components[index].acTable = tables & 15
            scanComponents.append(index)
        }
        let q = p + 1 + 2 * scanCount
        let spectralStart = Int(data[q]), spectralEnd = Int(data[q + 1])
        let high = Int(data[q + 2] >> 4), low = Int(data[q + 2] & 15)
        position += length
        if progressive {
            guard spectralStart <= spectralEnd, spectralEnd <= 63, low <= 13,
                  (spectralStart == 0) == (spectralEnd == 0), spectralStart == 0 || scanCount == 1 else {
                throw .malformed(format: "JPEG", reason: "progressive scan Ss=\(spectralStart) Se=\(spectralEnd) Ah=\(high) Al=\(low)")
            }
        }
        for index in scanComponents {
            let component = components[index]
            guard quantDefined[component.quantTable] || progressive else {
                throw .malformed(format: "JPEG", reason: "component \(component.id) uses undefined quantization table \(component.quantTable)")
            }
            let needsDC = !progressive || (spectralStart == 0 && high == 0)
            let needsAC = !progressive || spectralStart > 0
            if needsDC && dcTables[component.dcTable] == nil || needsAC && acTables[component.acTable] == nil {
                throw .malformed(format: "JPEG", reason: "a scan uses an undefined Huffman table")
            }
            components[index].predictor = 0
        }
        eobRun = 0
        var reader = JPEGBitReader(data: data, end: count, position: position)
        try decodeScan(&reader, scanComponents: scanComponents, spectralStart: spectralStart, spectralEnd: spectralEnd, high: high, low: low)
        if reader.overran {
            if reader.reachedMarker || reader.position < count {
                throw .corruptData(format: "JPEG", reason: "the entropy-coded data ends before the scan's last block")
            }
            throw .truncated(format: "JPEG", section: "the entropy-coded data of a scan")
        }
        // Continue at the marker after the scan (past any bytes the decoder did not need).
        var next = reader.position
        while next + 1 < count && !(data[next] == 0xFF && data[next + 1] != 0 && !(0xD0...0xD7).contains(data[next + 1])) {
            next += 1
        }
        guard next + 1 < count else { throw .truncated(format: "JPEG", section: "the data after a scan (no end-of-image)") }
        position = next
        scansDecoded += 1
    }

    /// What the block loops need of one component of a scan, as plain values and pointers.
    struct ScanComponent {
        var dc: JPEGHuffmanPointers?
        var ac: JPEGHuffmanPointers?
        var quant: UnsafePointer<Int32>
        var plane: UnsafeMutablePointer<UInt8>
        var coefficients: UnsafeMutablePointer<Int16>?
        var stride: Int
        var blocksPerLine: Int
        var h: Int
        var v: Int
        var predictor = 0
    }

    /// Decodes the MCUs (or, for one component, the blocks) of a scan.
    func decodeScan(_ reader: inout JPEGBitReader, scanComponents: [Int], spectralStart: Int, spectralEnd: Int, high: Int, low: Int) throws(ImageError) {
        let single = scanComponents.count == 1
        let unitsPerLine: Int, unitsPerColumn: Int
        if single {
            let component = components[scanComponents[0]]
            unitsPerLine = (component.width + 7) / 8
            unitsPerColumn = (component.height + 7) / 8
        } else {
            unitsPerLine = mcusPerLine
            unitsPerColumn = mcusPerColumn
        }
        var scan = scanComponents.map { index in
            let component = components[index]
            return ScanComponent(
                dc: dcTables[component.dcTable]?.pointers, ac: acTables[component.acTable]?.pointers,
                quant: UnsafePointer(quantTables + 64 * component.quantTable), plane: planes[index],
                coefficients: progressive ? coefficients[index] : nil, stride: component.blocksPerLine * 8,
                blocksPerLine: component.blocksPerLine, h: single ? 1 : component.h, v: single ? 1 : component.v)
        }
        let total = unitsPerLine * unitsPerColumn
        var untilRestart = restartInterval
        try withExtendedLifetime((dcTables, acTables)) { () throws(ImageError) in
            try JPEGDecoder.zigzag.withUnsafeBufferPointer { zigzag throws(ImageError) in
                let zigzag = zigzag.baseAddress!
                try scan.withUnsafeMutableBufferPointer { scan throws(ImageError) in
                    for unit in 0..<total {
                        if restartInterval > 0 {
                            if untilRestart == 0 {
                                if reader.overran { throw .corruptData(format: "JPEG", reason: "a restart interval ends early") }
                                _ = reader.restart()
                                for c in scan.indices { scan[c].predictor = 0 }
                                eobRun = 0
                                untilRestart = restartInterval
                            }
                            untilRestart -= 1
                        }
                        let unitY = unit / unitsPerLine, unitX = unit - unitY * unitsPerLine
                        for c in scan.indices {
                            for by in 0..<scan[c].v {
                                for bx in 0..<scan[c].h {
                                    let blockX = unitX * scan[c].h + bx, blockY = unitY * scan[c].v + by
                                    if progressive {
                                        try decodeProgressive(&reader, &scan[c], blockX: blockX, blockY: blockY, zigzag: zigzag,
                                                              spectralStart: spectralStart, spectralEnd: spectralEnd, high: high, low: low)
                                    } else {
                                        try decodeSequential(&reader, &scan[c], blockX: blockX, blockY: blockY, zigzag: zigzag)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A baseline block: DC difference, then run-length coded AC coefficients, then the IDCT
    /// straight into the component's plane.
    @inline(__always)
    func decodeSequential(_ state: inout JPEGBitReader, _ component: inout ScanComponent, blockX: Int, blockY: Int,
                          zigzag: UnsafePointer<Int>) throws(ImageError) {
        // A local copy keeps the bit buffer in registers; it is written back on every exit.
        var reader = state
        defer { state = reader }
        let output = component.plane + blockY * 8 * component.stride + blockX * 8
        // Each symbol and its magnitude bits take at most 32 bits: refill once per pair.
        if reader.count < 32 { reader.fill() }
        let size = try reader.decode(component.dc.unsafelyUnwrapped)
        guard size <= 16 else { throw .corruptData(format: "JPEG", reason: "a DC difference of \(size) bits") }
        component.predictor &+= reader.receiveExtendBuffered(size)
        let ac = component.ac.unsafelyUnwrapped
        var k = 1
        var sawAC = false
        while k < 64 {
            if reader.count < 32 { reader.fill() }
            let fast = ac.fastAC[Int(truncatingIfNeeded: reader.buffer &>> UInt64(64 - JPEGHuffmanTable.lookupBits))]
            let value: Int
            if fast != 0 {
                let used = Int(fast & 0xFF)
                reader.buffer &<<= UInt64(used)
                reader.count &-= used
                k &+= Int((fast &>> 8) & 0xFF)
                value = Int(fast &>> 16)
            } else {
                let symbol = try reader.decode(ac)
                let run = symbol &>> 4, size = symbol & 15
                if size == 0 {
                    if run != 15 { break }
                    k &+= 16
                    continue
                }
                k &+= run
                value = reader.receiveExtendBuffered(size)
            }
            guard k < 64 else { throw .corruptData(format: "JPEG", reason: "AC coefficients run past the block") }
            if !sawAC {
                block.initialize(repeating: 0, count: 64)
                sawAC = true
            }
            block[zigzag[k]] = Int16(truncatingIfNeeded: value)
            k &+= 1
        }
        if !sawAC {
            // Only a DC coefficient: the IDCT gives one flat value (its shortcut paths' arithmetic).
            let dc = Int32(truncatingIfNeeded: Int16(truncatingIfNeeded: component.predictor)) &* component.quant[0]
            let value = JPEGIDCT.clamp(((dc &<< 2) &+ 16) &>> 5 &+ 128)
            for row in 0..<8 { (output + row * component.stride).initialize(repeating: value, count: 8) }
            return
        }
        block[0] = Int16(truncatingIfNeeded: component.predictor)
        JPEGIDCT.transform(block, quant: component.quant, output: output, stride: component.stride)
    }

    @inline(__always)
    func decodeProgressive(_ reader: inout JPEGBitReader, _ component: inout ScanComponent, blockX: Int, blockY: Int, zigzag: UnsafePointer<Int>,
                           spectralStart: Int, spectralEnd: Int, high: Int, low: Int) throws(ImageError) {
        let coefficients = component.coefficients.unsafelyUnwrapped + (blockY * component.blocksPerLine + blockX) * 64
        if spectralStart == 0 {
            if high == 0 {
                let size = try reader.decode(component.dc.unsafelyUnwrapped)
                guard size <= 16 else { throw .corruptData(format: "JPEG", reason: "a DC difference of \(size) bits") }
                component.predictor &+= reader.receiveExtend(size)
                coefficients[0] = Int16(truncatingIfNeeded: component.predictor &<< low)
            } else if reader.bit() == 1 {
                coefficients[0] |= Int16(truncatingIfNeeded: 1 << low)
            }
            return
        }
        if high == 0 {
            try decodeACFirst(&reader, coefficients, component.ac.unsafelyUnwrapped, zigzag, spectralStart, spectralEnd, low)
        } else {
            try decodeACRefine(&reader, coefficients, component.ac.unsafelyUnwrapped, zigzag, spectralStart, spectralEnd, low)
        }
    }

    /// A progressive AC first scan (spectral selection, successive approximation's first bits).
    func decodeACFirst(_ state: inout JPEGBitReader, _ coefficients: UnsafeMutablePointer<Int16>, _ table: JPEGHuffmanPointers,
                       _ zigzag: UnsafePointer<Int>, _ start: Int, _ end: Int, _ low: Int) throws(ImageError) {
        if eobRun > 0 {
            eobRun -= 1
            return
        }
        var reader = state
        defer { state = reader }
        var k = start
        while k <= end {
            if reader.count < 32 { reader.fill() }
            // The one-lookup path of baseline blocks serves here too: same symbols, the
            // value then scaled by the scan's point transform.
            let fast = table.fastAC[Int(truncatingIfNeeded: reader.buffer &>> UInt64(64 - JPEGHuffmanTable.lookupBits))]
            let value: Int
            if fast != 0 {
                let used = Int(fast & 0xFF)
                reader.buffer &<<= UInt64(used)
                reader.count &-= used
                k &+= Int((fast &>> 8) & 0xFF)
                value = Int(fast &>> 16)
            } else {
                let symbol = try reader.decode(table)
                let run = symbol >> 4, size = symbol & 15
                if size == 0 {
                    if run < 15 {
                        eobRun = (1 << run) - 1 + reader.bits(run)
                        break
                    }
                    k += 16
                    continue
                }
                k += run
                value = reader.receiveExtendBuffered(size)
            }
            guard k <= end else { throw .corruptData(format: "JPEG", reason: "AC coefficients run past the band") }
            coefficients[zigzag[k]] = Int16(truncatingIfNeeded: value &<< low)
            k += 1
        }
    }

    /// A progressive AC refinement scan: one more bit of every nonzero coefficient in the
    /// band, and newly nonzero coefficients of magnitude `1 << low`.
    func decodeACRefine(_ reader: inout JPEGBitReader, _ coefficients: UnsafeMutablePointer<Int16>, _ table: JPEGHuffmanPointers,
                        _ zigzag: UnsafePointer<Int>, _ start: Int, _ end: Int, _ low: Int) throws(ImageError) {
        let plus = 1 << low, minus = -1 << low
        var k = start
        @inline(__always) func refine(_ z: Int) {
            let value = Int(coefficients[z])
            if reader.bit() == 1 && value & plus == 0 {
                coefficients[z] = Int16(truncatingIfNeeded: value >= 0 ? value + plus : value + minus)
            }
        }
        if eobRun == 0 {
            while k <= end {
                let symbol = try reader.decode(table)
                var run = symbol >> 4
                let size = symbol & 15
                var value = 0
                if size != 0 {
                    guard size == 1 else { throw .corruptData(format: "JPEG", reason: "a refinement coefficient of \(size) bits") }
                    value = reader.bit() == 1 ? plus : minus
                } else if run != 15 {
                    eobRun = (1 << run) + reader.bits(run)
                    break
                }
                while k <= end {
                    let z = zigzag[k]
                    if coefficients[z] != 0 {
                        refine(z)
                    } else {
                        if run == 0 {
                            if value != 0 { coefficients[z] = Int16(truncatingIfNeeded: value) }
                            k += 1
                            break
                        }
                        run -= 1
                    }
                    k += 1
                }
            }
        }
        if eobRun > 0 {
            while k <= end {
                let z = zigzag[k]
                if coefficients[z] != 0 { refine(z) }
                k += 1
            }
            eobRun -= 1
        }
    }

    /// After the last scan: the IDCT of progressive coefficients, then upsampling and
    /// colour conversion into interleaved pixels.
    func finish() throws(ImageError) -> RawImage {
        if progressive {
            for (index, component) in components.enumerated() {
                guard quantDefined[component.quantTable] else {
                    throw .malformed(format: "JPEG", reason: "component \(component.id) uses undefined quantization table \(component.quantTable)")
                }
                let stride = component.blocksPerLine * 8
                let quant = UnsafePointer(quantTables + 64 * component.quantTable)
                for blockY in 0..<component.blocksPerColumn {
                    for blockX in 0..<component.blocksPerLine {
                        let block = coefficients[index] + (blockY * component.blocksPerLine + blockX) * 64
                        let output = planes[index] + blockY * 8 * stride + blockX * 8
                        // A block with only its DC coefficient is one flat value.
                        let raw = UnsafeRawPointer(block)
                        var ac = raw.loadUnaligned(as: SIMD8<Int16>.self) & SIMD8(0, -1, -1, -1, -1, -1, -1, -1)
                        for offset in Swift.stride(from: 16, to: 128, by: 16) { ac |= raw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int16>.self) }
                        if ac == .zero {
                            let dc = Int32(block[0]) &* quant[0]
                            let value = JPEGIDCT.clamp(((dc &<< 2) &+ 16) &>> 5 &+ 128)
                            for row in 0..<8 { (output + row * stride).initialize(repeating: value, count: 8) }
                        } else {
                            JPEGIDCT.transform(block, quant: quant, output: output, stride: stride)
                        }
                    }
                }
            }
        }
        let channels = components.count == 1 ? 1 : 3
        var image = RawImage(uninitializedWidth: width, height: height, channels: channels, bitDepth: 8)
        let isRGB = components.count == 3 && (adobeTransform == 0 || (!sawJFIF && adobeTransform == nil
            && components[0].id == 0x52 && components[1].id == 0x47 && components[2].id == 0x42))
        image.bytes.withUnsafeMutableBufferPointer { output in
            JPEGColor.convert(components: components, planes: planes, width: width, height: height, maxH: maxH, maxV: maxV,
                              rgb: isRGB, output: output.baseAddress!)
        }
        return image
    }
}

import Foundation
import NablaVision
import Testing

/// Whether `python3` can import Pillow here.
let pillowAvailable: Bool = {
    runPython("import PIL") != nil
}()

@Suite("Image encoding, errors and orientation")
struct ImageCodingTests {
    @Test("PNG round trip through Nabla: 8 and 16 bits, 1 to 4 channels")
    func pngRoundTrip() throws {
        for channels in 1...4 {
            let values: [UInt8] = (0..<(13 * 7 * channels)).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 37 + i / 5) }
            let image = try Tensor(values, shape: [13, 7, channels])
            let decoded = try Tensor.decodeImage(image.pngData())
            #expect(decoded.toArray(UInt8.self) == values, "\(channels) channels")
        }
        let wideValues: [Int32] = (0..<(5 * 6 * 3)).map { (i: Int) -> Int32 in Int32(i * 727 % 65536) }
        let wide = try Tensor(wideValues, shape: [3, 5, 6])
        let decoded = try Tensor.decodeImage(wide.pngData(layout: .chw, bitDepth: 16), layout: .chw)
        #expect(decoded.dtype == .int32)
        #expect(decoded.toArray(Int32.self) == wide.toArray(Int32.self))
    }

    @Test("Nabla's PNGs compress the photograph", arguments: ["rgb8.png"])
    func pngEncoderCompresses(_ file: String) throws {
        let image = try Tensor.readImage(imageFixturePath(file))
        let data = image.pngData()
        #expect(data.count < image.numel, "\(data.count) bytes for \(image.numel) samples")
        #expect(try Tensor.decodeImage(data).toArray(UInt8.self) == image.toArray(UInt8.self))
    }

    @Test("Pillow reads Nabla's PNGs as the same pixels, and Nabla reads Pillow's", .enabled(if: pillowAvailable, "needs python3 with Pillow"))
    func pillowRoundTrip() throws {
        let image = try Tensor.readImage(imageFixturePath("rgba8.png"))
        let path = temporaryPath("nabla.png")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try image.writePNG(to: path)
        let digest = runPython("from PIL import Image; import hashlib; im = Image.open('\(path)'); print(im.mode, im.size, hashlib.sha256(im.tobytes()).hexdigest())")
        let expected = runPython("from PIL import Image; import hashlib; im = Image.open('\(imageFixturePath("rgba8.png"))'); print(im.mode, im.size, hashlib.sha256(im.tobytes()).hexdigest())")
        #expect(digest != nil && digest == expected, "Pillow read \(digest ?? "nothing"), expected \(expected ?? "nothing")")

        let grayValues: [Int32] = (0..<(9 * 11)).map { (i: Int) -> Int32 in Int32(i * 661) }
        let gray16 = try Tensor(grayValues, shape: [9, 11])
        try gray16.writePNG(to: path, bitDepth: 16)
        let values = runPython("from PIL import Image; import numpy as np; print(' '.join(map(str, np.array(Image.open('\(path)')).ravel())))")
        #expect(values?.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } == gray16.toArray(Int32.self).map { Int($0) })

        // Pillow writes interlaced, palette-with-transparency and low-bit-depth PNGs.
        let script = """
        from PIL import Image; import numpy as np
        im = Image.open('\(imageFixturePath("rgb8.png"))').crop((0, 0, 37, 23))
        im.save('\(path).i.png', interlace=1)
        p = im.quantize(16); p.info['transparency'] = 3; p.save('\(path).p.png', transparency=3, bits=4)
        im.convert('1').save('\(path).b.png'); np.save('\(path).b.npy', np.array(Image.open('\(path).b.png').convert('L')))
        im.convert('L').save('\(path).t.png', transparency=128); np.save('\(path).t.npy', np.array(Image.open('\(path).t.png').convert('LA')))
        np.save('\(path).i.npy', np.array(Image.open('\(path).i.png')))
        np.save('\(path).p.npy', np.array(Image.open('\(path).p.png').convert('RGBA')))
        """
        #expect(runPython(script) != nil)
        defer { for suffix in [".i", ".p", ".b", ".t"] { for ext in [".png", ".npy"] { try? FileManager.default.removeItem(atPath: path + suffix + ext) } } }
        // Interlaced RGB, a 4-bit palette with a transparent entry, 1-bit gray, gray with a colour key.
        for suffix in [".i", ".p", ".b", ".t"] {
            var ours = try Tensor.readImage(path + suffix + ".png")
            let pillow = try Tensor.load(npy: path + suffix + ".npy")
            if pillow.ndim == 2 { ours = ours.squeeze(2) }
            #expect(ours.shape == pillow.shape, "\(suffix)")
            #expect(ours.toArray(UInt8.self) == pillow.toArray(UInt8.self), "\(suffix)")
        }
    }

    @Test("Every truncation of a PNG or JPEG throws, never crashes", arguments: ["gray8.png", "baseline_420_q75.jpg", "progressive_420_q80.jpg"])
    func truncatedFilesThrow(_ file: String) throws {
        let bytes = try imageFixtureBytes(file)
        for length in stride(from: 0, to: bytes.count - 2, by: max(1, bytes.count / 97)) {
            #expect(throws: ImageError.self, "\(file) cut at \(length)") { try RawImage(decoding: Array(bytes.prefix(length))) }
        }
    }

    @Test("Inputs the fuzzer found throw ImageError", arguments: ["fuzz_oversubscribed_huffman.jpg"])
    func fuzzFindingsThrow(_ file: String) throws {
        let bytes = try imageFixtureBytes(file)
        #expect(throws: ImageError.self) { try RawImage(decoding: bytes) }
    }

    @Test("A PNG chunk with a wrong CRC throws checksumMismatch")
    func pngCRCMismatch() throws {
        var bytes = try imageFixtureBytes("gray8.png")
        bytes[40] ^= 0x01  // inside the first IDAT's data
        #expect {
            try RawImage(decoding: bytes)
        } throws: { error in
            if case .checksumMismatch(format: "PNG", section: _, expected: _, actual: _) = error as? ImageError { return true }
            return false
        }
    }

    @Test("Corrupt deflate data in a PNG (with valid CRCs) throws corruptData")
    func pngCorruptDeflate() throws {
        let image = try Tensor([UInt8](repeating: 7, count: 64 * 64), shape: [64, 64])
        var bytes = image.pngData()
        // IDAT's data starts after the signature (8), IHDR (25) and IDAT's length and type (8).
        let start = 8 + 25 + 8
        let length = Int(bytes[33]) << 24 | Int(bytes[34]) << 16 | Int(bytes[35]) << 8 | Int(bytes[36])
        bytes[start + 2] = 0xFF  // block type 3 (reserved) from the first deflate byte
        let crc = crc32(Array(bytes[(start - 4)..<(start + length)]))
        bytes[start + length] = UInt8(crc >> 24); bytes[start + length + 1] = UInt8((crc >> 16) & 0xFF)
        bytes[start + length + 2] = UInt8((crc >> 8) & 0xFF); bytes[start + length + 3] = UInt8(crc & 0xFF)
        #expect {
            try RawImage(decoding: bytes)
        } throws: { error in
            if case .corruptData(format: "PNG", reason: _) = error as? ImageError { return true }
            return false
        }
    }

    @Test("Corrupt Huffman data in a JPEG throws")
    func jpegCorruptHuffman() throws {
        var bytes = try imageFixtureBytes("baseline_444_q95.jpg")
        // Overwrite the middle of the entropy-coded data with a run of 1-bits, no Huffman code.
        for i in (bytes.count / 2)..<(bytes.count / 2 + 64) { bytes[i] = 0xFF; if i % 2 == 1 { bytes[i] = 0x00 } }
        #expect(throws: ImageError.self) { try RawImage(decoding: bytes) }
    }

    @Test("Dimensions beyond the pixel limit throw before any allocation")
    func pixelLimit() throws {
        // A PNG header claiming 100000 x 100000 pixels, with valid CRC, and nothing else.
        var header: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        var body = Array("IHDR".utf8) + [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 2, 0, 0, 0]
        let crc = crc32(body)
        body += [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
        header += body
        #expect(throws: ImageError.tooManyPixels(width: 100_000, height: 100_000, limit: ImageLimits.defaultMaximumPixels)) {
            try RawImage(decoding: header)
        }
        // A JPEG whose frame header claims 10000 x 10000 pixels in a few kilobytes.
        var bomb = try imageFixtureBytes("gray_q90.jpg")
        if let sof = (0..<(bomb.count - 9)).first(where: { bomb[$0] == 0xFF && bomb[$0 + 1] == 0xC0 }) {
            bomb[sof + 5] = 0x27; bomb[sof + 6] = 0x10; bomb[sof + 7] = 0x27; bomb[sof + 8] = 0x10
        }
        #expect {
            try RawImage(decoding: bomb)
        } throws: { error in
            if case .truncated(format: "JPEG", section: _) = error as? ImageError { return true }
            return false
        }
        let jpeg = try imageFixtureBytes("gray_q90.jpg")
        #expect(throws: ImageError.tooManyPixels(width: 173, height: 131, limit: 1000)) {
            try RawImage(decoding: jpeg, limits: ImageLimits(maximumPixels: 1000))
        }
    }

    @Test("A JPEG's EXIF orientation is applied unless asked not to", arguments: ImageOrientation.allCases)
    func exifOrientation(_ orientation: ImageOrientation) throws {
        let plain = try imageFixtureBytes("baseline_444_q95.jpg")
        // APP1: "Exif\0\0", a big-endian TIFF header, one IFD entry: orientation (SHORT).
        var tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, UInt8(orientation.rawValue), 0, 0, 0, 0, 0, 0]
        tiff = Array("Exif".utf8) + [0, 0] + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((tiff.count + 2) >> 8), UInt8((tiff.count + 2) & 0xFF)] + tiff
        let tagged = Array(plain.prefix(2)) + segment + Array(plain.dropFirst(2))
        let stored = try RawImage(decoding: plain)
        #expect(try RawImage(decoding: tagged, applyOrientation: false) == stored)
        let upright = try Tensor.decodeImage(tagged)
        let expected: Tensor
        let hwc = stored.tensor()
        switch orientation {
        case .up: expected = hwc
        case .upMirrored: expected = hwc.flipped(dim: 1)
        case .down: expected = hwc.flipped(dim: 0).flipped(dim: 1)
        case .downMirrored: expected = hwc.flipped(dim: 0)
        case .leftMirrored: expected = hwc.permute(1, 0, 2)
        case .right: expected = hwc.permute(1, 0, 2).flipped(dim: 1)
        case .rightMirrored: expected = hwc.permute(1, 0, 2).flipped(dim: 0).flipped(dim: 1)
        case .left: expected = hwc.permute(1, 0, 2).flipped(dim: 0)
        }
        #expect(upright.shape == expected.shape)
        #expect(upright.toArray(UInt8.self) == expected.toArray(UInt8.self))
    }

    @Test("PGM and PPM, binary and plain, 8 and 16 bits")
    func netpbm() throws {
        let ppm = Array("P6\n# comment\n2 1\n255\n".utf8) + [1, 2, 3, 4, 5, 6]
        #expect(try Tensor.decodeImage(ppm).toArray(UInt8.self) == [1, 2, 3, 4, 5, 6])
        let plain = Array("P2 2 2 15 0 15\n 5 10".utf8)
        #expect(try Tensor.decodeImage(plain).toArray(UInt8.self) == [0, 255, 85, 170])
        let wide = Array("P5 2 1 65535\n".utf8) + [0x12, 0x34, 0xFF, 0xFE]
        #expect(try Tensor.decodeImage(wide).toArray(Int32.self) == [0x1234, 0xFFFE])
        #expect(throws: ImageError.self) { try RawImage(decoding: Array("P6 2 2 255\n".utf8) + [1, 2, 3]) }
        #expect(throws: ImageError.unknownFormat) { try RawImage(decoding: [1, 2, 3, 4]) }
    }

    @Test("CHW layout is the permuted HWC image")
    func chwLayout() throws {
        let bytes = try imageFixtureBytes("baseline_420_q75.jpg")
        let hwc = try Tensor.decodeImage(bytes), chw = try Tensor.decodeImage(bytes, layout: .chw)
        #expect(chw.shape == [3, hwc.shape[0], hwc.shape[1]])
        #expect(chw.toArray(UInt8.self) == hwc.permute(2, 0, 1).contiguous().toArray(UInt8.self))
    }
}

/// CRC-32 (zip's and PNG's), bit by bit, for building test files.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

extension Tensor {
    /// The tensor reversed along `dim` (a test helper).
    func flipped(dim: Int) -> Tensor {
        indexSelect(dim: dim, index: Tensor(Array((0..<shape[dim]).reversed()).map { Int64($0) }))
    }
}

import Foundation

/// Where the channels go in an image tensor.
public enum ImageLayout: Sendable {
    /// Height x width x channels, as Pillow's and NumPy's arrays hold pictures (and as
    /// ``ToTensor`` expects its `uint8` input).
    case hwc
    /// Channels x height x width, as `torchvision.io.decode_image` returns and as
    /// convolutions take.
    case chw
}

extension Tensor {
    /// Decodes a PNG, JPEG, PGM or PPM image held in memory into a tensor, like
    /// `torchvision.io.decode_image`.
    ///
    /// 8-bit images become `uint8` tensors; 16-bit ones (PNG, PGM/PPM) `int32` tensors
    /// holding 0...65535, since Nabla has no `uint16` dtype. A gray image keeps a channel
    /// dim of 1.
    ///
    /// ```swift
    /// let image = try Tensor.decodeImage(bytes)                 // [H, W, 3] uint8
    /// let planes = try Tensor.decodeImage(bytes, layout: .chw)  // [3, H, W] uint8
    /// ```
    ///
    /// - Throws: ``NablaVision/ImageError`` when the bytes are not a well-formed image within `limits`.
    public static func decodeImage(_ bytes: [UInt8], layout: ImageLayout = .hwc, limits: ImageLimits = .default,
                                   applyOrientation: Bool = true) throws(ImageError) -> Tensor {
        try RawImage(decoding: bytes, limits: limits, applyOrientation: applyOrientation).tensor(layout: layout)
    }

    /// Reads and decodes the image file at `path` (see ``decodeImage(_:layout:limits:applyOrientation:)``),
    /// like `torchvision.io.read_image`.
    public static func readImage(_ path: String, layout: ImageLayout = .hwc, limits: ImageLimits = .default,
                                 applyOrientation: Bool = true) throws(ImageError) -> Tensor {
        try decodeImage(try readImageFile(path), layout: layout, limits: limits, applyOrientation: applyOrientation)
    }

    /// The PNG file for an image tensor: `[H, W, C]` (or `[C, H, W]` with `layout: .chw`)
    /// with 1 to 4 channels, or `[H, W]` gray. `uint8` tensors give 8-bit files; with
    /// `bitDepth: 16`, integer tensors holding 0...65535 give 16-bit files.
    ///
    /// Values outside the sample range, float tensors and other shapes are programmer
    /// errors and trap with a message naming the shape and dtype (scale a float image
    /// to 0...255 and convert it to `uint8` first).
    public func pngData(layout: ImageLayout = .hwc, bitDepth: Int = 8) -> [UInt8] {
        rawImage(layout: layout, bitDepth: bitDepth, operation: "pngData").pngData()
    }

    /// Writes the tensor as a PNG file at `path` (see ``pngData(layout:bitDepth:)``).
    ///
    /// - Throws: ``NablaVision/ImageError/fileSystem(path:reason:)`` when the file cannot be written.
    public func writePNG(to path: String, layout: ImageLayout = .hwc, bitDepth: Int = 8) throws(ImageError) {
        let data = Data(pngData(layout: layout, bitDepth: bitDepth))
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw .fileSystem(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The pixels as a ``RawImage``, checked against the PNG encoder's rules.
    func rawImage(layout: ImageLayout, bitDepth: Int, operation: String) -> RawImage {
        guard bitDepth == 8 || bitDepth == 16 else { fatalError("\(operation): bitDepth must be 8 or 16, got \(bitDepth)") }
        guard ndim == 2 || ndim == 3, !dtype.isFloatingPoint, dtype != .bool, bitDepth == 16 || dtype == .uint8 else {
            fatalError("\(operation): expected an 8-bit uint8 image of shape [H, W], [H, W, C] or [C, H, W] (or an integer one for 16 bits), got \(dtype) of shape \(shape)")
        }
        var hwc = ndim == 2 ? unsqueeze(2) : self
        if ndim == 3 && layout == .chw { hwc = hwc.permute(1, 2, 0) }
        let (h, w, c) = (hwc.shape[0], hwc.shape[1], hwc.shape[2])
        guard (1...4).contains(c) else { fatalError("\(operation): an image needs 1 to 4 channels, got shape \(shape) (\(layout))") }
        if bitDepth == 8 {
            let bytes = hwc.contiguous().withUnsafeBytes { Array($0) }
            return RawImage(width: w, height: h, channels: c, bitDepth: 8, bytes: bytes)
        }
        let values = hwc.toArray(Int64.self)
        var bytes = [UInt8](repeating: 0, count: values.count * 2)
        bytes.withUnsafeMutableBytes { raw in
            for (i, value) in values.enumerated() {
                guard (0...65535).contains(value) else { fatalError("\(operation): a 16-bit sample must lie in 0...65535, got \(value) in shape \(shape)") }
                raw.storeBytes(of: UInt16(value), toByteOffset: 2 * i, as: UInt16.self)
            }
        }
        return RawImage(width: w, height: h, channels: c, bitDepth: 16, bytes: bytes)
    }
}

extension RawImage {
    /// A tensor holding the pixels: `uint8` for 8-bit samples, `int32` for 16-bit ones,
    /// `[H, W, C]` or `[C, H, W]`.
    public func tensor(layout: ImageLayout = .hwc) -> Tensor {
        let dtype: DType = bitDepth == 8 ? .uint8 : .int32
        let stored = Tensor.empty([height, width, channels], dtype: dtype)
        stored.withUnsafeMutableBytes { destination in
            bytes.withUnsafeBytes { source in
                if bitDepth == 8 {
                    destination.copyMemory(from: source)
                } else {
                    let out = destination.bindMemory(to: Int32.self)
                    let samples = source.bindMemory(to: UInt16.self)
                    for i in samples.indices { out[i] = Int32(samples[i]) }
                }
            }
        }
        return layout == .hwc ? stored : stored.permute(2, 0, 1).contiguous()
    }
}

/// The bytes of a file, or ``NablaVision/ImageError/fileSystem(path:reason:)``.
func readImageFile(_ path: String) throws(ImageError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw .fileSystem(path: path, reason: "cannot read the file")
    }
    return [UInt8](data)
}

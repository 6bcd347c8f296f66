/// The image file formats NablaVision reads.
public enum ImageFormat: String, Sendable, CaseIterable {
    /// Portable Network Graphics.
    case png
    /// JPEG (JFIF/EXIF).
    case jpeg
    /// Netpbm PGM and PPM.
    case pnm

    /// The format whose signature starts `bytes`, or nil.
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        if PNGDecoder.matches(bytes) { return .png }
        if JPEGDecoder.matches(bytes) { return .jpeg }
        if PNMDecoder.matches(bytes) { return .pnm }
        return nil
    }
}

extension RawImage {
    /// Decodes a PNG, JPEG, PGM or PPM image held in memory, recognised by its signature.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - limits: the pixel limit checked before anything sized by the header is allocated.
    ///   - applyOrientation: whether a JPEG's EXIF orientation is applied, so that the
    ///     pixels come out upright (as Pillow's `ImageOps.exif_transpose` gives them).
    /// - Throws: ``ImageError`` for anything but a well-formed image within `limits`.
    public init(decoding bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default, applyOrientation: Bool = true) throws(ImageError) {
        switch ImageFormat.detect(bytes) {
        case .png: self = try PNGDecoder.decode(bytes, limits: limits)
        case .jpeg: self = try JPEGDecoder.decode(bytes, limits: limits, applyOrientation: applyOrientation)
        case .pnm: self = try PNMDecoder.decode(bytes, limits: limits)
        case nil: throw .unknownFormat
        }
    }

    /// Decodes an image held in an array of bytes (see ``init(decoding:limits:applyOrientation:)``).
    public init(decoding bytes: [UInt8], limits: ImageLimits = .default, applyOrientation: Bool = true) throws(ImageError) {
        do {
            self = try bytes.withUnsafeBytes { raw in try RawImage(decoding: raw, limits: limits, applyOrientation: applyOrientation) }
        } catch let error as ImageError {
            throw error
        } catch {
            throw .malformed(format: "image", reason: "\(error)")
        }
    }
}

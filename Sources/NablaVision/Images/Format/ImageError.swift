/// Why an image could not be read or written.
///
/// Every decoder in NablaVision treats its input as untrusted: a truncated file, corrupt
/// compressed data, a checksum mismatch or a header describing more pixels than
/// ``ImageLimits/maximumPixels`` throws one of these cases, before any buffer sized by
/// the header is allocated. Each case's `description` names what was wrong and where.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes start with no signature NablaVision can decode (PNG, JPEG, PPM/PGM).
    case unknownFormat
    /// The data ends before `section` is complete.
    case truncated(format: String, section: String)
    /// A structure of the file breaks the format's rules.
    case malformed(format: String, reason: String)
    /// The file uses a feature of the format that NablaVision does not decode.
    case unsupported(format: String, feature: String)
    /// A chunk's stored CRC-32 (PNG) or the zlib stream's Adler-32 does not match its bytes.
    case checksumMismatch(format: String, section: String, expected: UInt32, actual: UInt32)
    /// The compressed pixel data is corrupt (deflate in PNG, Huffman-coded data in JPEG).
    case corruptData(format: String, reason: String)
    /// The header describes `width` x `height` pixels, more than the decoder's limit
    /// (a decompression bomb, as Pillow calls it).
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// A file could not be read or written.
    case fileSystem(path: String, reason: String)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .unknownFormat:
            return "not a PNG, JPEG or PPM/PGM image (unknown signature)"
        case let .truncated(format, section):
            return "\(format): the data ends inside \(section)"
        case let .malformed(format, reason):
            return "\(format): malformed file: \(reason)"
        case let .unsupported(format, feature):
            return "\(format): unsupported feature: \(feature)"
        case let .checksumMismatch(format, section, expected, actual):
            return "\(format): checksum mismatch in \(section): stored \(hex(expected)), computed \(hex(actual))"
        case let .corruptData(format, reason):
            return "\(format): corrupt compressed data: \(reason)"
        case let .tooManyPixels(width, height, limit):
            return "image of \(width) x \(height) pixels exceeds the limit of \(limit) pixels (possible decompression bomb)"
        case let .fileSystem(path, reason):
            return "\(path): \(reason)"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// Bounds a decoder checks before it allocates anything sized by a file's header.
public struct ImageLimits: Sendable, Equatable {
    /// The most pixels (width x height) an image may have. The default, 178,956,970, is
    /// Pillow's decompression-bomb error threshold (twice `Image.MAX_IMAGE_PIXELS`).
    public var maximumPixels: Int

    /// Limits with `maximumPixels` pixels at most.
    public init(maximumPixels: Int = ImageLimits.defaultMaximumPixels) {
        self.maximumPixels = maximumPixels
    }

    /// Pillow's threshold for `DecompressionBombError`: 2 x 89,478,485 pixels.
    public static let defaultMaximumPixels = 178_956_970

    /// The default limits.
    public static let `default` = ImageLimits()

    /// Throws unless `width` x `height` is positive and within ``maximumPixels``.
    func check(width: Int, height: Int, format: String) throws(ImageError) {
        guard width > 0, height > 0 else {
            throw .malformed(format: format, reason: "the image is \(width) x \(height) pixels")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maximumPixels else {
            throw .tooManyPixels(width: width, height: height, limit: maximumPixels)
        }
    }
}

/// Netpbm's PGM and PPM images: binary (`P5`, `P6`) and plain-text (`P2`, `P3`) forms.
///
/// A maximum value of 255 gives 8-bit samples and 65535 gives 16-bit samples as stored;
/// any other maximum is rescaled to the full 8-bit (at most 255) or 16-bit range.
enum PNMDecoder {
    /// Whether `bytes` starts with a PGM or PPM magic number.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0x50 && (0x32...0x33).contains(bytes[1]) || bytes.count >= 3 && bytes[0] == 0x50
            && (0x35...0x36).contains(bytes[1])
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits = .default) throws(ImageError) -> RawImage {
        guard matches(bytes) else { throw .malformed(format: "PNM", reason: "no P2, P3, P5 or P6 magic number") }
        let kind = bytes[1]
        let channels = kind == 0x33 || kind == 0x36 ? 3 : 1
        let binary = kind >= 0x35
        var position = 2

        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        /// The next decimal number, skipping white space and `#` comments.
        func number(_ what: String) throws(ImageError) -> Int {
            while position < bytes.count {
                if isSpace(bytes[position]) {
                    position += 1
                } else if bytes[position] == 0x23 {
                    while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
                } else {
                    break
                }
            }
            guard position < bytes.count else { throw .truncated(format: "PNM", section: what) }
            var value = 0, digits = 0
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 0x30)
                digits += 1
                position += 1
                guard value <= 1 << 31 else { throw .malformed(format: "PNM", reason: "the \(what) is too large") }
            }
            guard digits > 0 else { throw .malformed(format: "PNM", reason: "the \(what) is not a number") }
            return value
        }

        let width = try number("width"), height = try number("height"), maximum = try number("maximum value")
        guard (1...65535).contains(maximum) else { throw .malformed(format: "PNM", reason: "a maximum value of \(maximum)") }
        try limits.check(width: width, height: height, format: "PNM")
        let wide = maximum > 255
        let samples = width * height * channels
        if binary {
            // Exactly one white-space byte separates the header from the samples.
            guard position < bytes.count, isSpace(bytes[position]) else { throw .truncated(format: "PNM", section: "the header") }
            position += 1
            guard bytes.count - position >= samples * (wide ? 2 : 1) else { throw .truncated(format: "PNM", section: "the pixel data") }
        } else {
            // Each plain-text sample takes at least two bytes (a digit and a separator).
            guard (bytes.count - position) / 2 + 1 >= samples else { throw .truncated(format: "PNM", section: "the pixel data") }
        }
        var image = RawImage(uninitializedWidth: width, height: height, channels: channels, bitDepth: wide ? 16 : 8)
        let target = wide ? 65535 : 255
        try image.bytes.withUnsafeMutableBufferPointer { output throws(ImageError) in
            for index in 0..<samples {
                var value: Int
                if binary {
                    value = wide ? Int(bytes[position + 2 * index]) << 8 | Int(bytes[position + 2 * index + 1]) : Int(bytes[position + index])
                } else {
                    value = try number("pixel data")
                }
                guard value <= maximum else { throw .malformed(format: "PNM", reason: "a sample of \(value) above the maximum \(maximum)") }
                if maximum != target { value = (value * target + maximum / 2) / maximum }
                if wide {
                    UnsafeMutableRawPointer(output.baseAddress!).storeBytes(of: UInt16(value), toByteOffset: 2 * index, as: UInt16.self)
                } else {
                    output[index] = UInt8(value)
                }
            }
        }
        return image
    }
}

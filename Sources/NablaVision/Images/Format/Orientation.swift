/// The eight EXIF orientations (TIFF tag 0x0112): how the stored pixels must be flipped
/// or turned to show the picture upright.
public enum ImageOrientation: Int, Sendable, CaseIterable {
    /// Stored upright.
    case up = 1
    /// Mirrored left to right.
    case upMirrored = 2
    /// Turned 180 degrees.
    case down = 3
    /// Mirrored top to bottom.
    case downMirrored = 4
    /// Transposed (mirrored about the main diagonal).
    case leftMirrored = 5
    /// To be turned 90 degrees clockwise.
    case right = 6
    /// Transversed (mirrored about the anti-diagonal).
    case rightMirrored = 7
    /// To be turned 90 degrees counter-clockwise.
    case left = 8
}

extension RawImage {
    /// The pixels shown upright for a picture stored with `orientation`, as Pillow's
    /// `ImageOps.exif_transpose` does.
    public func oriented(_ orientation: ImageOrientation) -> RawImage {
        if orientation == .up { return self }
        let swaps = orientation.rawValue >= 5
        let outWidth = swaps ? height : width, outHeight = swaps ? width : height
        let pixelBytes = channels * bitDepth / 8
        var result = RawImage(uninitializedWidth: outWidth, height: outHeight, channels: channels, bitDepth: bitDepth)
        let (w, h) = (width, height)
        bytes.withUnsafeBufferPointer { source in
            result.bytes.withUnsafeMutableBufferPointer { destination in
                let src = source.baseAddress!, dst = destination.baseAddress!
                for y in 0..<h {
                    for x in 0..<w {
                        let (dx, dy): (Int, Int)
                        switch orientation {
                        case .up: (dx, dy) = (x, y)
                        case .upMirrored: (dx, dy) = (w - 1 - x, y)
                        case .down: (dx, dy) = (w - 1 - x, h - 1 - y)
                        case .downMirrored: (dx, dy) = (x, h - 1 - y)
                        case .leftMirrored: (dx, dy) = (y, x)
                        case .right: (dx, dy) = (h - 1 - y, x)
                        case .rightMirrored: (dx, dy) = (h - 1 - y, w - 1 - x)
                        case .left: (dx, dy) = (y, w - 1 - x)
                        }
                        (dst + (dy * outWidth + dx) * pixelBytes).update(from: src + (y * w + x) * pixelBytes, count: pixelBytes)
                    }
                }
            }
        }
        return result
    }
}

enum EXIF {
    /// The orientation recorded in an APP1 segment's payload (`Exif\0\0` and a TIFF
    /// structure), or nil when there is none or it cannot be read. Never reads outside
    /// `segment`.
    static func orientation(_ segment: UnsafeRawBufferPointer) -> ImageOrientation? {
        guard segment.count >= 14, segment[0] == 0x45, segment[1] == 0x78, segment[2] == 0x69, segment[3] == 0x66,
              segment[4] == 0, segment[5] == 0 else { return nil }
        let tiff = UnsafeRawBufferPointer(rebasing: segment[6...])
        let little: Bool
        if tiff[0] == 0x49 && tiff[1] == 0x49 { little = true } else if tiff[0] == 0x4D && tiff[1] == 0x4D { little = false } else { return nil }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(little ? at : at + 2), let b = u16(little ? at + 2 : at) else { return nil }
            return a | b << 16
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for entry in 0..<entries {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard u16(at + 2) == 3, let value = u16(at + 8) else { return nil }
                return ImageOrientation(rawValue: value)
            }
        }
        return nil
    }
}

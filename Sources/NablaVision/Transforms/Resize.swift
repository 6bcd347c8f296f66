/// Resizes an image with bilinear interpolation, antialiased when shrinking, like
/// `torchvision.transforms.Resize` (which calls Pillow's `resize(..., BILINEAR)` on PIL
/// images).
///
/// `Resize(256)` scales the shorter side to 256 and the longer side in proportion
/// (truncated, as torchvision does); `Resize(height:width:)` gives an exact size.
/// `uint8` images get Pillow's integer arithmetic (within 1 of Pillow's pixels); float
/// images the same weights in floating point. Channels are resampled independently
/// (Pillow premultiplies alpha for RGBA images; this does not).
public struct Resize: Transform {
    /// The requested size: the shorter side, or an exact height and width.
    public enum Size: Sendable, Equatable {
        /// The shorter side's new length; the other side keeps the aspect ratio.
        case shorterSide(Int)
        /// An exact height and width.
        case exact(height: Int, width: Int)
    }

    /// The requested size.
    public let size: Size

    /// Scales the shorter side to `size`.
    public init(_ size: Int) {
        guard size > 0 else { fatalError("Resize: the size must be positive, got \(size)") }
        self.size = .shorterSide(size)
    }

    /// Resizes to exactly `height` x `width`.
    public init(height: Int, width: Int) {
        guard height > 0, width > 0 else { fatalError("Resize: the size must be positive, got \(height) x \(width)") }
        self.size = .exact(height: height, width: width)
    }

    /// The output height and width for an input of `height` x `width`.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        switch size {
        case let .exact(h, w):
            return (h, w)
        case let .shorterSide(s):
            if width <= height {
                return width == s ? (height, width) : (Int(Double(s) * Double(height) / Double(width)), s)
            }
            return height == s ? (height, width) : (s, Int(Double(s) * Double(width) / Double(height)))
        }
    }

    /// The resized image.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let geometry = ImageGeometry(image, operation: "Resize")
        let (outH, outW) = outputSize(height: geometry.height, width: geometry.width)
        return Self.resize(image, geometry: geometry, height: outH, width: outW)
    }

    static func resize(_ image: Tensor, geometry: ImageGeometry, height outH: Int, width outW: Int) -> Tensor {
        if outH == geometry.height && outW == geometry.width { return image }
        if geometry.isPixels {
            let output = Tensor.empty(geometry.shape(height: outH, width: outW), dtype: .uint8)
            image.withUnsafeBufferPointer(as: UInt8.self) { source in
                output.withUnsafeMutableBufferPointer(as: UInt8.self) { target in
                    Resampling.resize(source.baseAddress!, height: geometry.height, width: geometry.width, channels: geometry.channels,
                                      to: target.baseAddress!, height: outH, width: outW)
                }
            }
            return output
        }
        let input = image.dtype == .float32 ? image : image.to(.float32)
        let output = Tensor.empty(geometry.shape(height: outH, width: outW), dtype: .float32)
        input.withUnsafeBufferPointer(as: Float.self) { source in
            output.withUnsafeMutableBufferPointer(as: Float.self) { target in
                Resampling.resize(source.baseAddress!, planes: geometry.channels, height: geometry.height, width: geometry.width,
                                  to: target.baseAddress!, height: outH, width: outW)
            }
        }
        return image.dtype == .float32 ? output : output.to(image.dtype)
    }
}

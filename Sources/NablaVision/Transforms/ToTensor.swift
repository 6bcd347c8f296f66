/// Converts a `uint8` image `[H, W, C]` (or `[H, W]`) to a float32 tensor `[C, H, W]`
/// with values in [0, 1], like `torchvision.transforms.ToTensor`.
public struct ToTensor: Transform {
    /// The conversion.
    public init() {}

    /// The image as float32 planes divided by 255.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let geometry = ImageGeometry(image, operation: "ToTensor")
        guard geometry.isPixels else {
            fatalError("ToTensor: expected a uint8 [H, W, C] or [H, W] image, got \(image.dtype) of shape \(image.shape)")
        }
        let (h, w, c) = (geometry.height, geometry.width, geometry.channels)
        let output = Tensor.empty([c, h, w], dtype: .float32)
        image.withUnsafeBufferPointer(as: UInt8.self) { source in
            output.withUnsafeMutableBufferPointer(as: Float.self) { target in
                let src = source.baseAddress!, dst = target.baseAddress!
                let plane = h * w
                for i in 0..<plane {
                    for channel in 0..<c { dst[channel * plane + i] = Float(src[i * c + channel]) / 255 }
                }
            }
        }
        return output
    }
}

/// Subtracts a mean and divides by a standard deviation per channel of a float `[C, H, W]`
/// image, like `torchvision.transforms.Normalize`.
public struct Normalize: Transform {
    /// Per-channel means.
    public let mean: [Double]
    /// Per-channel standard deviations.
    public let std: [Double]

    /// Normalises with `mean` and `std`, one value per channel (or one for all channels).
    public init(mean: [Double], std: [Double]) {
        guard mean.count == std.count, !mean.isEmpty, std.allSatisfy({ $0 != 0 }) else {
            fatalError("Normalize: mean \(mean) and std \(std) must have the same non-zero length, with no zero std")
        }
        self.mean = mean
        self.std = std
    }

    /// The normalised image (float32).
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let geometry = ImageGeometry(image, operation: "Normalize")
        guard !geometry.isPixels else {
            fatalError("Normalize: expected a float [C, H, W] image (apply ToTensor first), got \(image.dtype) of shape \(image.shape)")
        }
        let c = geometry.channels, plane = geometry.height * geometry.width
        guard mean.count == c || mean.count == 1 else {
            fatalError("Normalize: \(mean.count) means for an image of shape \(image.shape) with \(c) channels")
        }
        let input = image.dtype == .float32 ? image : image.to(.float32)
        let output = Tensor.empty(image.shape, dtype: .float32)
        input.withUnsafeBufferPointer(as: Float.self) { source in
            output.withUnsafeMutableBufferPointer(as: Float.self) { target in
                for channel in 0..<c {
                    let m = Float(mean[mean.count == 1 ? 0 : channel]), s = Float(std[std.count == 1 ? 0 : channel])
                    let src = source.baseAddress! + channel * plane, dst = target.baseAddress! + channel * plane
                    for i in 0..<plane { dst[i] = (src[i] - m) / s }
                }
            }
        }
        return output
    }
}

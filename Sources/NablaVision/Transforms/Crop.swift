import Foundation

/// Crops `height` x `width` pixels at row `top`, column `left`; the parts of the window
/// outside the image are filled with `fill` (torchvision pads the same way).
func crop(_ image: Tensor, top: Int, left: Int, height: Int, width: Int, fill: Double = 0, operation: String) -> Tensor {
    let geometry = ImageGeometry(image, operation: operation)
    if top >= 0, left >= 0, top + height <= geometry.height, left + width <= geometry.width {
        return image.narrow(geometry.heightDim, start: top, length: height)
            .narrow(geometry.widthDim, start: left, length: width).contiguous()
    }
    // Pad by the overhang on each side, then crop inside the padded image.
    let padTop = max(0, -top), padLeft = max(0, -left)
    let padBottom = max(0, top + height - geometry.height), padRight = max(0, left + width - geometry.width)
    let padded = pad(image, geometry: geometry, left: padLeft, top: padTop, right: padRight, bottom: padBottom, fill: fill)
    return crop(padded, top: top + padTop, left: left + padLeft, height: height, width: width, operation: operation)
}

/// Pads an image's height and width with a constant.
func pad(_ image: Tensor, geometry: ImageGeometry, left: Int, top: Int, right: Int, bottom: Int, fill: Double) -> Tensor {
    if left == 0 && top == 0 && right == 0 && bottom == 0 { return image }
    let height = geometry.height + top + bottom, width = geometry.width + left + right
    let padded = Tensor.full(geometry.shape(height: height, width: width), fill, dtype: image.dtype)
    padded.narrow(geometry.heightDim, start: top, length: geometry.height)
        .narrow(geometry.widthDim, start: left, length: geometry.width).copy(from: image)
    return padded
}

/// Crops the center, like `torchvision.transforms.CenterCrop`: the window's offset is
/// half the difference in size rounded half to even (Python's `round`); an image smaller
/// than the window is padded with zeros first.
public struct CenterCrop: Transform {
    /// The output height and width.
    public let height: Int, width: Int

    /// A square `size` x `size` crop.
    public init(_ size: Int) {
        self.init(height: size, width: size)
    }

    /// A `height` x `width` crop.
    public init(height: Int, width: Int) {
        guard height > 0, width > 0 else { fatalError("CenterCrop: the size must be positive, got \(height) x \(width)") }
        self.height = height
        self.width = width
    }

    /// The center of the image.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let geometry = ImageGeometry(image, operation: "CenterCrop")
        let top = Int((Double(geometry.height - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(geometry.width - width) / 2).rounded(.toNearestOrEven))
        return crop(image, top: top, left: left, height: height, width: width, operation: "CenterCrop")
    }
}

/// Crops a random window, like `torchvision.transforms.RandomCrop`: the image is first
/// padded by `padding` on every side (and, with `padIfNeeded`, up to the window's size),
/// then a window position is drawn uniformly.
public struct RandomCrop: Transform {
    /// The output height and width.
    public let height: Int, width: Int
    /// Pixels added on each side before cropping.
    public let padding: Int
    /// Whether an image smaller than the window is padded to its size.
    public let padIfNeeded: Bool
    /// The value of padded pixels.
    public let fill: Double
    /// The source of the positions (the default generator when nil).
    public let generator: Generator?

    /// A random `size` x `size` crop.
    public init(_ size: Int, padding: Int = 0, padIfNeeded: Bool = false, fill: Double = 0, generator: Generator? = nil) {
        self.init(height: size, width: size, padding: padding, padIfNeeded: padIfNeeded, fill: fill, generator: generator)
    }

    /// A random `height` x `width` crop.
    public init(height: Int, width: Int, padding: Int = 0, padIfNeeded: Bool = false, fill: Double = 0, generator: Generator? = nil) {
        guard height > 0, width > 0, padding >= 0 else {
            fatalError("RandomCrop: the size must be positive and the padding non-negative, got \(height) x \(width), padding \(padding)")
        }
        self.height = height
        self.width = width
        self.padding = padding
        self.padIfNeeded = padIfNeeded
        self.fill = fill
        self.generator = generator
    }

    /// A random window of the (padded) image.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        var geometry = ImageGeometry(image, operation: "RandomCrop")
        var padded = pad(image, geometry: geometry, left: padding, top: padding, right: padding, bottom: padding, fill: fill)
        geometry = ImageGeometry(padded, operation: "RandomCrop")
        if padIfNeeded {
            let extraW = max(0, width - geometry.width), extraH = max(0, height - geometry.height)
            padded = pad(padded, geometry: geometry, left: extraW, top: extraH, right: extraW, bottom: extraH, fill: fill)
            geometry = ImageGeometry(padded, operation: "RandomCrop")
        }
        guard geometry.height >= height, geometry.width >= width else {
            fatalError("RandomCrop: the crop \(height) x \(width) is larger than the (padded) image \(geometry.height) x \(geometry.width)")
        }
        // torchvision draws nothing when the window is the whole image.
        if geometry.height == height, geometry.width == width { return padded }
        let top = randomInteger(0, geometry.height - height + 1, generator: generator)
        let left = randomInteger(0, geometry.width - width + 1, generator: generator)
        return crop(padded, top: top, left: left, height: height, width: width, operation: "RandomCrop")
    }
}

/// Crops a random part of the image and resizes it, like
/// `torchvision.transforms.RandomResizedCrop`: the window covers a share of the area
/// drawn from `scale` and has an aspect ratio drawn log-uniformly from `ratio`; after
/// ten failed draws it falls back to the whole image clamped to the ratio range.
public struct RandomResizedCrop: Transform {
    /// The output height and width.
    public let height: Int, width: Int
    /// The range of the window's area as a share of the image's.
    public let scale: ClosedRange<Double>
    /// The range of the window's width / height.
    public let ratio: ClosedRange<Double>
    /// The source of the windows (the default generator when nil).
    public let generator: Generator?

    /// A `size` x `size` output.
    public init(_ size: Int, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3), generator: Generator? = nil) {
        self.init(height: size, width: size, scale: scale, ratio: ratio, generator: generator)
    }

    /// A `height` x `width` output.
    public init(height: Int, width: Int, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3),
                generator: Generator? = nil) {
        guard height > 0, width > 0, scale.lowerBound >= 0, ratio.lowerBound > 0 else {
            fatalError("RandomResizedCrop: invalid size \(height) x \(width), scale \(scale) or ratio \(ratio)")
        }
        self.height = height
        self.width = width
        self.scale = scale
        self.ratio = ratio
        self.generator = generator
    }

    /// The window (top, left, height, width) for an image of `imageHeight` x `imageWidth`.
    public func window(imageHeight: Int, imageWidth: Int) -> (top: Int, left: Int, height: Int, width: Int) {
        let area = Double(imageHeight * imageWidth)
        // torchvision's arithmetic: float32 logarithms of the ratio bounds, float32 draws,
        // a float32 exponential, the rest in double.
        let logRatio = (Double(log(Float(ratio.lowerBound))), Double(log(Float(ratio.upperBound))))
        for _ in 0..<10 {
            let targetArea = area * uniformDraw(scale.lowerBound, scale.upperBound, generator: generator)
            let aspect = Double(exp(Float(uniformDraw(logRatio.0, logRatio.1, generator: generator))))
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0, w <= imageWidth, h > 0, h <= imageHeight {
                let top = randomInteger(0, imageHeight - h + 1, generator: generator)
                let left = randomInteger(0, imageWidth - w + 1, generator: generator)
                return (top, left, h, w)
            }
        }
        let inRatio = Double(imageWidth) / Double(imageHeight)
        var w = imageWidth, h = imageHeight
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return ((imageHeight - h) / 2, (imageWidth - w) / 2, h, w)
    }

    /// A random window, resized to the output size.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let geometry = ImageGeometry(image, operation: "RandomResizedCrop")
        let box = window(imageHeight: geometry.height, imageWidth: geometry.width)
        let cropped = crop(image, top: box.top, left: box.left, height: box.height, width: box.width, operation: "RandomResizedCrop")
        return Resize.resize(cropped, geometry: ImageGeometry(cropped, operation: "RandomResizedCrop"), height: height, width: width)
    }
}

/// Mirrors the image left to right with probability `p`, like
/// `torchvision.transforms.RandomHorizontalFlip`.
public struct RandomHorizontalFlip: Transform {
    /// The probability of a flip.
    public let p: Double
    /// The source of the coin flips (the default generator when nil).
    public let generator: Generator?

    /// Flips with probability `p`.
    public init(p: Double = 0.5, generator: Generator? = nil) {
        guard (0...1).contains(p) else { fatalError("RandomHorizontalFlip: p must lie in [0, 1], got \(p)") }
        self.p = p
        self.generator = generator
    }

    /// The image, mirrored or not.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        guard Float(uniformDraw(0, 1, generator: generator)) < Float(p) else { return image }
        return horizontalFlip(image)
    }
}

/// The image mirrored left to right.
func horizontalFlip(_ image: Tensor) -> Tensor {
    let geometry = ImageGeometry(image, operation: "RandomHorizontalFlip")
    let reversed = Tensor(Array((0..<geometry.width).reversed()).map { Int64($0) })
    return image.indexSelect(dim: geometry.widthDim, index: reversed)
}

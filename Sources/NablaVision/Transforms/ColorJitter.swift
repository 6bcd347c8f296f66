/// Randomly changes brightness, contrast, saturation and hue, like
/// `torchvision.transforms.ColorJitter`: each factor is drawn uniformly (brightness,
/// contrast and saturation from [max(0, 1 - x), 1 + x], hue from [-x, x]) and the four
/// adjustments are applied in a random order, both drawn as torchvision draws them.
///
/// On `uint8` images the first three follow Pillow's `ImageEnhance` (a blend with black,
/// with the mean gray level, and with the gray image, truncated to integers); on float
/// images torchvision's tensor arithmetic (clamped to [0, 1]). Hue is shifted through
/// HSV in floating point for both, which is within a level or two of Pillow's integer
/// HSV conversion.
public struct ColorJitter: Transform {
    /// The brightness factor's range.
    public let brightness: ClosedRange<Double>?
    /// The contrast factor's range.
    public let contrast: ClosedRange<Double>?
    /// The saturation factor's range.
    public let saturation: ClosedRange<Double>?
    /// The hue shift's range, within [-0.5, 0.5].
    public let hue: ClosedRange<Double>?
    /// The source of the factors and the order (the default generator when nil).
    public let generator: Generator?

    /// Jitter by up to the given amounts (0 leaves a property unchanged).
    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0, generator: Generator? = nil) {
        guard brightness >= 0, contrast >= 0, saturation >= 0, (0...0.5).contains(hue) else {
            fatalError("ColorJitter: brightness \(brightness), contrast \(contrast) and saturation \(saturation) must be non-negative, hue \(hue) in [0, 0.5]")
        }
        func range(_ x: Double) -> ClosedRange<Double>? { x == 0 ? nil : max(0, 1 - x)...(1 + x) }
        self.brightness = range(brightness)
        self.contrast = range(contrast)
        self.saturation = range(saturation)
        self.hue = hue == 0 ? nil : -hue...hue
        self.generator = generator
    }

    /// The image with jittered colours.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        let geometry = ImageGeometry(image, operation: "ColorJitter")
        // torchvision's get_params: the order from randperm(4), then a float32 draw for
        // each adjustment that is on, in the order brightness, contrast, saturation, hue.
        let order = Tensor.randperm(4, generator: generator).toArray(Int64.self).map { Int($0) }
        let factors = [brightness, contrast, saturation, hue].map { range in
            range.map { uniformDraw($0.lowerBound, $0.upperBound, generator: generator) }
        }
        var planes = ColorPlanes(image, geometry: geometry)
        for adjustment in order {
            guard let factor = factors[adjustment] else { continue }
            switch adjustment {
            case 0: planes.blend(factor: factor) { _ in 0 }
            case 1:
                let mean = planes.grayMean()
                planes.blend(factor: factor) { _ in mean }
            case 2:
                let gray = planes.gray()
                planes.blend(factor: factor) { gray[$0] }
            default: planes.shiftHue(factor)
            }
        }
        return planes.tensor(like: image, geometry: geometry)
    }
}

/// An image as three (or one) float planes in the image's own scale (0...255 for
/// `uint8`, 0...1 for float), with the rounding rules of each kind.
struct ColorPlanes {
    var values: [[Double]]
    let pixels: Bool
    let maximum: Double

    init(_ image: Tensor, geometry: ImageGeometry) {
        let pixels = geometry.isPixels
        self.pixels = pixels
        maximum = pixels ? 255 : 1
        let flat = image.toArray(Double.self)
        let plane = geometry.height * geometry.width, c = geometry.channels
        values = (0..<c).map { channel in
            pixels ? (0..<plane).map { flat[$0 * c + channel] } : Array(flat[(channel * plane)..<((channel + 1) * plane)])
        }
    }

    /// Gray levels (ITU-R 601 luma; Pillow's `convert("L")` rounding for `uint8`).
    func gray() -> [Double] {
        guard values.count >= 3 else { return values[0] }
        return (0..<values[0].count).map { i in
            if pixels {
                let l = (Int(values[0][i]) * 19595 + Int(values[1][i]) * 38470 + Int(values[2][i]) * 7471 + 0x8000) >> 16
                return Double(l)
            }
            return 0.2989 * values[0][i] + 0.587 * values[1][i] + 0.114 * values[2][i]
        }
    }

    /// The mean gray level (rounded to an integer for `uint8`, as Pillow does).
    func grayMean() -> Double {
        let levels = gray()
        let mean = levels.reduce(0, +) / Double(max(1, levels.count))
        return pixels ? (mean + 0.5).rounded(.down) : mean
    }

    /// `degenerate + factor * (image - degenerate)`, clamped; truncated for `uint8` (Pillow's blend).
    mutating func blend(factor: Double, degenerate: (Int) -> Double) {
        // Alpha (the second of two channels, the fourth of four) is left alone.
        for channel in 0..<(values.count == 2 ? 1 : min(values.count, 3)) {
            for i in values[channel].indices {
                let d = degenerate(i)
                var value = min(max(d + factor * (values[channel][i] - d), 0), maximum)
                if pixels { value = value.rounded(.towardZero) }
                values[channel][i] = value
            }
        }
    }

    /// Adds `shift` (a fraction of a turn) to every pixel's hue.
    mutating func shiftHue(_ shift: Double) {
        guard values.count >= 3 else { return }
        for i in values[0].indices {
            let r = values[0][i] / maximum, g = values[1][i] / maximum, b = values[2][i] / maximum
            let high = max(r, g, b), low = min(r, g, b), range = high - low
            var h = 0.0
            if range > 0 {
                if high == r { h = (g - b) / range } else if high == g { h = 2 + (b - r) / range } else { h = 4 + (r - g) / range }
                h /= 6
            }
            let s = high == 0 ? 0 : range / high, v = high
            h = (h + shift).truncatingRemainder(dividingBy: 1)
            if h < 0 { h += 1 }
            let sector = min(Int(h * 6), 5), f = h * 6 - Double(sector)
            let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
            let (nr, ng, nb): (Double, Double, Double)
            switch sector {
            case 0: (nr, ng, nb) = (v, t, p)
            case 1: (nr, ng, nb) = (q, v, p)
            case 2: (nr, ng, nb) = (p, v, t)
            case 3: (nr, ng, nb) = (p, q, v)
            case 4: (nr, ng, nb) = (t, p, v)
            default: (nr, ng, nb) = (v, p, q)
            }
            for (channel, value) in [nr, ng, nb].enumerated() {
                values[channel][i] = pixels ? (value * 255).rounded() : value
            }
        }
    }

    /// A tensor of the input's dtype and layout holding the planes.
    func tensor(like image: Tensor, geometry: ImageGeometry) -> Tensor {
        let c = values.count, plane = values[0].count
        var flat = [Double](repeating: 0, count: c * plane)
        for channel in 0..<c {
            for i in 0..<plane { flat[pixels ? i * c + channel : channel * plane + i] = values[channel][i] }
        }
        return try! Tensor(flat, shape: image.shape, dtype: image.dtype)
    }
}

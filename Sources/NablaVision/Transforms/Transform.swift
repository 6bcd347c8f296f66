/// An image transform, as torchvision's `transforms` are: a value called on an image.
///
/// Images follow two conventions, as in torchvision: before ``ToTensor`` an image is a
/// `uint8` tensor `[H, W, C]` (or `[H, W]` gray), the layout of a PIL image or a NumPy
/// array, and the geometric transforms use Pillow's arithmetic on it; after ``ToTensor``
/// it is a float tensor `[C, H, W]` with values in [0, 1]. Every geometric and colour
/// transform accepts both.
public protocol Transform: Sendable {
    /// The transformed image.
    func callAsFunction(_ image: Tensor) -> Tensor
}

/// Transforms applied one after the other, like `torchvision.transforms.Compose`.
///
/// ```swift
/// let preprocess = Compose([
///     Resize(256), CenterCrop(224), ToTensor(),
///     Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
/// ])
/// let input = preprocess(try Tensor.readImage("photo.jpg"))   // [3, 224, 224] float32
/// ```
public struct Compose: Transform {
    /// The transforms, in the order they are applied.
    public let transforms: [any Transform]

    /// Chains `transforms`.
    public init(_ transforms: [any Transform]) {
        self.transforms = transforms
    }

    /// Applies every transform in turn.
    public func callAsFunction(_ image: Tensor) -> Tensor {
        transforms.reduce(image) { image, transform in transform(image) }
    }
}

/// The layout of an image tensor as the transforms see it.
struct ImageGeometry {
    var height: Int
    var width: Int
    var channels: Int
    /// `uint8` `[H, W, C]` or `[H, W]`; otherwise float `[C, H, W]` or `[H, W]`.
    var isPixels: Bool
    var isGray2D: Bool

    init(_ image: Tensor, operation: String) {
        if image.dtype == .uint8 {
            guard image.ndim == 2 || image.ndim == 3 else {
                fatalError("\(operation): a uint8 image must be [H, W, C] or [H, W], got shape \(image.shape)")
            }
            height = image.shape[0]
            width = image.shape[1]
            channels = image.ndim == 3 ? image.shape[2] : 1
            isPixels = true
        } else {
            guard image.dtype == .float32 || image.dtype == .float64, image.ndim == 2 || image.ndim == 3 else {
                fatalError("\(operation): expected a uint8 [H, W, C] image or a float [C, H, W] one, got \(image.dtype) of shape \(image.shape)")
            }
            channels = image.ndim == 3 ? image.shape[0] : 1
            height = image.shape[image.ndim - 2]
            width = image.shape[image.ndim - 1]
            isPixels = false
        }
        isGray2D = image.ndim == 2
    }

    /// The dims holding height and width.
    var heightDim: Int { isPixels || isGray2D ? 0 : 1 }
    var widthDim: Int { heightDim + 1 }

    /// A tensor of this kind with another height and width.
    func shape(height: Int, width: Int) -> [Int] {
        if isGray2D { return [height, width] }
        return isPixels ? [height, width, channels] : [channels, height, width]
    }
}

/// A float32 uniform draw in [`low`, `high`), like torchvision's
/// `float(torch.empty(1).uniform_(low, high))` (and `torch.rand(1)` for 0 and 1).
func uniformDraw(_ low: Double, _ high: Double, generator: Generator?) -> Double {
    Tensor.uniform([1], low: low, high: high, generator: generator).item()
}

/// An integer in `low..<high` drawn from `generator`, like
/// `torch.randint(low, high, (1,)).item()`: one draw even when the range holds one value.
func randomInteger(_ low: Int, _ high: Int, generator: Generator?) -> Int {
    Int(Tensor.randint(low, high, [1], generator: generator).toArray(Int64.self)[0])
}

/// MNIST or Fashion-MNIST from the IDX files a user has downloaded and decompressed
/// (the same four file names serve both data sets):
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
/// `t10k-labels-idx1-ubyte`.
///
/// Sample `i` is `[image, label]`: a float32 `[28, 28]` image scaled to `0...1` (as
/// torchvision's `ToTensor` scales it) and an int64 class label. Batches are pairs:
/// `for (images, labels) in DataLoader(mnist, batchSize: 64) { ... }`.
public struct MNIST: Dataset, Sendable {
    /// Every image, float32 `[N, rows, columns]` in `0...1`.
    public let images: Tensor
    /// Every label, int64 `[N]`.
    public let labels: Tensor
    private let storage: TensorDataset<(Tensor, Tensor)>

    /// Loads the training (60,000 images) or test (10,000 images) split from `directory`.
    ///
    /// - Throws: ``NablaNNError`` when a file is missing, is not IDX, or when the images
    ///   and labels disagree in number.
    public init(directory: String, train: Bool = true) throws(NablaNNError) {
        let prefix = train ? "train" : "t10k"
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        try self.init(imagesPath: base + prefix + "-images-idx3-ubyte", labelsPath: base + prefix + "-labels-idx1-ubyte")
    }

    /// Loads images and labels from two IDX files.
    ///
    /// - Throws: ``NablaNNError`` when a file is missing, is not IDX, or when the images
    ///   and labels disagree in number.
    public init(imagesPath: String, labelsPath: String) throws(NablaNNError) {
        let rawImages = try IDX.load(imagesPath)
        let rawLabels = try IDX.load(labelsPath)
        guard rawImages.dtype == .uint8, rawImages.ndim == 3 else {
            throw .invalidFile(path: imagesPath, format: "MNIST images", reason: "expected unsigned bytes of shape [N, rows, columns], got \(rawImages.dtype) of shape \(rawImages.shape)")
        }
        guard rawLabels.dtype == .uint8, rawLabels.shape == [rawImages.shape[0]] else {
            throw .invalidFile(path: labelsPath, format: "MNIST labels", reason: "expected \(rawImages.shape[0]) unsigned bytes to match the images, got \(rawLabels.dtype) of shape \(rawLabels.shape)")
        }
        images = rawImages.to(.float32) / 255.0
        labels = rawLabels.to(.int64)
        storage = TensorDataset(images, labels)
    }

    /// The number of images.
    public var count: Int { storage.count }

    /// `[image, label]` at `index`.
    public subscript(index: Int) -> [Tensor] { storage[index] }

    /// The images and labels at `indices`.
    public func batch(_ indices: [Int]) -> (Tensor, Tensor) { storage.batch(indices) }
}

import Foundation
import NablaKernels

/// Images stored one folder per class, like `torchvision.datasets.ImageFolder`:
///
/// ```
/// root/cat/001.jpg
/// root/cat/nested/002.png
/// root/dog/003.jpg
/// ```
///
/// Classes are the sub-folders of `root` sorted by code point (Python's `sorted`), and
/// ``classToIndex`` numbers them in that order; the samples of each class are the files
/// found walking its folder (following links), folders and names sorted the same way,
/// whose extension is one of ``extensions`` (case-insensitive). A sample is
/// `[transform(image), label]` with an `int64` label, and a `DataLoader` yields pairs of
/// stacked `[B, ...]` images and `[B]` labels:
///
/// ```swift
/// let train = try ImageFolder(root: "data/train", transform: Compose([
///     RandomResizedCrop(224), RandomHorizontalFlip(), ToTensor(),
///     Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
/// ]))
/// for (images, labels) in DataLoader(train, batchSize: 32, shuffle: true) {
///     // images: [32, 3, 224, 224], labels: [32]
/// }
/// ```
///
/// Files are read when a sample is asked for. ``batch(_:)`` decodes the batch's images on
/// parallel threads (`Parallel.threadCount` of them) and transforms them in order. A file that
/// cannot be decoded is data from outside, reported by ``sample(_:)`` as an
/// ``ImageError``; the `Dataset` subscript and ``batch(_:)``, which cannot throw, stop
/// the program with a message naming the file.
public struct ImageFolder: Dataset, Sendable {
    /// torchvision's `IMG_EXTENSIONS` that NablaVision decodes: `.jpg`, `.jpeg`, `.png`,
    /// `.ppm`, `.pgm`. (torchvision also lists `.bmp`, `.tif`, `.tiff` and `.webp`.)
    public static let defaultExtensions = [".jpg", ".jpeg", ".png", ".ppm", ".pgm"]

    /// The folder holding one sub-folder per class.
    public let root: String
    /// The class names, sorted.
    public let classes: [String]
    /// Each class's index.
    public let classToIndex: [String: Int]
    /// Every sample's file path and class index, in order.
    public let samples: [(path: String, label: Int)]
    /// The accepted file extensions, lowercase, with the dot.
    public let extensions: [String]
    /// Applied to each decoded `uint8` `[H, W, C]` image (none when nil).
    public let transform: (any Transform)?
    /// The decoders' limits.
    public let limits: ImageLimits

    /// Lists the classes and samples under `root`.
    ///
    /// - Throws: ``ImageError/fileSystem(path:reason:)`` when `root` cannot be listed or
    ///   a class folder holds no image with an accepted extension (torchvision raises
    ///   there too).
    public init(root: String, transform: (any Transform)? = nil, extensions: [String] = ImageFolder.defaultExtensions,
                limits: ImageLimits = .default) throws(ImageError) {
        self.root = root
        self.transform = transform
        self.limits = limits
        let accepted = extensions.map { $0.lowercased() }
        self.extensions = accepted
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: root) else {
            throw .fileSystem(path: root, reason: "cannot list the folder")
        }
        classes = entries.filter { Self.isDirectory(root + "/" + $0) }.sorted(by: Self.codePointOrder)
        guard !classes.isEmpty else { throw .fileSystem(path: root, reason: "no class folders") }
        classToIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var samples: [(path: String, label: Int)] = []
        for (label, name) in classes.enumerated() {
            let files = Self.walk(root + "/" + name).filter { path in
                let lower = path.lowercased()
                return accepted.contains { lower.hasSuffix($0) }
            }
            guard !files.isEmpty else {
                throw .fileSystem(path: root + "/" + name, reason: "no files with extensions \(accepted.joined(separator: ", "))")
            }
            samples += files.map { ($0, label) }
        }
        self.samples = samples
    }

    /// Python's string order: by Unicode code point.
    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// Files under `folder` in `sorted(os.walk(folder))` order: folders by path, each
    /// folder's files by name.
    static func walk(_ folder: String) -> [String] {
        var folders: [String] = [folder]
        var pending = [folder]
        var visited: Set<String> = []
        while let current = pending.popLast() {
            let resolved = URL(fileURLWithPath: current).resolvingSymlinksInPath().path
            guard visited.insert(resolved).inserted else { continue }
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? [] where isDirectory(current + "/" + entry) {
                folders.append(current + "/" + entry)
                pending.append(current + "/" + entry)
            }
        }
        var files: [String] = []
        for current in Set(folders).sorted(by: codePointOrder) {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: current)) ?? [])
                .filter { !isDirectory(current + "/" + $0) }.sorted(by: codePointOrder)
            files += names.map { current + "/" + $0 }
        }
        return files
    }

    /// The number of samples.
    public var count: Int { samples.count }

    /// Sample `index`: the transformed image and its `int64` label.
    ///
    /// - Throws: ``ImageError`` when the file cannot be read or decoded.
    public func sample(_ index: Int) throws(ImageError) -> [Tensor] {
        let image = try decode(index)
        return [transform.map { $0(image) } ?? image, label(index)]
    }

    /// The decoded, untransformed image of sample `index`.
    func decode(_ index: Int) throws(ImageError) -> Tensor {
        guard index >= 0 && index < count else { fatalError("ImageFolder: index \(index) is out of range for \(count) samples") }
        return try Tensor.readImage(samples[index].path, limits: limits)
    }

    /// Sample `index`'s label as a 0-d `int64` tensor.
    func label(_ index: Int) -> Tensor {
        Tensor([Int64(samples[index].label)]).reshape([])
    }

    /// Sample `index`; stops the program, naming the file, when it cannot be decoded
    /// (use ``sample(_:)`` to handle the error).
    public subscript(index: Int) -> [Tensor] {
        do {
            return try sample(index)
        } catch {
            fatalError("ImageFolder: cannot load \(samples[index].path): \(error)")
        }
    }

    /// The samples at `indices`: the files decoded on parallel threads, then transformed
    /// in order on the calling thread (so that random transforms draw from their
    /// generator in the same order whatever the thread count), then stacked.
    public func batch(_ indices: [Int]) -> (Tensor, Tensor) {
        let decoded = BatchSlots(count: indices.count)
        let tasks = min(indices.count, Parallel.threadCount)
        Parallel.run(tasks) { task in
            for position in Parallel.slice(indices.count, tasks: tasks, task: task) {
                do {
                    decoded.store(try decode(indices[position]), at: position)
                } catch {
                    fatalError("ImageFolder: cannot load \(samples[indices[position]].path): \(error)")
                }
            }
        }
        let images = decoded.values().map { image in transform.map { $0(image) } ?? image }
        guard !images.isEmpty else { return (Tensor.zeros([0]), Tensor.zeros([0], dtype: .int64)) }
        return (Tensor.stack(images, dim: 0), Tensor.stack(indices.map { label($0) }, dim: 0))
    }
}

/// One slot per sample of a batch, each written by exactly one thread of
/// ``ImageFolder/batch(_:)`` and read after `Parallel.run` returns.
private final class BatchSlots: @unchecked Sendable {
    // @unchecked: slots are disjoint per thread and read only after the threads join.
    private var slots: [Tensor?]

    init(count: Int) { slots = [Tensor?](repeating: nil, count: count) }

    func store(_ value: Tensor, at index: Int) {
        slots.withUnsafeMutableBufferPointer { $0[index] = value }
    }

    func values() -> [Tensor] { slots.map { $0! } }
}

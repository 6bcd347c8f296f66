import Foundation
import NablaKernels
import NablaVision
import Testing

@Suite("ImageFolder")
struct ImageFolderTests {
    /// A folder tree of fixture images: classes in an order that sorting must fix.
    func makeTree() throws -> String {
        let root = temporaryPath("folder")
        let manager = FileManager.default
        let layout: [(String, String, String)] = [
            ("zebra", "b.png", "rgb8.png"), ("zebra", "a.JPG", "baseline_420_q75.jpg"), ("Apple", "x.jpeg", "baseline_444_q95.jpg"),
            ("apple", "nested/c.png", "palette.png"), ("apple", "b.jpg", "progressive_420_q80.jpg"), ("apple", "notes.txt", "CASE.md"),
        ]
        for (folder, name, fixture) in layout {
            let path = "\(root)/\(folder)/\(name)"
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try manager.copyItem(atPath: imageFixturePath(fixture), toPath: path)
        }
        return root
    }

    @Test("Classes and files are sorted as torchvision sorts them, by extension")
    func listing() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try ImageFolder(root: root)
        #expect(folder.classes == ["Apple", "apple", "zebra"])
        #expect(folder.classToIndex == ["Apple": 0, "apple": 1, "zebra": 2])
        #expect(folder.samples.map { String($0.path.dropFirst(root.count + 1)) } == [
            "Apple/x.jpeg", "apple/b.jpg", "apple/nested/c.png", "zebra/a.JPG", "zebra/b.png",
        ])
        #expect(folder.samples.map(\.label) == [0, 1, 1, 2, 2])
    }

    @Test("The listing is torchvision's ImageFolder's", .enabled(if: runPython("import torchvision") != nil, "needs torchvision"))
    func listingMatchesTorchvision() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try ImageFolder(root: root)
        let printed = runPython("""
        import torchvision
        d = torchvision.datasets.ImageFolder('\(root)')
        print(d.classes)
        for path, label in d.samples: print(path, label)
        """)
        let lines = printed?.split(separator: "\n").map(String.init) ?? []
        #expect(lines.first == "[" + folder.classes.map { "'\($0)'" }.joined(separator: ", ") + "]")
        #expect(Array(lines.dropFirst()) == folder.samples.map { "\($0.path) \($0.label)" })
    }

    @Test("DataLoader batches transformed images and labels, decoded in parallel")
    func loaderBatches() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try ImageFolder(root: root, transform: Compose([Resize(40), CenterCrop(32), ToTensor()]))
        var labels: [Int64] = []
        var batches = 0
        for (images, batchLabels) in DataLoader(folder, batchSize: 2) {
            #expect(images.shape == [batchLabels.shape[0], 3, 32, 32])
            labels += batchLabels.toArray(Int64.self)
            batches += 1
        }
        #expect(batches == 3)
        #expect(labels == [0, 1, 1, 2, 2])
        let one = try folder.sample(4)
        let (images, _) = folder.batch([4])
        #expect(images.select(0, 0).toArray(Float.self) == one[0].toArray(Float.self))
    }

    @Test("Random transforms in a batch repeat for a seed whatever the thread count")
    func seededBatchesAreThreadIndependent() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        func batch(threads: Int) throws -> [Float] {
            let saved = Parallel.threadCount
            defer { Parallel.threadCount = saved }
            Parallel.threadCount = threads
            let generator = Generator(seed: 11)
            let folder = try ImageFolder(root: root, transform: Compose([
                RandomResizedCrop(16, generator: generator), RandomHorizontalFlip(generator: generator), ToTensor(),
            ]))
            return folder.batch([0, 1, 2, 3, 4]).0.toArray(Float.self)
        }
        #expect(try batch(threads: 1) == batch(threads: 4))
    }

    @Test("A class folder without images and an unreadable file throw")
    func errors() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        #expect(throws: ImageError.self) { try ImageFolder(root: root) }
        try FileManager.default.removeItem(atPath: root + "/empty")
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: root + "/zebra/broken.png"))
        let folder = try ImageFolder(root: root)
        #expect(throws: ImageError.self) { try folder.sample(folder.samples.firstIndex { $0.path.hasSuffix("broken.png") }!) }
        #expect(throws: ImageError.self) { try ImageFolder(root: root + "/missing") }
    }
}

import Foundation
import NablaNN
import Testing

/// The bytes of an IDX file: magic (type code, rank), big-endian sizes, then `payload`.
private func idxBytes(typeCode: UInt8, shape: [Int], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeCode, UInt8(shape.count)]
    for size in shape { bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] }
    return bytes + payload
}

private func write(_ bytes: [UInt8], to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

@Suite struct DataTests {
    @Test func tensorDatasetReadsRowsAndBatches() {
        let x = Tensor.arange(12, dtype: .float32).reshape(6, 2), y = Tensor.arange(6)
        let dataset = TensorDataset(x, y)
        #expect(dataset.count == 6)
        #expect(dataset[4][0].toArray(Double.self) == [8, 9] && dataset[4][1].item() == 4)
        let (inputs, labels) = dataset.batch([5, 0])
        #expect(inputs.toArray(Double.self) == [10, 11, 0, 1] && labels.toArray(Int.self) == [5, 0])
    }

    @Test func loadersOfTwoTensorsDestructureAsPyTorchsDo() {
        let x = Tensor.arange(10, dtype: .float32).reshape(5, 2), y = Tensor.arange(5)
        var seen: [Int] = []
        for (inputs, labels) in DataLoader(TensorDataset(x, y), batchSize: 2) {
            #expect(inputs.shape == [labels.shape[0], 2])
            #expect(inputs.select(1, 0).toArray(Int.self) == labels.toArray(Int.self).map { 2 * $0 })
            seen += labels.toArray(Int.self)
        }
        #expect(seen == [0, 1, 2, 3, 4])
        for (a, b, c) in DataLoader(TensorDataset(x, y, y * 10), batchSize: 5) {
            #expect(a.shape == [5, 2] && b.toArray(Int.self) == [0, 1, 2, 3, 4] && c.toArray(Int.self) == [0, 10, 20, 30, 40])
        }
        let lists = Array(DataLoader(TensorDataset([x, y, y, y]), batchSize: 3))
        #expect(lists.count == 2 && lists[0].count == 4 && lists[1][3].toArray(Int.self) == [3, 4])
    }

    @Test func dataLoaderBatchesInOrderAndDropsTheLastPartialBatch() {
        let dataset = TensorDataset(Tensor.arange(10))
        let loader = DataLoader(dataset, batchSize: 4)
        #expect(loader.map { $0.toArray(Int.self) } == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(loader.count == 3)
        let dropping = DataLoader(dataset, batchSize: 4, dropLast: true)
        #expect(dropping.map { $0.toArray(Int.self) } == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(dropping.count == 2)
    }

    @Test func shuffledEpochsArePermutationsThatRepeatForASeed() {
        let dataset = TensorDataset(Tensor.arange(50))
        func epochs(seed: UInt64) -> [[Int]] {
            let loader = DataLoader(dataset, batchSize: 8, shuffle: true, generator: Generator(seed: seed))
            return (0..<3).map { _ in loader.flatMap { $0.toArray(Int.self) } }
        }
        let first = epochs(seed: 11)
        #expect(first.allSatisfy { $0.sorted() == Array(0..<50) })
        #expect(first[0] != first[1] && first[0] != Array(0..<50))
        #expect(epochs(seed: 11) == first)
        #expect(epochs(seed: 12) != first)
    }

    @Test func defaultCollationStacksSamples() {
        struct Squares: Dataset {
            var count: Int { 5 }
            subscript(index: Int) -> [Tensor] { [Tensor([Double(index), Double(index * index)]), Tensor.scalar(Double(index))] }
        }
        let batches = Array(DataLoader(Squares(), batchSize: 2))
        #expect(batches.count == 3)
        #expect(batches[1][0].shape == [2, 2] && batches[1][0].toArray(Double.self) == [2, 4, 3, 9])
        #expect(batches[2][1].shape == [1])
    }

    @Test func idxReaderDecodesEveryElementType() throws {
        let path = temporaryPath("all.idx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        write(idxBytes(typeCode: 0x08, shape: [2, 3], payload: [0, 1, 2, 253, 254, 255]), to: path)
        let bytes = try IDX.load(path)
        #expect(bytes.dtype == .uint8 && bytes.shape == [2, 3] && bytes.toArray(Int.self) == [0, 1, 2, 253, 254, 255])
        write(idxBytes(typeCode: 0x09, shape: [2], payload: [0xFF, 0x7F]), to: path)
        #expect(try IDX.load(path).toArray(Int.self) == [-1, 127])
        write(idxBytes(typeCode: 0x0B, shape: [2], payload: [0xFF, 0xFE, 0x01, 0x00]), to: path)
        #expect(try IDX.load(path).toArray(Int.self) == [-2, 256])
        write(idxBytes(typeCode: 0x0C, shape: [1], payload: [0x80, 0, 0, 0]), to: path)
        #expect(try IDX.load(path).toArray(Int.self) == [Int(Int32.min)])
        write(idxBytes(typeCode: 0x0D, shape: [1], payload: [0x3F, 0xC0, 0, 0]), to: path)
        #expect(try IDX.load(path).toArray(Double.self) == [1.5])
        write(idxBytes(typeCode: 0x0E, shape: [1], payload: [0xC0, 0x04, 0, 0, 0, 0, 0, 0]), to: path)
        #expect(try IDX.load(path).toArray(Double.self) == [-2.5])
    }

    @Test func idxReaderRejectsDamagedFiles() throws {
        let path = temporaryPath("bad.idx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let damaged: [[UInt8]] = [
            [],
            [0x1F, 0x8B, 8, 0],
            [0, 0, 0x07, 1, 0, 0, 0, 1, 0],
            idxBytes(typeCode: 0x08, shape: [2, 3], payload: [1, 2, 3]),
            Array(idxBytes(typeCode: 0x08, shape: [4], payload: []).prefix(6)),
            idxBytes(typeCode: 0x0C, shape: [0xFFFF_FF, 0xFFFF_FF, 0xFFFF_FF], payload: []),
        ]
        for bytes in damaged {
            write(bytes, to: path)
            #expect(throws: NablaNNError.self) { try IDX.load(path) }
        }
        #expect(throws: NablaNNError.self) { try IDX.load(path + "-missing") }
    }

    @Test func mnistReadsTheStandardFiles() throws {
        let directory = temporaryPath("mnist")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pixels = (0..<(3 * 28 * 28)).map { UInt8($0 % 256) }
        write(idxBytes(typeCode: 0x08, shape: [3, 28, 28], payload: pixels), to: directory + "/t10k-images-idx3-ubyte")
        write(idxBytes(typeCode: 0x08, shape: [3], payload: [7, 2, 1]), to: directory + "/t10k-labels-idx1-ubyte")
        let test = try MNIST(directory: directory, train: false)
        #expect(test.count == 3 && test.images.shape == [3, 28, 28] && test.images.dtype == .float32)
        #expect(test.labels.toArray(Int.self) == [7, 2, 1] && test.labels.dtype == .int64)
        #expect(abs(test[2][0][0, 3].item() - Double((2 * 784 + 3) % 256) / 255) < 1e-7 && test[2][1].item() == 1)
        #expect(abs(test.images.reshape(-1)[255].item() - 1) < 1e-7)
        #expect(throws: NablaNNError.self) { try MNIST(directory: directory, train: true) }
        write(idxBytes(typeCode: 0x08, shape: [2], payload: [7, 2]), to: directory + "/t10k-labels-idx1-ubyte")
        #expect(throws: NablaNNError.self) { try MNIST(directory: directory, train: false) }
    }

    @Test func bundledDigitsLoad() throws {
        let (images, labels) = try Digits.load()
        #expect(images.shape == [1797, 8, 8] && images.dtype == .float32)
        #expect(labels.shape == [1797] && labels.dtype == .int64)
        #expect(images.max().item() == 16 && images.min().item() == 0)
        #expect(Set(labels.toArray(Int.self)) == Set(0..<10))
    }
}

import Foundation
import Testing
@testable import Nabla

/// A fresh path in a per-test temporary folder.
func temporaryPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-numpy-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}

@Suite struct NumPyRoundTripTests {
    @Test(arguments: DType.allCases)
    func saveThenLoadKeepsDTypeShapeAndValues(dtype: DType) throws {
        let scale: Double = dtype == .uint8 ? 1 : (dtype.isFloatingPoint ? -1.5 : -3)
        let values: [Double] = (0..<12).map { (index: Int) -> Double in
            dtype == .bool ? (index % 3 == 0 ? 1 : 0) : Double(index) * scale
        }
        let tensor = try Tensor(values, shape: [3, 4], dtype: dtype)
        let path = temporaryPath("a.npy")
        try tensor.save(npy: path)
        let loaded = try Tensor.load(npy: path)
        #expect(loaded.dtype == dtype)
        expectClose(loaded, tensor.to(dtype), rtol: 0, atol: 0, "\(dtype)")
    }

    @Test func headerMatchesNumPyByteForByte() throws {
        let path = temporaryPath("a.npy")
        try Tensor.arange(-5, 19, dtype: .float32).reshape(2, 3, 4).save(npy: path)
        let ours = try Data(contentsOf: URL(fileURLWithPath: path))
        let numpys = try Data(contentsOf: URL(fileURLWithPath: numpyFixture("arange_float32.npy")))
        #expect(ours == numpys)
    }

    @Test func nonContiguousTensorsAreWrittenInLogicalOrder() throws {
        let base = Tensor.arange(24, dtype: .float64).reshape(2, 3, 4)
        let cases: [(String, Tensor)] = [
            ("permuted", base.permute(2, 0, 1)),
            ("sliced", base.narrow(2, start: 1, length: 2)),
            ("selected", base.select(1, 2)),
            ("expanded", Tensor.arange(3, dtype: .float64).unsqueeze(0).expand(4, 3)),
            ("transposed", base.select(0, 1).transpose(0, 1)),
        ]
        for (name, tensor) in cases {
            let path = temporaryPath("\(name).npy")
            try tensor.save(npy: path)
            let loaded = try Tensor.load(npy: path)
            expectClose(loaded, tensor, rtol: 0, atol: 0, name)
        }
    }

    @Test func columnMajorTensorIsSavedWithFortranOrder() throws {
        let matrix = Tensor.arange(6, dtype: .float32).reshape(2, 3).transpose(0, 1)
        let path = temporaryPath("t.npy")
        try matrix.save(npy: path)
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).prefix(128), as: UTF8.self)
        #expect(header.contains("'fortran_order': True, 'shape': (3, 2)"))
        let loaded = try Tensor.load(npy: path)
        #expect(loaded.strides == [1, 3])
        expectClose(loaded, matrix, rtol: 0, atol: 0)
    }

    @Test func zeroDimensionalAndEmptyTensorsRoundTrip() throws {
        for tensor in [Tensor.scalar(2.5), Tensor.zeros([0]), Tensor.zeros([3, 0, 2], dtype: .int64)] {
            let path = temporaryPath("e.npy")
            try tensor.save(npy: path)
            let loaded = try Tensor.load(npy: path)
            #expect(loaded.shape == tensor.shape && loaded.dtype == tensor.dtype)
            expectClose(loaded, tensor, rtol: 0, atol: 0)
        }
    }

    @Test func largeHeaderUsesVersion2() throws {
        // 25,000 dims of size 1: the header no longer fits version 1.0's 16-bit length.
        let tensor = Tensor.ones(Array(repeating: 1, count: 25_000))
        let path = temporaryPath("v2.npy")
        try tensor.save(npy: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes[6] == 2 && bytes[7] == 0)
        #expect(try Tensor.load(npy: path).shape == tensor.shape)
    }

    @Test func npzRoundTripKeepsNamesOrderAndValues() throws {
        let x = Tensor.arange(12, dtype: .float32).reshape(3, 4)
        let labels = Tensor.arange(5)
        let mask = try Tensor([true, false, true], shape: [3])
        let path = temporaryPath("a.npz")
        try Tensor.saveNPZ(["x": x.transpose(0, 1), "labels": labels, "mask": mask], to: path)
        let archive = try Tensor.loadNPZ(path)
        #expect(archive.names == ["x", "labels", "mask"])
        expectClose(try #require(archive["x"]), x.transpose(0, 1), rtol: 0, atol: 0)
        expectClose(try #require(archive["labels"]), labels, rtol: 0, atol: 0)
        #expect(archive["mask"]?.toArray(Bool.self) == [true, false, true])
        try Tensor.saveNPZ([x, labels], to: path)
        #expect(try Tensor.loadNPZ(path).names == ["arr_0", "arr_1"])
    }

    @Test func archiveSubscriptReplacesAppendsAndRemoves() {
        var archive: NPZArchive = ["a": Tensor.zeros(1), "b": Tensor.ones(1)]
        archive["a"] = Tensor.ones(2)
        archive["c"] = Tensor.zeros(3)
        archive["b"] = nil
        #expect(archive.names == ["a", "c"] && archive["a"]?.shape == [2] && archive.count == 2)
    }

    @Test func emptyMemberNameIsRejected() {
        #expect(throws: NumPyFormatError.invalidMemberName("")) {
            try Tensor.saveNPZ(["": Tensor.zeros(1)], to: temporaryPath("bad.npz"))
        }
    }
}

import Foundation
import Testing
@testable import Nabla

@Suite struct NumPyMemoryMapTests {
    private func savedFile(_ tensor: Tensor) throws -> String {
        let path = temporaryPath("m.npy")
        try tensor.save(npy: path)
        return path
    }

    @Test func readOnlyMappingSeesFileData() throws {
        let tensor = try Tensor(mappingNPY: numpyFixture("arange_float32.npy"))
        #expect(tensor.shape == [2, 3, 4] && tensor.dtype == .float32)
        #expect(tensor.toArray(Double.self) == (0..<24).map { Double($0 - 5) })
        let fortran = try Tensor(mappingNPY: numpyFixture("fortran_f8.npy"))
        #expect(fortran.strides == [1, 2, 6] && fortran.toArray(Double.self) == (0..<24).map { Double($0 - 5) })
    }

    @Test func readWriteMappingWritesReachTheFile() throws {
        let path = try savedFile(Tensor.zeros([4], dtype: .int64))
        do {
            let mapped = try Tensor(mappingNPY: path, mode: .readWrite)
            mapped.select(0, 2).fill(7)
            try mapped.flush()
        }
        #expect(try Tensor.load(npy: path).toArray(Int.self) == [0, 0, 7, 0])
    }

    @Test func copyOnWriteMappingLeavesTheFileUnchanged() throws {
        let path = try savedFile(Tensor.ones([3]))
        let mapped = try Tensor(mappingNPY: path, mode: .copyOnWrite)
        mapped.fill(5)
        try mapped.flush()
        #expect(mapped.toArray(Double.self) == [5, 5, 5])
        #expect(try Tensor.load(npy: path).toArray(Double.self) == [1, 1, 1])
    }

    @Test func mappingOutlivesTheFirstTensorThroughViews() throws {
        let path = try savedFile(Tensor.arange(10, dtype: .float64))
        var view: Tensor?
        do {
            let mapped = try Tensor(mappingNPY: path)
            view = mapped.narrow(0, start: 5, length: 5)
        }
        #expect(view?.toArray(Double.self) == [5, 6, 7, 8, 9])
    }

    @Test func twoReadWriteMappingsShareTheFile() throws {
        let path = try savedFile(Tensor.zeros([2]))
        let a = try Tensor(mappingNPY: path, mode: .readWrite)
        let b = try Tensor(mappingNPY: path, mode: .readWrite)
        a.fill(3)
        #expect(b.toArray(Double.self) == [3, 3])
    }

    @Test func dataNeedingConversionCannotBeMapped() {
        #expect(throws: NumPyFormatError.cannotMap(reason: "'>f4' data is big-endian; Tensor.load(npy:) converts it")) {
            try Tensor(mappingNPY: numpyFixture("big_endian_f4.npy"))
        }
        #expect(throws: NumPyFormatError.cannotMap(reason: "'|i1' is not a tensor dtype; Tensor.load(npy:) converts it to int32")) {
            try Tensor(mappingNPY: numpyFixture("arange_int8.npy"))
        }
    }

    @Test func emptyAndZeroDimensionalFilesMap() throws {
        #expect(try Tensor(mappingNPY: numpyFixture("empty_3x0.npy")).shape == [3, 0])
        #expect(try Tensor(mappingNPY: numpyFixture("scalar_0d.npy")).item() == 3.5)
    }

    @Test func writingThroughReadOnlyMappingTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let mapped = try Tensor(mappingNPY: numpyFixture("arange_float32.npy"))
            mapped.fill(1)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("read-only"), "stderr: \(message)")
    }

    @Test func mutableAccessToReadOnlyMappingTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let mapped = try Tensor(mappingNPY: numpyFixture("arange_float32.npy"))
            mapped.withUnsafeMutableBufferPointer(as: Float.self) { $0[0] = 1 }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("withUnsafeMutableBufferPointer") && message.contains("read-only"), "stderr: \(message)")
    }
}

@Suite struct NumPyExternalMemoryTests {
    /// Counts deallocations from any thread.
    final class Counter: @unchecked Sendable {
        // @unchecked: the count is only touched under the lock.
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    @Test func wrappedMemoryIsSharedAndFreedByTheDeallocator() throws {
        let counter = Counter()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 6 * 4, alignment: 64)
        let floats = buffer.bindMemory(to: Float.self)
        for i in 0..<6 { floats[i] = Float(i) }
        do {
            let tensor = try Tensor(wrapping: buffer, shape: [2, 3], dtype: .float32) { memory in
                memory.deallocate()
                counter.increment()
            }
            let row = tensor.select(0, 1)
            #expect(row.toArray(Float.self) == [3, 4, 5])
            floats[3] = 30
            #expect(row.toArray(Float.self) == [30, 4, 5])
            tensor.fill(1)
            #expect(counter.count == 0)
        }
        #expect(counter.count == 1)
    }

    @Test func ownerIsKeptAliveAndReadOnlyWrapsAreReadable() throws {
        final class Owner {
            let bytes: UnsafeMutableRawBufferPointer
            init() { bytes = .allocate(byteCount: 16, alignment: 8); bytes.storeBytes(of: 0, as: Int64.self); bytes.storeBytes(of: 42, toByteOffset: 8, as: Int64.self) }
            deinit { bytes.deallocate() }
        }
        var owner: Owner? = Owner()
        weak let weakOwner = owner
        let tensor = try Tensor(wrapping: UnsafeRawBufferPointer(owner!.bytes), shape: [2], dtype: .int64, owner: owner!, isWritable: false)
        owner = nil
        #expect(weakOwner != nil)
        #expect(tensor.toArray(Int.self) == [0, 42])
    }

    @Test func shortBufferThrows() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { buffer.deallocate() }
        #expect(throws: TensorError.byteCountMismatch(operation: "Tensor(wrapping:)", byteCount: 8, expected: 12)) {
            try Tensor(wrapping: UnsafeRawBufferPointer(buffer), shape: [3], dtype: .float32, owner: NSObject())
        }
    }

    @Test func scopedAccessSeesRowMajorElements() {
        let matrix = Tensor.arange(6, dtype: .float32).reshape(2, 3)
        #expect(matrix.transpose(0, 1).withUnsafeBufferPointer(as: Float.self) { Array($0) } == [0, 3, 1, 4, 2, 5])
        matrix.withUnsafeMutableBufferPointer(as: Float.self) { $0[0] = 9 }
        #expect(matrix.toArray(Float.self)[0] == 9)
        #expect(matrix.withUnsafeBytes { $0.count } == 24)
        matrix.withUnsafeMutableBytes { $0.storeBytes(of: 2, toByteOffset: 4, as: Float.self) }
        #expect(matrix.toArray(Float.self)[1] == 2)
    }

    @Test func mutableAccessToNonContiguousTensorTraps() async {
        await #expect(processExitsWith: .failure) {
            Tensor.zeros(2, 3).transpose(0, 1).withUnsafeMutableBufferPointer(as: Float.self) { _ in }
        }
    }
}

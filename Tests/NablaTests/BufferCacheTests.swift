import Foundation
import Testing
@testable import Nabla

@Suite struct BufferCacheTests {
    /// About 8 MiB of float32: above the cache's minimum.
    static let largeByteCount = ((2 << 20) + 12_345) * 4

    @Test func largeBuffersAreReusedWithinCapacity() {
        // A private pool: tests running in parallel share the global one and may fill it.
        let pool = BufferPool(capacity: 2 * BufferCache.roundedSize(Self.largeByteCount))
        let first = pool.allocate(byteCount: Self.largeByteCount, alignment: 64)
        pool.deallocate(first, byteCount: Self.largeByteCount)
        #expect(pool.heldBytes == BufferCache.roundedSize(Self.largeByteCount))
        let second = pool.allocate(byteCount: Self.largeByteCount, alignment: 64)
        #expect(second == first, "a freed large buffer of the same size class is reused")
        #expect(pool.heldBytes == 0)

        // Beyond capacity a buffer is freed, not kept.
        let a = pool.allocate(byteCount: Self.largeByteCount, alignment: 64)
        let b = pool.allocate(byteCount: Self.largeByteCount, alignment: 64)
        for pointer in [second, a, b] { pool.deallocate(pointer, byteCount: Self.largeByteCount) }
        #expect(pool.heldBytes == 2 * BufferCache.roundedSize(Self.largeByteCount))
    }

    /// Storages up to the inline limit keep their bytes in the object; either way the
    /// bytes are zeroed, aligned for every dtype, and the version counter works; growing an
    /// inline storage moves its bytes out and keeps them.
    @Test func inlineAndAllocatedStoragesBehaveAlike() {
        for byteCount in [0, 1, 8, 100, Storage.inlineLimit - 1, Storage.inlineLimit, Storage.inlineLimit + 1, 1024, 4096] {
            let storage = Storage.allocate(byteCount: byteCount)
            let isInline: Bool
            if case .inline = storage.release { isInline = true } else { isInline = false }
            #expect(isInline == (byteCount <= Storage.inlineLimit), "\(byteCount) bytes")
            #expect(Int(bitPattern: storage.data) % (byteCount >= 1024 ? 64 : 16) == 0, "\(byteCount) bytes")
            #expect(UnsafeRawBufferPointer(start: storage.data, count: byteCount).allSatisfy { $0 == 0 })
            #expect(storage.version == 0)
            storage.bumpVersion()
            storage.bumpVersion()
            #expect(storage.version == 2)
            storage.restoreVersion(7)
            #expect(storage.version == 7)
        }
        let tensor = Tensor.arange(100, dtype: .float32)  // 400 bytes: inline
        let view = tensor.view(10, 10)
        tensor.resize(300)  // 1,200 bytes: moved out
        #expect(Array(tensor.toArray(Float.self).prefix(100)) == (0..<100).map(Float.init))
        #expect(tensor.toArray(Float.self).dropFirst(100).allSatisfy { $0 == 0 })
        #expect(view.toArray(Float.self) == (0..<100).map(Float.init), "a view sees the moved bytes")
        view[0, 0] = Tensor(Float(-1))
        #expect(tensor[0].item(Float.self) == -1)
    }

    @Test func smallBuffersBypassThePool() {
        let pool = BufferPool(capacity: 1 << 30)
        let small = pool.allocate(byteCount: 4096, alignment: 64)
        pool.deallocate(small, byteCount: 4096)
        #expect(pool.heldBytes == 0)
    }

    @Test func zerosClearsAReusedBuffer() {
        // Storage goes through the shared pool: a freed buffer of sevens is usually the
        // next zeros() buffer; whether or not it is, zeros() must read back as zeros.
        let count = Self.largeByteCount / 4
        for _ in 0..<3 {
            var sevens: Tensor? = Tensor.full([count], 7)
            #expect(sevens!.max().item() == 7)
            sevens = nil
            let zeros = Tensor.zeros([count])
            #expect(zeros.max().item() == 0 && zeros.min().item() == 0, "zeros() clears a reused buffer")
        }
    }

    /// Buffers of 4 MiB and more start on a 2 MiB boundary and, on Linux, their mapping
    /// carries the kernel's huge-page advice flag (`hg` in `/proc/self/smaps`); smaller
    /// ones keep the alignment asked for and get no advice.
    @Test func largeBuffersAreAlignedAndAdvisedForHugePages() throws {
        let pool = BufferPool(capacity: 1 << 30)
        let large = pool.allocate(byteCount: Self.largeByteCount, alignment: 64)
        defer { pool.deallocate(large, byteCount: Self.largeByteCount) }
        #expect(Int(bitPattern: large) % BufferCache.hugePageSize == 0)
        let belowThreshold = BufferCache.hugePageThreshold - (64 << 10)
        let small = pool.allocate(byteCount: belowThreshold, alignment: 64)
        defer { pool.deallocate(small, byteCount: belowThreshold) }
        #expect(Int(bitPattern: small) % 64 == 0)
        #if os(Linux)
        // A kernel built without transparent huge pages refuses the advice.
        guard FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled") else { return }
        // Read to the end: /proc files report a size of 0.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps"))
        defer { try? handle.close() }
        let smaps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        #expect(Self.mappingFlags(containing: large + BufferCache.hugePageSize, in: smaps)?.contains("hg") == true,
                "the large buffer's mapping is advised for huge pages")
        #endif
    }

    /// The `VmFlags` of the `/proc/self/smaps` mapping that contains `address`.
    static func mappingFlags(containing address: UnsafeMutableRawPointer, in smaps: String) -> [Substring]? {
        let target = UInt(bitPattern: Int(bitPattern: address))
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= target && target < bounds[1]
            } else if inside, fields.first == "VmFlags:" {
                return Array(fields.dropFirst())
            }
        }
        return nil
    }

    @Test func sizesRoundUpTo64KiB() {
        #expect(BufferCache.roundedSize(BufferCache.minimumSize + 1) == BufferCache.minimumSize + (64 << 10))
        #expect(BufferCache.roundedSize(BufferCache.minimumSize) == BufferCache.minimumSize)
    }
}

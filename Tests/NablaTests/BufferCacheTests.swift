import Testing
@testable import Nabla

@Suite struct BufferCacheTests {
    @Test func largeBuffersAreReusedAndStillZeroed() {
        // About 8 MiB of float32 (above the cache's minimum), an odd size that no other test uses.
        let count = (2 << 20) + 12_345
        var first: Tensor? = Tensor.full([count], 7)
        let address = first!.storage.data
        first = nil
        let second = Tensor.zeros([count])
        #expect(second.storage.data == address, "a freed large buffer of the same size class is reused")
        #expect(second.max().item() == 0 && second.min().item() == 0, "zeros() clears a reused buffer")
    }

    @Test func sizesRoundUpTo64KiB() {
        #expect(BufferCache.roundedSize(BufferCache.minimumSize + 1) == BufferCache.minimumSize + (64 << 10))
        #expect(BufferCache.roundedSize(BufferCache.minimumSize) == BufferCache.minimumSize)
    }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps freed large buffers for reuse by the next allocation of the same size class.
///
/// Element-wise operations allocate a fresh output per call. Above glibc's mmap threshold
/// every such buffer would be mapped, page-faulted in and unmapped again on each call,
/// which made a 4M-element `exp` run at a tenth of memory speed. Reusing warm buffers
/// removes that cost, as PyTorch's and NumPy's allocators do. The cache is small and
/// bounded: buffers of at least ``minimumSize`` bytes, sizes rounded up to 64 KiB, at most
/// ``capacity`` bytes held in total.
enum BufferCache {
    /// Buffers below this size come from the system allocator's own free lists. It is
    /// glibc's default mmap threshold (128 KiB): with the old 1 MiB, an MLP step's
    /// weight gradients (784 x 256 float32 is 784 KiB) were mapped, page-faulted and
    /// unmapped on every step (page faults were about a sixth of the step's time).
    static let minimumSize = 128 << 10
    /// The most memory the cache keeps for reuse.
    static let capacity = 256 << 20
    private static let granularity = 64 << 10

    /// Buffers of at least this size (NumPy's threshold, 4 MiB) start on a huge-page
    /// boundary and are marked for transparent huge pages.
    ///
    /// A 4M-element `a + b` touches 12,288 pages of 4 KiB, four times what an AMD Zen 4
    /// core's second-level TLB holds, so every page costs a page walk: on Linux systems
    /// whose transparent huge pages are `madvise` only (Debian's and Ubuntu's default),
    /// such an add ran at 24 GB/s where NumPy, which advises its large arrays, ran at 38-41
    /// (and at 28 with its advice turned off). Where huge pages are always on or off the
    /// advice changes nothing; it is a hint, and a kernel without them ignores it.
    static let hugePageThreshold = 4 << 20
    /// The huge-page size the advice and alignment are for (x86-64's and arm64's 2 MiB).
    static let hugePageSize = 2 << 20

    /// Asks the kernel to back the whole huge pages of a fresh buffer with huge pages
    /// (Linux; elsewhere nothing).
    static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let start = (Int(bitPattern: pointer) + hugePageSize - 1) & ~(hugePageSize - 1)
        let end = (Int(bitPattern: pointer) + byteCount) & ~(hugePageSize - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// The pool that tensor storage uses.
    private static let shared = BufferPool(capacity: capacity)

    /// The size a request for `byteCount` bytes is served with.
    static func roundedSize(_ byteCount: Int) -> Int {
        (byteCount + granularity - 1) / granularity * granularity
    }

    /// A buffer of at least `byteCount` bytes aligned to `alignment`, reused when one
    /// of the same size class is free.
    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        shared.allocate(byteCount: byteCount, alignment: alignment)
    }

    /// Gives back a buffer obtained from ``allocate(byteCount:alignment:)`` for
    /// `byteCount` bytes: kept for reuse while the cache has room, freed otherwise.
    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        shared.deallocate(pointer, byteCount: byteCount)
    }
}

/// The free lists behind ``BufferCache``: one instance serves all tensor storage; tests
/// make their own so that other tests running in parallel cannot fill or drain it.
final class BufferPool: Sendable {
    let capacity: Int

    private struct State {
        /// Addresses of free buffers by rounded size (addresses as integers: the state
        /// is shared between threads behind the mutex).
        var free: [Int: [Int]] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    deinit {
        state.withLock { state in
            for address in state.free.values.joined() {
                UnsafeMutableRawPointer(bitPattern: address)?.deallocate()
            }
        }
    }

    /// The bytes held for reuse.
    var heldBytes: Int { state.withLock { $0.bytes } }

    /// A buffer of at least `byteCount` bytes aligned to `alignment`, reused when one
    /// of the same size class is free.
    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= BufferCache.minimumSize else {
            // The system allocator's own alignment (16) needs no aligned allocation,
            // which costs several times a plain `malloc`.
            if alignment <= 16, let pointer = malloc(Swift.max(byteCount, 1)) { return pointer }
            return .allocate(byteCount: Swift.max(byteCount, 1), alignment: alignment)
        }
        let size = BufferCache.roundedSize(byteCount)
        let reused: Int? = state.withLock { state in
            guard let address = state.free[size]?.popLast() else { return nil }
            state.bytes -= size
            return address
        }
        if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) { return pointer }
        guard size >= BufferCache.hugePageThreshold else { return .allocate(byteCount: size, alignment: alignment) }
        let pointer = UnsafeMutableRawPointer.allocate(
            byteCount: size, alignment: Swift.max(alignment, BufferCache.hugePageSize))
        BufferCache.adviseHugePages(pointer, byteCount: size)
        return pointer
    }

    /// Gives back a buffer obtained from ``allocate(byteCount:alignment:)`` for
    /// `byteCount` bytes: kept for reuse while the cache has room, freed otherwise.
    func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount >= BufferCache.minimumSize else {
            free(pointer)
            return
        }
        let size = BufferCache.roundedSize(byteCount)
        let kept = state.withLock { state in
            guard state.bytes + size <= capacity else { return false }
            state.free[size, default: []].append(Int(bitPattern: pointer))
            state.bytes += size
            return true
        }
        if !kept { pointer.deallocate() }
    }
}

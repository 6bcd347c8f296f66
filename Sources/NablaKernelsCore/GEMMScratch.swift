#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-thread packing memory for GEMM, 64-byte aligned, grown on demand and kept for the
/// thread's lifetime (libdispatch's worker threads live long), so a small product
/// allocates nothing and touches no fresh pages after the first call on a thread.
///
/// The memory belongs to the GEMM driver alone: a GEMM call never runs another GEMM on
/// the same thread while it holds the pointer (nested ``Parallel/run(_:_:)`` tasks run one
/// after another), so one buffer per thread is enough.
@usableFromInline
enum GEMMScratch {
    private final class Buffer {
        var base: UnsafeMutableRawPointer?
        var capacity = 0
        deinit { base?.deallocate() }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        #if os(Linux)
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<Buffer>.fromOpaque(raw).release() }
        }
        #else
        pthread_key_create(&key) { raw in Unmanaged<Buffer>.fromOpaque(raw).release() }
        #endif
        return key
    }()

    /// At least `byteCount` bytes, valid until the next call on this thread.
    @usableFromInline
    static func memory(byteCount: Int) -> UnsafeMutableRawPointer {
        let buffer: Buffer
        if let raw = pthread_getspecific(key) {
            buffer = Unmanaged<Buffer>.fromOpaque(raw).takeUnretainedValue()
        } else {
            buffer = Buffer()
            pthread_setspecific(key, Unmanaged.passRetained(buffer).toOpaque())
        }
        if let base = buffer.base, buffer.capacity >= byteCount { return base }
        buffer.base?.deallocate()
        let capacity = max(byteCount, 64 * 1024)
        let base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        buffer.base = base
        buffer.capacity = capacity
        return base
    }
}

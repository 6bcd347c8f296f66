import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The memory behind one or more tensors: a byte buffer shared by every view of it.
///
/// Storage owns its bytes (64-byte aligned from 1 KiB up, so SIMD kernels and packing
/// start on cache lines) or wraps memory that someone else owns (a memory-mapped file, a caller's
/// buffer) and releases it through the given deallocator or by dropping the owner.
///
/// `version` counts in-place writes: autograd records it when it saves a tensor for the
/// backward pass and checks it at `backward()`, which is how a modification that would
/// make a gradient silently wrong is caught (PyTorch's version counter).
///
/// Tensors are reference types, like PyTorch's; sharing a storage between threads is safe
/// for reading, and concurrent writes to the same elements are the caller's race to avoid,
/// as with any shared buffer. The version counter is atomic, so tasks that write disjoint
/// views of one storage, or record it for autograd while another writes, never corrupt it.
/// That is the contract behind `@unchecked Sendable`; `data` and `byteCount` change only
/// in ``ensureCapacity(_:operation:)`` (`resize`), which must not race with any other use.
final class Storage: @unchecked Sendable {
    /// How the bytes are given back.
    enum Release {
        /// Allocated here, through ``BufferCache``.
        case owned
        /// Given back by calling the function.
        case deallocator(@Sendable (UnsafeMutableRawPointer, Int) -> Void)
        /// Kept alive by holding the object; nothing to free here.
        case owner(AnyObject)
    }

    private(set) var data: UnsafeMutableRawPointer
    private(set) var byteCount: Int
    /// False for read-only mappings: every write path checks it and traps with a message
    /// instead of faulting.
    let isWritable: Bool
    /// Incremented by every in-place write; atomic, because tasks sharing a parameter
    /// read and bump it concurrently (PyTorch's version counter is atomic too).
    private let versionCounter = Atomic<Int>(0)
    /// The number of in-place writes so far (wrapping).
    var version: Int { versionCounter.load(ordering: .relaxed) }

    /// Counts one in-place write.
    func bumpVersion() {
        versionCounter.wrappingAdd(1, ordering: .relaxed)
    }

    /// Puts the counter back to `value`, for a check that writes and restores data
    /// (gradcheck's perturbation) without counting as a modification.
    func restoreVersion(_ value: Int) {
        versionCounter.store(value, ordering: .relaxed)
    }
    let release: Release

    static let alignment = 64

    /// The alignment of a buffer of `byteCount` bytes: ``alignment`` (a cache line) from
    /// 1 KiB up; below, the system allocator's own 16 bytes, since an over-aligned
    /// allocation costs several times a plain one and a tiny tensor's cache lines do not
    /// matter (the kernels load and store unaligned).
    static func alignment(forByteCount byteCount: Int) -> Int {
        byteCount >= 1024 ? alignment : 16
    }

    /// Allocates `byteCount` bytes, zero-filled when `zeroed`.
    init(byteCount: Int, zeroed: Bool = true) {
        nablaPrecondition(byteCount >= 0, "Storage: negative size \(byteCount)")
        data = BufferCache.allocate(byteCount: byteCount, alignment: Storage.alignment(forByteCount: byteCount))
        if zeroed { memset(data, 0, byteCount) }
        self.byteCount = byteCount
        isWritable = true
        release = .owned
    }

    /// Wraps memory owned elsewhere.
    init(wrapping data: UnsafeMutableRawPointer, byteCount: Int, isWritable: Bool, release: Release) {
        self.data = data
        self.byteCount = byteCount
        self.isWritable = isWritable
        self.release = release
    }

    deinit {
        switch release {
        case .owned: BufferCache.deallocate(data, byteCount: byteCount)
        case .deallocator(let free): free(data, byteCount)
        case .owner: break
        }
    }

    /// Grows (or keeps) the buffer to at least `newByteCount` bytes, keeping its contents,
    /// as PyTorch's `resize_` does; new bytes are zero.
    func ensureCapacity(_ newByteCount: Int, operation: String) {
        guard newByteCount > byteCount else { return }
        guard case .owned = release else {
            nablaPreconditionFailure("\(operation): cannot grow storage that Nabla does not own (a mapped file or a caller's buffer) from \(byteCount) to \(newByteCount) bytes")
        }
        let grown = BufferCache.allocate(byteCount: newByteCount, alignment: Storage.alignment(forByteCount: newByteCount))
        grown.copyMemory(from: data, byteCount: byteCount)
        memset(grown + byteCount, 0, newByteCount - byteCount)
        BufferCache.deallocate(data, byteCount: byteCount)
        data = grown
        byteCount = newByteCount
    }
}

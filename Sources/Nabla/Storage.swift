import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The memory behind one or more tensors: a byte buffer shared by every view of it.
///
/// Storage owns its bytes or wraps memory that someone else owns (a memory-mapped file, a
/// caller's buffer) and releases it through the given deallocator or by dropping the
/// owner. Owned buffers below ``inlineLimit`` bytes live inside the storage object itself
/// (a `ManagedBuffer`'s tail), so a small tensor costs one allocation, not two; larger ones
/// come from ``BufferCache``, 64-byte aligned from 1 KiB up so that SIMD kernels and packing
/// start on cache lines. Inline bytes are 16-byte aligned (the kernels load and store
/// unaligned; every dtype's natural alignment is at most 8).
///
/// `version` counts in-place writes: autograd records it when it saves a tensor for the
/// backward pass and checks it at `backward()`, which is how a modification that would
/// make a gradient silently wrong is caught (PyTorch's version counter).
///
/// Tensors are reference types, like PyTorch's; sharing a storage between threads is safe
/// for reading, and concurrent writes to the same elements are the caller's race to avoid,
/// as with any shared buffer. The version counter is atomic, so tasks that write disjoint
/// views of one storage, or record it for autograd while another writes, never corrupt it.
/// That is the contract under which `Tensor` (`@unchecked Sendable`) shares its storage
/// (`ManagedBuffer` subclasses cannot be `Sendable` themselves); `data` and `byteCount`
/// change only in ``ensureCapacity(_:operation:)`` (`resize`), which must not race with
/// any other use.
///
/// Layout: the header holds the pointer, size and ownership; the tail's first 16-byte slot
/// holds the atomic version counter (an `Atomic` cannot live in a `ManagedBuffer` header,
/// which must be copyable), and inline bytes follow it.
final class Storage: ManagedBuffer<StorageHeader, StorageSlot> {
    /// How the bytes are given back.
    enum Release {
        /// Inside this object; nothing to free.
        case inline
        /// Allocated here, through ``BufferCache``.
        case owned
        /// Given back by calling the function.
        case deallocator(@Sendable (UnsafeMutableRawPointer, Int) -> Void)
        /// Kept alive by holding the object; nothing to free here.
        case owner(AnyObject)
    }

    /// Owned buffers up to this many bytes are stored inline.
    static let inlineLimit = 512

    static let alignment = 64

    /// The alignment of a buffer of `byteCount` bytes from ``BufferCache``: ``alignment``
    /// (a cache line) from 1 KiB up; below, the system allocator's own 16 bytes, since an
    /// over-aligned allocation costs several times a plain one and a small tensor's cache
    /// lines do not matter (the kernels load and store unaligned).
    static func alignment(forByteCount byteCount: Int) -> Int {
        byteCount >= 1024 ? alignment : 16
    }

    // The header is read and written through its pointer: `ManagedBuffer.header` is a
    // stored property of another module, so each direct access would go through the
    // runtime's dynamic exclusivity check, several times the cost of the read itself.
    // (The contract above, not that check, is what excludes racing writers.)
    private var headerPointer: UnsafeMutablePointer<StorageHeader> { withUnsafeMutablePointerToHeader { $0 } }

    var data: UnsafeMutableRawPointer { headerPointer.pointee.data }
    var byteCount: Int { headerPointer.pointee.byteCount }
    /// False for read-only mappings: every write path checks it and traps with a message
    /// instead of faulting.
    var isWritable: Bool { headerPointer.pointee.isWritable }
    var release: Release { headerPointer.pointee.release }

    /// The version counter, in the tail's first slot.
    private var versionCounter: UnsafeMutablePointer<Atomic<Int>> {
        withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Atomic<Int>.self) }
    }

    /// The number of in-place writes so far (wrapping). Atomic, because tasks sharing a
    /// parameter read and bump it concurrently (PyTorch's version counter is atomic too).
    var version: Int { versionCounter.pointee.load(ordering: .relaxed) }

    /// Counts one in-place write.
    func bumpVersion() {
        versionCounter.pointee.wrappingAdd(1, ordering: .relaxed)
    }

    /// Puts the counter back to `value`, for a check that writes and restores data
    /// (gradcheck's perturbation) without counting as a modification.
    func restoreVersion(_ value: Int) {
        versionCounter.pointee.store(value, ordering: .relaxed)
    }

    /// A storage object with room for `inlineBytes` bytes after the counter slot.
    private static func make(inlineBytes: Int, header: StorageHeader) -> Storage {
        let slotSize = MemoryLayout<StorageSlot>.stride
        let slots = 1 + (inlineBytes + slotSize - 1) / slotSize
        let storage = unsafeDowncast(Storage.create(minimumCapacity: slots) { _ in header }, to: Storage.self)
        storage.withUnsafeMutablePointerToElements { elements in
            let raw = UnsafeMutableRawPointer(elements)
            raw.bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
            if case .inline = header.release { storage.headerPointer.pointee.data = raw + slotSize }
        }
        return storage
    }

    /// Allocates `byteCount` bytes, zero-filled when `zeroed`.
    static func allocate(byteCount: Int, zeroed: Bool = true) -> Storage {
        nablaPrecondition(byteCount >= 0, "Storage: negative size \(byteCount)")
        let storage: Storage
        if byteCount <= inlineLimit {
            // The data pointer is set to the tail by `make`.
            storage = make(inlineBytes: byteCount, header: StorageHeader(
                data: UnsafeMutableRawPointer(bitPattern: 16)!, byteCount: byteCount, isWritable: true, release: .inline))
        } else {
            let data = BufferCache.allocate(byteCount: byteCount, alignment: Storage.alignment(forByteCount: byteCount))
            storage = make(inlineBytes: 0, header: StorageHeader(data: data, byteCount: byteCount, isWritable: true, release: .owned))
        }
        if zeroed { memset(storage.data, 0, byteCount) }
        return storage
    }

    /// Wraps memory owned elsewhere.
    static func wrapping(_ data: UnsafeMutableRawPointer, byteCount: Int, isWritable: Bool, release: Release) -> Storage {
        make(inlineBytes: 0, header: StorageHeader(data: data, byteCount: byteCount, isWritable: isWritable, release: release))
    }

    deinit {
        switch release {
        case .owned: BufferCache.deallocate(data, byteCount: byteCount)
        case .deallocator(let free): free(data, byteCount)
        case .inline, .owner: break
        }
    }

    /// Grows (or keeps) the buffer to at least `newByteCount` bytes, keeping its contents,
    /// as PyTorch's `resize_` does; new bytes are zero. Inline bytes move to a
    /// ``BufferCache`` buffer.
    func ensureCapacity(_ newByteCount: Int, operation: String) {
        guard newByteCount > byteCount else { return }
        let inline: Bool
        switch release {
        case .owned: inline = false
        case .inline: inline = true
        default:
            nablaPreconditionFailure("\(operation): cannot grow storage that Nabla does not own (a mapped file or a caller's buffer) from \(byteCount) to \(newByteCount) bytes")
        }
        let grown = BufferCache.allocate(byteCount: newByteCount, alignment: Storage.alignment(forByteCount: newByteCount))
        grown.copyMemory(from: data, byteCount: byteCount)
        memset(grown + byteCount, 0, newByteCount - byteCount)
        if !inline { BufferCache.deallocate(data, byteCount: byteCount) }
        headerPointer.pointee.data = grown
        headerPointer.pointee.byteCount = newByteCount
        headerPointer.pointee.release = .owned
    }
}

/// A storage's pointer, size and ownership (see ``Storage``).
struct StorageHeader {
    var data: UnsafeMutableRawPointer
    var byteCount: Int
    let isWritable: Bool
    var release: Storage.Release
}

/// The unit of a storage's tail: 16 bytes, 16-byte aligned.
typealias StorageSlot = SIMD2<UInt64>

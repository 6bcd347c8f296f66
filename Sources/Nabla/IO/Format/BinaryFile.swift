#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// An open file descriptor, closed when the object goes away. POSIX calls only, so the
/// I/O layer needs no Foundation.
final class BinaryFile {
    let path: String
    let descriptor: Int32

    enum Access {
        case read, readWrite, createOrTruncate
    }

    init(path: String, access: Access) throws(NumPyFormatError) {
        self.path = path
        let flags: Int32
        switch access {
        case .read: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createOrTruncate: flags = O_WRONLY | O_CREAT | O_TRUNC
        }
        // Readers open without blocking and refuse anything but a regular file: opening a
        // FIFO for reading would otherwise wait forever for a writer, and a device or a
        // directory has no size to check the header against.
        let nonBlocking = access == .createOrTruncate ? 0 : O_NONBLOCK
        let fd = open(path, flags | O_CLOEXEC | nonBlocking, 0o644)
        guard fd >= 0 else { throw .fileSystem(path: path, operation: "open", errno: errno) }
        // Checked before `descriptor` is set: a throw from a fully initialised object would
        // run deinit, which closes the descriptor a second time.
        if access != .createOrTruncate {
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw .fileSystem(path: path, operation: "fstat", errno: code)
            }
            guard info.st_mode & S_IFMT == S_IFREG else {
                close(fd)
                throw .notARegularFile(path: path)
            }
            // Regular files ignore O_NONBLOCK, but clear it so reads behave as documented.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// The file's current size in bytes.
    func size() throws(NumPyFormatError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .fileSystem(path: path, operation: "fstat", errno: errno) }
        return Int(info.st_size)
    }

    /// Reads exactly `buffer.count` bytes starting at `offset`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(NumPyFormatError) {
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else { throw .fileSystem(path: path, operation: "read", errno: errno) }
            // The size was checked against fstat; a short read means the file shrank meanwhile.
            guard result > 0 else { throw .truncatedData(expectedBytes: buffer.count, availableBytes: done) }
            done += result
        }
    }

    /// Reads `count` bytes starting at `offset` into a new array.
    func read(count: Int, at offset: Int) throws(NumPyFormatError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withMutableRawBytes { (raw) throws(NumPyFormatError) in try read(into: raw, at: offset) }
        return bytes
    }

    /// Writes all of `bytes` at the current position.
    func write(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) {
        var done = 0
        while done < bytes.count {
            let result = posixWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw .fileSystem(path: path, operation: "write", errno: errno) }
            done += result
        }
    }
}

/// The C `write`, which `BinaryFile.write` would otherwise shadow.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Appends to a file opened for writing.
struct FileSink: ByteSink {
    let file: BinaryFile

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) {
        try file.write(bytes)
    }
}

/// A whole file mapped into memory, unmapped when the last reference goes away.
///
/// Tensors over a mapped `.npy` keep this object alive through their storage, so the
/// mapping lives exactly as long as some tensor views it.
final class MappedFile: @unchecked Sendable {
    // @unchecked: the fields are immutable after init; the mapped bytes are shared memory
    // with the same contract as any tensor storage (concurrent writers are the caller's race).

    /// How the pages relate to the file.
    enum Sharing {
        /// Read-only pages.
        case readOnly
        /// Writable pages whose changes reach the file.
        case shared
        /// Writable pages whose changes stay private to this process.
        case privateCopy
    }

    let path: String
    let sharing: Sharing
    let base: UnsafeMutableRawPointer
    let length: Int

    init(path: String, sharing: Sharing) throws(NumPyFormatError) {
        let file = try BinaryFile(path: path, access: sharing == .shared ? .readWrite : .read)
        let size = try file.size()
        guard size > 0 else { throw .emptyFile }
        let protection = sharing == .readOnly ? PROT_READ : PROT_READ | PROT_WRITE
        let flags = sharing == .shared ? MAP_SHARED : MAP_PRIVATE
        guard let address = mmap(nil, size, protection, flags, file.descriptor, 0), address != MAP_FAILED else {
            throw .fileSystem(path: path, operation: "mmap", errno: errno)
        }
        self.path = path
        self.sharing = sharing
        base = address
        length = size
    }

    /// Writes modified pages of a shared mapping back to the file and waits for the write
    /// to finish; other mappings have nothing to write back.
    func sync() throws(NumPyFormatError) {
        guard sharing == .shared else { return }
        guard msync(base, length, MS_SYNC) == 0 else { throw .fileSystem(path: path, operation: "msync", errno: errno) }
    }

    deinit {
        munmap(base, length)
    }
}

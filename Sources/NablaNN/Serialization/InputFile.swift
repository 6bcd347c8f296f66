#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A regular file opened for reading, closed when the object goes away: the readers of
/// NablaNN's formats (safetensors, IDX) read through it so that they refuse FIFOs,
/// devices and directories up front (opening a FIFO would block forever) and can read
/// each tensor's bytes straight into its storage.
final class InputFile {
    let path: String
    let descriptor: Int32
    /// The file's size in bytes, when it was opened.
    let size: Int

    init(path: String) throws(NablaNNError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .fileSystem(path: path, reason: "cannot open the file (\(Self.message(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .fileSystem(path: path, reason: "cannot read the file's status (\(Self.message(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .fileSystem(path: path, reason: "not a regular file (a FIFO, device, socket or directory); only regular files are read")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        size = Int(info.st_size)
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    private static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Reads exactly `buffer.count` bytes starting at `offset`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(NablaNNError) {
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else { throw .fileSystem(path: path, reason: "read failed (\(Self.message(errno)))") }
            guard result > 0 else { throw .fileSystem(path: path, reason: "the file shrank while being read") }
            done += result
        }
    }

    /// Reads `count` bytes starting at `offset` into a new array.
    func read(count: Int, at offset: Int) throws(NablaNNError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var failure: NablaNNError?
        bytes.withUnsafeMutableBytes { raw in
            do throws(NablaNNError) { try read(into: raw, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
        return bytes
    }

    /// The whole file.
    func readAll() throws(NablaNNError) -> [UInt8] { try read(count: size, at: 0) }
}

/// The number of bytes a tensor of `shape` with `itemSize`-byte elements takes, or nil
/// when a dimension is negative or the layout overflows an `Int`. The product of the
/// non-zero dimensions is checked too: strides are products of dimensions, so a shape
/// like `[0, 1 << 40, 1 << 40]` holds no element yet cannot be laid out (NumPy refuses it
/// as "array is too big").
func checkedByteCount(shape: [Int], itemSize: Int) -> Int? {
    var count = 1
    var extent = itemSize
    for size in shape {
        guard size >= 0 else { return nil }
        count = count &* size
        guard size > 0 else { continue }
        let (product, overflow) = extent.multipliedReportingOverflow(by: size)
        guard !overflow else { return nil }
        extent = product
    }
    return count * itemSize
}

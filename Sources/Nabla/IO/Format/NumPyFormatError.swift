#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A problem found in a `.npy` or `.npz` file, or in reading or writing one.
///
/// Every reader in Nabla's NumPy interop throws this type for data it did not produce
/// itself: a malformed, truncated or hostile file never traps, never reads out of bounds
/// and never allocates more than the file can justify. Each case's `description` names
/// the problem in words a user can act on.
public enum NumPyFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file holds no bytes at all.
    case emptyFile
    /// The file does not start with the `\x93NUMPY` magic string.
    case badMagic
    /// The file ends before the part named by `section` is complete.
    case truncated(section: String, needed: Int, available: Int)
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(major: UInt8, minor: UInt8)
    /// The declared header length is larger than the limit the reader accepts.
    case headerTooLarge(length: Int, limit: Int)
    /// The header is not a valid Python dictionary literal; `reason` says where and why.
    case malformedHeader(reason: String)
    /// The header's literal is valid but is not a dictionary.
    case headerNotADictionary
    /// The header dictionary lacks one of `descr`, `fortran_order` and `shape`.
    case missingHeaderKey(String)
    /// The header dictionary holds a key NumPy never writes.
    case unexpectedHeaderKey(String)
    /// The header names the same key twice.
    case duplicateHeaderKey(String)
    /// `fortran_order` is not `True` or `False`.
    case invalidFortranOrder
    /// `shape` is not a tuple of non-negative integers; `reason` says which element.
    case invalidShape(reason: String)
    /// The element count or byte size implied by the shape does not fit in an `Int`.
    case shapeOverflow(shape: String)
    /// The dtype descriptor is not a plain numeric dtype this reader knows.
    case unsupportedDType(descr: String, reason: String)
    /// The data section is shorter than the shape and dtype require.
    case truncatedData(expectedBytes: Int, availableBytes: Int)
    /// The bytes are not a zip archive NumPy could have written; `reason` names the record.
    case malformedZip(reason: String)
    /// A zip member uses a compression method other than stored (0) or deflate (8).
    case unsupportedCompression(member: String, method: UInt16)
    /// A zip member is encrypted or uses a feature the reader does not implement.
    case unsupportedZipFeature(member: String, feature: String)
    /// A member's deflate stream is corrupt; `reason` says how.
    case corruptDeflateStream(reason: String)
    /// A member's data does not match the CRC-32 recorded in the archive.
    case checksumMismatch(member: String, expected: UInt32, actual: UInt32)
    /// An archive has no member of this name (without its `.npy` suffix).
    case missingMember(String)
    /// A name cannot be stored in an archive: empty, or used twice.
    case invalidMemberName(String)
    /// The operating system refused an operation on `path`.
    case fileSystem(path: String, operation: String, errno: Int32)
    /// A file's dtype or layout cannot be memory-mapped as asked; `reason` says why.
    case cannotMap(reason: String)
    /// The path names a FIFO, a device, a socket or a directory, not a regular file;
    /// readers refuse it before reading (a FIFO would block them forever).
    case notARegularFile(path: String)

    /// A sentence describing the problem.
    public var description: String {
        switch self {
        case .emptyFile:
            return "the file is empty: a .npy file starts with a 10-byte preamble"
        case .badMagic:
            return "not a .npy file: the first 6 bytes are not the magic string \\x93NUMPY"
        case let .truncated(section, needed, available):
            return "the file ends inside the \(section): \(needed) bytes needed, \(available) available"
        case let .unsupportedVersion(major, minor):
            return "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)"
        case let .headerTooLarge(length, limit):
            return "the .npy header declares \(length) bytes, more than the limit of \(limit)"
        case let .malformedHeader(reason):
            return "the .npy header is not a valid Python dictionary literal: \(reason)"
        case .headerNotADictionary:
            return "the .npy header is a Python literal but not a dictionary"
        case let .missingHeaderKey(key):
            return "the .npy header has no '\(key)' key"
        case let .unexpectedHeaderKey(key):
            return "the .npy header has an unexpected key '\(key)' (expected descr, fortran_order, shape)"
        case let .duplicateHeaderKey(key):
            return "the .npy header names the key '\(key)' twice"
        case .invalidFortranOrder:
            return "the .npy header's 'fortran_order' is not True or False"
        case let .invalidShape(reason):
            return "the .npy header's 'shape' is invalid: \(reason)"
        case let .shapeOverflow(shape):
            return "the shape \(shape) describes more elements or bytes than fit in memory addresses"
        case let .unsupportedDType(descr, reason):
            return "unsupported dtype '\(descr)': \(reason)"
        case let .truncatedData(expected, available):
            return "the data section is truncated: the header promises \(expected) bytes, the file holds \(available)"
        case let .malformedZip(reason):
            return "not a valid .npz (zip) archive: \(reason)"
        case let .unsupportedCompression(member, method):
            return "the member '\(member)' uses zip compression method \(method); only stored (0) and deflate (8) are supported"
        case let .unsupportedZipFeature(member, feature):
            return "the member '\(member)' uses an unsupported zip feature: \(feature)"
        case let .corruptDeflateStream(reason):
            return "corrupt deflate stream: \(reason)"
        case let .checksumMismatch(member, expected, actual):
            let hex = { (v: UInt32) in "0x" + String(v, radix: 16) }
            return "the member '\(member)' fails its CRC-32 check: recorded \(hex(expected)), computed \(hex(actual))"
        case let .missingMember(name):
            return "the archive has no member named '\(name)'"
        case let .invalidMemberName(name):
            return "'\(name)' cannot name an archive member: names must be non-empty and unique"
        case let .fileSystem(path, operation, code):
            return "\(operation) failed for '\(path)': \(String(cString: strerror(code)))"
        case let .cannotMap(reason):
            return "cannot memory-map this file: \(reason)"
        case let .notARegularFile(path):
            return "'\(path)' is not a regular file (a FIFO, device, socket or directory); only regular files are read"
        }
    }
}

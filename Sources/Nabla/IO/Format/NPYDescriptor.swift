/// An element type as NumPy names it in a `.npy` header (`'<f4'`, `'|b1'`, ...).
///
/// Only the plain numeric dtypes NumPy writes are recognised; complex, object, string,
/// datetime and structured dtypes are refused with ``NumPyFormatError/unsupportedDType(descr:reason:)``.
enum NPYScalarType: String, Sendable, CaseIterable {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64

    /// Bytes per element.
    var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// NumPy's kind character: `b` (bool), `i` (signed), `u` (unsigned), `f` (float).
    var kindCode: Character {
        switch self {
        case .bool: return "b"
        case .int8, .int16, .int32, .int64: return "i"
        case .uint8, .uint16, .uint32, .uint64: return "u"
        case .float16, .float32, .float64: return "f"
        }
    }
}

/// The byte order of multi-byte elements on disk.
enum NPYByteOrder: Sendable, Equatable {
    case little, big
}

/// A parsed `descr` string: an element type and the byte order of its bytes on disk.
struct NPYDescriptor: Equatable, Sendable {
    var scalarType: NPYScalarType
    /// The on-disk byte order; always `.little` for one-byte types, where it is meaningless.
    var byteOrder: NPYByteOrder

    init(_ scalarType: NPYScalarType, byteOrder: NPYByteOrder = .little) {
        self.scalarType = scalarType
        self.byteOrder = scalarType.itemSize == 1 ? .little : byteOrder
    }

    /// Parses a NumPy type string such as `<f4`, `>i8`, `|u1` or `|b1`.
    init(parsing descr: String) throws(NumPyFormatError) {
        let bytes = Array(descr.utf8)
        guard bytes.count >= 2, bytes.count <= 8 else {
            throw .unsupportedDType(descr: descr, reason: "not a NumPy type string such as '<f4'")
        }
        var index = 0
        var order = NPYByteOrder.little
        switch bytes[0] {
        case UInt8(ascii: "<"), UInt8(ascii: "|"), UInt8(ascii: "="):
            // '=' is native order; every platform Nabla builds for is little-endian.
            index = 1
        case UInt8(ascii: ">"):
            order = .big
            index = 1
        default:
            break
        }
        guard index < bytes.count else {
            throw .unsupportedDType(descr: descr, reason: "no type character after the byte order")
        }
        let kind = bytes[index]
        var size = 0
        for digit in bytes[(index + 1)...] {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                throw .unsupportedDType(descr: descr, reason: "the item size is not a decimal number")
            }
            size = size * 10 + Int(digit - UInt8(ascii: "0"))
        }
        let type: NPYScalarType
        switch (kind, size) {
        case (UInt8(ascii: "b"), 1): type = .bool
        case (UInt8(ascii: "i"), 1): type = .int8
        case (UInt8(ascii: "i"), 2): type = .int16
        case (UInt8(ascii: "i"), 4): type = .int32
        case (UInt8(ascii: "i"), 8): type = .int64
        case (UInt8(ascii: "u"), 1): type = .uint8
        case (UInt8(ascii: "u"), 2): type = .uint16
        case (UInt8(ascii: "u"), 4): type = .uint32
        case (UInt8(ascii: "u"), 8): type = .uint64
        case (UInt8(ascii: "f"), 2): type = .float16
        case (UInt8(ascii: "f"), 4): type = .float32
        case (UInt8(ascii: "f"), 8): type = .float64
        case (UInt8(ascii: "c"), _):
            throw .unsupportedDType(descr: descr, reason: "complex dtypes are not supported")
        case (UInt8(ascii: "O"), _):
            throw .unsupportedDType(descr: descr, reason: "object arrays hold pickled Python objects and are never read")
        case (UInt8(ascii: "U"), _), (UInt8(ascii: "S"), _), (UInt8(ascii: "a"), _):
            throw .unsupportedDType(descr: descr, reason: "string dtypes are not supported")
        case (UInt8(ascii: "M"), _), (UInt8(ascii: "m"), _):
            throw .unsupportedDType(descr: descr, reason: "datetime dtypes are not supported")
        case (UInt8(ascii: "V"), _):
            throw .unsupportedDType(descr: descr, reason: "void (raw or structured) dtypes are not supported")
        default:
            throw .unsupportedDType(descr: descr, reason: "unknown type character or item size")
        }
        self.init(type, byteOrder: order)
    }

    /// The type string NumPy writes for this descriptor (`|` for one-byte types).
    var descr: String {
        let orderCharacter: Character
        if scalarType.itemSize == 1 {
            orderCharacter = "|"
        } else {
            orderCharacter = byteOrder == .little ? "<" : ">"
        }
        return "\(orderCharacter)\(scalarType.kindCode)\(scalarType.itemSize)"
    }
}

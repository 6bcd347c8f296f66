/// The header of a `.npy` file: dtype, memory order and shape, and where the data starts.
///
/// The layout follows `numpy.lib.format`: the magic string `\x93NUMPY`, a major and minor
/// version byte, a little-endian header length (2 bytes in version 1.0, 4 in 2.0 and 3.0),
/// then a Python dictionary literal padded with spaces and a newline so that the data starts
/// on a 64-byte boundary.
struct NPYHeader: Equatable, Sendable {
    /// The `.npy` format versions this reader and writer understand.
    enum Version: UInt8, Sendable, Comparable {
        case v1 = 1, v2 = 2, v3 = 3

        static func < (lhs: Version, rhs: Version) -> Bool { lhs.rawValue < rhs.rawValue }

        /// Bytes before the dictionary: magic (6), version (2), header length (2 or 4).
        var preambleLength: Int { self == .v1 ? 10 : 12 }
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// The data offset is a multiple of this, so mapped data is aligned for every dtype.
    static let alignment = 64
    /// NumPy leaves room for the growth axis to reach this many digits.
    static let growthAxisMaxDigits = 21
    /// The largest header the reader accepts: far above any plain array's header (NumPy
    /// itself refuses more than 10,000 bytes by default), small enough to parse at once.
    static let maximumHeaderLength = 1 << 20

    let descriptor: NPYDescriptor
    let fortranOrder: Bool
    let shape: [Int]

    /// The product of `shape`; 1 for a 0-d array.
    let elementCount: Int
    /// `elementCount` times the item size.
    let byteCount: Int

    /// Creates a header, checking that the element count and byte size fit in `Int`.
    init(descriptor: NPYDescriptor, fortranOrder: Bool, shape: [Int]) throws(NumPyFormatError) {
        self.descriptor = descriptor
        self.fortranOrder = fortranOrder
        self.shape = shape
        // The size check covers the non-zero dimensions even when one is 0, as NumPy's
        // "array is too big" check does: strides are products of dimensions, so a shape
        // like (0, 10**10, 10**10) holds no element yet overflows when laid out. The item
        // size is the larger of the file's and the loaded type's (int8 loads as int32).
        let itemSize = Swift.max(descriptor.scalarType.itemSize, descriptor.scalarType.loadedType.itemSize)
        var count = 1
        var extent = itemSize
        for dimension in shape {
            guard dimension >= 0 else {
                throw .invalidShape(reason: "the dimension \(dimension) is negative")
            }
            count = count &* dimension
            guard dimension > 0 else { continue }
            let (product, overflow) = extent.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .shapeOverflow(shape: Self.shapeRepr(shape)) }
            extent = product
        }
        elementCount = count
        byteCount = count * descriptor.scalarType.itemSize
    }

    /// Python's `repr` of a shape tuple: `()`, `(3,)`, `(2, 3)`.
    static func shapeRepr(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

/// Where a `.npy` file's parts lie, as read from its first bytes.
struct NPYPreamble: Equatable, Sendable {
    var version: NPYHeader.Version
    /// The length of the dictionary literal including its padding.
    var headerLength: Int
    /// Offset of the dictionary literal.
    var headerOffset: Int { version.preambleLength }
    /// Offset of the first data byte.
    var dataOffset: Int { version.preambleLength + headerLength }

    /// Reads the magic string, version and header length from the start of a file.
    ///
    /// `bytes` may be a prefix of the file; at least 12 bytes (or the whole file) suffice.
    init(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) {
        guard !bytes.isEmpty else { throw .emptyFile }
        let magicCount = NPYHeader.magic.count
        guard bytes.count >= magicCount else {
            if !bytes.elementsEqual(NPYHeader.magic.prefix(bytes.count)) { throw .badMagic }
            throw .truncated(section: "magic string", needed: magicCount, available: bytes.count)
        }
        guard bytes.prefix(magicCount).elementsEqual(NPYHeader.magic) else { throw .badMagic }
        guard bytes.count >= 8 else {
            throw .truncated(section: "version bytes", needed: 8, available: bytes.count)
        }
        let major = bytes[6], minor = bytes[7]
        guard minor == 0, let version = NPYHeader.Version(rawValue: major) else {
            throw .unsupportedVersion(major: major, minor: minor)
        }
        guard bytes.count >= version.preambleLength else {
            throw .truncated(section: "header length field", needed: version.preambleLength, available: bytes.count)
        }
        var length = 0
        for index in stride(from: version.preambleLength - 1, through: 8, by: -1) {
            length = length << 8 | Int(bytes[index])
        }
        guard length <= NPYHeader.maximumHeaderLength else {
            throw .headerTooLarge(length: length, limit: NPYHeader.maximumHeaderLength)
        }
        self.version = version
        self.headerLength = length
    }
}

extension NPYHeader {
    /// Parses a complete `.npy` header from `bytes`, which holds at least the whole header
    /// (and possibly the data after it). Returns the header and the offset of the data.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) -> (header: NPYHeader, preamble: NPYPreamble) {
        let preamble = try NPYPreamble(bytes)
        guard bytes.count >= preamble.dataOffset else {
            throw .truncated(section: "header", needed: preamble.dataOffset, available: bytes.count)
        }
        let literalBytes = Array(bytes[preamble.headerOffset..<preamble.dataOffset])
        return (try parse(literal: literalBytes), preamble)
    }

    /// Parses the dictionary literal of a header.
    static func parse(literal: [UInt8]) throws(NumPyFormatError) -> NPYHeader {
        guard let first = literal.first(where: { $0 != 0x20 && $0 != 0x09 }) else {
            throw .malformedHeader(reason: "the header is blank")
        }
        guard first == UInt8(ascii: "{") else { throw .headerNotADictionary }
        let (value, trailingError) = try PythonLiteralParser.parsePrefix(literal)
        guard case let .dictionary(pairs) = value else { throw .headerNotADictionary }
        var descrValue: PythonLiteral?
        var fortranValue: PythonLiteral?
        var shapeValue: PythonLiteral?
        for (key, value) in pairs {
            switch key {
            case "descr":
                guard descrValue == nil else { throw .duplicateHeaderKey(key) }
                descrValue = value
            case "fortran_order":
                guard fortranValue == nil else { throw .duplicateHeaderKey(key) }
                fortranValue = value
            case "shape":
                guard shapeValue == nil else { throw .duplicateHeaderKey(key) }
                shapeValue = value
            default:
                throw .unexpectedHeaderKey(key)
            }
        }
        guard let descrValue else { throw .missingHeaderKey("descr") }
        guard let fortranValue else { throw .missingHeaderKey("fortran_order") }
        guard let shapeValue else { throw .missingHeaderKey("shape") }
        if let trailingError { throw trailingError }

        let descriptor: NPYDescriptor
        switch descrValue {
        case let .string(descr):
            descriptor = try NPYDescriptor(parsing: descr)
        case .list:
            throw .unsupportedDType(descr: descrValue.pythonRepr, reason: "structured dtypes are not supported")
        default:
            throw .unsupportedDType(descr: descrValue.pythonRepr, reason: "'descr' is not a type string")
        }
        guard case let .boolean(fortranOrder) = fortranValue else { throw .invalidFortranOrder }
        guard case let .tuple(items) = shapeValue else {
            throw .invalidShape(reason: "\(shapeValue.pythonRepr) is not a tuple")
        }
        var shape: [Int] = []
        shape.reserveCapacity(items.count)
        for item in items {
            switch item {
            case let .integer(dimension):
                guard dimension >= 0 else { throw .invalidShape(reason: "the dimension \(dimension) is negative") }
                shape.append(dimension)
            case let .hugeInteger(digits):
                if digits.hasPrefix("-") { throw .invalidShape(reason: "the dimension \(digits) is negative") }
                throw .shapeOverflow(shape: shapeValue.pythonRepr)
            default:
                throw .invalidShape(reason: "\(item.pythonRepr) is not an integer")
            }
        }
        return try NPYHeader(descriptor: descriptor, fortranOrder: fortranOrder, shape: shape)
    }

    /// The dictionary literal NumPy writes for this header, before padding.
    var literal: String {
        var text = "{'descr': '\(descriptor.descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(Self.shapeRepr(shape)), }"
        if let growthAxis = fortranOrder ? shape.last : shape.first {
            text += String(repeating: " ", count: max(0, Self.growthAxisMaxDigits - String(growthAxis).count))
        }
        return text
    }

    /// The complete header bytes (magic, version, length, padded dictionary), byte for byte
    /// what NumPy writes: the oldest version whose length field fits, unless `version` is given.
    ///
    /// Returns `nil` when `version` is given and its length field cannot hold the header.
    func encoded(version requested: Version? = nil) -> [UInt8]? {
        let literalBytes = Array(literal.utf8)
        let candidates: [Version] = requested.map { [$0] } ?? [.v1, .v2]
        for version in candidates {
            let unpadded = version.preambleLength + literalBytes.count + 1
            // NumPy always pads, by a full 64 bytes when the header is already aligned.
            let padding = Self.alignment - unpadded % Self.alignment
            let headerLength = literalBytes.count + padding + 1
            let limit = version == .v1 ? Int(UInt16.max) : Int(UInt32.max)
            guard headerLength <= limit else { continue }
            var bytes = Self.magic + [version.rawValue, 0]
            for shift in stride(from: 0, to: (version.preambleLength - 8) * 8, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: headerLength >> shift))
            }
            bytes += literalBytes
            bytes += repeatElement(0x20, count: padding)
            bytes.append(0x0A)
            return bytes
        }
        return nil
    }
}

extension NPYHeader {
    /// Parses a whole `.npy` file held in memory and checks that its data section is complete.
    /// Returns the header and the offset of the data.
    static func parseImage(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) -> (header: NPYHeader, dataOffset: Int) {
        let (header, preamble) = try parse(bytes)
        try header.checkData(fileSize: bytes.count, dataOffset: preamble.dataOffset)
        return (header, preamble.dataOffset)
    }

    /// Throws ``NumPyFormatError/truncatedData(expectedBytes:availableBytes:)`` unless a file
    /// of `fileSize` bytes holds the whole data section starting at `dataOffset`.
    func checkData(fileSize: Int, dataOffset: Int) throws(NumPyFormatError) {
        let available = max(0, fileSize - dataOffset)
        guard byteCount <= available else {
            throw .truncatedData(expectedBytes: byteCount, availableBytes: available)
        }
    }
}

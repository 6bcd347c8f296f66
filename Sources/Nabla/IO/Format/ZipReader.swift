// The fuzz targets compile this layer on its own, with Trap.swift in the same module.
#if canImport(NablaKernelsCore)
import NablaKernelsCore
#endif
/// One member of a zip archive, as its central directory describes it, with every offset
/// already checked against the archive's size.
struct ZipEntry: Equatable, Sendable {
    var name: String
    /// 0 (stored) or 8 (deflate).
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    /// Offset of the member's first data byte (after its local header).
    var dataOffset: Int
    /// Offset of the member's local header; the member spans from here to the end of its data.
    var localHeaderOffset: Int = 0
}

/// Little-endian reads that throw instead of reading past the end of the buffer.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer

    func check(_ offset: Int, _ count: Int, _ what: String) throws(NumPyFormatError) {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw .malformedZip(reason: "the \(what) at offset \(offset) extends past the end of the file")
        }
    }

    func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, at offset: Int, _ what: String) throws(NumPyFormatError) -> T {
        try check(offset, MemoryLayout<T>.size, what)
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(bytes[offset + index]) << (8 * index)
        }
        return value
    }

    func u16(_ offset: Int, _ what: String) throws(NumPyFormatError) -> UInt16 { try integer(UInt16.self, at: offset, what) }
    func u32(_ offset: Int, _ what: String) throws(NumPyFormatError) -> UInt32 { try integer(UInt32.self, at: offset, what) }

    /// A 64-bit field as an `Int`, refusing values no file offset or size can take.
    func size64(_ offset: Int, _ what: String) throws(NumPyFormatError) -> Int {
        let value = try integer(UInt64.self, at: offset, what)
        guard value <= UInt64(Int.max) else { throw .malformedZip(reason: "the \(what) holds an impossible size \(value)") }
        return Int(value)
    }
}

/// Reads the directory of a zip archive held in memory: the end of central directory
/// record (and its zip64 locator and record when present), the central directory, and each
/// member's local header, validating every offset and size against the archive's length.
enum ZipReader {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    /// Deflate cannot expand data by more than about 1032:1, so a larger ratio is a lie
    /// meant to make the reader allocate memory the archive cannot fill.
    static let maximumDeflateRatio = 1032

    /// The most bytes the members of an archive may decode to in all, unless the caller
    /// passes another limit: 16 TiB, far above any archive that fits a machine, so that the
    /// bound is the disjointness of the members (at most ``maximumDeflateRatio`` times the
    /// archive's size).
    static let defaultMaximumTotalSize = 1 << 44

    /// The members of the archive in central-directory order.
    ///
    /// Every member must be named by its local header as by the directory, members must
    /// not overlap, and their decoded sizes must add up to at most `maximumTotalSize`.
    static func entries(_ bytes: UnsafeRawBufferPointer, maximumTotalSize: Int = defaultMaximumTotalSize) throws(NumPyFormatError) -> [ZipEntry] {
        let reader = ByteReader(bytes: bytes)
        guard !bytes.isEmpty else { throw .malformedZip(reason: "the file is empty") }
        guard bytes.count >= 22 else { throw .malformedZip(reason: "the file is too short for an end of central directory record") }

        // The end record is 22 bytes plus a comment of at most 65,535 bytes.
        var endOffset = -1
        var candidate = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while candidate >= lowest {
            if try reader.u32(candidate, "end record") == endSignature,
               candidate + 22 + Int(try reader.u16(candidate + 20, "end record")) <= bytes.count {
                endOffset = candidate
                break
            }
            candidate -= 1
        }
        guard endOffset >= 0 else { throw .malformedZip(reason: "no end of central directory record") }

        let diskNumber = try reader.u16(endOffset + 4, "end record")
        let directoryDisk = try reader.u16(endOffset + 6, "end record")
        var entryCount = Int(try reader.u16(endOffset + 10, "end record"))
        var directorySize = Int(try reader.u32(endOffset + 12, "end record"))
        var directoryOffset = Int(try reader.u32(endOffset + 16, "end record"))
        var directoryLimit = endOffset

        let locatorOffset = endOffset - 20
        if locatorOffset >= 0, try reader.u32(locatorOffset, "zip64 locator") == zip64LocatorSignature {
            let recordOffset = try reader.size64(locatorOffset + 8, "zip64 locator")
            try reader.check(recordOffset, 56, "zip64 end record")
            guard recordOffset <= locatorOffset - 56 else {
                throw .malformedZip(reason: "the zip64 end record overlaps the records after it")
            }
            guard try reader.u32(recordOffset, "zip64 end record") == zip64EndSignature else {
                throw .malformedZip(reason: "the zip64 locator does not point at a zip64 end record")
            }
            guard try reader.u32(recordOffset + 16, "zip64 end record") == 0,
                  try reader.u32(recordOffset + 20, "zip64 end record") == 0 else {
                throw .malformedZip(reason: "multi-disk (spanned) archives are not supported")
            }
            entryCount = try reader.size64(recordOffset + 32, "zip64 end record")
            directorySize = try reader.size64(recordOffset + 40, "zip64 end record")
            directoryOffset = try reader.size64(recordOffset + 48, "zip64 end record")
            directoryLimit = recordOffset
        } else if diskNumber != 0 || directoryDisk != 0 {
            throw .malformedZip(reason: "multi-disk (spanned) archives are not supported")
        }

        guard directoryOffset <= directoryLimit, directorySize <= directoryLimit - directoryOffset else {
            throw .malformedZip(reason: "the central directory (offset \(directoryOffset), \(directorySize) bytes) lies outside the archive")
        }
        guard entryCount <= directorySize / 46 else {
            throw .malformedZip(reason: "\(entryCount) members cannot fit in a central directory of \(directorySize) bytes")
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(entryCount)
        var names = Set<String>()
        var offset = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for _ in 0..<entryCount {
            guard offset <= directoryEnd - 46 else { throw .malformedZip(reason: "the central directory ends inside an entry") }
            let entry = try centralEntry(reader, at: &offset, directoryEnd: directoryEnd, dataLimit: directoryOffset)
            guard names.insert(entry.name).inserted else {
                throw .malformedZip(reason: "the member name '\(entry.name)' appears twice")
            }
            entries.append(entry)
        }
        try checkMembersAreDisjoint(entries, archiveSize: bytes.count, maximumTotalSize: maximumTotalSize)
        return entries
    }

    /// Refuses members whose bytes overlap (each is then read once, as Python's zipfile
    /// requires) and archives whose members decode to more than `maximumTotalSize` bytes
    /// in all. With disjoint members the total is at most ``maximumDeflateRatio`` times
    /// the archive's size; the limit bounds what a caller may be made to allocate.
    private static func checkMembersAreDisjoint(_ entries: [ZipEntry], archiveSize: Int, maximumTotalSize: Int) throws(NumPyFormatError) {
        var total = 0
        for entry in entries {
            let (sum, overflow) = total.addingReportingOverflow(entry.uncompressedSize)
            guard !overflow, sum <= maximumTotalSize else {
                throw .malformedZip(reason: "the members decode to more than \(maximumTotalSize) bytes in all")
            }
            total = sum
        }
        var spans = entries.map { (start: $0.localHeaderOffset, end: $0.dataOffset + $0.compressedSize, name: $0.name) }
        spans.sort { $0.start < $1.start }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.start < previous.end {
            throw .malformedZip(reason: "the members '\(previous.name)' and '\(next.name)' overlap")
        }
    }

    private static func centralEntry(_ reader: ByteReader, at offset: inout Int, directoryEnd: Int, dataLimit: Int) throws(NumPyFormatError) -> ZipEntry {
        let start = offset
        guard try reader.u32(start, "central directory entry") == centralHeaderSignature else {
            throw .malformedZip(reason: "a central directory entry at offset \(start) has a bad signature")
        }
        let flags = try reader.u16(start + 8, "central directory entry")
        let method = try reader.u16(start + 10, "central directory entry")
        let crc = try reader.u32(start + 16, "central directory entry")
        var compressedSize = Int(try reader.u32(start + 20, "central directory entry"))
        var uncompressedSize = Int(try reader.u32(start + 24, "central directory entry"))
        let nameLength = Int(try reader.u16(start + 28, "central directory entry"))
        let extraLength = Int(try reader.u16(start + 30, "central directory entry"))
        let commentLength = Int(try reader.u16(start + 32, "central directory entry"))
        var diskStart = Int(try reader.u16(start + 34, "central directory entry"))
        var localOffset = Int(try reader.u32(start + 42, "central directory entry"))
        let end = start + 46 + nameLength + extraLength + commentLength
        guard end <= directoryEnd else { throw .malformedZip(reason: "a central directory entry at offset \(start) overruns the directory") }
        let nameBytes = reader.bytes[(start + 46)..<(start + 46 + nameLength)]
        let name = String(decoding: nameBytes, as: UTF8.self)

        // A zip64 extra field holds, in this order, only the fields whose 32-bit slot is saturated.
        var extraOffset = start + 46 + nameLength
        let extraEnd = extraOffset + extraLength
        while extraOffset + 4 <= extraEnd {
            let id = try reader.u16(extraOffset, "extra field")
            let size = Int(try reader.u16(extraOffset + 2, "extra field"))
            let dataStart = extraOffset + 4
            guard size <= extraEnd - dataStart else { throw .malformedZip(reason: "an extra field of '\(name)' overruns its entry") }
            if id == 0x0001 {
                var field = dataStart
                func next() throws(NumPyFormatError) -> Int {
                    guard field + 8 <= dataStart + size else {
                        throw .malformedZip(reason: "the zip64 extra field of '\(name)' is too short")
                    }
                    defer { field += 8 }
                    return try reader.size64(field, "zip64 extra field")
                }
                if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try next() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try next() }
                if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                if diskStart == 0xFFFF {
                    guard field + 4 <= dataStart + size else {
                        throw .malformedZip(reason: "the zip64 extra field of '\(name)' is too short")
                    }
                    diskStart = Int(try reader.u32(field, "zip64 extra field"))
                }
            }
            extraOffset = dataStart + size
        }
        offset = end

        guard diskStart == 0 else { throw .malformedZip(reason: "the member '\(name)' lies on another disk") }
        guard flags & 0x1 == 0 else { throw .unsupportedZipFeature(member: name, feature: "encryption") }
        guard method == 0 || method == 8 else { throw .unsupportedCompression(member: name, method: method) }
        if method == 0, compressedSize != uncompressedSize {
            throw .malformedZip(reason: "the stored member '\(name)' records different compressed and uncompressed sizes")
        }
        if method == 8, uncompressedSize / maximumDeflateRatio > compressedSize {
            throw .malformedZip(reason: "the member '\(name)' claims \(uncompressedSize) bytes from \(compressedSize) compressed bytes")
        }

        guard localOffset <= dataLimit - 30 else {
            throw .malformedZip(reason: "the local header of '\(name)' lies outside the archive")
        }
        guard try reader.u32(localOffset, "local header") == localHeaderSignature else {
            throw .malformedZip(reason: "the local header of '\(name)' has a bad signature")
        }
        let localNameLength = Int(try reader.u16(localOffset + 26, "local header"))
        let localExtraLength = Int(try reader.u16(localOffset + 28, "local header"))
        // The local header must name the same member as the directory, as Python's zipfile
        // requires: a directory pointing many entries at one member is a decompression bomb.
        try reader.check(localOffset + 30, localNameLength, "local header name")
        guard reader.bytes[(localOffset + 30)..<(localOffset + 30 + localNameLength)].elementsEqual(nameBytes) else {
            throw .malformedZip(reason: "the local header at offset \(localOffset) does not name the member '\(name)' that the central directory places there")
        }
        let dataOffset = localOffset + 30 + localNameLength + localExtraLength
        guard dataOffset <= dataLimit, compressedSize <= dataLimit - dataOffset else {
            throw .malformedZip(reason: "the data of '\(name)' (\(compressedSize) bytes) extends past the members' area")
        }
        return ZipEntry(name: name, method: method, crc32: crc, compressedSize: compressedSize,
                        uncompressedSize: uncompressedSize, dataOffset: dataOffset, localHeaderOffset: localOffset)
    }

    /// Calls `body` with a member's uncompressed bytes after checking their size and CRC-32:
    /// a stored member is passed in place, a deflated one through a temporary buffer of the
    /// recorded size (bounded by `maximumDeflateRatio` times the compressed size).
    static func withContents<R>(of entry: ZipEntry, in bytes: UnsafeRawBufferPointer,
                                _ body: (UnsafeRawBufferPointer) throws(NumPyFormatError) -> R) throws(NumPyFormatError) -> R {
        let data = UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
        if entry.method == 0 {
            try verify(entry, data)
            return try body(data)
        }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: entry.uncompressedSize, alignment: 64)
        defer { output.deallocate() }
        let written = try Inflate.decode(data, into: output)
        guard written == output.count else {
            throw .corruptDeflateStream(reason: "'\(entry.name)' inflates to \(written) bytes, the archive records \(output.count)")
        }
        try verify(entry, UnsafeRawBufferPointer(output))
        return try body(UnsafeRawBufferPointer(output))
    }

    /// Writes a member's uncompressed bytes into `output`, which holds exactly
    /// `entry.uncompressedSize` bytes, after checking their size and CRC-32: the caller
    /// owns the memory, so a deflated member can be decoded straight into its final place.
    static func decode(_ entry: ZipEntry, in bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(NumPyFormatError) {
        nablaPrecondition(output.count == entry.uncompressedSize, "ZipReader.decode: the output holds \(output.count) bytes, the member \(entry.uncompressedSize)")
        let data = UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
        if entry.method == 0 {
            if let base = output.baseAddress, let source = data.baseAddress { base.copyMemory(from: source, byteCount: data.count) }
        } else {
            let written = try Inflate.decode(data, into: output)
            guard written == output.count else {
                throw .corruptDeflateStream(reason: "'\(entry.name)' inflates to \(written) bytes, the archive records \(output.count)")
            }
        }
        try verify(entry, UnsafeRawBufferPointer(output))
    }

    private static func verify(_ entry: ZipEntry, _ contents: UnsafeRawBufferPointer) throws(NumPyFormatError) {
        let actual = CRC32.checksum(contents)
        guard actual == entry.crc32 else {
            throw .checksumMismatch(member: entry.name, expected: entry.crc32, actual: actual)
        }
    }
}

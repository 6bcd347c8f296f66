/// A destination for bytes written in order: a file, or an array in tests and fuzzing.
protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError)
}

/// Collects written bytes in memory.
struct ArraySink: ByteSink {
    var bytes: [UInt8] = []

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Writes a zip archive of stored (uncompressed) members the way Python's `zipfile` does
/// for `np.savez`: every local header carries a zip64 extra field (NumPy opens members with
/// `force_zip64=True`), and the central directory and end records switch to zip64 forms
/// only when a size, offset or count exceeds what the classic fields hold.
struct ZipWriter<Sink: ByteSink> {
    /// Python's `zipfile.ZIP64_LIMIT`: sizes and offsets above it use zip64 fields.
    static var zip64Limit: Int { (1 << 31) - 1 }
    /// Python's `zipfile.ZIP_FILECOUNT_LIMIT`.
    static var countLimit: Int { 0xFFFF }

    private struct Member {
        var name: [UInt8]
        var crc32: UInt32
        var size: Int
        var localHeaderOffset: Int
    }

    private(set) var sink: Sink
    private var offset = 0
    private var members: [Member] = []
    private var names = Set<[UInt8]>()

    init(sink: Sink) {
        self.sink = sink
    }

    private mutating func emit(_ bytes: [UInt8]) throws(NumPyFormatError) {
        try bytes.withRawBytes { (raw) throws(NumPyFormatError) in try sink.write(raw) }
        offset += bytes.count
    }

    /// Appends a stored member whose content is the concatenation of `parts`. With an
    /// `alignment` above 1, the local header's extra field is padded so that the content
    /// starts at a multiple of it in the file (as PyTorch aligns storages to 64 bytes, so
    /// a reader can map them).
    mutating func addStoredMember(name: String, parts: [UnsafeRawBufferPointer], alignment: Int = 1) throws(NumPyFormatError) {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 0xFFFF, names.insert(nameBytes).inserted else {
            throw .invalidMemberName(name)
        }
        var crc = CRC32()
        var size = 0
        for part in parts {
            crc.update(part)
            size += part.count
        }
        let member = Member(name: nameBytes, crc32: crc.value, size: size, localHeaderOffset: offset)

        var header: [UInt8] = []
        header.appendLittleEndian(ZipReader.localHeaderSignature)
        header.appendLittleEndian(UInt16(45))  // version needed: zip64
        header.appendLittleEndian(flags(for: name))
        header.appendLittleEndian(UInt16(0))  // method: stored
        header.appendLittleEndian(UInt16(0))  // time 00:00:00
        header.appendLittleEndian(UInt16(0x21))  // date 1980-01-01, zip's epoch: reproducible output
        header.appendLittleEndian(member.crc32)
        header.appendLittleEndian(UInt32.max)
        header.appendLittleEndian(UInt32.max)
        // The zip64 field (20 bytes), then a padding field (4-byte header) when aligning.
        let unpadded = offset + 30 + nameBytes.count + 20
        var padding = 0
        if alignment > 1, unpadded % alignment != 0 {
            padding = 4 + (alignment - (unpadded + 4) % alignment) % alignment
        }
        header.appendLittleEndian(UInt16(nameBytes.count))
        header.appendLittleEndian(UInt16(20 + padding))
        header += nameBytes
        header.appendLittleEndian(UInt16(0x0001))
        header.appendLittleEndian(UInt16(16))
        header.appendLittleEndian(UInt64(size))
        header.appendLittleEndian(UInt64(size))
        if padding > 0 {
            // PyTorch's padding field id, "FB"; readers skip unknown extra fields.
            header.appendLittleEndian(UInt16(0x4246))
            header.appendLittleEndian(UInt16(padding - 4))
            header += [UInt8](repeating: 0, count: padding - 4)
        }
        try emit(header)
        for part in parts where !part.isEmpty {
            try sink.write(part)
        }
        offset += size
        members.append(member)
    }

    private func flags(for name: String) -> UInt16 {
        // Bit 11: the name is UTF-8 (Python sets it only for non-ASCII names).
        name.utf8.allSatisfy { $0 < 0x80 } ? 0 : 0x800
    }

    /// Writes the central directory and end records; the archive is complete afterwards.
    mutating func finish() throws(NumPyFormatError) {
        let directoryOffset = offset
        for member in members {
            var extra: [UInt8] = []
            if member.size > Self.zip64Limit {
                extra.appendLittleEndian(UInt64(member.size))
                extra.appendLittleEndian(UInt64(member.size))
            }
            if member.localHeaderOffset > Self.zip64Limit {
                extra.appendLittleEndian(UInt64(member.localHeaderOffset))
            }
            var entry: [UInt8] = []
            entry.appendLittleEndian(ZipReader.centralHeaderSignature)
            entry.appendLittleEndian(UInt16(0x032D))  // made by: Unix, zip 4.5
            entry.appendLittleEndian(UInt16(45))
            entry.appendLittleEndian(flags(for: String(decoding: member.name, as: UTF8.self)))
            entry.appendLittleEndian(UInt16(0))
            entry.appendLittleEndian(UInt16(0))
            entry.appendLittleEndian(UInt16(0x21))
            entry.appendLittleEndian(member.crc32)
            let size32 = member.size > Self.zip64Limit ? UInt32.max : UInt32(member.size)
            entry.appendLittleEndian(size32)
            entry.appendLittleEndian(size32)
            entry.appendLittleEndian(UInt16(member.name.count))
            entry.appendLittleEndian(UInt16(extra.isEmpty ? 0 : extra.count + 4))
            entry.appendLittleEndian(UInt16(0))  // comment length
            entry.appendLittleEndian(UInt16(0))  // disk
            entry.appendLittleEndian(UInt16(0))  // internal attributes
            entry.appendLittleEndian(UInt32(0o600) << 16)  // external attributes: -rw-------
            entry.appendLittleEndian(member.localHeaderOffset > Self.zip64Limit ? UInt32.max : UInt32(member.localHeaderOffset))
            entry += member.name
            if !extra.isEmpty {
                entry.appendLittleEndian(UInt16(0x0001))
                entry.appendLittleEndian(UInt16(extra.count))
                entry += extra
            }
            try emit(entry)
        }
        let directorySize = offset - directoryOffset
        var end: [UInt8] = []
        if members.count >= Self.countLimit || directoryOffset > Self.zip64Limit || directorySize > Self.zip64Limit {
            let recordOffset = offset
            end.appendLittleEndian(ZipReader.zip64EndSignature)
            end.appendLittleEndian(UInt64(44))
            end.appendLittleEndian(UInt16(45))
            end.appendLittleEndian(UInt16(45))
            end.appendLittleEndian(UInt32(0))
            end.appendLittleEndian(UInt32(0))
            end.appendLittleEndian(UInt64(members.count))
            end.appendLittleEndian(UInt64(members.count))
            end.appendLittleEndian(UInt64(directorySize))
            end.appendLittleEndian(UInt64(directoryOffset))
            end.appendLittleEndian(ZipReader.zip64LocatorSignature)
            end.appendLittleEndian(UInt32(0))
            end.appendLittleEndian(UInt64(recordOffset))
            end.appendLittleEndian(UInt32(1))
        }
        end.appendLittleEndian(ZipReader.endSignature)
        end.appendLittleEndian(UInt16(0))
        end.appendLittleEndian(UInt16(0))
        let count16 = UInt16(min(members.count, Self.countLimit))
        end.appendLittleEndian(count16)
        end.appendLittleEndian(count16)
        end.appendLittleEndian(UInt32(min(directorySize, Int(UInt32.max))))
        end.appendLittleEndian(UInt32(min(directoryOffset, Int(UInt32.max))))
        end.appendLittleEndian(UInt16(0))
        try emit(end)
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        for index in 0..<MemoryLayout<T>.size {
            append(UInt8(truncatingIfNeeded: value >> (8 * index)))
        }
    }
}

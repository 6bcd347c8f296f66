/// Writes a ``PickleValue`` as a protocol-2 pickle using only what
/// `torch.load(path, weights_only=True)` accepts: dicts, lists, tuples, numbers, strings,
/// `None`, `_codecs.encode` for bytes, and tensors through `torch._utils._rebuild_tensor_v2`
/// with their storages as persistent ids, as `torch.save` writes them.
struct PickleWriter {
    private(set) var bytes: [UInt8] = [0x80, 0x02]

    static func encode(_ value: PickleValue) throws(TorchFormatError) -> [UInt8] {
        var writer = PickleWriter()
        try writer.write(value, depth: 0)
        writer.bytes.append(0x2E)  // STOP
        return writer.bytes
    }

    private mutating func write(_ value: PickleValue, depth: Int) throws(TorchFormatError) {
        guard depth < 500 else { throw .unsupportedValue(reason: "nesting deeper than 500 levels") }
        switch value {
        case .none: bytes.append(0x4E)
        case let .bool(flag): bytes.append(flag ? 0x88 : 0x89)
        case let .int(number): writeInt(number)
        case let .bigInt(raw):
            guard raw.count < 256 else { throw .unsupportedValue(reason: "an integer of \(raw.count) bytes") }
            bytes += [0x8A, UInt8(raw.count)] + raw
        case let .double(number):
            bytes.append(0x47)
            withUnsafeBytes(of: number.bitPattern.bigEndian) { bytes += $0 }
        case let .string(text): writeString(text)
        case let .bytes(raw):
            writeGlobal("_codecs", "encode")
            writeString(String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) })))
            writeString("latin1")
            bytes += [0x86, 0x52]  // TUPLE2, REDUCE
        case let .list(items):
            bytes.append(0x5D)  // EMPTY_LIST
            guard !items.isEmpty else { return }
            bytes.append(0x28)
            for item in items { try write(item, depth: depth + 1) }
            bytes.append(0x65)  // APPENDS
        case let .tuple(items): try writeTuple(items, depth: depth)
        case let .dict(entries):
            bytes.append(0x7D)  // EMPTY_DICT
            guard !entries.isEmpty else { return }
            bytes.append(0x28)
            for entry in entries {
                try write(entry.key, depth: depth + 1)
                try write(entry.value, depth: depth + 1)
            }
            bytes.append(0x75)  // SETITEMS
        case let .tensor(record):
            writeGlobal("torch._utils", "_rebuild_tensor_v2")
            bytes.append(0x28)  // MARK: the arguments
            bytes.append(0x28)  // MARK: the persistent id
            writeString("storage")
            writeGlobal("torch", record.storage.type.rawValue)
            writeString(record.storage.key)
            writeString("cpu")
            writeInt(record.storage.count)
            bytes += [0x74, 0x51]  // TUPLE, BINPERSID
            writeInt(record.offset)
            try writeTuple(record.shape.map { .int($0) }, depth: depth)
            try writeTuple(record.strides.map { .int($0) }, depth: depth)
            bytes.append(record.requiresGrad ? 0x88 : 0x89)
            writeGlobal("collections", "OrderedDict")  // backward_hooks = OrderedDict()
            bytes += [0x29, 0x52]  // EMPTY_TUPLE, REDUCE
            bytes += [0x74, 0x52]  // TUPLE, REDUCE
        }
    }

    private mutating func writeTuple(_ items: [PickleValue], depth: Int) throws(TorchFormatError) {
        switch items.count {
        case 0: bytes.append(0x29)
        case 1...3:
            for item in items { try write(item, depth: depth + 1) }
            bytes.append(0x84 + UInt8(items.count))  // TUPLE1, TUPLE2, TUPLE3
        default:
            bytes.append(0x28)
            for item in items { try write(item, depth: depth + 1) }
            bytes.append(0x74)
        }
    }

    private mutating func writeInt(_ number: Int) {
        switch number {
        case 0...0xFF: bytes += [0x4B, UInt8(number)]
        case 0...0xFFFF: bytes += [0x4D, UInt8(number & 0xFF), UInt8(number >> 8)]
        case Int(Int32.min)...Int(Int32.max):
            bytes.append(0x4A)
            withUnsafeBytes(of: Int32(number).littleEndian) { bytes += $0 }
        default:
            bytes += [0x8A, 8]
            withUnsafeBytes(of: Int64(number).littleEndian) { bytes += $0 }
        }
    }

    private mutating func writeString(_ text: String) {
        let utf8 = Array(text.utf8)
        bytes.append(0x58)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes += $0 }
        bytes += utf8
    }

    private mutating func writeGlobal(_ module: String, _ name: String) {
        bytes.append(0x63)
        bytes += Array(module.utf8) + [0x0A] + Array(name.utf8) + [0x0A]
    }
}

/// Writes a checkpoint in `torch.save`'s zip format: `<folder>/data.pkl`, `byteorder`,
/// each storage as `<folder>/data/<key>` starting on a 64-byte boundary, and the version
/// records PyTorch writes.
enum TorchCheckpointWriter {
    static func write<Sink: ByteSink>(_ root: PickleValue, storages: [(key: String, bytes: UnsafeRawBufferPointer)],
                                      folder: String, to sink: Sink) throws(TorchFormatError) -> Sink {
        let pickle = try PickleWriter.encode(root)
        var zip = ZipWriter(sink: sink)
        do {
            func text(_ name: String, _ value: String) throws(NumPyFormatError) {
                let utf8 = Array(value.utf8)
                try utf8.withRawBytes { (raw) throws(NumPyFormatError) in
                    try zip.addStoredMember(name: folder + "/" + name, parts: [raw], alignment: 64)
                }
            }
            try pickle.withRawBytes { (raw) throws(NumPyFormatError) in
                try zip.addStoredMember(name: folder + "/data.pkl", parts: [raw], alignment: 64)
            }
            try text(".format_version", "1")
            try text(".storage_alignment", "64")
            try text("byteorder", "little")
            for storage in storages {
                try zip.addStoredMember(name: folder + "/data/" + storage.key, parts: [storage.bytes], alignment: 64)
            }
            try text("version", "3\n")
            try zip.finish()
        } catch {
            throw .archive(error)
        }
        return zip.sink
    }
}

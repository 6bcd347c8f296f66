/// A PyTorch checkpoint's structure, parsed from its bytes without building any tensor:
/// the decoded object (tensors as records) and where each storage's bytes lie.
///
/// Two containers are read:
/// - the zip format of `torch.save` since PyTorch 1.6: `<folder>/data.pkl` holds the
///   object, `<folder>/data/<key>` each storage's raw bytes, `<folder>/byteorder` their
///   byte order;
/// - the earlier sequential format: five pickles (a magic number, the protocol version,
///   system information, the object, the storage keys) followed by each storage as an
///   8-byte element count and its raw bytes.
struct TorchCheckpointImage {
    /// Where one storage's bytes lie in the file.
    enum StorageSource {
        case member(ZipEntry)
        case range(offset: Int, byteCount: Int)
    }

    var root: PickleValue
    var storages: [String: (record: TorchStorageRecord, source: StorageSource)]
    var bigEndian: Bool

    /// The pre-1.6 format's first pickle: `LONG1 0x1950a86a20f9469cfc6c`.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(TorchFormatError) -> TorchCheckpointImage {
        guard !bytes.isEmpty else { throw .notACheckpoint(reason: "the file is empty") }
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B, bytes[2] == 0x03, bytes[3] == 0x04 {
            return try parseZip(bytes)
        }
        if bytes.count >= 2, bytes[0] == 0x80, bytes[1] == 0x02 {
            return try parseLegacy(bytes)
        }
        if bytes.count >= 262, bytes[257..<262].elementsEqual("ustar".utf8) {
            throw .notACheckpoint(reason: "this is the tar-based format of PyTorch before 0.4; load it with PyTorch and re-save it with torch.save(obj, path), which writes the zip format")
        }
        throw .notACheckpoint(reason: "it starts with neither a zip header (torch.save since PyTorch 1.6) nor a protocol-2 pickle (earlier versions)")
    }

    // MARK: Zip

    private static func parseZip(_ bytes: UnsafeRawBufferPointer) throws(TorchFormatError) -> TorchCheckpointImage {
        let entries: [ZipEntry]
        do { entries = try ZipReader.entries(bytes) } catch { throw .archive(error) }
        // Every record sits in one top folder named after the file; PyTorch finds it from data.pkl.
        guard let pickleEntry = entries.first(where: { $0.name.hasSuffix("data.pkl") && $0.name.split(separator: "/").count == 2 }) else {
            throw .missingRecord("data.pkl")
        }
        let folder = String(pickleEntry.name.dropLast("data.pkl".count))
        var members: [String: ZipEntry] = [:]
        for entry in entries where entry.name.hasPrefix(folder) {
            members[String(entry.name.dropFirst(folder.count))] = entry
        }
        var bigEndian = false
        if let order = members["byteorder"] {
            let text = try contents(of: order, in: bytes) { raw in String(decoding: raw, as: UTF8.self) }
            switch text {
            case "little": bigEndian = false
            case "big": bigEndian = true
            default: throw .malformedPickle(reason: "the byteorder record says '\(text)'")
            }
        }
        let root = try contents(of: pickleEntry, in: bytes) { (raw) throws(TorchFormatError) in
            let (value, end) = try Unpickler.decode(raw)
            guard end == raw.count else { throw .malformedPickle(reason: "\(raw.count - end) bytes follow the pickle's STOP") }
            return value
        }
        var storages: [String: (record: TorchStorageRecord, source: StorageSource)] = [:]
        for record in tensorRecords(in: root) {
            let key = record.storage.key
            if let known = storages[key] {
                guard known.record == record.storage else {
                    throw .invalidStorage(key: key, reason: "tensors describe it with different types or sizes")
                }
                continue
            }
            guard let member = members["data/" + key] else { throw .missingRecord(folder + "data/" + key) }
            try checkSize(record.storage, byteCount: member.uncompressedSize)
            storages[key] = (record.storage, .member(member))
        }
        return TorchCheckpointImage(root: root, storages: storages, bigEndian: bigEndian)
    }

    /// `ZipReader.withContents` for a body that throws ``TorchFormatError``: the member's
    /// size and CRC-32 are checked first, and the zip layer's errors become `.archive`.
    static func contents<R>(of entry: ZipEntry, in bytes: UnsafeRawBufferPointer,
                                    _ body: (UnsafeRawBufferPointer) throws(TorchFormatError) -> R) throws(TorchFormatError) -> R {
        var inner: TorchFormatError?
        let result: R?
        do throws(NumPyFormatError) {
            result = try ZipReader.withContents(of: entry, in: bytes) { (raw) throws(NumPyFormatError) -> R? in
                do throws(TorchFormatError) { return try body(raw) } catch { inner = error; return nil }
            }
        } catch {
            throw .archive(error)
        }
        if let inner { throw inner }
        return result!
    }

    // MARK: Legacy

    private static func parseLegacy(_ bytes: UnsafeRawBufferPointer) throws(TorchFormatError) -> TorchCheckpointImage {
        let (magic, afterMagic) = try Unpickler.decode(bytes)
        guard magic == .bigInt(legacyMagic) else {
            throw .notACheckpoint(reason: "it is a pickle, but not one written by torch.save (no PyTorch magic number)")
        }
        let (version, afterVersion) = try Unpickler.decode(bytes, at: afterMagic)
        guard version == .int(1001) else { throw .notACheckpoint(reason: "the legacy protocol version is \(version), not 1001") }
        let (systemInfo, afterInfo) = try Unpickler.decode(bytes, at: afterVersion)
        var bigEndian = false
        if case let .dict(entries) = systemInfo,
           let flag = entries.first(where: { $0.key == .string("little_endian") })?.value {
            bigEndian = flag == .bool(false)
        }
        let (root, afterRoot) = try Unpickler.decode(bytes, at: afterInfo, persistentLoad: legacyPersistentLoad)
        let (keyList, afterKeys) = try Unpickler.decode(bytes, at: afterRoot)
        guard case let .list(keyValues) = keyList else { throw .malformedPickle(reason: "the legacy storage key list is not a list") }

        var records: [String: TorchStorageRecord] = [:]
        for record in tensorRecords(in: root) {
            if let known = records[record.storage.key], known != record.storage {
                throw .invalidStorage(key: record.storage.key, reason: "tensors describe it with different types or sizes")
            }
            records[record.storage.key] = record.storage
        }
        var storages: [String: (record: TorchStorageRecord, source: StorageSource)] = [:]
        var offset = afterKeys
        for keyValue in keyValues {
            guard case let .string(key) = keyValue else { throw .malformedPickle(reason: "a legacy storage key is not a string") }
            guard let record = records[key] else { throw .invalidStorage(key: key, reason: "no tensor refers to it") }
            guard offset <= bytes.count - 8 else {
                throw .invalidStorage(key: key, reason: "the file ends before its element count")
            }
            var count: UInt64 = 0
            for index in 0..<8 {
                let byte = UInt64(bytes[offset + (bigEndian ? index : 7 - index)])
                count = count << 8 | byte
            }
            offset += 8
            let (byteCount, overflow) = Int(clamping: count).multipliedReportingOverflow(by: record.type.itemSize)
            guard !overflow, byteCount <= bytes.count - offset else {
                throw .invalidStorage(key: key, reason: "\(count) elements run past the end of the file")
            }
            try checkSize(record, byteCount: byteCount)
            storages[key] = (record, .range(offset: offset, byteCount: byteCount))
            offset += byteCount
        }
        for key in records.keys where storages[key] == nil {
            throw .invalidStorage(key: key, reason: "the file holds no data for it")
        }
        return TorchCheckpointImage(root: root, storages: storages, bigEndian: bigEndian)
    }

    /// The legacy persistent id: `('storage', type, key, location, count, view_metadata)`.
    private static func legacyPersistentLoad(_ pid: Unpickler.Node) throws(TorchFormatError) -> Unpickler.Node {
        if case let .tuple(items) = pid, items.count >= 6 {
            guard case .none = items[5] else {
                throw .notACheckpoint(reason: "the file uses storage views of PyTorch before 0.4; load it with PyTorch and re-save it with torch.save")
            }
        }
        return try Unpickler.zipPersistentLoad(pid)
    }

    // MARK: Shared checks

    private static func checkSize(_ record: TorchStorageRecord, byteCount: Int) throws(TorchFormatError) {
        let (needed, overflow) = record.count.multipliedReportingOverflow(by: record.type.itemSize)
        guard !overflow, needed <= byteCount else {
            throw .invalidStorage(key: record.key, reason: "\(record.count) \(record.type.rawValue) elements need more than its \(byteCount) bytes")
        }
    }

    /// Every tensor record in the tree, depth first.
    static func tensorRecords(in value: PickleValue) -> [TorchTensorRecord] {
        var result: [TorchTensorRecord] = []
        func visit(_ value: PickleValue) {
            switch value {
            case let .tensor(record): result.append(record)
            case let .list(items), let .tuple(items): items.forEach(visit)
            case let .dict(entries): entries.forEach { visit($0.key); visit($0.value) }
            default: break
            }
        }
        visit(value)
        return result
    }
}

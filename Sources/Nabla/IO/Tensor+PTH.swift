/// A value read from or written to a PyTorch checkpoint (`torch.save`'s `.pth`/`.pt`
/// files): the data that state dicts and training checkpoints are made of.
///
/// ```swift
/// let checkpoint = try Tensor.loadPTH("checkpoint.pth")
/// let epoch = checkpoint["epoch"]?.int                 // 3
/// let weight = checkpoint["model"]?["0.weight"]?.tensor
/// ```
///
/// Python's `dict` and `collections.OrderedDict` both read as ``dictionary(_:)`` in their
/// order; `int` beyond 64 bits is ``bigInteger(_:)``. Literals build values to save:
///
/// ```swift
/// let checkpoint: TorchValue = ["model": model.stateDict().torchValue, "epoch": 5, "lr": 0.01]
/// try Tensor.savePTH(checkpoint, to: "checkpoint.pth")
/// ```
public enum TorchValue: Sendable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    /// Python's `None`.
    case none
    /// A `bool`.
    case bool(Bool)
    /// An `int` that fits 64 bits.
    case int(Int)
    /// An `int` beyond 64 bits, as little-endian two's-complement bytes.
    case bigInteger([UInt8])
    /// A `float`.
    case double(Double)
    /// A `str`.
    case string(String)
    /// A `bytes` object.
    case bytes([UInt8])
    /// A `list`.
    case list([TorchValue])
    /// A `tuple`.
    case tuple([TorchValue])
    /// A `dict` or `OrderedDict`, in order.
    case dictionary([(key: TorchValue, value: TorchValue)])
    /// A tensor (or `nn.Parameter`, which reads with ``Tensor/requiresGrad`` set).
    case tensor(Tensor)

    /// A `str`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An `int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A `float`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A `bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A `list`.
    public init(arrayLiteral elements: TorchValue...) { self = .list(elements) }
    /// A `dict` with string keys, in the literal's order.
    public init(dictionaryLiteral elements: (String, TorchValue)...) {
        self = .dictionary(elements.map { (key: .string($0.0), value: $0.1) })
    }
    /// `None`.
    public init(nilLiteral: ()) { self = .none }

    /// The value under the string key `key` of a dictionary; `nil` for other values or a
    /// missing key.
    public subscript(key: String) -> TorchValue? {
        guard case let .dictionary(entries) = self else { return nil }
        return entries.first { if case .string(key) = $0.key { true } else { false } }?.value
    }

    /// The tensor, if the value is one.
    public var tensor: Tensor? {
        if case let .tensor(tensor) = self { tensor } else { nil }
    }

    /// The integer, if the value is an `int` (or a `bool`, as in Python).
    public var int: Int? {
        switch self {
        case let .int(value): value
        case let .bool(flag): flag ? 1 : 0
        default: nil
        }
    }

    /// The number, if the value is a `float` or an `int`.
    public var double: Double? {
        switch self {
        case let .double(value): value
        case let .int(value): Double(value)
        default: nil
        }
    }

    /// The text, if the value is a `str`.
    public var string: String? {
        if case let .string(text) = self { text } else { nil }
    }

    /// The elements, if the value is a `list` or `tuple`.
    public var elements: [TorchValue]? {
        switch self {
        case let .list(items), let .tuple(items): items
        default: nil
        }
    }

    /// The entries whose keys are strings and whose values are tensors, in order, if the
    /// value is a dictionary: a state dict's contents.
    public var namedTensors: [(name: String, tensor: Tensor)]? {
        guard case let .dictionary(entries) = self else { return nil }
        return entries.compactMap { entry in
            guard case let .string(name) = entry.key, case let .tensor(tensor) = entry.value else { return nil }
            return (name, tensor)
        }
    }

    /// Python's `repr` of the value, tensors shown by dtype and shape.
    public var description: String {
        switch self {
        case .none: return "None"
        case let .bool(flag): return flag ? "True" : "False"
        case let .int(value): return String(value)
        case let .bigInteger(raw): return "<int of \(raw.count) bytes>"
        case let .double(value): return String(value)
        case let .string(text): return "'\(text)'"
        case let .bytes(raw): return "<bytes of length \(raw.count)>"
        case let .list(items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case let .tuple(items): return "(" + items.map(\.description).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case let .dictionary(entries):
            return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case let .tensor(tensor): return "tensor(dtype=\(tensor.dtype), shape=\(tensor.shape))"
        }
    }
}

extension Tensor {
    /// Reads a PyTorch checkpoint written by `torch.save`, like `torch.load(path,
    /// weights_only=True)`: a state dict, a training checkpoint (nested dicts, lists,
    /// numbers, strings, tensors), or a single tensor.
    ///
    /// Both containers are read: the zip format of PyTorch 1.6 and later, and the earlier
    /// sequential format. The pickle inside is decoded by a safe reader that only builds
    /// data; a file that names anything else (such as a whole model saved with
    /// `torch.save(model)`) is refused with an error naming the class, and nothing in it
    /// is ever run.
    ///
    /// Storages that are uncompressed, little-endian, of a dtype Nabla holds and aligned
    /// in the file (PyTorch aligns them to 64 bytes) are memory-mapped copy-on-write, not
    /// read: loading is immediate, pages come in as they are touched, and writing to a
    /// loaded tensor changes this process's copy only. Others are copied and converted:
    /// `bfloat16` to `float32`, `int8` and `int16` to `int32`, big-endian data to the
    /// machine's order. Tensors that share a storage in the file (views) share it after
    /// loading too. Every CRC-32 is checked.
    ///
    /// - Throws: ``TorchFormatError`` for a file that is not a checkpoint, is malformed or
    ///   hostile, or refers to anything beyond tensors and plain data.
    public static func loadPTH(_ path: String) throws(TorchFormatError) -> TorchValue {
        let file: MappedFile
        do { file = try MappedFile(path: path, sharing: .privateCopy) } catch { throw .archive(error) }
        return try withExtendedLifetime(file) { () throws(TorchFormatError) in
            try decodePTH(UnsafeRawBufferPointer(start: file.base, count: file.length), mappedFile: file)
        }
    }

    /// Reads a PyTorch checkpoint held in memory (see ``loadPTH(_:)``); every tensor is copied.
    ///
    /// - Throws: ``TorchFormatError`` as ``loadPTH(_:)`` does.
    public static func loadPTH(bytes: [UInt8]) throws(TorchFormatError) -> TorchValue {
        var outcome: Result<TorchValue, TorchFormatError> = .failure(.notACheckpoint(reason: "the file is empty"))
        bytes.withUnsafeBytes { raw in
            outcome = Result { () throws(TorchFormatError) in try decodePTH(raw, mappedFile: nil) }
        }
        return try outcome.get()
    }

    private static func decodePTH(_ bytes: UnsafeRawBufferPointer, mappedFile: MappedFile?) throws(TorchFormatError) -> TorchValue {
        let image = try TorchCheckpointImage.parse(bytes)
        var storages: [String: (storage: Storage, dtype: DType)] = [:]
        for (key, entry) in image.storages {
            storages[key] = try makeStorage(entry.record, source: entry.source, bigEndian: image.bigEndian,
                                            bytes: bytes, mappedFile: mappedFile)
        }
        return wire(image.root, storages: storages)
    }

    /// Builds the value tree with tensors over the shared storages.
    private static func wire(_ value: PickleValue, storages: [String: (storage: Storage, dtype: DType)]) -> TorchValue {
        switch value {
        case .none: return .none
        case let .bool(flag): return .bool(flag)
        case let .int(number): return .int(number)
        case let .bigInt(raw): return .bigInteger(raw)
        case let .double(number): return .double(number)
        case let .string(text): return .string(text)
        case let .bytes(raw): return .bytes(raw)
        case let .list(items): return .list(items.map { wire($0, storages: storages) })
        case let .tuple(items): return .tuple(items.map { wire($0, storages: storages) })
        case let .dict(entries):
            return .dictionary(entries.map { (key: wire($0.key, storages: storages), value: wire($0.value, storages: storages)) })
        case let .tensor(record):
            // The parser checked every record against its storage, and made one per key.
            let (storage, dtype) = storages[record.storage.key]!
            let tensor = Tensor(storage: storage, shape: record.shape, strides: record.strides,
                                storageOffset: record.offset, dtype: dtype)
            if record.requiresGrad, dtype.isFloatingPoint { tensor.requiresGrad = true }
            return .tensor(tensor)
        }
    }

    /// The dtype a storage type is held in.
    private static func heldType(_ type: TorchStorageType) -> DType {
        switch type {
        case .float32, .bfloat16: .float32
        case .float64: .float64
        case .float16: .float16
        case .int64: .int64
        case .int32, .int16, .int8: .int32
        case .uint8: .uint8
        case .bool: .bool
        }
    }

    private static func makeStorage(_ record: TorchStorageRecord, source: TorchCheckpointImage.StorageSource, bigEndian: Bool,
                                    bytes: UnsafeRawBufferPointer, mappedFile: MappedFile?) throws(TorchFormatError) -> (storage: Storage, dtype: DType) {
        let dtype = heldType(record.type)
        let byteCount = record.count * record.type.itemSize  // checked by the parser
        func build(_ raw: UnsafeRawBufferPointer, inFile: Bool) throws(TorchFormatError) -> Storage {
            if record.type == .bool {
                // A byte other than 0 or 1 read as a Swift `Bool` is undefined behaviour.
                for index in 0..<record.count where raw[index] > 1 {
                    throw .invalidStorage(key: record.key, reason: "the bool storage holds the byte \(raw[index]) at index \(index)")
                }
            }
            let native = !bigEndian && dtype.itemSize == record.type.itemSize
            // Only bytes that lie in the mapped file itself (a stored member, not an
            // inflated copy) can be wrapped.
            if native, inFile, let mappedFile, let base = raw.baseAddress, Int(bitPattern: base) % Storage.alignment == 0 {
                let start = UnsafeMutableRawPointer(mutating: base)
                return Storage.wrapping(start, byteCount: byteCount, isWritable: true, release: .owner(mappedFile))
            }
            let storage = Storage.allocate(byteCount: record.count * dtype.itemSize, zeroed: false)
            convert(raw, type: record.type, count: record.count, bigEndian: bigEndian, into: storage.data)
            return storage
        }
        switch source {
        case let .range(offset, _):
            return (try build(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + byteCount)]), inFile: true), dtype)
        case let .member(entry):
            let storage = try TorchCheckpointImage.contents(of: entry, in: bytes) { (raw) throws(TorchFormatError) in
                try build(UnsafeRawBufferPointer(rebasing: raw[0..<byteCount]), inFile: entry.method == 0)
            }
            return (storage, dtype)
        }
    }

    /// Copies `count` elements of `type` into the held dtype's layout, in native byte order.
    private static func convert(_ raw: UnsafeRawBufferPointer, type: TorchStorageType, count: Int, bigEndian: Bool,
                                into destination: UnsafeMutableRawPointer) {
        func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
            let value = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)
            return bigEndian ? T(bigEndian: value) : T(littleEndian: value)
        }
        switch type {
        case .bfloat16:
            let out = destination.assumingMemoryBound(to: UInt32.self)
            for index in 0..<count { out[index] = UInt32(load(UInt16.self, index)) << 16 }
        case .int16:
            let out = destination.assumingMemoryBound(to: Int32.self)
            for index in 0..<count { out[index] = Int32(load(Int16.self, index)) }
        case .int8:
            let out = destination.assumingMemoryBound(to: Int32.self)
            for index in 0..<count { out[index] = Int32(Int8(bitPattern: raw[index])) }
        case .float16, .float32, .float64, .int64, .int32, .uint8, .bool:
            let size = type.itemSize
            guard bigEndian, size > 1 else {
                destination.copyMemory(from: raw.baseAddress!, byteCount: count * size)
                return
            }
            switch size {
            case 2:
                let out = destination.assumingMemoryBound(to: UInt16.self)
                for index in 0..<count { out[index] = load(UInt16.self, index) }
            case 4:
                let out = destination.assumingMemoryBound(to: UInt32.self)
                for index in 0..<count { out[index] = load(UInt32.self, index) }
            default:
                let out = destination.assumingMemoryBound(to: UInt64.self)
                for index in 0..<count { out[index] = load(UInt64.self, index) }
            }
        }
    }

    // MARK: Writing

    /// Saves `value` as a PyTorch checkpoint in `torch.save`'s zip format, which
    /// `torch.load(path, weights_only=True)` reads: dictionaries (write a state dict as
    /// `.dictionary` of names and tensors), lists, tuples, numbers, strings, bytes, `None`
    /// and tensors. Tensors that share a storage share it in the file, views keep their
    /// strides, and each storage starts on a 64-byte boundary so it can be mapped.
    ///
    /// - Throws: ``TorchFormatError/archive(_:)`` when the file cannot be written.
    public static func savePTH(_ value: TorchValue, to path: String) throws(TorchFormatError) {
        var storages: [(key: String, bytes: UnsafeRawBufferPointer, owner: Tensor)] = []
        var keys: [ObjectIdentifier: String] = [:]
        let root = pickleValue(value, storages: &storages, keys: &keys)
        let file: BinaryFile
        do { file = try BinaryFile(path: path, access: .createOrTruncate) } catch { throw .archive(error) }
        var folder = path.split(separator: "/").last.map(String.init) ?? "archive"
        if let dot = folder.lastIndex(of: "."), dot != folder.startIndex { folder = String(folder[..<dot]) }
        if folder.isEmpty || folder.hasPrefix(".") { folder = "archive" }
        try withExtendedLifetime(storages) { () throws(TorchFormatError) in
            _ = try TorchCheckpointWriter.write(root, storages: storages.map { ($0.key, $0.bytes) }, folder: folder, to: FileSink(file: file))
        }
    }

    private static func pickleValue(_ value: TorchValue, storages: inout [(key: String, bytes: UnsafeRawBufferPointer, owner: Tensor)],
                                    keys: inout [ObjectIdentifier: String]) -> PickleValue {
        switch value {
        case .none: return .none
        case let .bool(flag): return .bool(flag)
        case let .int(number): return .int(number)
        case let .bigInteger(raw): return .bigInt(raw)
        case let .double(number): return .double(number)
        case let .string(text): return .string(text)
        case let .bytes(raw): return .bytes(raw)
        case let .list(items): return .list(items.map { pickleValue($0, storages: &storages, keys: &keys) })
        case let .tuple(items): return .tuple(items.map { pickleValue($0, storages: &storages, keys: &keys) })
        case let .dictionary(entries):
            return .dict(entries.map {
                PickleDictEntry(key: pickleValue($0.key, storages: &storages, keys: &keys),
                                value: pickleValue($0.value, storages: &storages, keys: &keys))
            })
        case let .tensor(tensor):
            let type: TorchStorageType = switch tensor.dtype {
            case .float32: .float32
            case .float64: .float64
            case .float16: .float16
            case .int64: .int64
            case .int32: .int32
            case .uint8: .uint8
            case .bool: .bool
            }
            let count = tensor.storage.byteCount / tensor.dtype.itemSize
            let identity = ObjectIdentifier(tensor.storage)
            let key: String
            if let known = keys[identity] {
                key = known
            } else {
                key = String(storages.count)
                keys[identity] = key
                storages.append((key, UnsafeRawBufferPointer(start: tensor.storage.data, count: count * tensor.dtype.itemSize), tensor))
            }
            return .tensor(TorchTensorRecord(storage: TorchStorageRecord(key: key, type: type, count: count),
                                             offset: tensor.storageOffset, shape: tensor.shape, strides: tensor.strides,
                                             requiresGrad: tensor.requiresGrad))
        }
    }
}

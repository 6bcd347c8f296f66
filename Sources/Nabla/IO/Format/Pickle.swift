/// The element types a PyTorch storage can hold, named by their `torch.*Storage` class.
enum TorchStorageType: String, Sendable, CaseIterable {
    case float32 = "FloatStorage"
    case float64 = "DoubleStorage"
    case float16 = "HalfStorage"
    case bfloat16 = "BFloat16Storage"
    case int64 = "LongStorage"
    case int32 = "IntStorage"
    case int16 = "ShortStorage"
    case int8 = "CharStorage"
    case uint8 = "ByteStorage"
    case bool = "BoolStorage"

    /// Bytes per element in the file.
    var itemSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }
}

/// A storage as the pickle refers to it: `('storage', torch.FloatStorage, '0', 'cpu', 6)`.
struct TorchStorageRecord: Equatable, Sendable {
    /// The record's name in the archive (`data/<key>`), or the legacy format's key.
    var key: String
    var type: TorchStorageType
    /// Elements in the storage.
    var count: Int
}

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
struct TorchTensorRecord: Equatable, Sendable {
    var storage: TorchStorageRecord
    /// In elements.
    var offset: Int
    var shape: [Int]
    var strides: [Int]
    var requiresGrad: Bool
}

/// A value decoded from a checkpoint's pickle, with tensors still as records: the format
/// layer knows bytes, not ``Tensor``.
indirect enum PickleValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond 64 bits, as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    /// A `dict` or `collections.OrderedDict`, in insertion order.
    case dict([PickleDictEntry])
    case tensor(TorchTensorRecord)
}

/// One key-value pair of a ``PickleValue/dict(_:)``.
struct PickleDictEntry: Equatable, Sendable {
    var key: PickleValue
    var value: PickleValue
}

/// A pickle (protocol 0-5 opcodes as `torch.save` and Python write them) decoded by a
/// stack machine that builds data only. Globals are resolved against an allow-list of the
/// names state dicts and training checkpoints contain (`collections.OrderedDict`,
/// `torch._utils._rebuild_tensor_v2` and `_rebuild_parameter`, the `torch.*Storage`
/// types, `_codecs.encode`); any other global is refused by name before anything happens,
/// so nothing is ever imported or executed. Lists and dicts keep Python's reference
/// semantics while decoding (a memoised list appended to later is the same list); the
/// result is converted to a value tree under a budget that a shared reference repeated into
/// an exponential tree, or a cycle, cannot exceed.
struct Unpickler {
    /// The allow-listed callables.
    enum Global: Equatable {
        case orderedDict
        case rebuildTensor
        case rebuildParameter
        case storageType(TorchStorageType)
        case codecsEncode
    }

    final class ListBox { var items: [Node] = [] }
    final class DictBox {
        var entries: [(key: Node, value: Node)] = []
        /// Each key's position in `entries`, by ``Unpickler/hashableIdentity(_:)``.
        var positions: [String: Int] = [:]
    }

    indirect enum Node {
        case none, bool(Bool), int(Int), bigInt([UInt8]), double(Double), string(String), bytes([UInt8])
        case tuple([Node])
        case list(ListBox)
        case dict(DictBox)
        case global(Global)
        case storage(TorchStorageRecord)
        case tensor(TorchTensorRecord)
    }

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private var stack: [Node] = []
    private var marks: [Int] = []
    private var memo: [Int: Node] = [:]
    /// Every list and dict made so far. A pickle can append a list to itself (or build any
    /// other cycle through the memo); the boxes are emptied when decoding ends, so such
    /// cycles are broken instead of leaked.
    private var lists: [ListBox] = []
    private var dicts: [DictBox] = []
    /// Bytes of dict keys compared so far: a long key memoised once and inserted again and
    /// again would otherwise cost its length on every insertion.
    private var keyBytes = 0
    /// Resolves a persistent id (the storage tuple) to a node.
    private let persistentLoad: (Node) throws(TorchFormatError) -> Node

    /// Decodes one pickle starting at `offset`; `end` is the offset after its STOP opcode.
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0,
                       persistentLoad: @escaping (Node) throws(TorchFormatError) -> Node = Unpickler.zipPersistentLoad)
        throws(TorchFormatError) -> (value: PickleValue, end: Int) {
        var machine = Unpickler(bytes: bytes, position: offset, persistentLoad: persistentLoad)
        defer { machine.releaseBoxes() }
        let node = try machine.run()
        // Each opcode adds at most a handful of objects, so a tree much larger than the
        // stream comes from repeated shared references.
        let limit = 64 * (machine.position - offset) + 1024
        var budget = limit
        let value = try convert(node, budget: &budget, limit: limit, depth: 0)
        return (value, machine.position)
    }

    // MARK: Persistent ids

    /// The zip format's persistent id: `('storage', StorageType, key, location, count)`.
    static func zipPersistentLoad(_ pid: Node) throws(TorchFormatError) -> Node {
        guard case let .tuple(items) = pid, items.count >= 5, case .string("storage") = items[0] else {
            throw .malformedPickle(reason: "a persistent id is not a ('storage', type, key, location, size) tuple")
        }
        guard case let .global(.storageType(type)) = items[1] else {
            throw .malformedPickle(reason: "a persistent id's storage type is not a torch storage class")
        }
        guard case let .string(key) = items[2] else { throw .malformedPickle(reason: "a storage key is not a string") }
        guard case let .int(count) = items[4], count >= 0 else {
            throw .malformedPickle(reason: "the storage '\(key)' has no valid element count")
        }
        return .storage(TorchStorageRecord(key: key, type: type, count: count))
    }

    // MARK: The machine

    private mutating func run() throws(TorchFormatError) -> Node {
        while true {
            let opcodeOffset = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                   // PROTO
            case 0x95: _ = try take(8)                                  // FRAME
            case 0x2E:                                                  // STOP
                guard marks.isEmpty, stack.count == 1 else {
                    throw .malformedPickle(reason: "STOP at offset \(opcodeOffset) leaves \(stack.count) values on the stack")
                }
                return stack[0]
            case 0x28: marks.append(stack.count)                        // MARK
            case 0x30: _ = try pop()                                    // POP
            case 0x31: _ = try popMark()                                // POP_MARK
            case 0x32: stack.append(try top())                          // DUP
            case 0x4E: stack.append(.none)                              // NONE
            case 0x88: stack.append(.bool(true))                        // NEWTRUE
            case 0x89: stack.append(.bool(false))                       // NEWFALSE
            case 0x4B: stack.append(.int(Int(try byte())))              // BININT1
            case 0x4D: stack.append(.int(Int(try littleEndian(2))))     // BININT2
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4)))))  // BININT
            case 0x8A: stack.append(try long(count: Int(try byte())))   // LONG1
            case 0x8B: stack.append(try long(count: try length(4)))     // LONG4
            case 0x49: stack.append(try textInteger(line: try line()))  // INT
            case 0x4C: stack.append(try textInteger(line: try line().dropLastIf("L")))  // LONG
            case 0x47: stack.append(.double(Double(bitPattern: try bigEndian64())))     // BINFLOAT
            case 0x46:                                                  // FLOAT
                let text = try line()
                guard let value = Double(text) else { throw .malformedPickle(reason: "FLOAT '\(text)' at offset \(opcodeOffset)") }
                stack.append(.double(value))
            case 0x58: stack.append(.string(try utf8(try take(try length(4)))))   // BINUNICODE
            case 0x8C: stack.append(.string(try utf8(try take(Int(try byte())))))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try utf8(try take(try length(8)))))   // BINUNICODE8
            case 0x54: stack.append(.string(latin1(try take(try length(4)))))     // BINSTRING (Python 2 str)
            case 0x55: stack.append(.string(latin1(try take(Int(try byte())))))    // SHORT_BINSTRING
            case 0x42: stack.append(.bytes(Array(try take(try length(4)))))       // BINBYTES
            case 0x43: stack.append(.bytes(Array(try take(Int(try byte())))))    // SHORT_BINBYTES
            case 0x8E: stack.append(.bytes(Array(try take(try length(8)))))      // BINBYTES8
            case 0x29: stack.append(.tuple([]))                         // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))              // TUPLE
            case 0x85, 0x86, 0x87:                                      // TUPLE1, TUPLE2, TUPLE3
                let count = Int(opcode - 0x84)
                guard stack.count - (marks.last ?? 0) >= count else { throw underflow(opcodeOffset) }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                stack.append(.tuple(items))
            case 0x5D: stack.append(.list(makeList()))                  // EMPTY_LIST
            case 0x6C:                                                  // LIST
                let box = makeList()
                box.items = try popMark()
                stack.append(.list(box))
            case 0x61:                                                  // APPEND
                let item = try pop()
                try list(at: opcodeOffset).items.append(item)
            case 0x65:                                                  // APPENDS
                let items = try popMark()
                try list(at: opcodeOffset).items.append(contentsOf: items)
            case 0x7D: stack.append(.dict(makeDict()))                  // EMPTY_DICT
            case 0x64:                                                  // DICT
                let items = try popMark()
                let box = makeDict()
                try setItems(box, items, at: opcodeOffset)
                stack.append(.dict(box))
            case 0x73:                                                  // SETITEM
                let value = try pop(), key = try pop()
                try setItems(try dict(at: opcodeOffset), [key, value], at: opcodeOffset)
            case 0x75:                                                  // SETITEMS
                let items = try popMark()
                try setItems(try dict(at: opcodeOffset), items, at: opcodeOffset)
            case 0x63:                                                  // GLOBAL
                let module = try line(), name = try line()
                stack.append(.global(try Unpickler.resolve(module: module, name: name)))
            case 0x93:                                                  // STACK_GLOBAL
                guard case let .string(name) = try pop(), case let .string(module) = try pop() else {
                    throw .malformedPickle(reason: "STACK_GLOBAL at offset \(opcodeOffset) needs two strings")
                }
                stack.append(.global(try Unpickler.resolve(module: module, name: name)))
            case 0x52:                                                  // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try call(callable, arguments, at: opcodeOffset))
            case 0x62:                                                  // BUILD
                // Only an OrderedDict's attribute state (a state dict's `_metadata`) reaches
                // here; it carries nothing a tensor needs, so it is dropped.
                _ = try pop()
                guard case .dict = try top() else {
                    throw .malformedPickle(reason: "BUILD at offset \(opcodeOffset) on an object this reader does not build")
                }
            case 0x51:                                                  // BINPERSID
                stack.append(try persistentLoad(try pop()))
            case 0x50:                                                  // PERSID
                stack.append(try persistentLoad(.string(try line())))
            case 0x71: memo[Int(try byte())] = try top()                // BINPUT
            case 0x72: memo[Int(try littleEndian(4))] = try top()      // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                     // MEMOIZE
            case 0x70:                                                  // PUT
                let text = try line()
                guard let index = Int(text) else { throw .malformedPickle(reason: "PUT '\(text)' at offset \(opcodeOffset)") }
                memo[index] = try top()
            case 0x68: stack.append(try recall(Int(try byte()), at: opcodeOffset))     // BINGET
            case 0x6A: stack.append(try recall(Int(try littleEndian(4)), at: opcodeOffset))  // LONG_BINGET
            case 0x67:                                                  // GET
                let text = try line()
                guard let index = Int(text) else { throw .malformedPickle(reason: "GET '\(text)' at offset \(opcodeOffset)") }
                stack.append(try recall(index, at: opcodeOffset))
            default:
                throw .unsupportedOpcode(opcode: opcode, offset: opcodeOffset)
            }
        }
    }

    // MARK: Globals and calls

    static func resolve(module: String, name: String) throws(TorchFormatError) -> Global {
        switch (module, name) {
        case ("collections", "OrderedDict"): return .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
        case ("_codecs", "encode"): return .codecsEncode
        case ("torch", _):
            if let type = TorchStorageType(rawValue: name) { return .storageType(type) }
            if name.hasSuffix("Storage") { throw .unsupportedStorage(name) }
        default: break
        }
        throw .forbiddenGlobal(module: module, name: name)
    }

    private mutating func call(_ callable: Node, _ arguments: Node, at offset: Int) throws(TorchFormatError) -> Node {
        guard case let .global(global) = callable, case let .tuple(args) = arguments else {
            throw .malformedPickle(reason: "REDUCE at offset \(offset) does not call an allowed global with a tuple")
        }
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw .malformedPickle(reason: "OrderedDict called with arguments at offset \(offset)") }
            return .dict(makeDict())
        case .rebuildTensor:
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count >= 4, case let .storage(storage) = args[0], case let .int(storageOffset) = args[1] else {
                throw .malformedPickle(reason: "_rebuild_tensor_v2 at offset \(offset) has unexpected arguments")
            }
            let shape = try Unpickler.integers(args[2], "size"), strides = try Unpickler.integers(args[3], "stride")
            var requiresGrad = false
            if args.count > 4, case let .bool(flag) = args[4] { requiresGrad = flag }
            let record = TorchTensorRecord(storage: storage, offset: storageOffset, shape: shape, strides: strides, requiresGrad: requiresGrad)
            try Unpickler.validate(record)
            return .tensor(record)
        case .rebuildParameter:
            // (data, requires_grad, backward_hooks)
            guard args.count >= 2, case var .tensor(record) = args[0], case let .bool(flag) = args[1] else {
                throw .malformedPickle(reason: "_rebuild_parameter at offset \(offset) has unexpected arguments")
            }
            record.requiresGrad = flag
            return .tensor(record)
        case .codecsEncode:
            // Protocol 2's spelling of a `bytes` object: _codecs.encode(text, 'latin1').
            guard args.count == 2, case let .string(text) = args[0], case let .string(encoding) = args[1],
                  encoding == "latin1" || encoding == "latin-1" else {
                throw .malformedPickle(reason: "_codecs.encode at offset \(offset) has unexpected arguments")
            }
            var result: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw .malformedPickle(reason: "_codecs.encode of a non-latin-1 string") }
                result.append(UInt8(scalar.value))
            }
            return .bytes(result)
        case .storageType(let type):
            throw .forbiddenGlobal(module: "torch", name: type.rawValue + " (called)")
        }
    }

    private static func integers(_ node: Node, _ what: String) throws(TorchFormatError) -> [Int] {
        guard case let .tuple(items) = node else { throw .malformedPickle(reason: "a tensor's \(what) is not a tuple") }
        var result: [Int] = []
        for item in items {
            guard case let .int(value) = item else { throw .malformedPickle(reason: "a tensor's \(what) holds a non-integer") }
            result.append(value)
        }
        return result
    }

    /// Checks that a tensor's elements lie inside its storage, with overflow-checked arithmetic.
    static func validate(_ record: TorchTensorRecord) throws(TorchFormatError) {
        guard record.shape.count == record.strides.count else {
            throw .invalidTensor(reason: "size \(record.shape) and stride \(record.strides) differ in length")
        }
        guard record.shape.count <= 64 else { throw .invalidTensor(reason: "\(record.shape.count) dimensions") }
        guard record.offset >= 0, record.shape.allSatisfy({ $0 >= 0 }), record.strides.allSatisfy({ $0 >= 0 }) else {
            throw .invalidTensor(reason: "negative offset, size or stride (size \(record.shape), stride \(record.strides), offset \(record.offset))")
        }
        // The element count must be representable even when a zero dimension makes it 0.
        var count = 1
        for extent in record.shape where extent > 0 {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Int.max / 8 else { throw .invalidTensor(reason: "the size \(record.shape) overflows") }
            count = product
        }
        guard !record.shape.contains(0) else {
            guard record.offset <= record.storage.count else {
                throw .invalidTensor(reason: "offset \(record.offset) lies past the storage's \(record.storage.count) elements")
            }
            return
        }
        var last = record.offset
        for (extent, stride) in zip(record.shape, record.strides) {
            let (reach, overflow1) = (extent - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflow2) = last.addingReportingOverflow(reach)
            guard !overflow1, !overflow2 else { throw .invalidTensor(reason: "size \(record.shape) with stride \(record.strides) overflows") }
            last = sum
        }
        guard last < record.storage.count else {
            throw .invalidTensor(reason: "size \(record.shape), stride \(record.strides) and offset \(record.offset) reach element \(last) of a storage of \(record.storage.count)")
        }
    }

    // MARK: Stack helpers

    private func underflow(_ offset: Int) -> TorchFormatError {
        .malformedPickle(reason: "stack underflow at offset \(offset)")
    }

    private mutating func pop() throws(TorchFormatError) -> Node {
        guard stack.count > (marks.last ?? 0) else { throw underflow(position - 1) }
        return stack.removeLast()
    }

    private func top() throws(TorchFormatError) -> Node {
        guard stack.count > (marks.last ?? 0), let last = stack.last else { throw underflow(position - 1) }
        return last
    }

    private mutating func popMark() throws(TorchFormatError) -> [Node] {
        guard let mark = marks.popLast() else { throw .malformedPickle(reason: "no MARK before offset \(position - 1)") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func makeList() -> ListBox {
        let box = ListBox()
        lists.append(box)
        return box
    }

    private mutating func makeDict() -> DictBox {
        let box = DictBox()
        dicts.append(box)
        return box
    }

    /// Empties every list and dict, which breaks any reference cycle among them.
    private mutating func releaseBoxes() {
        for list in lists { list.items = [] }
        for dict in dicts {
            dict.entries = []
            dict.positions = [:]
        }
        lists = []
        dicts = []
        stack = []
        memo = [:]
    }

    private func list(at offset: Int) throws(TorchFormatError) -> ListBox {
        guard case let .list(box) = try top() else { throw .malformedPickle(reason: "APPEND at offset \(offset) to a non-list") }
        return box
    }

    private func dict(at offset: Int) throws(TorchFormatError) -> DictBox {
        guard case let .dict(box) = try top() else { throw .malformedPickle(reason: "SETITEM at offset \(offset) on a non-dict") }
        return box
    }

    private func recall(_ index: Int, at offset: Int) throws(TorchFormatError) -> Node {
        guard let node = memo[index] else { throw .malformedPickle(reason: "memo index \(index) at offset \(offset) was never stored") }
        return node
    }

    /// Inserts key-value pairs with Python's semantics: a repeated key replaces the value in place.
    private mutating func setItems(_ box: DictBox, _ items: [Node], at offset: Int) throws(TorchFormatError) {
        guard items.count % 2 == 0 else { throw .malformedPickle(reason: "odd number of items for a dict at offset \(offset)") }
        for pair in stride(from: 0, to: items.count, by: 2) {
            let key = items[pair]
            guard let identity = Unpickler.hashableIdentity(key) else {
                throw .malformedPickle(reason: "an unhashable dict key at offset \(offset)")
            }
            keyBytes += identity.utf8.count
            guard keyBytes <= 16 * bytes.count + (1 << 20) else {
                throw .malformedPickle(reason: "dict keys of more bytes than the pickle can justify, at offset \(offset)")
            }
            if let existing = box.positions[identity] {
                box.entries[existing].value = items[pair + 1]
            } else {
                box.positions[identity] = box.entries.count
                box.entries.append((key, items[pair + 1]))
            }
        }
    }

    /// A comparable spelling of a hashable key (Python's `1 == 1.0 == True` equality
    /// aside), or nil for an unhashable one or one longer than `budget` characters.
    private static func hashableIdentity(_ node: Node, budget: Int = 1 << 16) -> String? {
        var remaining = budget
        return hashableIdentity(node, remaining: &remaining)
    }

    private static func hashableIdentity(_ node: Node, remaining: inout Int) -> String? {
        let part: String?
        switch node {
        case .none: part = "N"
        case let .bool(value): part = value ? "i1" : "i0"
        case let .int(value): part = "i\(value)"
        case let .bigInt(bytes): part = bytes.count <= remaining ? "L\(bytes)" : nil
        case let .double(value): part = value == value.rounded() && abs(value) < 1e18 ? "i\(Int(value))" : "d\(value.bitPattern)"
        case let .string(text): part = text.utf8.count <= remaining ? "s" + text : nil
        case let .bytes(bytes): part = bytes.count <= remaining ? "b\(bytes)" : nil
        case let .tuple(items):
            var parts: [String] = []
            for item in items {
                guard let itemPart = hashableIdentity(item, remaining: &remaining) else { return nil }
                parts.append(itemPart)
            }
            part = "(" + parts.joined(separator: ",") + ")"
        case .list, .dict, .global, .storage, .tensor: part = nil
        }
        guard let part else { return nil }
        remaining -= part.utf8.count
        return remaining >= 0 ? part : nil
    }

    // MARK: Conversion to values

    private static func convert(_ node: Node, budget: inout Int, limit: Int, depth: Int) throws(TorchFormatError) -> PickleValue {
        budget -= 1
        guard budget >= 0, depth < 1000 else { throw .tooManyObjects(limit: limit) }
        switch node {
        case .none: return .none
        case let .bool(value): return .bool(value)
        case let .int(value): return .int(value)
        case let .bigInt(bytes): return .bigInt(bytes)
        case let .double(value): return .double(value)
        case let .string(text): return .string(text)
        case let .bytes(bytes): return .bytes(bytes)
        case let .tensor(record): return .tensor(record)
        case let .tuple(items):
            var values: [PickleValue] = []
            for item in items { values.append(try convert(item, budget: &budget, limit: limit, depth: depth + 1)) }
            return .tuple(values)
        case let .list(box):
            var values: [PickleValue] = []
            for item in box.items { values.append(try convert(item, budget: &budget, limit: limit, depth: depth + 1)) }
            return .list(values)
        case let .dict(box):
            var entries: [PickleDictEntry] = []
            for (key, value) in box.entries {
                entries.append(PickleDictEntry(key: try convert(key, budget: &budget, limit: limit, depth: depth + 1),
                                               value: try convert(value, budget: &budget, limit: limit, depth: depth + 1)))
            }
            return .dict(entries)
        case .global:
            throw .malformedPickle(reason: "a bare global is left in the decoded object")
        case let .storage(record):
            throw .malformedPickle(reason: "the storage '\(record.key)' is used outside a tensor")
        }
    }

    // MARK: Reading bytes

    private mutating func byte() throws(TorchFormatError) -> UInt8 {
        guard position < bytes.count else { throw .malformedPickle(reason: "the pickle ends at offset \(position) without STOP") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws(TorchFormatError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw .malformedPickle(reason: "a \(count)-byte value at offset \(position) runs past the end of the pickle")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func littleEndian(_ count: Int) throws(TorchFormatError) -> UInt64 {
        let raw = try take(count)
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(raw[index]) }
        return value
    }

    private mutating func bigEndian64() throws(TorchFormatError) -> UInt64 {
        let raw = try take(8)
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(raw[index]) }
        return value
    }

    /// A length field; the bytes it announces must exist, which bounds every allocation.
    private mutating func length(_ count: Int) throws(TorchFormatError) -> Int {
        let value = try littleEndian(count)
        guard value <= UInt64(bytes.count - position) else {
            throw .malformedPickle(reason: "a length of \(value) at offset \(position - count) runs past the end of the pickle")
        }
        return Int(value)
    }

    /// A two's-complement little-endian integer of `count` bytes (LONG1, LONG4).
    private mutating func long(count: Int) throws(TorchFormatError) -> Node {
        let raw = Array(try take(count))
        guard !raw.isEmpty else { return .int(0) }
        let negative = raw[raw.count - 1] & 0x80 != 0
        if raw.count <= 8 {
            var value: UInt64 = negative ? ~0 : 0
            for byte in raw.reversed() { value = value << 8 | UInt64(byte) }
            return .int(Int(Int64(bitPattern: value)))
        }
        // Wider, but maybe only sign-extended.
        let fill: UInt8 = negative ? 0xFF : 0
        if raw[8...].allSatisfy({ $0 == fill }), (raw[7] & 0x80 != 0) == negative {
            var value: UInt64 = 0
            for byte in raw[..<8].reversed() { value = value << 8 | UInt64(byte) }
            return .int(Int(Int64(bitPattern: value)))
        }
        return .bigInt(raw)
    }

    private mutating func line() throws(TorchFormatError) -> String {
        let start = position
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
        guard position < bytes.count else { throw .malformedPickle(reason: "a text argument at offset \(start) has no newline") }
        defer { position += 1 }
        return latin1(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
    }

    private func textInteger(line text: String) throws(TorchFormatError) -> Node {
        switch text {
        case "00": return .bool(false)
        case "01": return .bool(true)
        default:
            guard let value = Int(text) else { throw .malformedPickle(reason: "the integer '\(text)' does not fit 64 bits") }
            return .int(value)
        }
    }

    private func utf8(_ raw: UnsafeRawBufferPointer) throws(TorchFormatError) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw .malformedPickle(reason: "a string before offset \(position) is not valid UTF-8")
        }
        return text
    }

    private func latin1(_ raw: UnsafeRawBufferPointer) -> String {
        String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
    }
}

private extension String {
    func dropLastIf(_ suffix: Character) -> String { last == suffix ? String(dropLast()) : self }
}

import NablaKernelsCore
import Foundation

// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
// header mapping each name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
// into the data that follows the header), an optional "__metadata__" map of strings,
// then the raw little-endian bytes of every tensor, row-major.

/// A safetensors element type and the dtype it loads as.
private enum SafetensorsType: String {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Bytes per element in the file.
    var itemSize: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// The dtype a tensor of this type is loaded as: bfloat16 widens to float32, the
    /// small signed integers to int32.
    var loadedType: DType {
        switch self {
        case .f64: .float64
        case .f32, .bf16: .float32
        case .f16: .float16
        case .i64: .int64
        case .i32, .i16, .i8: .int32
        case .u8: .uint8
        case .bool: .bool
        }
    }

    /// The type a tensor of `dtype` is saved as.
    init(_ dtype: DType) {
        switch dtype {
        case .float64: self = .f64
        case .float32: self = .f32
        case .float16: self = .f16
        case .int64: self = .i64
        case .int32: self = .i32
        case .uint8: self = .u8
        case .bool: self = .bool
        }
    }
}

/// One entry of the header.
private struct SafetensorsEntry: Decodable {
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }
}

/// The header: the entries by name, and the metadata.
private struct SafetensorsHeader: Decodable {
    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let metadataKey = "__metadata__"
    var entries: [(name: String, entry: SafetensorsEntry)] = []
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == Self.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries.append((key.stringValue, try container.decode(SafetensorsEntry.self, forKey: key)))
            }
        }
    }
}

extension StateDict {
    /// The largest header accepted, as in the reference implementation: a larger one is
    /// a corrupt or hostile file.
    private static let safetensorsHeaderLimit = 100_000_000

    /// Reads a `.safetensors` file, the format most published weights use (as written by
    /// `safetensors.torch.save_file(model.state_dict(), path)` or
    /// ``save(safetensors:metadata:)``), in the order of the tensors' data in the file.
    ///
    /// F64, F32, F16, BF16 (loaded as float32), I64, I32, I16 and I8 (loaded as int32), U8
    /// and BOOL tensors are read. The file is never trusted: the header's size, JSON,
    /// dtypes, shapes and offsets are all checked, and the tensors must tile the data
    /// without gaps or overlaps, as the reference implementation requires, before any
    /// tensor is allocated. Each tensor's bytes are then read straight into its storage,
    /// so loading takes the file's size in memory once. BOOL bytes other than 0 are read
    /// as `true`.
    ///
    /// - Throws: ``NablaNNError/fileSystem(path:reason:)`` when the file cannot be read
    ///   (or is not a regular file), ``NablaNNError/invalidFile(path:format:reason:)``
    ///   when it is not valid.
    public init(loadingSafetensors path: String) throws(NablaNNError) {
        let file = try InputFile(path: path)
        self.init(try Self.readSafetensors(file))
    }

    /// The metadata strings of a `.safetensors` file's header (`__metadata__`).
    ///
    /// - Throws: as ``init(loadingSafetensors:)``.
    public static func safetensorsMetadata(_ path: String) throws(NablaNNError) -> [String: String] {
        try parseHeader(try InputFile(path: path)).header.metadata
    }

    private static func invalid(_ path: String, _ reason: String) -> NablaNNError {
        .invalidFile(path: path, format: "safetensors", reason: reason)
    }

    /// The header and where the data starts.
    private static func parseHeader(_ file: InputFile) throws(NablaNNError) -> (header: SafetensorsHeader, dataStart: Int) {
        let path = file.path
        guard file.size >= 8 else { throw invalid(path, "the file is \(file.size) bytes long, shorter than the 8-byte header length") }
        let prefix = try file.read(count: 8, at: 0)
        var length: UInt64 = 0
        for k in (0..<8).reversed() { length = length << 8 | UInt64(prefix[k]) }
        guard length <= UInt64(safetensorsHeaderLimit), Int(length) <= file.size - 8 else {
            throw invalid(path, "the header length \(length) exceeds the file (\(file.size) bytes) or the limit of \(safetensorsHeaderLimit) bytes")
        }
        let headerBytes = Data(try file.read(count: Int(length), at: 8))
        do {
            return (try JSONDecoder().decode(SafetensorsHeader.self, from: headerBytes), 8 + Int(length))
        } catch {
            throw invalid(path, "the header is not the JSON object safetensors expects (\(error))")
        }
    }

    /// Checks the whole header against the file, then reads every tensor.
    private static func readSafetensors(_ file: InputFile) throws(NablaNNError) -> [(name: String, tensor: Tensor)] {
        let path = file.path
        let (header, dataStart) = try parseHeader(file)
        let dataLength = file.size - dataStart
        var located: [(begin: Int, end: Int, name: String, type: SafetensorsType, shape: [Int])] = []
        for (name, entry) in header.entries {
            guard let type = SafetensorsType(rawValue: entry.dtype) else {
                throw invalid(path, "the tensor '\(name)' has the unsupported dtype \(entry.dtype)")
            }
            // Both the file's and the loaded item size must lay out (i8 loads as int32).
            guard checkedByteCount(shape: entry.shape, itemSize: type.loadedType.itemSize) != nil,
                  let byteCount = checkedByteCount(shape: entry.shape, itemSize: type.itemSize) else {
                throw invalid(path, "the tensor '\(name)' has the invalid shape \(entry.shape): a negative dimension, or too large to lay out in memory")
            }
            guard entry.dataOffsets.count == 2 else {
                throw invalid(path, "the tensor '\(name)' needs data_offsets [begin, end]")
            }
            let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw invalid(path, "the tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(dataLength) bytes of data")
            }
            guard end - begin == byteCount else {
                throw invalid(path, "the tensor '\(name)' of shape \(entry.shape) and dtype \(entry.dtype) needs \(byteCount) bytes, its offsets span \(end - begin)")
            }
            located.append((begin, end, name, type, entry.shape))
        }
        located.sort { $0.begin < $1.begin }
        var expectedBegin = 0
        for entry in located {
            guard entry.begin == expectedBegin else {
                throw invalid(path, "the tensors' data must follow one another without gaps or overlaps; '\(entry.name)' starts at \(entry.begin), expected \(expectedBegin)")
            }
            expectedBegin = entry.end
        }
        guard expectedBegin == dataLength else {
            throw invalid(path, "the tensors cover \(expectedBegin) of the \(dataLength) bytes of data")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        tensors.reserveCapacity(located.count)
        for entry in located {
            let tensor = try readTensor(file, at: dataStart + entry.begin, type: entry.type, shape: entry.shape)
            tensors.append((entry.name, tensor))
        }
        return tensors
    }

    /// Elements converted per chunk for the types that widen when loaded.
    private static let conversionChunk = 1 << 16

    /// A tensor holding the little-endian elements at `offset`: read straight into its
    /// storage, or through a bounded scratch buffer for the types that widen.
    private static func readTensor(_ file: InputFile, at offset: Int, type: SafetensorsType, shape: [Int]) throws(NablaNNError) -> Tensor {
        let tensor = Tensor.empty(shape, dtype: type.loadedType)
        let count = tensor.numel
        var failure: NablaNNError?
        switch type {
        case .f64, .f32, .f16, .i64, .i32, .u8, .bool:
            tensor.withUnsafeMutableBytes { out in
                do throws(NablaNNError) { try file.read(into: out, at: offset) } catch { failure = error }
                if type == .bool {
                    // Any byte other than 0 or 1 read as a Swift `Bool` is undefined behaviour.
                    for i in 0..<count where out[i] > 1 { out[i] = 1 }
                }
            }
        case .bf16, .i16, .i8:
            var scratch = [UInt8](repeating: 0, count: Swift.min(count, conversionChunk) * type.itemSize)
            var done = 0
            while done < count, failure == nil {
                let chunk = Swift.min(count - done, conversionChunk)
                let bytes = chunk * type.itemSize
                scratch.withUnsafeMutableBytes { raw in
                    do throws(NablaNNError) {
                        try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<bytes]), at: offset + done * type.itemSize)
                    } catch {
                        failure = error
                    }
                }
                if failure != nil { break }
                convert(scratch, count: chunk, type: type, into: tensor, at: done)
                done += chunk
            }
        }
        if let failure { throw failure }
        return tensor
    }

    /// Widens `count` elements of `type` from `bytes` into `tensor` from flat index `start`.
    private static func convert(_ bytes: [UInt8], count: Int, type: SafetensorsType, into tensor: Tensor, at start: Int) {
        switch type {
        case .bf16:
            // bfloat16 is the top half of a float32.
            tensor.withUnsafeMutableBufferPointer(as: Float.self) { out in
                for i in 0..<count {
                    let bits = UInt32(bytes[2 * i]) | UInt32(bytes[2 * i + 1]) << 8
                    out[start + i] = Float(bitPattern: bits << 16)
                }
            }
        case .i16:
            tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in
                for i in 0..<count { out[start + i] = Int32(Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)) }
            }
        case .i8:
            tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in
                for i in 0..<count { out[start + i] = Int32(Int8(bitPattern: bytes[i])) }
            }
        case .f64, .f32, .f16, .i64, .i32, .u8, .bool:
            nablaPreconditionFailure("StateDict(loadingSafetensors:): \(type.rawValue) is read without conversion")
        }
    }

    /// Writes the dict as a `.safetensors` file that `safetensors.torch.load_file` reads,
    /// with `metadata` in the header's `__metadata__`, replacing any file at `path`.
    ///
    /// - Throws: ``NablaNNError/fileSystem(path:reason:)`` when the file cannot be written.
    public func save(safetensors path: String, metadata: [String: String] = [:]) throws(NablaNNError) {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.jsonString($0)):\(Self.jsonString(metadata[$0]!))" }
            fields.append("\(Self.jsonString(SafetensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in entries {
            let byteCount = tensor.numel * tensor.itemSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(Self.jsonString(name)):{\"dtype\":\"\(SafetensorsType(tensor.dtype).rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + byteCount)]}")
            offset += byteCount
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var file = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        for (_, tensor) in entries {
            tensor.withUnsafeBytes { file.append(contentsOf: $0) }
        }
        do {
            try file.write(to: URL(fileURLWithPath: path))
        } catch {
            throw .fileSystem(path: path, reason: "\(error)")
        }
    }

    /// `value` as a JSON string literal.
    private static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

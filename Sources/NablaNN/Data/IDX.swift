import Foundation

/// Reads the IDX format of the MNIST family of data sets (LeCun et al.): a magic number
/// naming the element type and the rank, big-endian dimension sizes, then big-endian
/// elements in row-major order.
public enum IDX {
    /// Loads an IDX file (uncompressed: run `gunzip` on the `.gz` files downloaded).
    ///
    /// Element types map to dtypes as follows: unsigned bytes to ``Nabla/DType/uint8``, signed
    /// bytes, shorts and ints to ``Nabla/DType/int32``, floats to ``Nabla/DType/float32`` and doubles to
    /// ``Nabla/DType/float64``.
    ///
    /// - Throws: ``NablaNNError/fileSystem(path:reason:)`` when the file cannot be read,
    ///   ``NablaNNError/invalidFile(path:format:reason:)`` when it is not a complete IDX file.
    public static func load(_ path: String) throws(NablaNNError) -> Tensor {
        try decode(try InputFile(path: path).readAll(), path: path)
    }

    /// Decodes the bytes of an IDX file; `path` names it in errors.
    static func decode(_ bytes: [UInt8], path: String) throws(NablaNNError) -> Tensor {
        func invalid(_ reason: String) -> NablaNNError { .invalidFile(path: path, format: "IDX", reason: reason) }
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            throw invalid("the file is gzip-compressed; decompress it first (gunzip)")
        }
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw invalid("the file does not start with an IDX magic number") }
        let source: DType, itemSize: Int
        switch bytes[2] {
        case 0x08: (source, itemSize) = (.uint8, 1)
        case 0x09: (source, itemSize) = (.int32, 1)
        case 0x0B: (source, itemSize) = (.int32, 2)
        case 0x0C: (source, itemSize) = (.int32, 4)
        case 0x0D: (source, itemSize) = (.float32, 4)
        case 0x0E: (source, itemSize) = (.float64, 8)
        default: throw invalid("unknown element type code 0x\(String(bytes[2], radix: 16))")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw invalid("the header declares \(rank) dimensions but the file ends after \(bytes.count) bytes") }
        var shape: [Int] = []
        for d in 0..<rank {
            let offset = 4 + 4 * d
            shape.append(Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]))
        }
        // Both the file's and the loaded item size must lay out (bytes load as int32).
        guard checkedByteCount(shape: shape, itemSize: source.itemSize) != nil,
              let dataSize = checkedByteCount(shape: shape, itemSize: itemSize) else {
            throw invalid("the shape \(shape) is too large to lay out in memory")
        }
        let count = dataSize / itemSize
        guard bytes.count - headerSize == dataSize else {
            throw invalid("the shape \(shape) needs \(dataSize) bytes of data, the file holds \(bytes.count - headerSize)")
        }
        let tensor = Tensor.zeros(shape, dtype: source)
        bytes.withUnsafeBufferPointer { raw in
            let data = UnsafeRawBufferPointer(raw).dropFirst(headerSize)
            func bigEndian(_ i: Int, _ width: Int) -> UInt64 {
                var value: UInt64 = 0
                for k in 0..<width { value = value << 8 | UInt64(data[data.startIndex + i * width + k]) }
                return value
            }
            switch (source, itemSize) {
            case (.uint8, _):
                tensor.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: data)) }
            case (.int32, 1):
                tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in for i in 0..<count { out[i] = Int32(Int8(bitPattern: UInt8(bigEndian(i, 1)))) } }
            case (.int32, 2):
                tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in for i in 0..<count { out[i] = Int32(Int16(bitPattern: UInt16(bigEndian(i, 2)))) } }
            case (.int32, _):
                tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in for i in 0..<count { out[i] = Int32(bitPattern: UInt32(bigEndian(i, 4))) } }
            case (.float32, _):
                tensor.withUnsafeMutableBufferPointer(as: Float.self) { out in for i in 0..<count { out[i] = Float(bitPattern: UInt32(bigEndian(i, 4))) } }
            default:
                tensor.withUnsafeMutableBufferPointer(as: Double.self) { out in for i in 0..<count { out[i] = Double(bitPattern: bigEndian(i, 8)) } }
            }
        }
        return tensor
    }
}

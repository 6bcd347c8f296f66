/// A pure-Swift decoder for raw deflate streams (RFC 1951), as zip's method 8 stores them.
///
/// The output size is known in advance (a zip directory records it), so the decoder
/// writes into a caller-provided buffer of exactly that size and fails, rather than
/// growing, if the stream tries to produce more. Stored, fixed-Huffman and
/// dynamic-Huffman blocks are all supported; every malformed stream throws
/// ``NumPyFormatError/corruptDeflateStream(reason:)``.
package enum Inflate {
    /// Decodes `input` into `output` and returns the number of bytes written.
    package static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(NumPyFormatError) -> Int {
        var state = InflateState(input: input, output: output)
        try state.run()
        return state.written
    }
}

/// A canonical Huffman code as a two-level lookup table (deflate packs codes most-significant
/// bit first, so the tables are indexed by bit-reversed codes).
///
/// The root table is indexed by the next ``rootBits`` bits; a code no longer than that has
/// its entry replicated there, and a longer one lives in a subtable of `2^(maximumLength -
/// rootBits)` entries that its root prefix links to. Building touches about `2^rootBits`
/// entries rather than `2^maximumLength`, which matters because a deflate stream builds
/// two tables per dynamic block.
private struct HuffmanTable {
    static let rootBits = 10

    /// `value << 5 | link << 4 | length`. A code entry has link 0, its symbol as value and
    /// its full length; a link has link 1, its subtable's offset as value and the
    /// subtable's index width as length; 0 marks bit patterns no code starts with.
    var entries: [UInt32]
    var maximumLength: Int

    init(lengths: ArraySlice<UInt8>) throws(NumPyFormatError) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var remaining = 1
        for length in 1...15 {
            remaining = remaining << 1 - counts[length]
            guard remaining >= 0 else { throw .corruptDeflateStream(reason: "an over-subscribed Huffman code") }
        }
        var nextCode = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            nextCode[length] = code
        }
        maximumLength = (1...15).last { counts[$0] > 0 } ?? 0
        let root = Self.rootBits
        let subBits = max(0, maximumLength - root)
        entries = [UInt32](repeating: 0, count: 1 << root)
        for (symbol, rawLength) in zip(0..., lengths) where rawLength > 0 {
            let length = Int(rawLength)
            let code = nextCode[length]
            nextCode[length] += 1
            var reversed = 0
            for bit in 0..<length where code & (1 << bit) != 0 {
                reversed |= 1 << (length - 1 - bit)
            }
            let entry = UInt32(symbol << 5 | length)
            if length <= root {
                var index = reversed
                while index < 1 << root {
                    entries[index] = entry
                    index += 1 << length
                }
                continue
            }
            let prefix = reversed & ((1 << root) - 1)
            if entries[prefix] & 0x10 == 0 {
                entries[prefix] = UInt32(entries.count << 5 | 0x10 | subBits)
                entries += [UInt32](repeating: 0, count: 1 << subBits)
            }
            let offset = Int(entries[prefix] >> 5)
            var index = reversed >> root
            while index < 1 << subBits {
                entries[offset + index] = entry
                index += 1 << (length - root)
            }
        }
    }

    static let fixedLiteralLength: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // Constant input: the fixed code is complete by construction.
        return try! HuffmanTable(lengths: lengths[...])
    }()

    static let fixedDistance: HuffmanTable = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30)[...])
}

private struct InflateState {
    let input: UnsafeRawBufferPointer
    let output: UnsafeMutableRawBufferPointer
    var inputPosition = 0
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var written = 0

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                     3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                      257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                      8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                       7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    init(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) {
        self.input = input
        self.output = output
    }

    mutating func refill() {
        // Eight bytes at once where the input allows: the bytes beyond the whole ones taken
        // land above `bitCount` and are OR-ed in again, identical, by the next refill.
        if bitCount <= 56, input.count - inputPosition >= 8 {
            let word = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: inputPosition, as: UInt64.self))
            bitBuffer |= word << UInt64(bitCount)
            let taken = (63 - bitCount) >> 3
            inputPosition += taken
            bitCount += taken * 8
            return
        }
        while bitCount <= 56, inputPosition < input.count {
            bitBuffer |= UInt64(input[inputPosition]) << UInt64(bitCount)
            inputPosition += 1
            bitCount += 8
        }
    }

    mutating func bits(_ count: Int) throws(NumPyFormatError) -> Int {
        if bitCount < count { refill() }
        guard bitCount >= count else { throw .corruptDeflateStream(reason: "the stream ends inside a block") }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    @inline(__always)
    mutating func decodeSymbol(_ table: HuffmanTable) throws(NumPyFormatError) -> Int {
        if bitCount < table.maximumLength { refill() }
        var entry = table.entries[Int(bitBuffer & ((1 << UInt64(HuffmanTable.rootBits)) - 1))]
        if entry & 0x10 != 0 {
            let subBits = UInt64(entry & 0xF)
            let index = Int(entry >> 5) + Int((bitBuffer >> UInt64(HuffmanTable.rootBits)) & ((1 << subBits) - 1))
            entry = table.entries[index]
        }
        let length = Int(entry & 0xF)
        guard length > 0 else { throw .corruptDeflateStream(reason: "a bit pattern that is no Huffman code") }
        guard length <= bitCount else { throw .corruptDeflateStream(reason: "the stream ends inside a block") }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return Int(entry >> 5)
    }

    mutating func run() throws(NumPyFormatError) {
        var isFinal = false
        while !isFinal {
            isFinal = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try huffmanBlock(literals: .fixedLiteralLength, distances: .fixedDistance)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffmanBlock(literals: literals, distances: distances)
            default:
                throw .corruptDeflateStream(reason: "the reserved block type 3")
            }
        }
    }

    mutating func storedBlock() throws(NumPyFormatError) {
        _ = try bits(bitCount % 8)
        let length = try bits(16)
        let complement = try bits(16)
        guard length == ~complement & 0xFFFF else {
            throw .corruptDeflateStream(reason: "a stored block's length and its complement disagree")
        }
        guard length <= output.count - written else {
            throw .corruptDeflateStream(reason: "more output than the recorded size")
        }
        var remaining = length
        while remaining > 0, bitCount >= 8 {
            output[written] = UInt8(truncatingIfNeeded: bitBuffer)
            bitBuffer >>= 8
            bitCount -= 8
            written += 1
            remaining -= 1
        }
        guard remaining <= input.count - inputPosition else {
            throw .corruptDeflateStream(reason: "the stream ends inside a stored block")
        }
        if remaining > 0 {
            // The buffer is empty; drop the look-ahead bytes that the copy now consumes.
            bitBuffer = 0
            output.baseAddress!.advanced(by: written).copyMemory(from: input.baseAddress!.advanced(by: inputPosition), byteCount: remaining)
            written += remaining
            inputPosition += remaining
        }
    }

    mutating func dynamicTables() throws(NumPyFormatError) -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw .corruptDeflateStream(reason: "too many literal/length or distance codes")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(try bits(3))
        }
        let codeLengthTable = try HuffmanTable(lengths: codeLengthLengths[...])
        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var index = 0
        while index < total {
            let symbol = try decodeSymbol(codeLengthTable)
            var repeatValue: UInt8 = 0
            var repeatCount = 0
            switch symbol {
            case 0...15:
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            case 16:
                guard index > 0 else { throw .corruptDeflateStream(reason: "a repeat code with no previous length") }
                repeatValue = lengths[index - 1]
                repeatCount = 3 + (try bits(2))
            case 17:
                repeatCount = 3 + (try bits(3))
            default:
                repeatCount = 11 + (try bits(7))
            }
            guard index + repeatCount <= total else {
                throw .corruptDeflateStream(reason: "code lengths overrun the declared count")
            }
            for offset in 0..<repeatCount { lengths[index + offset] = repeatValue }
            index += repeatCount
        }
        guard lengths[256] > 0 else { throw .corruptDeflateStream(reason: "no code for the end-of-block symbol") }
        return (try HuffmanTable(lengths: lengths[0..<literalCount]), try HuffmanTable(lengths: lengths[literalCount...]))
    }

    mutating func huffmanBlock(literals: HuffmanTable, distances: HuffmanTable) throws(NumPyFormatError) {
        while true {
            let symbol = try decodeSymbol(literals)
            if symbol < 256 {
                guard written < output.count else { throw .corruptDeflateStream(reason: "more output than the recorded size") }
                output[written] = UInt8(symbol)
                written += 1
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < Self.lengthBase.count else {
                throw .corruptDeflateStream(reason: "an invalid length symbol \(symbol)")
            }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try decodeSymbol(distances)
            guard distanceSymbol < Self.distanceBase.count else {
                throw .corruptDeflateStream(reason: "an invalid distance symbol \(distanceSymbol)")
            }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= written else { throw .corruptDeflateStream(reason: "a distance reaching before the start of the output") }
            guard length <= output.count - written else {
                throw .corruptDeflateStream(reason: "more output than the recorded size")
            }
            // Byte by byte: a match may overlap the bytes it is producing (distance < length).
            var source = written - distance
            for _ in 0..<length {
                output[written] = output[source]
                written += 1
                source += 1
            }
        }
    }
}

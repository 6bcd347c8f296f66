/// A small deflate compressor (RFC 1951) for the PNG encoder: LZ77 matches found through
/// a hash of the next three bytes and a bounded chain of earlier positions, coded with
/// deflate's fixed Huffman code in one block. Far simpler than zlib's, and within a few
/// tens of percent of its size on filtered image rows.
struct Deflater {
    private var output: [UInt8] = []
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    static let windowSize = 1 << 15
    static let hashBits = 15
    static let maxChain = 24
    static let minMatch = 3
    static let maxMatch = 258

    /// Compresses `input` into a complete zlib stream (header, one fixed-Huffman deflate
    /// block, Adler-32).
    static func zlib(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var deflater = Deflater()
        deflater.output.reserveCapacity(input.count / 2 + 64)
        deflater.output.append(contentsOf: [0x78, 0x5E])
        deflater.compress(input)
        let adler = Adler32.checksum(input)
        deflater.output.append(contentsOf: [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)])
        return deflater.output
    }

    private mutating func put(_ value: Int, _ count: Int) {
        bitBuffer |= UInt64(value) << UInt64(bitCount)
        bitCount += count
        while bitCount >= 8 {
            output.append(UInt8(truncatingIfNeeded: bitBuffer))
            bitBuffer >>= 8
            bitCount -= 8
        }
    }

    /// Writes a Huffman code, most significant bit first (deflate's order for codes).
    private mutating func putCode(_ code: Int, _ length: Int) {
        var reversed = 0
        for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
        put(reversed, length)
    }

    private mutating func literal(_ symbol: Int) {
        switch symbol {
        case 0...143: putCode(0x30 + symbol, 8)
        case 144...255: putCode(0x190 + symbol - 144, 9)
        case 256...279: putCode(symbol - 256, 7)
        default: putCode(0xC0 + symbol - 280, 8)
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                       2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private mutating func match(length: Int, distance: Int) {
        var index = 28
        while Self.lengthBase[index] > length { index -= 1 }
        literal(257 + index)
        put(length - Self.lengthBase[index], Self.lengthExtra[index])
        var d = 29
        while Self.distanceBase[d] > distance { d -= 1 }
        putCode(d, 5)
        put(distance - Self.distanceBase[d], Self.distanceExtra[d])
    }

    private mutating func compress(_ input: UnsafeRawBufferPointer) {
        put(1, 1)  // final block
        put(1, 2)  // fixed Huffman codes
        let count = input.count
        if let bytes = input.baseAddress?.assumingMemoryBound(to: UInt8.self), count > 0 {
            var head = [Int32](repeating: -1, count: 1 << Self.hashBits)
            var previous = [Int32](repeating: -1, count: Self.windowSize)
            @inline(__always) func hash(_ at: Int) -> Int {
                let value = Int(bytes[at]) << 16 | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2])
                return (value &* 2654435761) >> (32 - Self.hashBits) & ((1 << Self.hashBits) - 1)
            }
            @inline(__always) func insert(_ at: Int) {
                guard at + Self.minMatch <= count else { return }
                let h = hash(at)
                previous[at & (Self.windowSize - 1)] = head[h]
                head[h] = Int32(at)
            }
            var position = 0
            while position < count {
                var bestLength = 0, bestDistance = 0
                if position + Self.minMatch <= count {
                    var candidate = Int(head[hash(position)])
                    var chain = Self.maxChain
                    let limit = min(Self.maxMatch, count - position)
                    while candidate >= 0, position - candidate <= Self.windowSize - 1, chain > 0 {
                        if bytes[candidate + bestLength] == bytes[position + bestLength] || bestLength == 0 {
                            var length = 0
                            while length < limit && bytes[candidate + length] == bytes[position + length] { length += 1 }
                            if length > bestLength {
                                bestLength = length
                                bestDistance = position - candidate
                                if length == limit { break }
                            }
                        }
                        let next = Int(previous[candidate & (Self.windowSize - 1)])
                        if next >= candidate { break }
                        candidate = next
                        chain -= 1
                    }
                }
                if bestLength >= Self.minMatch {
                    match(length: bestLength, distance: bestDistance)
                    for at in position..<(position + bestLength) { insert(at) }
                    position += bestLength
                } else {
                    literal(Int(bytes[position]))
                    insert(position)
                    position += 1
                }
            }
        }
        literal(256)
        if bitCount > 0 { put(0, 8 - bitCount) }
    }
}

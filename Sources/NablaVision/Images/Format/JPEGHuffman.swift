/// A JPEG Huffman table (ITU T.81, Annex C): an 11-bit lookup for short codes and the
/// per-length code limits for the rest, in memory owned by the table so that the scan
/// loops read it through plain pointers (no reference counting per block).
final class JPEGHuffmanTable {
    static let lookupBits = 11
    static let lookupSize = 1 << lookupBits
    /// The table's arrays, for the decoding loops; valid while the table lives.
    let pointers: JPEGHuffmanPointers
    private let storage: UnsafeMutableRawPointer

    /// Builds the table from the DHT counts (codes of length 1...16) and symbols.
    init(counts: [Int], symbols: [UInt8]) throws(ImageError) {
        // fastAC: 2^11 Int32; lookup: 2^11 UInt16; maximumCode and symbolOffset: 18 Int32 each;
        // symbols: 256 bytes.
        let fastBytes = 4 * Self.lookupSize, lookupBytes = 2 * Self.lookupSize
        let bytes = fastBytes + lookupBytes + 2 * 72 + 256
        storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        let fastAC = storage.assumingMemoryBound(to: Int32.self)
        let lookup = (storage + fastBytes).assumingMemoryBound(to: UInt16.self)
        let maximumCode = (storage + fastBytes + lookupBytes).assumingMemoryBound(to: Int32.self)
        let symbolOffset = (storage + fastBytes + lookupBytes + 72).assumingMemoryBound(to: Int32.self)
        let symbolStore = (storage + fastBytes + lookupBytes + 144).assumingMemoryBound(to: UInt8.self)
        pointers = JPEGHuffmanPointers(fastAC: fastAC, lookup: lookup, maximumCode: maximumCode, symbolOffset: symbolOffset, symbols: symbolStore)
        for (i, symbol) in symbols.prefix(256).enumerated() { symbolStore[i] = symbol }
        for length in 0..<18 { maximumCode[length] = -1 }
        var code = 0
        var index = 0
        for length in 1...16 {
            let count = counts[length - 1]
            // Checked before filling the lookup: an over-subscribed length would index past it.
            guard code + count <= 1 << length else {
                throw .malformed(format: "JPEG", reason: "an over-subscribed Huffman table")
            }
            symbolOffset[length] = Int32(index - code)
            if count > 0 {
                for _ in 0..<count {
                    if length <= Self.lookupBits {
                        let shift = Self.lookupBits - length
                        let start = code << shift
                        let entry = UInt16(length << 8) | UInt16(symbols[index])
                        for fill in start..<(start + (1 << shift)) { lookup[fill] = entry }
                    }
                    code += 1
                    index += 1
                }
                maximumCode[length] = Int32(code - 1)
            }
            code <<= 1
        }
        maximumCode[17] = Int32.max
        // AC coefficients whose code and magnitude bits fit in the 11-bit window decode in
        // one lookup: `value << 16 | run << 8 | bits used`.
        let window = Self.lookupBits
        for index in 0..<(1 << window) {
            let entry = lookup[index]
            guard entry != 0 else { continue }
            let length = Int(entry >> 8), symbol = Int(entry & 0xFF)
            let run = symbol >> 4, size = symbol & 15
            guard size > 0, length + size <= window else { continue }
            let raw = (index >> (window - length - size)) & ((1 << size) - 1)
            let value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw
            fastAC[index] = Int32(value) << 16 | Int32(run << 8 | (length + size))
        }
    }

    deinit {
        storage.deallocate()
    }
}

/// A Huffman table's arrays as plain pointers.
struct JPEGHuffmanPointers {
    /// For AC tables: `value << 16 | run << 8 | bits` where a code and its magnitude fit
    /// in the 11-bit window, 0 elsewhere.
    let fastAC: UnsafePointer<Int32>
    /// `length << 8 | symbol` for every 11-bit prefix starting with a code of at most 11
    /// bits; 0 where the code is longer.
    let lookup: UnsafePointer<UInt16>
    /// The largest code of each length (index 1...16), -1 where there is none; index 17
    /// is a sentinel every code passes.
    let maximumCode: UnsafePointer<Int32>
    /// Added to a code of each length to give the symbol's index.
    let symbolOffset: UnsafePointer<Int32>
    /// The symbols (256 entries, zero beyond the table's own).
    let symbols: UnsafePointer<UInt8>

    init(fastAC: UnsafeMutablePointer<Int32>, lookup: UnsafeMutablePointer<UInt16>, maximumCode: UnsafeMutablePointer<Int32>, symbolOffset: UnsafeMutablePointer<Int32>,
         symbols: UnsafeMutablePointer<UInt8>) {
        self.fastAC = UnsafePointer(fastAC)
        self.lookup = UnsafePointer(lookup)
        self.maximumCode = UnsafePointer(maximumCode)
        self.symbolOffset = UnsafePointer(symbolOffset)
        self.symbols = UnsafePointer(symbols)
    }
}

/// Reads the entropy-coded bits of a scan: removes the stuffed zero after each 0xFF,
/// stops at a marker, and feeds zeros past it, counting them so that a scan that needed
/// more bits than it had is reported rather than silently decoded from zeros.
struct JPEGBitReader {
    let data: UnsafePointer<UInt8>
    let end: Int
    /// The next byte to load; it rests on a marker's 0xFF once one is reached.
    var position: Int
    /// Bits, most significant first.
    var buffer: UInt64 = 0
    var count = 0
    /// Zero bytes fed after a marker or the end of the data.
    var padding = 0
    var reachedMarker = false

    init(data: UnsafePointer<UInt8>, end: Int, position: Int) {
        self.data = data
        self.end = end
        self.position = position
    }

    /// Loads bytes until at least 57 bits are buffered. The common case (eight bytes with
    /// no 0xFF) is inlined into the decoding loops; the byte-by-byte rest is not.
    @inline(__always)
    mutating func fill() {
        if !reachedMarker && end - position >= 8 && count <= 48 {
            let word = UInt64(bigEndian: UnsafeRawPointer(data + position).loadUnaligned(as: UInt64.self))
            let inverted = ~word
            if (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080 == 0 {
                let bytes = (63 &- count) &>> 3
                buffer |= (word &>> UInt64(64 &- 8 &* bytes)) &<< UInt64(64 &- count &- 8 &* bytes)
                position &+= bytes
                count &+= 8 &* bytes
                return
            }
        }
        fillBytes()
    }

    /// Loads bytes one at a time, removing stuffed zeros and stopping at a marker.
    @inline(never)
    mutating func fillBytes() {
        while count <= 56 {
            var byte: UInt64 = 0
            if !reachedMarker && position < end {
                let value = data[position]
                if value == 0xFF {
                    if position + 1 < end && data[position + 1] == 0 {
                        byte = 0xFF
                        position += 2
                    } else {
                        reachedMarker = true
                        padding += 1
                    }
                } else {
                    byte = UInt64(value)
                    position += 1
                }
            } else {
                padding += 1
            }
            buffer |= byte << UInt64(56 - count)
            count += 8
        }
    }

    /// Takes `n` (1...16) bits that are known to be buffered.
    @inline(__always)
    mutating func takeBuffered(_ n: Int) -> Int {
        let value = Int(truncatingIfNeeded: buffer &>> UInt64(64 &- n))
        buffer &<<= UInt64(n)
        count &-= n
        return value
    }

    /// RECEIVE and EXTEND on bits known to be buffered.
    @inline(__always)
    mutating func receiveExtendBuffered(_ n: Int) -> Int {
        if n == 0 { return 0 }
        let value = takeBuffered(n)
        return value < 1 &<< (n &- 1) ? value &- (1 &<< n) &+ 1 : value
    }

    /// Whether bits beyond the data (zeros fed after a marker or the end) were consumed.
    var overran: Bool { padding * 8 > count }

    @inline(__always)
    mutating func bits(_ n: Int) -> Int {
        if n == 0 { return 0 }
        if count < n { fill() }
        let value = Int(buffer >> UInt64(64 - n))
        buffer <<= UInt64(n)
        count -= n
        return value
    }

    @inline(__always)
    mutating func bit() -> Int { bits(1) }

    /// The value of an `n`-bit magnitude category (T.81's RECEIVE and EXTEND).
    @inline(__always)
    mutating func receiveExtend(_ n: Int) -> Int {
        if n == 0 { return 0 }
        let value = bits(n)
        return value < 1 << (n - 1) ? value - (1 << n) + 1 : value
    }

    @inline(__always)
    mutating func decode(_ table: JPEGHuffmanPointers) throws(ImageError) -> Int {
        if count < 16 { fill() }
        let entry = table.lookup[Int(truncatingIfNeeded: buffer &>> UInt64(64 - JPEGHuffmanTable.lookupBits))]
        if entry != 0 {
            let length = Int(entry &>> 8)
            buffer &<<= UInt64(length)
            count &-= length
            return Int(entry & 0xFF)
        }
        var length = JPEGHuffmanTable.lookupBits + 1
        while length <= 16 {
            let code = Int32(truncatingIfNeeded: buffer >> UInt64(64 - length))
            if code <= table.maximumCode[length] {
                buffer <<= UInt64(length)
                count -= length
                let index = Int(code) + Int(table.symbolOffset[length])
                guard index >= 0, index < 256 else { break }
                return Int(table.symbols[index])
            }
            length += 1
        }
        throw .corruptData(format: "JPEG", reason: "a bit pattern that is no Huffman code")
    }

    /// Drops the bits left before a marker, and steps over the marker when it is a
    /// restart marker; returns whether one was found.
    mutating func restart() -> Bool {
        buffer = 0
        count = 0
        padding = 0
        reachedMarker = false
        // Skip any fill bytes, then expect RST0...RST7.
        while position + 1 < end && data[position] == 0xFF && data[position + 1] == 0xFF { position += 1 }
        if position + 1 < end && data[position] == 0xFF && (0xD0...0xD7).contains(data[position + 1]) {
            position += 2
            return true
        }
        return false
    }
}

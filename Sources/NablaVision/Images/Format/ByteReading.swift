extension UnsafeRawBufferPointer {
    /// The big-endian `UInt32` at `offset`; the caller has checked `offset + 4 <= count`.
    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// The big-endian `UInt16` at `offset`; the caller has checked `offset + 2 <= count`.
    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
}

/// Adler-32 (RFC 1950), the checksum at the end of a zlib stream.
struct Adler32 {
    private(set) var a: UInt32 = 1
    private(set) var b: UInt32 = 0

    /// The checksum of the bytes fed so far.
    var value: UInt32 { b << 16 | a }

    /// Feeds `bytes`, reducing modulo 65521 only every 5552 bytes (the most that cannot
    /// overflow 32 bits).
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var offset = 0
        var a = self.a, b = self.b
        while offset < bytes.count {
            let end = min(bytes.count, offset + 5552)
            while offset < end {
                a &+= UInt32(base[offset])
                b &+= a
                offset += 1
            }
            a %= 65521
            b %= 65521
        }
        self.a = a
        self.b = b
    }

    /// The checksum of `bytes`.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var adler = Adler32()
        adler.update(bytes)
        return adler.value
    }
}

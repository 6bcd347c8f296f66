/// Decoded pixels as bytes: the format layer's result, before any tensor exists.
///
/// Samples are interleaved row by row (`height` rows of `width` pixels of `channels`
/// samples). With ``bitDepth`` 8 each sample is one byte; with 16 each is a native-endian
/// `UInt16` (two bytes). Channels are 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
public struct RawImage: Sendable, Equatable {
    /// Pixels per row.
    public var width: Int
    /// Rows.
    public var height: Int
    /// Samples per pixel: 1, 2, 3 or 4.
    public var channels: Int
    /// Bits per sample: 8 or 16.
    public var bitDepth: Int
    /// `height * width * channels` samples, each `bitDepth / 8` bytes.
    public var bytes: [UInt8]

    /// Pixels of the given geometry; `bytes` must hold exactly `height * width * channels`
    /// samples of `bitDepth / 8` bytes (a programmer error otherwise).
    public init(width: Int, height: Int, channels: Int, bitDepth: Int, bytes: [UInt8]) {
        guard (1...4).contains(channels), bitDepth == 8 || bitDepth == 16,
              width >= 0, height >= 0, bytes.count == width * height * channels * bitDepth / 8 else {
            fatalError("RawImage: \(bytes.count) bytes do not hold \(height) x \(width) x \(channels) samples of \(bitDepth) bits")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.bytes = bytes
    }

    /// The geometry with storage left to the caller to fill (already size-checked).
    init(uninitializedWidth width: Int, height: Int, channels: Int, bitDepth: Int) {
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.bytes = [UInt8](repeating: 0, count: width * height * channels * (bitDepth / 8))
    }
}

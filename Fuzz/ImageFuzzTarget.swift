/// libFuzzer entry point for NablaVision's image decoders and PNG encoder.
///
/// Every input goes through the format sniffing and the PNG, JPEG or PPM/PGM decoder
/// (with a pixel limit of 4 megapixels, so that a header alone cannot ask for gigabytes);
/// a small decoded image is turned upright for every EXIF orientation, written back as a
/// PNG and decoded again, and must come back unchanged. Any trap, sanitizer report or
/// out-of-bounds access is a bug: malformed input must only ever throw `ImageError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let limits = ImageLimits(maximumPixels: 1 << 22)
    guard let image = try? RawImage(decoding: bytes, limits: limits) else { return 0 }
    // The checks below cost far more than decoding: only on small images, to keep the
    // fuzzer's rate up.
    guard image.width * image.height <= 1 << 14 else { return 0 }
    for orientation in ImageOrientation.allCases {
        let turned = image.oriented(orientation)
        guard turned.width * turned.height == image.width * image.height else { fatalError("orientation changed the pixel count") }
    }
    let png = image.pngData()
    let again = png.withUnsafeBytes { try? RawImage(decoding: $0, limits: limits) }
    guard again == image else { fatalError("PNG round trip changed a \(image.width) x \(image.height) x \(image.channels) image") }
    return 0
}

import Foundation
import NablaVision
import Testing

/// The path of `Fixtures/images/<file>`.
func imageFixturePath(_ file: String) -> String {
    fixturesURL.appendingPathComponent("images/\(file)").path
}

/// The bytes of `Fixtures/images/<file>`.
func imageFixtureBytes(_ file: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: imageFixturePath(file))))
}

/// Pillow's pixels for a fixture, as integers in row-major order.
func pillowPixels(_ file: String) throws -> (shape: [Int], values: [Int]) {
    let stem = file.replacingOccurrences(of: ".", with: "_")
    let tensor = try Tensor.load(npy: imageFixturePath("\(stem).npy"))
    return (tensor.shape, tensor.toArray(Int64.self).map { Int($0) })
}

/// The decoded samples of a raw image as integers.
func samples(_ image: RawImage) -> [Int] {
    if image.bitDepth == 8 { return image.bytes.map { Int($0) } }
    return image.bytes.withUnsafeBytes { raw in raw.bindMemory(to: UInt16.self).map { Int($0) } }
}

/// The largest and the mean absolute difference of two equally long sample lists.
func differences(_ a: [Int], _ b: [Int]) -> (max: Int, mean: Double) {
    var largest = 0, total = 0
    for (x, y) in zip(a, b) {
        largest = max(largest, abs(x - y))
        total += abs(x - y)
    }
    return (largest, Double(total) / Double(max(1, a.count)))
}

@Suite("Image decoding against Pillow's fixtures")
struct ImageDecodingTests {
    @Test("PNGs decode exactly as Pillow", arguments: ["rgb8.png", "rgba8.png", "gray8.png", "palette.png", "gray16.png"])
    func pngMatchesPillowExactly(_ file: String) throws {
        let image = try RawImage(decoding: try imageFixtureBytes(file))
        let (shape, expected) = try pillowPixels(file)
        let decodedShape = image.channels == 1 ? [image.height, image.width] : [image.height, image.width, image.channels]
        #expect(decodedShape == shape, "\(file): shape \(decodedShape), Pillow \(shape)")
        let (largest, mean) = differences(samples(image), expected)
        #expect(largest == 0 && mean == 0, "\(file): max difference \(largest), mean \(mean)")
    }

    @Test("JPEGs decode within Pillow's rounding (max 3, mean below 0.5)",
          arguments: ["baseline_420_q75.jpg", "baseline_444_q95.jpg", "baseline_422_q85.jpg", "gray_q90.jpg",
                      "progressive_420_q80.jpg", "optimized_restart_q70.jpg"])
    func jpegMatchesPillowWithinRounding(_ file: String) throws {
        let image = try RawImage(decoding: try imageFixtureBytes(file))
        let (shape, expected) = try pillowPixels(file)
        let decodedShape = image.channels == 1 ? [image.height, image.width] : [image.height, image.width, image.channels]
        #expect(decodedShape == shape, "\(file): shape \(decodedShape), Pillow \(shape)")
        let (largest, mean) = differences(samples(image), expected)
        print("\(file): max difference \(largest), mean \(mean)")
        #expect(largest <= 3 && mean < 0.5, "\(file): max difference \(largest), mean \(mean)")
    }
}

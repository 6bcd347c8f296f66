import Foundation
import NablaVision
import Testing

@Suite("Image transforms against Pillow and torchvision")
struct ImageTransformTests {
    let imagenetMean = [0.485, 0.456, 0.406], imagenetStd = [0.229, 0.224, 0.225]

    @Test("Bilinear resize is within 1 of Pillow's, antialiased when shrinking")
    func resizeMatchesPillow() throws {
        let image = try Tensor.readImage(imageFixturePath("rgb8.png"))
        let resized = Resize(height: 47, width: 61)(image)
        let (shape, expected) = try pillowPixels("resize_bilinear_61x47.npy".replacingOccurrences(of: ".npy", with: ""))
        #expect(resized.shape == shape)
        let (largest, mean) = differences(resized.toArray(UInt8.self).map { Int($0) }, expected)
        print("resize_bilinear_61x47: max difference \(largest), mean \(mean)")
        #expect(largest <= 1, "max difference \(largest), mean \(mean)")
    }

    @Test("The ImageNet transform is within 0.02 of torchvision's")
    func imagenetTransformMatchesTorchvision() throws {
        let image = try Tensor.readImage(imageFixturePath("rgb8.png"))
        let input = try Tensor.load(npy: imageFixturePath("transform_input_rgb8_png.npy"))
        #expect(image.toArray(UInt8.self) == input.toArray(UInt8.self))
        let transform = Compose([Resize(112), CenterCrop(96), ToTensor(), Normalize(mean: imagenetMean, std: imagenetStd)])
        let output = transform(image)
        let expected = try Tensor.load(npy: imageFixturePath("transform_output.npy"))
        #expect(output.shape == expected.shape)
        let largest = zip(output.toArray(Float.self), expected.toArray(Float.self)).map { abs($0 - $1) }.max() ?? 0
        print("transform_output: max difference \(largest)")
        expectClose(output, expected, rtol: 0, atol: 0.02, "ImageNet transform")
    }

    @Test("Resize(256) keeps the aspect ratio the way torchvision truncates it")
    func resizeShorterSide() {
        #expect(Resize(256).outputSize(height: 427, width: 640) == (256, 383))
        #expect(Resize(256).outputSize(height: 640, width: 427) == (383, 256))
        #expect(Resize(256).outputSize(height: 300, width: 256) == (300, 256))
    }

    @Test("CenterCrop rounds the offset half to even and pads small images with zeros")
    func centerCropOffsetsAndPadding() throws {
        let image = try Tensor(Array(0..<(5 * 4)).map { UInt8($0) }, shape: [5, 4, 1])
        let cropped = CenterCrop(height: 2, width: 3)(image)
        // (5 - 2) / 2 = 1.5 rounds to 2; (4 - 3) / 2 = 0.5 rounds to 0.
        #expect(cropped.toArray(UInt8.self) == [8, 9, 10, 12, 13, 14])
        let padded = CenterCrop(height: 7, width: 4)(image)
        #expect(padded.shape == [7, 4, 1])
        #expect(padded.toArray(UInt8.self).prefix(4) == [0, 0, 0, 0])
        #expect(padded.toArray(UInt8.self)[4..<8] == [0, 1, 2, 3])
    }

    @Test("ToTensor gives float planes in [0, 1]; Normalize subtracts and divides per channel")
    func toTensorAndNormalize() throws {
        let image = try Tensor([UInt8(0), 255, 51, 102, 204, 255], shape: [1, 2, 3])
        let planes = ToTensor()(image)
        #expect(planes.shape == [3, 1, 2])
        expectClose(planes, try Tensor([0, 0.4, 1, 0.8, 0.2, 1] as [Float], shape: [3, 1, 2]), "ToTensor")
        let normalized = Normalize(mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 1])(planes)
        expectClose(normalized, try Tensor([-1, -0.2, 2, 1.2, -0.3, 0.5] as [Float], shape: [3, 1, 2]), "Normalize")
    }

    @Test("Random transforms repeat for a seed and keep their output shapes")
    func randomTransformsAreSeeded() throws {
        let image = try Tensor.readImage(imageFixturePath("rgb8.png"))
        func pipeline(_ seed: UInt64) -> Compose {
            let generator = Generator(seed: seed)
            return Compose([
                RandomResizedCrop(32, generator: generator), RandomHorizontalFlip(generator: generator),
                ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, generator: generator),
                RandomCrop(28, padding: 4, generator: generator), ToTensor(),
            ])
        }
        let a = pipeline(7)(image), b = pipeline(7)(image), c = pipeline(8)(image)
        #expect(a.shape == [3, 28, 28])
        #expect(a.toArray(Float.self) == b.toArray(Float.self))
        #expect(a.toArray(Float.self) != c.toArray(Float.self))
        let floats = Compose([ToTensor(), RandomResizedCrop(20, generator: Generator(seed: 1)),
                              ColorJitter(brightness: 0.2, hue: 0.05, generator: Generator(seed: 2))])(image)
        #expect(floats.shape == [3, 20, 20])
        #expect(floats.toArray(Float.self).allSatisfy { (0...1).contains($0) })
    }

    @Test("RandomHorizontalFlip mirrors columns; p = 0 and p = 1 are certain")
    func horizontalFlip() throws {
        let image = try Tensor([UInt8(1), 2, 3, 4, 5, 6], shape: [1, 3, 2])
        #expect(RandomHorizontalFlip(p: 1)(image).toArray(UInt8.self) == [5, 6, 3, 4, 1, 2])
        #expect(RandomHorizontalFlip(p: 0)(image).toArray(UInt8.self) == [1, 2, 3, 4, 5, 6])
        let planes = ToTensor()(image)
        #expect(RandomHorizontalFlip(p: 1)(planes).toArray(Float.self) == ToTensor()(RandomHorizontalFlip(p: 1)(image)).toArray(Float.self))
    }

    @Test("ColorJitter's brightness follows Pillow's truncating blend")
    func brightnessBlend() throws {
        let image = try Tensor([UInt8(10), 100, 255], shape: [1, 1, 3])
        let jitter = ColorJitter(brightness: 0.5, generator: Generator(seed: 3))
        let out = jitter(image).toArray(UInt8.self)
        // One factor f for all channels: out = min(255, trunc(v * f)).
        let f = Double(out[1]) / 100
        #expect(abs(Double(out[0]) - (10 * f).rounded(.towardZero)) <= 1)
        #expect((0.5...1.5).contains(f))
    }
}

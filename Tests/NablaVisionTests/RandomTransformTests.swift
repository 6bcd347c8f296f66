import Foundation
import Testing
import Nabla
import NablaVision

/// torchvision's random transforms draw from PyTorch's generator in a fixed way; with the
/// default (MT19937) algorithm Nabla's make the same draws. `Fixtures/torchvision/
/// random_transforms/make.py` wrote the references, all from one seeded sequence.
@Suite struct RandomTransformTests {
    func reference(_ name: String) throws -> Tensor {
        try Tensor.load(npy: fixturesURL.appendingPathComponent("torchvision/random_transforms/\(name).npy").path)
    }

    @Test func transformsDrawWhatTorchvisionDraws() throws {
        let generator = Generator(seed: 7)
        var windows: [Int] = []
        let resizedCrop = RandomResizedCrop(10, generator: generator)
        for _ in 0..<5 {
            let window = resizedCrop.window(imageHeight: 40, imageWidth: 60)
            windows += [window.top, window.left, window.height, window.width]
        }
        // Each pixel holds its own position, so a crop's first pixel tells where it is.
        let positions = try Tensor((0..<3).flatMap { _ in (0..<2400).map(Float.init) }, shape: [3, 40, 60])
        let crop = RandomCrop(28, generator: generator)
        for _ in 0..<3 {
            let first = Int(crop(positions)[0, 0, 0].item())
            windows += [first / 60, first % 60, 28, 28]
        }
        #expect(windows == (try reference("windows")).toArray(Int64.self).map { Int($0) })

        let planes = Tensor.linspace(0, 1, steps: 60).reshape([3, 4, 5])
        let jitter = ColorJitter(brightness: 0.4, contrast: 0.4, generator: generator)
        let jittered = Tensor.stack([jitter(planes), jitter(planes)])
        expectClose(jittered, try reference("jittered"), rtol: 1e-6, atol: 1e-6, "ColorJitter")

        let pair = try Tensor([0, 1] as [Float], shape: [1, 1, 2])
        let flip = RandomHorizontalFlip(generator: generator)
        let flips = (0..<6).map { _ in flip(pair).toArray(Float.self)[0] == 1 ? 1.0 : 0.0 }
        #expect(flips == (try reference("flips")).toArray(Double.self))
    }
}

import Testing
import Nabla
import NablaNN
import NablaVision

/// A model built from a seeded generator starts from the weights torchvision's starts from
/// after `torch.manual_seed`: every layer draws its default initialisation, then the
/// model's own initialisation redraws, all in torchvision's order.
/// `Fixtures/torchvision/random_transforms/make.py` stored each parameter's first three
/// values and its sum.
@Suite struct TorchvisionInitialisationTests {
    func expectTorchvisionStart(_ model: Module, _ name: String) throws {
        let reference = try Tensor.load(npy: fixturesURL.appendingPathComponent("torchvision/random_transforms/\(name)_init.npy").path)
        let parameters = model.parameters()
        #expect(parameters.count == reference.shape[0], "\(name): \(parameters.count) parameters, torchvision has \(reference.shape[0])")
        let rows = reference.toArray(Double.self)
        for (index, parameter) in parameters.enumerated() where index < reference.shape[0] {
            let values = parameter.detach().reshape([-1]).toArray(Double.self)
            let first = Array(values.prefix(3)) + Array(repeating: 0, count: max(0, 3 - values.count))
            #expect(first == Array(rows[4 * index..<4 * index + 3]), "\(name): parameter \(index) (shape \(parameter.shape)) starts elsewhere")
            let sum = values.reduce(0, +), expected = rows[4 * index + 3]
            #expect(abs(sum - expected) <= 1e-9 * max(1, abs(expected)), "\(name): parameter \(index) sums to \(sum), expected \(expected)")
        }
    }

    @Test func resnet18StartsFromTorchvisionsWeights() throws {
        try expectTorchvisionStart(resnet18(numClasses: 10, generator: Generator(seed: 0)), "resnet18")
    }

    @Test func mobilenetV2StartsFromTorchvisionsWeights() throws {
        try expectTorchvisionStart(mobilenetV2(numClasses: 10, widthMult: 0.25, generator: Generator(seed: 0)), "mobilenet_v2")
    }
}

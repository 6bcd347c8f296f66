import Foundation
import Testing
import Nabla
@testable import NablaNN

/// Layers, `Init`, dropout and the DataLoader draw what PyTorch draws: with a generator
/// seeded as `torch.manual_seed` seeded PyTorch's, they reproduce `Fixtures/torch/random`
/// (see the shared CASE.md) and `Fixtures/torch/random_edges` (its make.py) bit for bit.
/// Each test uses a generator of its own; the default one is shared by parallel tests.
@Suite struct RandomInitialisationTests {
    /// Every parameter flattened and joined, as the fixtures store them.
    func parameters(_ module: Module) -> Tensor {
        Tensor.cat(module.parameters().map { $0.detach().reshape([-1]) })
    }

    @Test func linearStartsFromPyTorchsWeights() throws {
        let layer = Linear(9, 4, generator: Generator(seed: 7))
        expectClose(parameters(layer), try torchFixture("random", "linear_init"), rtol: 0, atol: 0, "Linear(9, 4)")
        let generator = Generator(seed: 0)
        let mlp = Sequential(Linear(784, 256, generator: generator), ReLU(), Linear(256, 10, generator: generator))
        expectClose(parameters(mlp), try torchFixture("random", "mlp_init"), rtol: 0, atol: 0, "MLP")
    }

    @Test func convolutionStartsFromPyTorchsWeights() throws {
        let conv = Conv2d(3, 8, kernelSize: 3, generator: Generator(seed: 42))
        expectClose(parameters(conv), try torchFixture("random", "conv_init"), rtol: 0, atol: 0, "Conv2d(3, 8, 3)")
    }

    @Test func initFunctionsDrawAsNNInit() throws {
        let generator = Generator(seed: 17)
        let weight = Tensor.empty([6, 10])
        let values = [
            Init.xavierUniform(weight.clone(), gain: 1.5, generator: generator),
            Init.xavierNormal(weight.clone(), generator: generator),
            Init.kaimingNormal(weight.clone(), mode: .fanOut, nonlinearity: .relu, generator: generator),
            Init.kaimingUniform(weight.clone(), nonlinearity: .relu, generator: generator),
        ].map { $0.reshape([-1]) }
        expectClose(Tensor.cat(values), try torchFixture("random_edges", "init_functions"), rtol: 0, atol: 0, "nn.init")
    }

    @Test func dropoutMaskIsPyTorchs() throws {
        let dropped = Functional.dropout(Tensor.ones([40]), p: 0.3, generator: Generator(seed: 7))
        expectClose(dropped, try torchFixture("random", "dropout"), rtol: 0, atol: 0, "dropout")
    }

    @Test func shufflingDataLoaderDrawsPyTorchsOrders() async throws {
        let reference = try torchFixture("random_edges", "dataloader").toArray(Double.self)
        let own = DataLoader(TensorDataset(Tensor.arange(10)), batchSize: 4, shuffle: true, generator: Generator(seed: 3))
        #expect(own.flatMap { $0.toArray(Double.self) } == Array(reference[20..<30]), "a loader with its own generator")
        // The default generator is process-wide: seed it in a child process of its own.
        await #expect(processExitsWith: .success) {
            manualSeed(7)
            let loader = DataLoader(TensorDataset(Tensor.arange(10)), batchSize: 4, shuffle: true)
            let orders = (0..<2).flatMap { _ in loader.flatMap { $0.toArray(Double.self) } }
            let reference = try torchFixture("random_edges", "dataloader").toArray(Double.self)
            if orders != Array(reference[0..<20]) { exit(1) }
        }
    }
}

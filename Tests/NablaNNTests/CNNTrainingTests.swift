import Foundation
import Testing
import NablaNN

/// Loads `Fixtures/cnn/cnn_train/<name>.npy`, written by PyTorch 2.15 through NumPy.
private func trainFixture(_ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("cnn/cnn_train/\(name).npy").path)
}

/// PyTorch's SmallCNN of the fixture (see its model.txt), with the same module names.
final class SmallCNN: Module {
    var features = Sequential(
        Conv2d(1, 8, kernelSize: 3, padding: 1), BatchNorm2d(8), ReLU(), MaxPool2d(kernelSize: 2, stride: 2),
        Conv2d(8, 16, kernelSize: 3, padding: 1), ReLU(), AdaptiveAvgPool2d(outputSize: 1))
    var classifier = Sequential(Flatten(), Dropout(p: 0), Linear(16, 10))

    override func forward(_ input: Tensor) -> Tensor { classifier(features(input)) }
}

@Suite struct CNNTrainingTests {
    @Test func smallCNNPrintsAsPyTorch() throws {
        let expected = try String(contentsOf: fixturesURL.appendingPathComponent("cnn/cnn_train/model.txt"), encoding: .utf8)
        #expect(SmallCNN().description == expected.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Six SGD steps (momentum 0.9) of PyTorch's SmallCNN from its initial state dict:
    /// the losses, every parameter and BatchNorm buffer afterwards, and the eval-mode output.
    @Test func sixSGDStepsMatchPyTorch() throws {
        let net = SmallCNN()
        let initial = try StateDict(loadingSafetensors: fixturesURL.appendingPathComponent("cnn/cnn_train/init.safetensors").path)
        try net.loadStateDict(initial)
        let names = net.stateDict().names
        #expect(names == ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                          "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
                          "features.4.weight", "features.4.bias", "classifier.2.weight", "classifier.2.bias"])
        for name in names {
            let expected = try trainFixture("init_" + name.replacingOccurrences(of: ".", with: "_"))
            expectClose(net.stateDict()[name]!.reshape(-1), expected.reshape(-1), rtol: 0, atol: 0, "initial \(name)")
        }
        let x = try trainFixture("X"), y = try trainFixture("Y")
        let optimizer = SGD(net.parameters(), lr: 0.05, momentum: 0.9)
        let lossFunction = CrossEntropyLoss()
        var losses: [Double] = []
        for _ in 0..<6 {
            optimizer.zeroGrad()
            let loss = lossFunction(net(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        }
        expectClose(try Tensor(losses, shape: [6], dtype: .float64), try trainFixture("losses"), rtol: 1e-5, atol: 1e-6, "losses")
        let final = net.stateDict()
        for name in names {
            let expected = try trainFixture("final_" + name.replacingOccurrences(of: ".", with: "_"))
            expectClose(final[name]!.reshape(-1), expected.reshape(-1), rtol: 1e-4, atol: 1e-5, "final \(name)")
        }
        #expect(final["features.1.num_batches_tracked"]!.dtype == .int64)
        #expect(final["features.1.num_batches_tracked"]!.item(Int64.self) == 6)
        net.eval()
        let out = withNoGrad { net(x) }
        expectClose(out, try trainFixture("eval_out"), rtol: 1e-4, atol: 1e-5, "eval output")
    }
}

import Foundation
import NablaVision
import Testing

/// The torchvision models in `Fixtures/cnn/model_*`: random weights with randomised batch
/// norm statistics saved by `torch.save(model.state_dict())` (ResNet's in float16), an
/// input, and PyTorch's eval-mode output.
@Suite struct ModelZooTests {
    /// Loads `weights.pth` strictly, runs `input.npy` in eval mode, compares with
    /// `output.npy`, and compares the printed model with torchvision's `model.txt`.
    private func check(_ model: Module, fixture: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = { (file: String) in cnnFixturePath(fixture, file) }
        try model.loadStateDict(StateDict(loadingPTH: path("weights.pth")), strict: true)
        model.eval()
        let input = try Tensor.load(npy: path("input.npy"))
        let expected = try Tensor.load(npy: path("output.npy"))
        let output = withNoGrad { model(input) }
        expectClose(output, expected, rtol: 1e-4, atol: 1e-4 * (expected.abs().max().item() as Double), fixture, sourceLocation: sourceLocation)
        let printed = try String(contentsOfFile: path("model.txt"), encoding: .utf8)
        #expect(model.description == printed.trimmingCharacters(in: .newlines), "\(fixture): printing differs", sourceLocation: sourceLocation)
    }

    @Test func resnetWithBasicBlocksMatchesTorchvisionFromFloat16Weights() throws {
        try check(ResNet(block: BasicBlock.self, layers: [1, 1, 1, 1], numClasses: 10), fixture: "model_resnet_basic_1111")
    }

    @Test func densenetMatchesTorchvision() throws {
        try check(DenseNet(growthRate: 8, blockConfig: [2, 2, 2, 2], numInitFeatures: 16, bnSize: 2, numClasses: 10),
                  fixture: "model_densenet_small")
    }

    @Test func mobilenetV2MatchesTorchvision() throws {
        try check(MobileNetV2(numClasses: 10, widthMult: 0.25), fixture: "model_mobilenet_v2_w025")
    }

    @Test func strictLoadingNamesWhatDoesNotFit() throws {
        let model = ResNet(block: BasicBlock.self, layers: [1, 1, 1, 1], numClasses: 7)
        let stateDict = try StateDict(loadingPTH: cnnFixturePath("model_resnet_basic_1111", "weights.pth"))
        #expect(throws: NablaNNError.stateDictMismatch(missing: [], unexpected: [], shapeMismatches: [
            .init(name: "fc.weight", expected: [7, 512], found: [10, 512]), .init(name: "fc.bias", expected: [7], found: [10]),
        ])) { try model.loadStateDict(stateDict) }
    }

    /// Parameter counts of the full-size models against torchvision's documented ones.
    @Test func fullSizeModelsHaveTorchvisionsParameterCounts() {
        #expect(resnet18().parameterCount == 11_689_512)
        #expect(resnet50().parameterCount == 25_557_032)
        #expect(densenet121().parameterCount == 7_978_856)
        #expect(mobilenetV2().parameterCount == 3_504_872)
    }

    @Test func stateDictKeysAreTorchvisions() {
        let keys = resnet18().stateDict().names
        #expect(keys.count == 122)
        #expect(keys.prefix(6) == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked"])
        #expect(keys.contains("layer2.0.downsample.0.weight") && keys.contains("layer4.1.bn2.running_var"))
        #expect(keys.suffix(2) == ["fc.weight", "fc.bias"])
        let dense = densenet121().stateDict().names
        #expect(dense.contains("features.denseblock1.denselayer1.norm1.weight"))
        #expect(dense.contains("features.transition3.conv.weight") && dense.contains("features.norm5.running_mean"))
    }
}

private let torchvisionAvailable = runPython("import torch, torchvision") != nil

/// The ResNet options the fixtures do not reach (bottlenecks, groups, width per group,
/// dilation instead of stride), against torchvision itself when it is installed.
@Suite(.enabled(if: torchvisionAvailable, "needs python3 with torch and torchvision"))
struct ResNetOptionsAgainstTorchvisionTests {
    @Test func groupedDilatedBottleneckResNetMatchesTorchvision() throws {
        let folder = temporaryPath("resnet-options")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = runPython("""
            import sys, torch, numpy as np
            from torchvision.models.resnet import ResNet, Bottleneck
            torch.manual_seed(0)
            model = ResNet(Bottleneck, [1, 2, 1, 1], num_classes=7, groups=2, width_per_group=32,
                           replace_stride_with_dilation=[False, True, True]).eval()
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.5, 0.5); m.running_var.uniform_(0.5, 1.5)
                    m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.5, 0.5)
            torch.save(model.state_dict(), sys.argv[1] + '/weights.pth')
            x = torch.randn(2, 3, 48, 48)
            np.save(sys.argv[1] + '/input.npy', x.numpy())
            with torch.no_grad():
                np.save(sys.argv[1] + '/output.npy', model(x).numpy())
            """, arguments: [folder])
        try #require(result != nil, "the PyTorch side of the test failed")
        let model = ResNet(block: Bottleneck.self, layers: [1, 2, 1, 1], numClasses: 7, groups: 2, widthPerGroup: 32,
                           replaceStrideWithDilation: [false, true, true])
        try model.loadStateDict(StateDict(loadingPTH: folder + "/weights.pth"))
        model.eval()
        let output = withNoGrad { model(try! Tensor.load(npy: folder + "/input.npy")) }
        let expected = try Tensor.load(npy: folder + "/output.npy")
        expectClose(output, expected, rtol: 1e-4, atol: 1e-4 * (expected.abs().max().item() as Double))
    }
}

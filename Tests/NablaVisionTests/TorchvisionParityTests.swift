import Foundation
import NablaVision
import Testing

/// Every model of the zoo against torchvision's own printing, state-dict keys and shapes,
/// and parameter count (`Fixtures/torchvision/<name>.txt`, written by `generate.py` there
/// with torchvision 0.29).
///
/// Building a model draws all its initial weights, about 7 minutes of debug-build time for
/// the 1.5 billion parameters of all twenty; a local `swift test` checks the four smallest
/// (one per family), and CI (`CI=true`) or `NABLA_FULL_PARITY=1` checks every one.
@Suite struct TorchvisionParityTests {
    static let everyModel = ProcessInfo.processInfo.environment["CI"] == "true"
        || ProcessInfo.processInfo.environment["NABLA_FULL_PARITY"] == "1"
    static let alwaysChecked: Set<String> = ["resnet18", "resnet50", "densenet121", "mobilenet_v2"]

    static let models: [(name: String, build: @Sendable () -> Module)] = [
        ("resnet18", { resnet18() }), ("resnet34", { resnet34() }), ("resnet50", { resnet50() }),
        ("resnet101", { resnet101() }), ("resnet152", { resnet152() }),
        ("resnext50_32x4d", { resnext50_32x4d() }), ("wide_resnet50_2", { wideResnet50_2() }),
        ("densenet121", { densenet121() }), ("densenet161", { densenet161() }),
        ("densenet169", { densenet169() }), ("densenet201", { densenet201() }),
        ("mobilenet_v2", { mobilenetV2() }),
        ("vgg11", { vgg11() }), ("vgg11_bn", { vgg11BN() }), ("vgg13", { vgg13() }), ("vgg13_bn", { vgg13BN() }),
        ("vgg16", { vgg16() }), ("vgg16_bn", { vgg16BN() }), ("vgg19", { vgg19() }), ("vgg19_bn", { vgg19BN() }),
    ]

    @Test(arguments: models.map(\.name).filter { everyModel || alwaysChecked.contains($0) })
    func matchesTorchvision(_ name: String) throws {
        let text = try String(contentsOf: fixturesURL.appendingPathComponent("torchvision/\(name).txt"), encoding: .utf8)
        let parts = text.components(separatedBy: "\n--- state dict\n")
        let model = TorchvisionParityTests.models.first { $0.name == name }!.build()
        #expect(model.description == parts[0], "\(name): printing differs")
        let tail = parts[1].components(separatedBy: "--- parameters ")
        let expectedKeys = tail[0].split(separator: "\n").map(String.init)
        let keys = model.stateDict().entries.map { "\($0.name) \($0.tensor.shape)" }
        #expect(keys == expectedKeys, "\(name): state dict differs")
        #expect(model.parameterCount == Int(tail[1].trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}

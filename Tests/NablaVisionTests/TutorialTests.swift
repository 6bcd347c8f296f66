// The NablaVision tutorial code that needs files Nabla does not ship (torchvision's
// ImageNet weights, an image folder): compiled here, from links in Tutorials/ to the last
// step of each code group in Docs.docc/Resources, and run on stand-ins so that the code
// path up to the downloads is exercised.

import Foundation
import NablaVision
import Testing

@Suite struct NablaVisionTutorialTests {
    /// `fineTuningResNet18(weights:images:)` with a checkpoint that is not there stops at
    /// loading it, with the reader's typed error naming the file system's complaint.
    @Test func resnetSectionCompilesAndStopsAtTheMissingDownload() {
        #expect(throws: NablaNNError.self) {
            try fineTuningResNet18(weights: "/nonexistent/resnet18-f37072fd.pth", images: "/nonexistent/hymenoptera_data/train")
        }
    }

    /// The printed model head and parameter counts the section shows, from a ResNet-18
    /// with its own random weights instead of the download.
    @Test func resnetSectionPrintsWhatItShows() throws {
        let model = resnet18()
        #expect(model.fc.description == "Linear(in_features=512, out_features=1000, bias=True)")
        for parameter in model.parameters() { parameter.requiresGrad = false }
        model.fc = Linear(512, 2)
        #expect(model.trainableParameterCount == 1026 && model.parameterCount == 11_177_538)
    }

    @Test func everyCompiledTutorialFileIsAResourceGroupsLastStep() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Tutorials")
        let compiled = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(compiled == ["transfer-resnet.swift"], "every file in Tests/NablaVisionTests/Tutorials needs a test here")
    }
}

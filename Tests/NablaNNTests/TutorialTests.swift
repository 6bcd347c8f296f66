// The NablaNN tutorials' code, compiled and run: the files in Tutorials/ are links to the
// last step of each code group in Docs.docc/Resources (see
// Tests/NablaTests/TutorialTests.swift, which checks every group, and
// Docs.docc/Articles/Contributing.md).

import Foundation
import Testing
import Nabla
import NablaNN

/// A tutorial code group whose last step this target compiles, how to run it, and how
/// far its printed numbers may drift (training multiplies rounding differences).
struct NNTutorialSection: Sendable, CustomTestStringConvertible {
    let group: String
    let tolerance: Double
    let run: @Sendable (_ directory: String) throws -> Void

    init(_ group: String, tolerance: Double = 1.5e-4, _ run: @escaping @Sendable () throws -> Void) {
        self.group = group
        self.tolerance = tolerance
        self.run = { _ in try run() }
    }

    init(_ group: String, tolerance: Double, inDirectory run: @escaping @Sendable (String) throws -> Void) {
        self.group = group
        self.tolerance = tolerance
        self.run = run
    }

    var testDescription: String { group }
}

let nablaNNTutorialSections: [NNTutorialSection] = [
    NNTutorialSection("networks-linear", linearLayers),
    NNTutorialSection("networks-activations", activationFunctions),
    NNTutorialSection("networks-sequential", stackingLayers),
    NNTutorialSection("training-data", loadingTheDigits),
    NNTutorialSection("training-dropout", dropoutInTrainingAndEvaluation),
    // A hundred SGD steps amplify last-bit differences between instruction sets: the
    // loss may move in its third decimal, the count of correct digits by one or two.
    NNTutorialSection("training-loop", tolerance: 0.01, inDirectory: trainingAClassifier(in:)),
    NNTutorialSection("cnn-model", buildingAConvolutionalNetwork),
    NNTutorialSection("cnn-batchnorm", batchNormInTrainingAndEvaluation),
    // Like training-loop: training amplifies last-bit differences between instruction sets.
    NNTutorialSection("cnn-training", tolerance: 0.01, trainingAConvolutionalNetwork),
    NNTutorialSection("transfer-checkpoint", tolerance: 1.5e-4, inDirectory: savingAndLoadingCheckpoints(in:)),
    // Training: accuracies may move by a few tenths of a percent between instruction sets.
    NNTutorialSection("transfer-freeze", tolerance: 0.02, inDirectory: transferLearningOnDigits(in:)),
]

@Suite struct NablaNNTutorialTests {
    /// Each section runs in a child process of its own: tutorials seed the process-wide
    /// generator with `manualSeed`, and tests running in parallel would draw from it too.
    @Test(arguments: nablaNNTutorialSections.map(\.group))
    func tutorialCodePrintsWhatTheTutorialShows(_ group: String) async throws {
        let directory = try tutorialDirectory()
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent, \.standardErrorContent]) { [group = group as String, directory = directory as String] in
            try runTutorialSectionInChildProcess(nablaNNTutorialSections.first { $0.group == group }!.run, directory: directory)
        }
        let tolerance = nablaNNTutorialSections.first { $0.group == group }?.tolerance ?? 0
        expectTutorialOutput(result, TutorialSources.expectedOutput(of: try TutorialSources.finalSource(group)),
                             tolerance: tolerance, group)
    }

    @Test func everyCompiledTutorialFileIsTested() throws {
        let compiled = try FileManager.default.contentsOfDirectory(atPath: TutorialSources.testTutorials("NablaNNTests").path)
            .filter { $0.hasSuffix(".swift") }.map { String($0.dropLast(".swift".count)) }
        #expect(Set(compiled) == Set(nablaNNTutorialSections.map(\.group)),
                "every file in Tests/NablaNNTests/Tutorials needs a test in TutorialTests.swift")
    }
}

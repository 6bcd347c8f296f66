// The tutorials' code, compiled and run: the files in Tutorials/ are links to the last
// step of each code group in Docs.docc/Resources, so the code a reader sees is the code
// these tests build; each test compares what the code prints with the output written
// under its `print` calls. See Docs.docc/Articles/Contributing.md.

import Foundation
import Testing
import Nabla

/// A tutorial code group whose last step this target compiles, and how to run it.
struct TutorialSection: Sendable, CustomTestStringConvertible {
    let group: String
    let run: @Sendable (_ directory: String) throws -> Void

    init(_ group: String, _ run: @escaping @Sendable () throws -> Void) {
        self.group = group
        self.run = { _ in try run() }
    }

    init(_ group: String, inDirectory run: @escaping @Sendable (String) throws -> Void) {
        self.group = group
        self.run = run
    }

    var testDescription: String { group }
}

/// Every group compiled here that runs to completion.
let nablaTutorialSections: [TutorialSection] = [
    TutorialSection("getting-started", firstProgram),
    TutorialSection("tensors-create", creatingTensors),
    TutorialSection("tensors-arithmetic", arithmeticAndBroadcasting),
    TutorialSection("tensors-products", products),
    TutorialSection("shapes-views", viewsShareMemory),
    TutorialSection("shapes-reshape", reshapeMayCopy),
    TutorialSection("shapes-resize", resizingInPlace),
    TutorialSection("neuron-sum", neuronWithSum),
    TutorialSection("neuron-matmul", neuronWithMatmul),
    TutorialSection("neuron-stack", stackingNeurons),
    TutorialSection("numpy-files", inDirectory: savingAndLoading(in:)),
    TutorialSection("numpy-mapping", inDirectory: sharingAFile(in:)),
    TutorialSection("autograd-basics", computingGradients),
    TutorialSection("autograd-accumulate", accumulatingGradients),
    TutorialSection("autograd-nograd", turningGradientsOff),
    TutorialSection("cnn-convolution", convolvingAnImage),
    TutorialSection("cnn-pooling", poolingFeatureMaps),
]

/// Groups that show a programmer error: each has an exit test below.
let nablaTutorialTrapGroups = ["tensors-mismatch", "tensors-mm-vector", "shapes-view-error", "neuron-shape-error"]

/// Groups run together by the NumPy round-trip test.
let nablaTutorialPythonGroups = ["numpy-to-python", "numpy-from-python"]

@Suite struct TutorialTests {
    /// Each section runs in a child process of its own: tutorials seed the process-wide
    /// generator with `manualSeed`, and tests running in parallel would draw from it too.
    @Test(arguments: nablaTutorialSections.map(\.group))
    func tutorialCodePrintsWhatTheTutorialShows(_ group: String) async throws {
        let directory = try tutorialDirectory()
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent, \.standardErrorContent]) { [group = group as String, directory = directory as String] in
            try runTutorialSectionInChildProcess(nablaTutorialSections.first { $0.group == group }!.run, directory: directory)
        }
        expectTutorialOutput(result, TutorialSources.expectedOutput(of: try TutorialSources.finalSource(group)), group)
    }

    @Test(.enabled(if: numpyAvailable, "needs python3 with numpy"))
    func pythonRoundTripPrintsWhatTheTutorialShows() throws {
        let directory = try tutorialDirectory()
        let sent = try capturingOutput { try sendingToPython(in: directory) }
        expectTutorialOutput(sent, TutorialSources.expectedOutput(of: try TutorialSources.finalSource("numpy-to-python")), "numpy-to-python")

        let script = try TutorialSources.finalSource("numpy-python", fileExtension: "py")
        let python = runPython(script, arguments: [directory])
        #expect(python?.status == 0, "the tutorial's Python script failed: \(python?.output ?? "python3 did not start")")
        expectTutorialOutput(python?.output ?? "", TutorialSources.expectedOutput(of: script, commentMarker: "#"), "numpy-python.py")

        let received = try capturingOutput { try readingFromPython(in: directory) }
        expectTutorialOutput(received, TutorialSources.expectedOutput(of: try TutorialSources.finalSource("numpy-from-python")), "numpy-from-python")
    }

    /// The getting-started article shows the first program as `main.swift`: the body of
    /// the tested `firstProgram()`, after its `import`.
    @Test func gettingStartedArticleShowsTheTestedProgram() throws {
        let article = try String(contentsOf: TutorialSources.repository.appendingPathComponent("Docs.docc/Articles/GettingStarted.md"), encoding: .utf8)
        let blocks = article.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
        let lines = try TutorialSources.finalSource("getting-started").split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "func firstProgram() {"), let end = lines.lastIndex(of: "}") else {
            Issue.record("getting-started-1.swift must define firstProgram()")
            return
        }
        let body = lines[(start + 1)..<end].map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }
        let program = (["import Nabla", ""] + body).joined(separator: "\n")
        #expect(blocks.contains(program), "GettingStarted.md must show this program:\n\(program)")
    }

    /// Checks that a tutorial's trapping code stops with the message the tutorial shows.
    static func expectTrapMessage(_ result: ExitTest.Result?, group: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        // The message is one line; the tutorial may wrap it over several comment lines.
        let message = TutorialSources.expectedOutput(of: try TutorialSources.finalSource(group))
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
        #expect(!message.isEmpty && stderr.contains(message), "\(group): the tutorial shows \"\(message)\", the program wrote: \(stderr)", sourceLocation: sourceLocation)
    }

    @Test func addingMismatchedShapesTrapsAsShown() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { addingMismatchedShapes() }
        try Self.expectTrapMessage(result, group: "tensors-mismatch")
    }

    @Test func mmWithAVectorTrapsAsShown() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { multiplyingAMatrixAndAVectorWithMM() }
        try Self.expectTrapMessage(result, group: "tensors-mm-vector")
    }

    @Test func viewingATransposeTrapsAsShown() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { viewingATranspose() }
        try Self.expectTrapMessage(result, group: "shapes-view-error")
    }

    @Test func multiplyingMismatchedMatricesTrapsAsShown() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { multiplyingMismatchedMatrices() }
        try Self.expectTrapMessage(result, group: "neuron-shape-error")
    }

    /// The tutorials cannot drift from the tested code: each Swift group's last step is
    /// the file a test target compiles (a link here or in NablaNNTests), every step only
    /// adds lines to the one before, and every compiled group is run by a test.
    @Test func everyTutorialCodeFileIsCompiledAndTested() throws {
        let groups = try TutorialSources.groups()
        #expect(!groups.isEmpty)
        for (key, steps) in groups {
            for (earlier, later) in zip(steps, steps.dropFirst()) {
                let before = try String(contentsOf: earlier.url, encoding: .utf8)
                let after = try String(contentsOf: later.url, encoding: .utf8)
                #expect(TutorialSources.isSubsequence(before, of: after),
                        "\(later.url.lastPathComponent) must keep every line of \(earlier.url.lastPathComponent), in order")
            }
            guard let last = steps.last, last.fileExtension == "swift" else { continue }
            let finalText = try String(contentsOf: last.url, encoding: .utf8)
            let compiled = ["NablaTests", "NablaNNTests", "NablaVisionTests"].compactMap { target in
                try? String(contentsOf: TutorialSources.testTutorials(target).appendingPathComponent("\(last.group).swift"), encoding: .utf8)
            }
            #expect(compiled == [finalText],
                    "\(key): Tests/NablaTests/Tutorials, Tests/NablaNNTests/Tutorials or Tests/NablaVisionTests/Tutorials must hold \(last.group).swift, a link to \(last.url.lastPathComponent)")
        }
        let registered = Set(nablaTutorialSections.map(\.group) + nablaTutorialTrapGroups + nablaTutorialPythonGroups)
        let compiledHere = try FileManager.default.contentsOfDirectory(atPath: TutorialSources.testTutorials("NablaTests").path)
            .filter { $0.hasSuffix(".swift") }.map { String($0.dropLast(".swift".count)) }
        #expect(Set(compiledHere) == registered, "every file in Tests/NablaTests/Tutorials needs a test in TutorialTests.swift")
    }
}

// Support for the tutorial tests: capturing what tutorial code prints, and reading the
// tutorial sources in Docs.docc/Resources, where each `print(...)` line is followed by the
// output it must produce, as `//` comments (`#` in Python). This file is shared by
// NablaTests and NablaNNTests (a symbolic link), so each test module has its own `print`.

import Foundation
import Synchronization
import Testing

/// Text printed by tutorial code while a test captures it, one entry per `print` call.
final class TutorialTranscript: Sendable {
    private let calls = Mutex<[String]>([])

    func append(_ string: String) { calls.withLock { $0.append(string) } }

    var contents: String { calls.withLock { $0.joined() } }

    /// The output as the comments to write under each `print` call, for a failure message.
    var asComments: String {
        calls.withLock { calls in
            calls.map { call in call.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "// \($0)" }.joined(separator: "\n") }
                .joined(separator: "\n--\n")
        }
    }
}

enum TutorialCapture {
    /// Set while a test runs tutorial code; tests run concurrently, so capture is per task.
    @TaskLocal static var transcript: TutorialTranscript?
}

/// The `print` the tutorial code calls when compiled into this test module: it shadows
/// `Swift.print`, records the text while a test captures it, and prints it otherwise.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { String(describing: $0) }.joined(separator: separator) + terminator
    if let transcript = TutorialCapture.transcript {
        transcript.append(text)
    } else {
        Swift.print(text, terminator: "")
    }
}

/// Runs `body` and returns what it printed.
func capturingOutput(_ body: () throws -> Void) rethrows -> TutorialTranscript {
    let transcript = TutorialTranscript()
    try TutorialCapture.$transcript.withValue(transcript) { try body() }
    return transcript
}

/// The tutorial sources: code files named `<group>-<step>.<ext>`, where the steps of a
/// group show one piece of code growing, step by step, in a tutorial section.
enum TutorialSources {
    /// The repository's root, found from this file's path (Tests/<target>/<file>).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where DocC finds the tutorials' code files.
    static let resources = repository.appendingPathComponent("Docs.docc/Resources")

    /// The folder of a test target's compiled copies (links) of the final steps.
    static func testTutorials(_ target: String) -> URL {
        repository.appendingPathComponent("Tests/\(target)/Tutorials")
    }

    /// One code file of a group.
    struct Step {
        let group: String
        let number: Int
        let fileExtension: String
        let url: URL
    }

    /// Every code file in the resources, keyed by group and extension, steps in order.
    static func groups() throws -> [String: [Step]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: resources.path)
        var groups: [String: [Step]] = [:]
        for name in names {
            let url = resources.appendingPathComponent(name)
            let stem = url.deletingPathExtension().lastPathComponent
            let fileExtension = url.pathExtension
            guard fileExtension == "swift" || fileExtension == "py",
                  let dash = stem.lastIndex(of: "-"), let number = Int(stem[stem.index(after: dash)...]) else { continue }
            let group = String(stem[..<dash])
            groups["\(group).\(fileExtension)", default: []].append(Step(group: group, number: number, fileExtension: fileExtension, url: url))
        }
        return groups.mapValues { $0.sorted { $0.number < $1.number } }
    }

    /// The steps of one group, in order.
    static func steps(_ group: String, fileExtension: String = "swift") throws -> [Step] {
        let steps = try groups()["\(group).\(fileExtension)"] ?? []
        #expect(!steps.isEmpty, "no code files named \(group)-<step>.\(fileExtension) in Docs.docc/Resources")
        return steps
    }

    /// The text of the last step of a group: the code the tests compile and run.
    static func finalSource(_ group: String, fileExtension: String = "swift") throws -> String {
        guard let last = try steps(group, fileExtension: fileExtension).last else { return "" }
        return try String(contentsOf: last.url, encoding: .utf8)
    }

    /// What a source says it prints: the comment lines right after each line that calls
    /// `print(`, without the comment marker and one space. A `print` in a loop lists the
    /// lines of every iteration.
    static func expectedOutput(of source: String, commentMarker: String = "//") -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var output = ""
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            index += 1
            guard line.contains("print("), !line.hasPrefix(commentMarker) else { continue }
            while index < lines.count {
                let next = lines[index].trimmingCharacters(in: .whitespaces)
                guard next.hasPrefix(commentMarker) else { break }
                var text = next.dropFirst(commentMarker.count)
                if text.first == " " { text = text.dropFirst() }
                output += text + "\n"
                index += 1
            }
        }
        return output
    }

    /// Whether every line of `earlier` appears in `later`, in the same order: each step
    /// only adds code, so each earlier step is the tested final code with lines left out.
    static func isSubsequence(_ earlier: String, of later: String) -> Bool {
        var remaining = later.split(separator: "\n", omittingEmptySubsequences: false)[...]
        for line in earlier.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let found = remaining.firstIndex(of: line) else { return false }
            remaining = remaining[(found + 1)...]
        }
        return true
    }
}

/// The body of a child process that runs tutorial code: what it prints goes to standard
/// output, and the same text as comments, one block per `print` call, to standard error.
func runTutorialSectionInChildProcess(_ run: (String) throws -> Void, directory: String) throws {
    let transcript = try capturingOutput { try run(directory) }
    FileHandle.standardOutput.write(Data(transcript.contents.utf8))
    FileHandle.standardError.write(Data(transcript.asComments.utf8))
}

/// Compares what a child process printed with the text a tutorial shows.
func expectTutorialOutput(_ result: ExitTest.Result?, _ expected: String, tolerance: Double = 1.5e-4,
                          _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else { return }
    expectTutorialOutput(String(decoding: result.standardOutputContent, as: UTF8.self), expected, tolerance: tolerance, what,
                         comments: String(decoding: result.standardErrorContent, as: UTF8.self), sourceLocation: sourceLocation)
}

/// Compares printed text with the text a tutorial shows. Numbers may differ by
/// `tolerance` (relative to their size, at least 1): the last printed digit of a
/// floating-point result can change with the instruction set the kernels run on.
func expectTutorialOutput(_ transcript: TutorialTranscript, _ expected: String, tolerance: Double = 1.5e-4,
                          _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectTutorialOutput(transcript.contents, expected, tolerance: tolerance, what,
                         comments: transcript.asComments, sourceLocation: sourceLocation)
}

/// Compares printed text with the text a tutorial shows (see above); `comments` is the
/// output written as comments, one block per `print` call, for the failure message.
func expectTutorialOutput(_ actual: String, _ expected: String, tolerance: Double = 1.5e-4,
                          _ what: String, comments: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let numbers = /-?[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?/
    func pieces(_ text: String) -> (words: [Substring], numbers: [Double]) {
        var words: [Substring] = []
        var values: [Double] = []
        var start = text.startIndex
        for match in text.matches(of: numbers) {
            words.append(text[start..<match.range.lowerBound])
            values.append(Double(match.output.0) ?? .nan)
            start = match.range.upperBound
        }
        words.append(text[start...])
        return (words, values)
    }
    let (actualWords, actualNumbers) = pieces(actual)
    let (expectedWords, expectedNumbers) = pieces(expected)
    let same = actualWords == expectedWords && actualNumbers.count == expectedNumbers.count
        && zip(actualNumbers, expectedNumbers).allSatisfy { a, e in abs(a - e) <= tolerance * max(1, abs(e)) }
    #expect(same, "\(what) printed:\n\(actual)\nbut the tutorial shows:\n\(expected)\nWrite under each print call:\n\(comments ?? actual)\n-- end --", sourceLocation: sourceLocation)
}

/// A fresh folder for a tutorial's files.
func tutorialDirectory() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-tutorial-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
}

import Foundation
import NablaVision
import Testing

/// The one tolerance helper for approximate comparisons: |a - b| <= atol + rtol * |b|.
/// Reports the first mismatch with its flat index.
func expectClose(_ actual: Tensor, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6,
                 _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(comment): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
    let a = actual.toArray(Double.self), b = expected.toArray(Double.self)
    #expect(a.count == b.count, "\(comment): \(a.count) values, expected \(b.count)", sourceLocation: sourceLocation)
    for (i, (x, y)) in zip(a, b).enumerated() where !(x == y || abs(x - y) <= atol + rtol * abs(y)) {
        Issue.record("\(comment): element \(i) is \(x), expected \(y)", sourceLocation: sourceLocation)
        return
    }
}

/// The folder of the test fixtures copied into the test bundle.
let fixturesURL: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

/// The path of `Fixtures/cnn/<case>/<file>`.
func cnnFixturePath(_ caseName: String, _ file: String) -> String {
    fixturesURL.appendingPathComponent("cnn/\(caseName)/\(file)").path
}

/// A fresh path in the temporary directory, removed by the caller.
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("nablavision-\(UUID().uuidString)-\(name)").path
}

/// Runs a Python snippet with `arguments` as `sys.argv[1...]`; its standard output, or nil
/// when python3 is missing or the snippet fails.
func runPython(_ code: String, arguments: [String] = []) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", code] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

// nabla-bench SUITE... [--threads N] [--json] [--filter TEXT] [--repeats N] | --list
//
// Release builds only: `swift run -c release nabla-bench gemm --threads 1`.

import NablaKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fail(_ message: String) -> Never {
    writeStandardError("nabla-bench: \(message)\n")
    writeStandardError(
        "usage: nabla-bench SUITE... [--threads N] [--json] [--filter TEXT] [--repeats N] | --list\n")
    exit(2)
}

/// The suites to run and the options, from the command line.
func parseArguments() -> ([Suite], Options) {
    var options = Options()
    var suites: [Suite] = []
    var arguments = CommandLine.arguments.dropFirst()
    func positiveInteger(after flag: String) -> Int {
        guard let text = arguments.popFirst(), let value = Int(text), value > 0 else {
            fail("\(flag) needs a positive integer")
        }
        return value
    }
    while let argument = arguments.popFirst() {
        switch argument {
        case "--list":
            for suite in Suite.all { print("\(suite.name)\t\(suite.description)") }
            exit(0)
        case "--json": options.json = true
        case "--threads": options.threads = positiveInteger(after: argument)
        case "--repeats": options.repeats = positiveInteger(after: argument)
        case "--filter":
            guard let text = arguments.popFirst() else { fail("--filter needs a text") }
            options.filter = text
        case "-h", "--help":
            print("usage: nabla-bench SUITE... [--threads N] [--json] [--filter TEXT] [--repeats N] | --list")
            print("Measures Nabla's kernels (release builds only). Suites:")
            for suite in Suite.all { print("  \(suite.name)\t\(suite.description)") }
            exit(0)
        default:
            if argument.hasPrefix("-") { fail("unknown option \(argument)") }
            guard let suite = Suite.all.first(where: { $0.name == argument }) else {
                fail("unknown suite \(argument) (known: \(Suite.all.map(\.name).joined(separator: ", ")))")
            }
            suites.append(suite)
        }
    }
    if suites.isEmpty { fail("no suite given") }
    return (suites, options)
}

let (suites, options) = parseArguments()
Parallel.threadCount = options.threads
let reporter = Reporter(json: options.json)
for suite in suites { suite.run(options, reporter) }

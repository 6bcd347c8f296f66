#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One measured case.
struct Measurement {
    var suite: String
    var name: String
    var dtype: String
    var m = 0, n = 0, k = 0
    var threads: Int
    var isa: String
    /// Median wall time of one repetition, in seconds.
    var medianSeconds: Double
    /// Floating-point operations per second at the median, in billions (0 where the case
    /// is not about arithmetic).
    var gflops: Double
    /// Bytes read and written per second at the median, in billions, for memory-bound cases.
    var gbps: Double? = nil
    /// Microseconds per operation, for overhead-bound cases (autograd on tiny tensors).
    var microsecondsPerOp: Double? = nil
    /// Whether the case is a whole step (a model's inference or training step), shown in
    /// milliseconds.
    var isStep = false
    /// Images processed per second, for the image suite.
    var imagesPerSecond: Double? = nil

    /// The figure that matters for the case, with its unit, for the table.
    var rate: String {
        if isStep { return "\(Reporter.rounded(medianSeconds * 1000, 2)) ms/step" }
        if let imagesPerSecond { return "\(Reporter.rounded(imagesPerSecond, 1)) images/s" }
        if let microsecondsPerOp { return "\(Reporter.rounded(microsecondsPerOp, 3)) us/op" }
        if let gbps { return "\(Reporter.rounded(gbps, 1)) GB/s" }
        return "\(Reporter.rounded(gflops, 1)) GFLOP/s"
    }
}

/// Prints measurements as they come: a table for people, or JSON lines for scripts.
/// Progress goes to stderr so that stdout stays clean for `--json`.
final class Reporter {
    private let json: Bool
    private var printedHeader = false

    init(json: Bool) { self.json = json }

    /// Shows what is being measured (stderr, overwritten by the next line).
    /// Whether standard error is a terminal (where escape codes can clear a line).
    static let stderrIsTerminal = isatty(2) == 1

    func progress(_ text: String) {
        // Progress lines overwrite each other on a terminal; in a log they are lines.
        writeStandardError(Reporter.stderrIsTerminal ? "\r\u{1B}[2K... \(text)" : "... \(text)\n")
    }

    /// Prints one result.
    func report(_ r: Measurement) {
        if Reporter.stderrIsTerminal { writeStandardError("\r\u{1B}[2K") }
        if json {
            print(
                "{\"suite\": \"\(r.suite)\", \"case\": \"\(r.name)\", \"dtype\": \"\(r.dtype)\", "
                    + "\"m\": \(r.m), \"n\": \(r.n), \"k\": \(r.k), \"threads\": \(r.threads), "
                    + "\"isa\": \"\(r.isa)\", \"median_s\": \(r.medianSeconds), "
                    + "\"gflops\": \(Reporter.rounded(r.gflops, 2))"
                    + (r.gbps.map { ", \"gbps\": \(Reporter.rounded($0, 2))" } ?? "")
                    + (r.microsecondsPerOp.map { ", \"us_per_op\": \(Reporter.rounded($0, 4))" } ?? "")
                    + (r.imagesPerSecond.map { ", \"images_per_s\": \(Reporter.rounded($0, 2))" } ?? "") + "}")
        } else {
            if !printedHeader {
                printedHeader = true
                print(row(["suite", "case", "dtype", "m", "n", "k", "threads", "isa", "median ms", "rate"]))
            }
            print(
                row([
                    r.suite, r.name, r.dtype, "\(r.m)", "\(r.n)", "\(r.k)", "\(r.threads)", r.isa,
                    "\(Reporter.rounded(r.medianSeconds * 1000, 4))", r.rate,
                ]))
        }
        fflush(nil)
    }

    private func row(_ cells: [String]) -> String {
        let widths = [10, 22, 8, 6, 6, 6, 8, 8, 12, 16]
        return zip(cells, widths).map { cell, width in
            cell.count >= width ? cell : String(repeating: " ", count: width - cell.count) + cell
        }.joined(separator: " ")
    }

    static func rounded(_ x: Double, _ digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (x * scale).rounded() / scale
    }
}

/// Times `body` `repeats` times (at least, and for at least `minimumSeconds` in total,
/// after one warm-up call) and returns the median of the repetitions in seconds.
func medianTime(repeats: Int, minimumSeconds: Double = 0.2, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    var total = 0.0
    let clock = ContinuousClock()
    while times.count < repeats || (total < minimumSeconds && times.count < 1000) {
        let elapsed = clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        times.append(seconds)
        total += seconds
    }
    times.sort()
    let middle = times.count / 2
    return times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
}

/// Writes to file descriptor 2 directly: the C `stderr` global is shared mutable state to
/// Swift 6.
func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

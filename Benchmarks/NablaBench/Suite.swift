import NablaKernels

/// One benchmark suite: a name for the command line and a body that measures and reports.
///
/// A new suite is a file that defines a `Suite` value and one line in ``Suite/all``.
struct Suite: Sendable {
    /// The name on the command line (`nabla-bench NAME`).
    let name: String
    /// One line for `--list`.
    let description: String
    /// Measures and hands every result to the reporter.
    let run: @Sendable (Options, Reporter) -> Void

    /// Every suite, in `--list` order.
    static let all: [Suite] = [
        .peak,
        .gemm,
        .elementwise,
        .reduce,
        .autograd,
        .mlp,
        .conv,
        .models,
        .images,
    ]
}

/// Command-line settings shared by every suite.
struct Options: Sendable {
    /// Threads for the kernels (`--threads N`); the process default when absent.
    var threads = Parallel.threadCount
    /// One JSON object per line instead of a table (`--json`).
    var json = false
    /// Only cases whose name contains this text (`--filter TEXT`).
    var filter: String?
    /// Minimum timed repetitions per case (`--repeats N`); the median is reported.
    var repeats = 5

    /// Whether a case named `name` was asked for.
    func wants(_ name: String) -> Bool {
        guard let filter else { return true }
        return name.contains(filter)
    }
}

import NablaKernels
import Synchronization

extension Suite {
    /// The arithmetic peak: independent vector FMAs on every thread at once, the ceiling
    /// GEMM is judged against (on this machine two threads give about 1.3x one).
    static let peak = Suite(
        name: "peak",
        description: "pure-Swift FMA loop: float32/float64 peak GFLOP/s for the thread count; fork-join: one parallel region's round trip"
    ) { options, reporter in
        let threads = options.threads
        let checksums = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
        defer { checksums.deallocate() }
        for dtype in ["float32", "float64"] where options.wants(dtype) {
            reporter.progress("peak \(dtype), \(threads) threads")
            func loop(_ iterations: Int) -> (checksum: Double, flops: Int) {
                if dtype == "float32" {
                    let r = fmaPeak(Float.self, iterations: iterations)
                    return (Double(r.checksum), r.flops)
                }
                let r = fmaPeak(Double.self, iterations: iterations)
                return (r.checksum, r.flops)
            }
            // About 2 ms per repetition at 100 GFLOP/s per thread: short enough that most
            // repetitions run unpreempted on a shared machine, long enough that starting
            // the threads costs under 1%.
            let iterations = 200_000_000 / loop(1).flops
            let seconds = medianTime(repeats: options.repeats) {
                // Each thread keeps its checksum, so no loop can be optimised away.
                Parallel.run(threads) { task in checksums[task] += loop(iterations).checksum }
            }
            reporter.report(
                Measurement(
                    suite: "peak", name: "fma", dtype: dtype, threads: threads,
                    isa: NablaKernels.isa.description, medianSeconds: seconds,
                    gflops: Double(loop(iterations).flops * threads) / seconds / 1e9))
        }
        // The price of one parallel region: `Parallel.run` with one task per thread,
        // back to back, as the operations of a training step come. Each task waits until
        // every task has started, so the figure includes getting every thread running
        // (empty tasks could all run on the calling thread). It decides which operations
        // are worth splitting (see `ThreadingCost`).
        if options.wants("fork-join") {
            reporter.progress("peak fork-join, \(threads) threads")
            let joins = 1000
            let arrivals = Atomic<Int>(0)
            var round = 0
            let seconds = medianTime(repeats: options.repeats) {
                for _ in 0..<joins {
                    round += 1
                    let everyone = round * threads
                    Parallel.run(threads) { task in
                        arrivals.add(1, ordering: .acquiringAndReleasing)
                        while arrivals.load(ordering: .acquiring) < everyone {}
                        checksums[task] += 1
                    }
                }
            } / Double(joins)
            reporter.report(
                Measurement(
                    suite: "peak", name: "fork-join", dtype: "none", threads: threads,
                    isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0,
                    microsecondsPerOp: seconds * 1e6))
        }
    }
}

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measured costs behind the decision to split a product across threads.
///
/// A second thread pays off when the time it saves, half the product's time on one
/// thread, is well above what handing it work costs. Both sides are measured on the
/// machine the process runs on, not assumed:
///
/// - the dispatch cost: the median round trip of ``Parallel/run(_:_:)`` with tasks that
///   wait until all of them run, measured once per thread count (a fraction of a
///   millisecond, once);
/// - the kernel's speed: every product above the smallest times itself (each thread its
///   own slice when split), and the fastest rate seen per kernel is kept, since on a
///   shared machine slow samples are interference.
///
/// The decision changes which thread computes which tile of C, never how a tile is
/// computed, so results are the same whatever it decides.
@usableFromInline package enum ThreadingCost {
    /// The seconds since an arbitrary start, monotonic.
    @usableFromInline package static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private static let dispatchSeconds = Mutex<[Int: Double]>([:])

    /// The median time `Parallel.run` takes until all of `tasks` tasks are running at
    /// once and have returned: each task waits (for at most a millisecond) until every
    /// other one has started, so a worker that must be woken is counted, which an empty
    /// task that the calling thread runs alone would hide.
    @usableFromInline package static func dispatch(tasks: Int) -> Double {
        if let known = dispatchSeconds.withLock({ $0[tasks] }) { return known }
        var samples: [Double] = []
        for _ in 0..<21 {
            let started = Atomic<Int>(0)
            let start = now()
            Parallel.run(tasks) { _ in
                started.add(1, ordering: .acquiringAndReleasing)
                let deadline = now() + 1e-3
                while started.load(ordering: .acquiring) < tasks && now() < deadline {}
            }
            samples.append(now() - start)
        }
        let median = samples.sorted()[samples.count / 2]
        dispatchSeconds.withLock { $0[tasks] = median }
        return median
    }

    private static let kernelSeconds = Mutex<[ObjectIdentifier: Double]>([:])

    /// The fastest measured seconds per unit of work for `kernel`, or `fallback` before
    /// the first measurement.
    @usableFromInline package static func secondsPerWork(_ kernel: Any.Type, fallback: Double) -> Double {
        kernelSeconds.withLock { $0[ObjectIdentifier(kernel)] } ?? fallback
    }

    /// Records that `kernel` did `work` units on one thread in `seconds`.
    @usableFromInline package static func record(_ kernel: Any.Type, work: Double, seconds: Double) {
        guard work > 0, seconds > 0 else { return }
        let rate = seconds / work
        kernelSeconds.withLock { table in
            let key = ObjectIdentifier(kernel)
            table[key] = min(table[key] ?? .infinity, rate)
        }
    }

    /// How many threads a piece of `work` should use: as many as keep every thread's
    /// share above `rounds` dispatch round trips' worth of time, at most
    /// ``Parallel/threadCount``. `secondsPerWork` is looked up only when there is more
    /// than one thread to choose from.
    @usableFromInline package static func taskCount(
        work: Double, secondsPerWork: @autoclosure () -> Double, rounds: Double = 4
    ) -> Int {
        let threads = Parallel.threadCount
        guard threads > 1, Parallel.canSplit else { return 1 }
        let serial = work * secondsPerWork()
        let overhead = dispatch(tasks: threads)
        return max(1, min(threads, Int(serial / (rounds * overhead))))
    }
}

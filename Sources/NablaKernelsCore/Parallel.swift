import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where Nabla starts threads.
///
/// Every parallel loop in the library goes through `Parallel.run(_:_:)`, which hands
/// `tasks` slices of work to Nabla's worker threads (a fork-join of about a microsecond
/// while they are awake), the calling thread taking part; when another thread's job holds
/// the workers, to `DispatchQueue.concurrentPerform`. The number of threads is one
/// setting for the whole process: the `NABLA_NUM_THREADS` environment variable, or
/// ``Parallel/threadCount`` set from code.
///
/// Nested calls run serially on the calling thread (libdispatch would do the same), so a
/// kernel can call `run(_:_:)` without knowing whether it is already inside one.
public enum Parallel {
    /// 0 means "not set from code": fall back to the environment or the CPU count.
    private static let configured = Atomic<Int>(0)

    /// The number of threads the machine offers (online logical CPUs), at least 1.
    public static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The thread count taken from `NABLA_NUM_THREADS`, or the processor count when the
    /// variable is absent or not a positive integer. Read once.
    public static let defaultThreadCount: Int = {
        if let raw = getenv("NABLA_NUM_THREADS"),
            let value = Int(String(cString: raw)), value > 0
        {
            return value
        }
        return processorCount
    }()

    /// The number of threads parallel kernels use. Setting it to 0 or less restores the
    /// default (``defaultThreadCount``).
    public static var threadCount: Int {
        get {
            let value = configured.load(ordering: .relaxed)
            return value > 0 ? value : defaultThreadCount
        }
        set { configured.store(max(0, newValue), ordering: .relaxed) }
    }

    /// How many tasks a piece of work deserves: one per `grain` units of work, at most
    /// ``threadCount``, at least 1. A `grain` worth about 100 microseconds keeps the
    /// dispatch overhead negligible.
    @inlinable @inline(__always)
    package static func taskCount(work: Int, grain: Int) -> Int {
        guard work > grain else { return 1 }
        return max(1, min(threadCount, work / grain))
    }

    /// Runs `body(task)` for every `task` in `0..<tasks`, in parallel when `tasks > 1`.
    /// Returns when all have finished.
    @usableFromInline package static func run(_ tasks: Int, _ body: (Int) -> Void) {
        if tasks <= 1 {
            if tasks == 1 { body(0) }
            return
        }
        if insideParallelRegion {
            for task in 0..<tasks { body(task) }
            return
        }
        if WorkerPool.shared.run(tasks, threads: threadCount, body) { return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                withinParallelRegion { box.body(task) }
            }
        }
    }

    /// False inside a parallel region, where `run(_:_:)` runs its tasks serially, so
    /// splitting work only costs.
    @usableFromInline package static var canSplit: Bool { !insideParallelRegion }

    /// Splits `0..<count` into `tasks` contiguous ranges of nearly equal size.
    @inlinable @inline(__always)
    package static func slice(_ count: Int, tasks: Int, task: Int) -> Range<Int> {
        let base = count / tasks
        let extra = count % tasks
        let start = task * base + min(task, extra)
        return start..<(start + base + (task < extra ? 1 : 0))
    }

    /// Marks threads that are running a slice, so that nested calls run serially.
    nonisolated(unsafe) private static var _insideKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` marked as inside a parallel region (a job's caller running its share).
    static func withinParallelRegion(_ body: () -> Void) {
        insideParallelRegion = true
        defer { insideParallelRegion = false }
        body()
    }

    /// Marks the calling thread, a pool worker, as inside a parallel region for good.
    static func enterParallelRegionForever() {
        insideParallelRegion = true
    }

    private static var insideParallelRegion: Bool {
        get { pthread_getspecific(_insideKey) != nil }
        set {
            pthread_setspecific(_insideKey, newValue ? UnsafeRawPointer(bitPattern: 1) : nil)
        }
    }
}

/// `concurrentPerform` may run the closure on several threads at once. The closures Nabla
/// passes only touch disjoint slices of raw memory per task (each kernel is written so),
/// which is what makes sharing them across threads safe.
private struct UncheckedBody: @unchecked Sendable {
    let body: (Int) -> Void
}

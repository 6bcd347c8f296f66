import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nabla's own worker threads, behind ``Parallel/run(_:_:)``: a fork-join that costs about
/// a microsecond when the workers are awake, against the 8-12 microseconds of a
/// `DispatchQueue.concurrentPerform` round trip that wakes libdispatch's threads. That
/// price decides which operations may use a second thread at all (``ThreadingCost``): a
/// 128 x 128 product takes about 30 microseconds on one core.
///
/// How it works, OpenMP-style:
///
/// - One job at a time. The caller that finds the pool free publishes its job in one
///   atomic word (a generation number, the number of workers wanted, the task count and
///   the next unclaimed task), takes part itself, and waits for the workers' tasks.
///   A caller that finds the pool taken (another thread's job, from a concurrent task)
///   falls back to `concurrentPerform`, so concurrent callers never wait for each other.
/// - Tasks are claimed one at a time by compare-and-swap on that word, by the caller and
///   the workers alike, so a worker that wakes late finds the tasks done and leaves, and a
///   worker still looking at an old job cannot claim a task of the new one: the claim
///   checks the generation in the same word. The job's body is read only after a claim
///   succeeds, when it is certain to be live.
/// - An idle worker spins on the word for ``spinSeconds`` (a training step's parallel
///   operations come microseconds apart), then sleeps on a condition variable; the caller
///   signals only when some worker sleeps.
///
/// Workers are started on first use, as many as the largest job has wanted
/// (``Parallel/threadCount`` minus the caller), and live as long as the process.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker polls for the next job before it sleeps.
    static let spinSeconds = 0.002

    /// The largest task count and worker count one job word can hold; larger jobs go to
    /// `concurrentPerform`.
    static let maxTasks = 0xFFFF
    static let maxWorkers = 0xFF

    // The job word: generation (24 bits) | workers wanted (8) | tasks (16) | next task (16).
    private static func pack(generation: Int, workers: Int, tasks: Int, next: Int) -> Int {
        (generation & 0xFF_FFFF) << 40 | workers << 32 | tasks << 16 | next
    }
    private static func generation(_ word: Int) -> Int { (word >> 40) & 0xFF_FFFF }
    private static func workers(_ word: Int) -> Int { (word >> 32) & 0xFF }
    private static func tasks(_ word: Int) -> Int { (word >> 16) & 0xFFFF }
    private static func next(_ word: Int) -> Int { word & 0xFFFF }

    private let job = Atomic<Int>(0)
    /// The address of the running job's body (an `UnsafePointer<Body>`), valid while a
    /// task of the job is unclaimed or running.
    private let jobBody = Atomic<UInt>(0)
    /// Tasks finished by workers in the running job.
    private let finished = Atomic<Int>(0)
    /// Whether a caller owns the pool.
    private let taken = Atomic<Bool>(false)
    /// Workers waiting on `wake`.
    private let sleepers = Atomic<Int>(0)
    /// Started workers (only the pool's owner starts more).
    private let started = Atomic<Int>(0)
    /// The generation of the last job, touched only by the pool's owner.
    private var lastGeneration = 0

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        wake = .allocate(capacity: 1)
        wake.initialize(to: pthread_cond_t())
        pthread_cond_init(wake, nil)
    }

    /// The body of a job, at a fixed address for the job's duration.
    private struct Body {
        let run: (Int) -> Void
    }

    /// Runs `body(task)` for every task in `0..<tasks` on the caller and up to
    /// `threads - 1` workers. Returns false, having run nothing, when the pool is taken or
    /// the job does not fit its word; the caller then runs the job another way.
    func run(_ tasks: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
        let workers = min(threads, tasks) - 1
        guard workers >= 1, workers <= Self.maxWorkers, tasks <= Self.maxTasks else { return false }
        guard taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { taken.store(false, ordering: .releasing) }
        startWorkers(upTo: workers)

        withoutActuallyEscaping(body) { body in
          withUnsafePointer(to: Body(run: body)) { job in
            jobBody.store(UInt(bitPattern: job), ordering: .relaxed)
            finished.store(0, ordering: .relaxed)
            lastGeneration &+= 1
            let generation = lastGeneration & 0xFF_FFFF
            // Sequentially consistent, with the load of `sleepers` after it: a worker going
            // to sleep increments `sleepers`, then rereads the word; one of the two sees
            // the other's write, so no worker sleeps through a job it was wanted for.
            self.job.store(
                Self.pack(generation: generation, workers: workers, tasks: tasks, next: 0),
                ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(mutex)
            }
            var ran = 0
            Parallel.withinParallelRegion {
                while let task = claim(generation: generation) {
                    job.pointee.run(task)
                    ran += 1
                }
            }
            // The workers' last tasks. A worker counts its task after its last use of the
            // body, so the body may be freed once the count is complete.
            var polls = 0
            while finished.load(ordering: .acquiring) + ran < tasks {
                polls &+= 1
                if polls > 4096 { sched_yield() }
            }
          }
        }
        return true
    }

    /// Claims the next task of job `generation`, or returns nil when the job has none left
    /// or is no longer the current one.
    private func claim(generation: Int) -> Int? {
        var word = job.load(ordering: .acquiring)
        while true {
            guard Self.generation(word) == generation, Self.next(word) < Self.tasks(word) else { return nil }
            let (exchanged, original) = job.compareExchange(
                expected: word, desired: word &+ 1, ordering: .acquiringAndReleasing)
            if exchanged { return Self.next(word) }
            word = original
        }
    }

    private func startWorkers(upTo count: Int) {
        while started.load(ordering: .relaxed) < count {
            let index = started.load(ordering: .relaxed)
            started.store(index + 1, ordering: .relaxed)
            let context = Unmanaged.passRetained(WorkerStart(pool: self, index: index)).toOpaque()
            #if canImport(Darwin)
            var thread: pthread_t? = nil
            #else
            var thread = pthread_t()
            #endif
            let status = pthread_create(&thread, nil, { context in
                #if canImport(Darwin)
                let start = Unmanaged<WorkerStart>.fromOpaque(context).takeRetainedValue()
                #else
                let start = Unmanaged<WorkerStart>.fromOpaque(context!).takeRetainedValue()
                #endif
                start.pool.work(index: start.index)
            }, context)
            if status != 0 {
                // No thread: jobs go on with the workers that exist (tasks are claimed, so
                // the caller runs what no worker takes).
                Unmanaged<WorkerStart>.fromOpaque(context).release()
                started.store(index, ordering: .relaxed)
                return
            }
            #if canImport(Darwin)
            if let thread { pthread_detach(thread) }
            #else
            pthread_detach(thread)
            #endif
        }
    }

    private final class WorkerStart {
        let pool: WorkerPool
        let index: Int
        init(pool: WorkerPool, index: Int) {
            self.pool = pool
            self.index = index
        }
    }

    /// A worker's life: wait for a job that wants it, run the tasks it can claim, repeat.
    private func work(index: Int) -> Never {
        Parallel.enterParallelRegionForever()
        var seen = 0
        while true {
            let word = nextJob(after: seen)
            seen = Self.generation(word)
            guard index < Self.workers(word) else { continue }
            while let task = claim(generation: seen) {
                Self.run(body: jobBody.load(ordering: .relaxed), task: task)
                finished.add(1, ordering: .releasing)
            }
        }
    }

    /// Runs one task through the job's body. Out of line, so that whatever the call
    /// retains is released before the worker reports the task finished.
    @inline(never)
    private static func run(body: UInt, task: Int) {
        UnsafePointer<Body>(bitPattern: body).unsafelyUnwrapped.pointee.run(task)
    }

    /// Waits until the job word carries a generation other than `seen`: polls for
    /// ``spinSeconds``, then sleeps.
    private func nextJob(after seen: Int) -> Int {
        var polls = 0
        var deadline = 0.0
        while true {
            let word = job.load(ordering: .acquiring)
            if Self.generation(word) != seen { return word }
            polls &+= 1
            guard polls & 1023 == 0 else { continue }
            let now = ThreadingCost.now()
            if deadline == 0 {
                deadline = now + Self.spinSeconds
            } else if now > deadline {
                break
            }
        }
        pthread_mutex_lock(mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        var word = job.load(ordering: .sequentiallyConsistent)
        while Self.generation(word) == seen {
            pthread_cond_wait(wake, mutex)
            word = job.load(ordering: .sequentiallyConsistent)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        return word
    }
}

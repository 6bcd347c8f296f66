import NablaKernelsCore
import Synchronization
import Testing

/// `Parallel.run` on Nabla's worker pool: every task runs exactly once, whoever calls it
/// and however often, and nested or concurrent calls neither deadlock nor lose tasks.
@Suite("Parallel regions")
struct ParallelTests {
    /// Runs `tasks` tasks and returns how many times each one ran.
    static func runCounts(_ tasks: Int) -> [Int] {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: tasks)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        Parallel.run(tasks) { task in counts[task] += 1 }
        return Array(counts)
    }

    @Test("every task runs exactly once, for task counts below, at and above the thread count")
    func everyTaskRunsOnce() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        for threads in [2, 3, 4] {
            Parallel.threadCount = threads
            for tasks in [0, 1, 2, 3, 5, 17, 1000, 70_000] {
                let counts = Self.runCounts(tasks)
                #expect(counts == [Int](repeating: 1, count: tasks), "\(tasks) tasks on \(threads) threads")
            }
        }
    }

    @Test("back-to-back regions see each other's writes")
    func backToBackRegionsAreOrdered() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 2
        // Region r reads both slots written in region r - 1 (by either thread) and writes
        // its own slot of the other buffer: a region that returned before its tasks
        // finished, or a worker that ran a task of an old region, breaks the sequence.
        let buffers = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
        buffers.initialize(repeating: 1)
        defer { buffers.deallocate() }
        var expected = (1, 1)
        for round in 1...5_000 {
            let source = round % 2 == 0 ? 0 : 2
            let target = 2 - source
            Parallel.run(2) { task in
                buffers[target + task] = (buffers[source] &* 3 &+ buffers[source + 1]) &+ task
            }
            let next = expected.0 &* 3 &+ expected.1
            expected = (next, next &+ 1)
            let ok = buffers[target] == expected.0 && buffers[target + 1] == expected.1
            #expect(ok, "round \(round)")
            if !ok { break }
        }
    }

    @Test("a task's nested region runs on its own thread")
    func nestedRegionsRunSerially() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 2
        let total = Atomic<Int>(0)
        let splittable = Atomic<Int>(0)
        Parallel.run(4) { _ in
            if Parallel.canSplit { splittable.add(1, ordering: .relaxed) }
            Parallel.run(8) { _ in total.add(1, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 32)
        #expect(splittable.load(ordering: .relaxed) == 0)
        #expect(Parallel.canSplit)
    }

    @Test("concurrent callers each get all their tasks run")
    func concurrentCallersShareThePool() async {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 2
        let results = await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    var ok = true
                    for round in 0..<500 {
                        let tasks = 1 + (caller + round) % 7
                        ok = ok && Self.runCounts(tasks) == [Int](repeating: 1, count: tasks)
                    }
                    return ok
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results == [true, true, true, true])
    }

    @Test("workers that fell asleep wake for the next region")
    func sleepingWorkersWake() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 2
        for _ in 0..<3 {
            #expect(Self.runCounts(2) == [1, 1])
            // Longer than a worker's spin, so it sleeps on the condition variable.
            let idle = ContinuousClock.now + .milliseconds(20)
            while ContinuousClock.now < idle {}
            // Each task waits (up to 10 s) until both have started: if no second thread
            // picks up the other task, the caller runs them one after the other and the
            // region takes over 10 s.
            let started = Atomic<Int>(0)
            let elapsed = ContinuousClock().measure {
                Parallel.run(2) { _ in
                    started.add(1, ordering: .acquiringAndReleasing)
                    let deadline = ContinuousClock.now + .seconds(10)
                    while started.load(ordering: .acquiring) < 2 && ContinuousClock.now < deadline {}
                }
            }
            #expect(elapsed < .seconds(5))
        }
    }
}

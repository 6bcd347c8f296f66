// nabla-ddp-bench: what data-parallel training costs, run under mpirun.
//
//     mpirun -np 2 .build/release/nabla-ddp-bench allreduce     # 1 MB to 100 MB tensors
//     mpirun -np 2 .build/release/nabla-ddp-bench step          # DDP training steps of MLPs
//
// `allreduce` times ProcessGroup.allReduce on float32 tensors as the OSU micro-benchmarks'
// osu_allreduce times MPI_Allreduce (Benchmarks/allreduce.c does exactly that in C, for
// comparison): per iteration, the call alone, then a barrier outside the timing; a
// warm-up first; each rank's mean averaged over the ranks. It prints the latency, the
// algorithm bandwidth (tensor bytes / time) and the bus bandwidth (times 2(p-1)/p, the
// share of the tensor a ring all-reduce moves through each rank's link, as nccl-tests
// report it).
//
// `step` trains MLPs of growing width (784 inputs, two hidden layers, 10 classes) on random
// data with a fixed global batch split over the ranks, and reports the mean time of each
// phase of a step: forward, backward, the wait for the slowest rank's backward (a
// barrier), the gradient all-reduce (packing the buckets, MPI, dividing), the optimizer
// (SGD with momentum); each phase's mean over the ranks.

import Foundation
import NablaDistributed
import NablaKernels
import NablaNN

let group = ProcessGroup.world
let p = group.worldSize

func say(_ text: String) {
    guard group.isRankZero else { return }
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func usage() -> Never {
    say("""
        usage: nabla-ddp-bench allreduce [--sizes MB,MB,...] [--iterations N]
               nabla-ddp-bench step [--widths W,W,...] [--batch GLOBAL] [--steps N]
        """)
    exit(2)
}

/// The comma-separated numbers after `flag`, or `defaults`.
func list(_ flag: String, _ defaults: [Double]) -> [Double] {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: flag) else { return defaults }
    guard index + 1 < arguments.count else { usage() }
    let values = arguments[index + 1].split(separator: ",").compactMap { Double($0) }
    guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { usage() }
    return values
}

/// The number after `flag`, or nil.
func number(_ flag: String) -> Int? { list(flag, [-1]).first.flatMap { $0 > 0 ? Int($0) : nil } }

if getenv("NABLA_NUM_THREADS") == nil {
    Parallel.threadCount = max(1, Parallel.processorCount / group.localSize)
}

let clock = ContinuousClock()

/// Seconds from a duration.
func seconds(_ duration: Duration) -> Double { duration / .seconds(1) }

/// The mean over the ranks of each rank's value.
func meanOverRanks(_ value: Double) -> Double {
    let tensor = Tensor([value], dtype: .float64)
    group.allReduce(tensor, op: .mean)
    return tensor.item()
}

func allReduceSuite() {
    let sizes = list("--sizes", [1, 2, 4, 8, 16, 32, 64, 100])
    say("# ProcessGroup.allReduce (float32, sum, in place), \(p) ranks, \(ProcessGroup.libraryVersion.prefix { $0 != "," })")
    say("# MB       latency-us   algbw-GB/s   busbw-GB/s   iterations")
    for megabytes in sizes {
        let bytes = Int(megabytes * 1_000_000)
        let tensor = Tensor.zeros([bytes / 4])
        let iterations = number("--iterations") ?? min(100, max(10, 2_000_000_000 / bytes))
        let warmup = 3
        var total = 0.0
        for i in 0..<(warmup + iterations) {
            let start = clock.now
            group.allReduce(tensor, op: .sum)
            let elapsed = seconds(clock.now - start)
            if i >= warmup { total += elapsed }
            group.barrier()
        }
        let latency = meanOverRanks(total / Double(iterations))
        let algorithmBandwidth = Double(bytes) / latency / 1e9
        let busBandwidth = algorithmBandwidth * 2 * Double(p - 1) / Double(p)
        say(String(format: "%-8g %12.1f %12.2f %12.2f %12d", megabytes, latency * 1e6, algorithmBandwidth, busBandwidth, iterations))
    }
}

func stepSuite() {
    let widths = list("--widths", [256, 1024, 4096]).map { Int($0) }
    let batch = number("--batch") ?? 256
    let steps = number("--steps") ?? 10
    guard batch % p == 0 else {
        say("error: the global batch \(batch) does not split evenly over \(p) ranks")
        exit(2)
    }
    say("# DDP steps of 784-W-W-10 MLPs, global batch \(batch) = \(p) x \(batch / p), SGD with momentum, \(p) ranks, \(Parallel.threadCount) thread\(Parallel.threadCount == 1 ? "" : "s") each")
    say("# width  parameters  gradient-MB  buckets  step-ms  forward-ms  backward-ms  wait-ms  all-reduce-ms  optimizer-ms")
    for width in widths {
        let generator = Generator(seed: 1)
        let model = Sequential {
            Linear(784, width, generator: generator)
            ReLU()
            Linear(width, width, generator: generator)
            ReLU()
            Linear(width, 10, generator: generator)
        }
        let ddp = DistributedDataParallel(model, group: group)
        let optimizer = SGD(ddp.parameters(), lr: 0.01, momentum: 0.9)
        let inputs = Tensor.randn([batch / p, 784], generator: Generator(seed: UInt64(10 + group.rank)))
        let labels = Tensor.randint(0, 10, [batch / p], generator: Generator(seed: UInt64(20 + group.rank)))
        var phases = [Double](repeating: 0, count: 5)
        let warmup = 2
        for step in 0..<(warmup + steps) {
            group.barrier()
            let t0 = clock.now
            optimizer.zeroGrad()
            let loss = CrossEntropyLoss()(ddp(inputs), labels)
            let t1 = clock.now
            loss.backward()
            let t2 = clock.now
            // Timed apart, so that the all-reduce column is the reduction alone.
            group.barrier()
            let t3 = clock.now
            ddp.synchronizeGradients()
            let t4 = clock.now
            optimizer.step()
            let t5 = clock.now
            if step >= warmup {
                for (k, (from, to)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)].enumerated() { phases[k] += seconds(to - from) }
            }
        }
        let means = phases.map { meanOverRanks($0 / Double(steps)) * 1000 }
        say(String(format: "%-7d %11d %12.1f %8d %8.2f %10.2f %11.2f %9.2f %14.2f %13.2f", width, model.parameterCount, Double(model.parameterCount * 4) / 1e6,
                   ddp.bucketCount, means.reduce(0, +), means[0], means[1], means[2], means[3], means[4]))
    }
}

switch CommandLine.arguments.dropFirst().first {
case "allreduce": allReduceSuite()
case "step": stepSuite()
default: usage()
}

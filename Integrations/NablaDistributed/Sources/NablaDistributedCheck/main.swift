// nabla-distributed-check: the collectives and data-parallel training, checked across
// real processes. Run it under MPI with any number of ranks:
//
//     mpirun -np 2 .build/debug/nabla-distributed-check
//     mpirun --oversubscribe -np 4 .build/debug/nabla-distributed-check
//
// Every rank runs every check in the same order (the checks are collectives themselves),
// reports its own failures, and the job fails unless all ranks passed everything.
// `--trap` instead wraps a different model on rank 1 than on rank 0, which must end the job
// with DistributedDataParallel's message; `--abort` has rank 1 abort while the others wait
// in a barrier, which must end the job (test.sh checks both).

import Foundation
import NablaDistributed
import NablaNN

let group = ProcessGroup.world
let p = group.worldSize
let r = group.rank

switch CommandLine.arguments.dropFirst().first {
case "--trap":
    let model = Sequential { Linear(4, r == 1 ? 3 : 2) }
    _ = DistributedDataParallel(model, group: group)
    print("rank \(r): the mismatched models were not caught")
    exit(0)
case "--abort":
    // Rank 1 stops the job while the others wait in a barrier it never reaches.
    if r == 1 { group.abort(exitCode: 3) }
    group.barrier()
    print("rank \(r): the barrier returned although rank 1 aborted")
    exit(0)
default:
    break
}

var failures: [String] = []
var checkCount = 0

/// Runs one named check; `body` returns its failures' descriptions.
@MainActor
func check(_ name: String, _ body: () throws -> [String]) {
    checkCount += 1
    do {
        failures += try body().map { "\(name): \($0)" }
    } catch {
        failures.append("\(name): threw \(error)")
    }
}

/// The largest absolute difference between two tensors' elements, as float64.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
    guard a.numel > 0 else { return 0 }
    return (a.to(.float64) - b.to(.float64)).abs().max().item()
}

/// Whether every rank holds the same bytes in `tensor`.
func identicalOnEveryRank(_ tensor: Tensor) -> Bool {
    let rows = group.allGather(tensor.contiguous())
    let bytes = rows.withUnsafeBytes { Array($0) }
    let rowBytes = bytes.count / p
    return (1..<p).allSatisfy { bytes[$0 * rowBytes..<($0 + 1) * rowBytes].elementsEqual(bytes[0..<rowBytes]) }
}

/// Every parameter of `module` as one float64 vector.
func flatParameters(_ module: Module) -> Tensor {
    withNoGrad { Tensor.cat(module.parameters().map { $0.to(.float64).reshape([-1]) }, dim: 0) }
}

/// `tensor` filled with `value` for this rank: rank `k` holds `base + k` everywhere.
func rankTensor(_ shape: [Int], dtype: DType, base: Double = 1) -> Tensor {
    Tensor.full(shape, base + Double(r), dtype: dtype)
}

// MARK: The process group

check("processGroupKnowsItsRanks") {
    let ranks = group.allGather(Tensor([Int64(r)])).toArray(Int64.self)
    var problems: [String] = []
    if ranks != (0..<p).map(Int64.init) { problems.append("all-gathered ranks are \(ranks)") }
    // One machine: every rank is local, in the same order.
    if group.localSize != p || group.localRank != r { problems.append("local rank \(group.localRank) of \(group.localSize), expected \(r) of \(p)") }
    group.barrier()
    return problems
}

// MARK: All-reduce

check("allReduceSumsEveryNumericDtype") {
    var problems: [String] = []
    let expected = Double(p * (p + 1) / 2)
    for dtype in [DType.float32, .float64, .int64, .int32, .uint8] {
        let tensor = rankTensor([3, 5], dtype: dtype)
        group.allReduce(tensor, op: .sum)
        if maxDifference(tensor, Tensor.full([3, 5], expected, dtype: .float64)) != 0 {
            problems.append("\(dtype): got \(tensor.to(.float64).toArray(Double.self).prefix(3)), expected \(expected)")
        }
    }
    return problems
}

check("allReduceMeanDividesTheSumByTheWorldSize") {
    var problems: [String] = []
    for dtype in [DType.float32, .float64] {
        let tensor = rankTensor([7], dtype: dtype)
        group.allReduce(tensor, op: .mean)
        let expected = Double(p + 1) / 2
        if maxDifference(tensor, Tensor.full([7], expected, dtype: .float64)) > 1e-6 {
            problems.append("\(dtype): got \(tensor.to(.float64).toArray(Double.self)), expected \(expected)")
        }
    }
    return problems
}

check("allReduceMaxAndMinIncludingBool") {
    var problems: [String] = []
    let values = Tensor([Double(r), -Double(r)])
    let maximum = values.clone(), minimum = values.clone()
    group.allReduce(maximum, op: .max)
    group.allReduce(minimum, op: .min)
    if maximum.toArray(Float.self) != [Float(p - 1), 0] { problems.append("max gave \(maximum.toArray(Float.self))") }
    if minimum.toArray(Float.self) != [0, -Float(p - 1)] { problems.append("min gave \(minimum.toArray(Float.self))") }
    // Only rank 0 sets the flag: max is "any", min is "all".
    let any = Tensor([r == 0]), all = Tensor([r == 0])
    group.allReduce(any, op: .max)
    group.allReduce(all, op: .min)
    if any.toArray(Bool.self) != [true] || all.toArray(Bool.self) != [p == 1] {
        problems.append("bool max/min gave \(any.toArray(Bool.self))/\(all.toArray(Bool.self))")
    }
    return problems
}

check("allReduceWritesThroughANonContiguousView") {
    let base = Tensor.arange(0, 6, dtype: .float32).reshape([2, 3]) + Double(r)
    let view = base.T
    group.allReduce(view, op: .sum)
    let expected = (Tensor.arange(0, 6, dtype: .float64).reshape([2, 3]) * Double(p)) + Double(p * (p - 1) / 2)
    var problems: [String] = []
    if maxDifference(base, expected) != 0 { problems.append("sum: the base holds \(base.toArray(Float.self)), expected \(expected.toArray(Double.self))") }
    let meanBase = Tensor.arange(0, 6, dtype: .float64).reshape([2, 3]) + Double(r)
    group.allReduce(meanBase.T, op: .mean)
    let expectedMean = Tensor.arange(0, 6, dtype: .float64).reshape([2, 3]) + Double(p - 1) / 2
    if maxDifference(meanBase, expectedMean) > 1e-12 { problems.append("mean: the base holds \(meanBase.toArray(Double.self))") }
    return problems
}

check("allReduceInPiecesMatchesOneMessage") {
    // Whole numbers, so that the sum is exact whatever order MPI adds in (its algorithm
    // depends on the message size).
    let values = Tensor.randint(-1000, 1000, [1001], generator: Generator(seed: UInt64(10 + r))).to(.float64)
    let whole = values.clone(), pieces = values.clone()
    group.allReduce(whole, op: .sum)
    let saved = ProcessGroup.maximumMessageBytes
    ProcessGroup.maximumMessageBytes = 100    // 12 doubles a message, the last one short
    group.allReduce(pieces, op: .sum)
    ProcessGroup.maximumMessageBytes = saved
    return maxDifference(whole, pieces) == 0 ? [] : ["differs by \(maxDifference(whole, pieces))"]
}

check("allReduceGivesTheSameBitsOnEveryRank") {
    let values = Tensor.randn([10_000], generator: Generator(seed: UInt64(20 + r)))
    group.allReduce(values, op: .mean)
    return identicalOnEveryRank(values) ? [] : ["ranks hold different results"]
}

// MARK: Broadcast and all-gather

check("broadcastCopiesTheRootsTensorFromEveryRoot") {
    var problems: [String] = []
    for root in 0..<p {
        for dtype in [DType.float32, .float64, .float16, .int64, .int32, .uint8, .bool] {
            let tensor = Tensor.full([2, 3], Double(r % 2 == 0 ? 1 : 0) + Double(r), dtype: dtype)
            let rootValue = Tensor.full([2, 3], Double(root % 2 == 0 ? 1 : 0) + Double(root), dtype: dtype)
            group.broadcast(tensor, from: root)
            if maxDifference(tensor, rootValue) != 0 { problems.append("root \(root), \(dtype): got \(tensor.to(.float64).toArray(Double.self))") }
        }
    }
    return problems
}

check("broadcastInPiecesAndThroughAView") {
    let base = Tensor.randn([5, 40], dtype: .float64, generator: Generator(seed: UInt64(30 + r)))
    let rootBase = Tensor.randn([5, 40], dtype: .float64, generator: Generator(seed: 30))
    let view = base[.all, 3..<17]
    let saved = ProcessGroup.maximumMessageBytes
    ProcessGroup.maximumMessageBytes = 24
    group.broadcast(view, from: 0)
    ProcessGroup.maximumMessageBytes = saved
    var problems: [String] = []
    if maxDifference(view, rootBase[.all, 3..<17]) != 0 { problems.append("the view differs from rank 0's") }
    if r != 0 && maxDifference(base[.all, 0..<3], rootBase[.all, 0..<3]) == 0 { problems.append("columns outside the view changed") }
    return problems
}

check("allGatherStacksTheRanksInOrder") {
    var problems: [String] = []
    for dtype in [DType.float32, .int64, .bool, .float16] {
        let mine = Tensor.full([2, 3], Double(r % 2), dtype: dtype)
        let gathered = group.allGather(mine)
        if gathered.shape != [p, 2, 3] { problems.append("\(dtype): shape \(gathered.shape)") }
        for source in 0..<p where maxDifference(gathered[source], Tensor.full([2, 3], Double(source % 2), dtype: .float64)) != 0 {
            problems.append("\(dtype): row \(source) is \(gathered[source].to(.float64).toArray(Double.self))")
        }
    }
    let scalar = group.allGather(Tensor(Double(r)))
    if scalar.shape != [p] || scalar.toArray(Double.self) != (0..<p).map(Double.init) { problems.append("scalars gave \(scalar)") }
    if group.allGather(Tensor.zeros([0, 4])).shape != [p, 0, 4] { problems.append("an empty tensor gave the wrong shape") }
    return problems
}

check("allGatherInPiecesMatchesOneMessage") {
    let mine = Tensor.randn([3, 37], generator: Generator(seed: UInt64(40 + r)))
    let whole = group.allGather(mine)
    let saved = ProcessGroup.maximumMessageBytes
    ProcessGroup.maximumMessageBytes = 40
    let pieces = group.allGather(mine)
    ProcessGroup.maximumMessageBytes = saved
    let expected = Tensor.stack((0..<p).map { Tensor.randn([3, 37], generator: Generator(seed: UInt64(40 + $0))) }, dim: 0)
    return maxDifference(whole, expected) == 0 && maxDifference(pieces, expected) == 0 ? [] : ["gathered rows differ from the ranks' tensors"]
}

check("broadcastCoalescedMixesDtypes") {
    let tensors = [rankTensor([3], dtype: .float32), rankTensor([2, 2], dtype: .int64), rankTensor([4], dtype: .float32).T, rankTensor([1], dtype: .float64)]
    group.broadcastCoalesced(tensors, from: 0)
    return tensors.allSatisfy { maxDifference($0, Tensor.full($0.shape, 1, dtype: .float64)) == 0 } ? [] : ["not every tensor holds rank 0's values"]
}

// MARK: Data-parallel training

/// A small MLP whose initial weights differ per rank unless `seed` is shared.
func mlp(seed: UInt64) -> Sequential {
    let generator = Generator(seed: seed)
    return Sequential {
        Linear(6, 16, generator: generator)
        ReLU()
        Linear(16, 3, generator: generator)
    }
}

/// Batch `k` of the data set the ranks share: 4 rows per rank, rank `rank`'s rows first
/// at `rank * 4` of the global batch of `4 * p`.
func globalBatch(step: Int) -> (inputs: Tensor, labels: Tensor) {
    let generator = Generator(seed: UInt64(1000 + step))
    return (Tensor.randn([4 * p, 6], generator: generator), Tensor.randint(0, 3, [4 * p], generator: generator))
}

check("ddpStartsFromRankZerosParameters") {
    let model = mlp(seed: UInt64(50 + r))
    _ = DistributedDataParallel(model, group: group)
    let reference = mlp(seed: 50)
    return maxDifference(flatParameters(model), flatParameters(reference)) == 0 ? [] : ["rank \(r)'s parameters are not rank 0's"]
}

check("ddpAveragesGradientsIntoTheGlobalBatchsGradient") {
    var problems: [String] = []
    for capMB in [25.0, 1e-6] {
        let ddp = DistributedDataParallel(mlp(seed: 60), group: group, bucketCapMB: capMB)
        let single = mlp(seed: 60)
        let (inputs, labels) = globalBatch(step: 0)
        let loss = CrossEntropyLoss()
        ddp.backward(loss(ddp(inputs.narrow(0, start: 4 * r, length: 4)), labels.narrow(0, start: 4 * r, length: 4)))
        loss(single(inputs), labels).backward()
        if capMB < 1 && ddp.bucketCount != 4 { problems.append("a tiny cap gave \(ddp.bucketCount) buckets, expected one per parameter") }
        for (a, b) in zip(ddp.module.parameters(), single.parameters()) {
            guard let reduced = a.grad, let full = b.grad else {
                problems.append("cap \(capMB): a gradient is missing")
                continue
            }
            if maxDifference(reduced, full) > 1e-6 { problems.append("cap \(capMB): differs from the full batch's gradient by \(maxDifference(reduced, full))") }
            if !identicalOnEveryRank(reduced) { problems.append("cap \(capMB): ranks hold different gradients") }
        }
    }
    return problems
}

check("ddpAccumulatesGradientsLikeOneProcess") {
    // Two batches, synchronised after each (the second backward adds to the first's
    // averaged gradients, views of the bucket buffers), or once after both: either way
    // the gradients are one process's gradients of both global batches, summed.
    var problems: [String] = []
    for synchroniseEachTime in [true, false] {
        let ddp = DistributedDataParallel(mlp(seed: 65), group: group, bucketCapMB: 0.0001)
        let single = mlp(seed: 65)
        let loss = CrossEntropyLoss()
        for step in 0..<2 {
            let (inputs, labels) = globalBatch(step: 10 + step)
            loss(ddp(inputs.narrow(0, start: 4 * r, length: 4)), labels.narrow(0, start: 4 * r, length: 4)).backward()
            if synchroniseEachTime || step == 1 { ddp.synchronizeGradients() }
            loss(single(inputs), labels).backward()
        }
        for (a, b) in zip(ddp.module.parameters(), single.parameters()) where maxDifference(a.grad!, b.grad!) > 1e-6 {
            problems.append("synchronising \(synchroniseEachTime ? "after each backward" : "once"): differs by \(maxDifference(a.grad!, b.grad!))")
        }
    }
    return problems
}

/// Uses its second layer when `usesSecond`, its third never.
final class PartlyUsed: Module {
    let first = Linear(3, 2, generator: Generator(seed: 70))
    let second = Linear(2, 2, generator: Generator(seed: 71))
    let unused = Linear(2, 2, generator: Generator(seed: 72))
    let _usesSecond: Bool
    init(usesSecond: Bool) {
        _usesSecond = usesSecond
        super.init()
    }
    override func forward(_ input: Tensor) -> Tensor {
        let hidden = first(input)
        return _usesSecond ? second(hidden) : hidden
    }
}

check("ddpTreatsMissingGradientsAsZeros") {
    // The odd ranks use the second layer, the even ones do not: its gradient is the odd
    // ranks' gradient times their share of the ranks.
    let model = PartlyUsed(usesSecond: r % 2 == 1)
    let ddp = DistributedDataParallel(model, group: group)
    let input = Tensor.ones([1, 3])
    ddp.backward(ddp(input).sum())
    var problems: [String] = []
    if model.unused.weight.grad != nil { problems.append("a parameter no rank used got a gradient") }
    let probe = PartlyUsed(usesSecond: true)
    probe(input).sum().backward()
    let expected = probe.second.weight.grad! * (Double(p / 2) / Double(p))
    if p == 1 {
        if model.second.weight.grad != nil { problems.append("one rank that did not use the second layer got a gradient for it") }
    } else if let grad = model.second.weight.grad {
        if maxDifference(grad, expected) > 1e-6 { problems.append("the second layer's gradient is \(grad.toArray(Float.self)), expected \(expected.toArray(Float.self))") }
    } else {
        problems.append("the second layer has no gradient on rank \(r)")
    }
    return problems
}

check("ddpTrainsLikeOneProcessWithTheGlobalBatch") {
    let ddp = DistributedDataParallel(mlp(seed: 80), group: group, bucketCapMB: 0.0005)
    let single = mlp(seed: 80)
    let optimizer = Adam(ddp.parameters(), lr: 1e-2)
    let singleOptimizer = Adam(single.parameters(), lr: 1e-2)
    let loss = CrossEntropyLoss()
    for step in 0..<20 {
        let (inputs, labels) = globalBatch(step: step)
        optimizer.zeroGrad()
        ddp.backward(loss(ddp(inputs.narrow(0, start: 4 * r, length: 4)), labels.narrow(0, start: 4 * r, length: 4)))
        optimizer.step()
        singleOptimizer.zeroGrad()
        loss(single(inputs), labels).backward()
        singleOptimizer.step()
    }
    var problems: [String] = []
    let difference = maxDifference(flatParameters(ddp.module), flatParameters(single))
    if difference > 1e-4 { problems.append("after 20 Adam steps the parameters differ from one process's by \(difference)") }
    if !identicalOnEveryRank(flatParameters(ddp.module)) { problems.append("the ranks' parameters drifted apart") }
    return problems
}

check("ddpBroadcastsBuffersInTrainingOnly") {
    let model = Sequential { Linear(2, 2, generator: Generator(seed: 90)); BatchNorm1d(2) }
    let ddp = DistributedDataParallel(model, group: group)
    let norm = model[1] as! BatchNorm1d
    var problems: [String] = []
    // Same input everywhere: after rank 0's statistics are copied, all ranks update alike.
    withNoGrad { norm.runningMean!.fill(Double(r)) }
    _ = ddp(Tensor.ones([4, 2]))
    if !identicalOnEveryRank(norm.runningMean!) { problems.append("running means differ after a training forward pass") }
    ddp.eval()
    withNoGrad { norm.runningMean!.fill(Double(r)) }
    _ = ddp(Tensor.ones([4, 2]))
    if norm.runningMean!.toArray(Float.self) != [Float(r), Float(r)] { problems.append("an evaluation forward pass changed the running mean") }
    if ddp.namedParameters().first?.name != "module.0.weight" { problems.append("the wrapper's names are \(ddp.namedParameters().map(\.name))") }
    return problems
}

// MARK: Sampling and rank-0 work

check("samplerSharesAreDisjointAndCoverTheEpoch") {
    var problems: [String] = []
    for (count, dropLast) in [(103, false), (103, true), (p - 1, false)] {
        let sampler = DistributedSampler(count: count, group: group, seed: 7, dropLast: dropLast)
        let mine = sampler.indices(epoch: 3)
        let all = group.allGather(Tensor(mine.map(Int64.init))).toArray(Int64.self).map(Int.init)
        // The ranks' shares interleave back into one permutation (padded or cut).
        var merged: [Int] = []
        for position in 0..<sampler.samplesPerRank {
            for source in 0..<p { merged.append(all[source * sampler.samplesPerRank + position]) }
        }
        let single = DistributedSampler(count: count, rank: 0, worldSize: 1, seed: 7).indices(epoch: 3)
        let expected = dropLast ? Array(single.prefix(sampler.totalSize)) : (0..<sampler.totalSize).map { single[$0 % single.count] }
        if merged != expected { problems.append("count \(count), dropLast \(dropLast): the shares do not interleave into one process's order") }
    }
    return problems
}

check("onRankZeroRunsOnceAndSharesItsError") {
    var problems: [String] = []
    var runs = 0
    try group.onRankZero { runs += 1 }
    let total = Tensor([Int64(runs)])
    group.allReduce(total, op: .sum)
    if total.item(Int64.self) != 1 || (r != 0 && runs != 0) { problems.append("the body ran \(total.item(Int64.self)) times") }
    struct DiskFull: Error, CustomStringConvertible { var description: String { "disk full" } }
    do throws(DistributedError) {
        try group.onRankZero { throw DiskFull() }
        problems.append("no error was thrown on rank \(r)")
    } catch {
        if error != .rankZeroFailed(reason: "disk full") { problems.append("rank \(r) got \(error)") }
    }
    return problems
}

// MARK: Verdict

let failureCount = Tensor([Int64(failures.count)])
group.allReduce(failureCount, op: .sum)
for failure in failures { print("rank \(r): FAIL \(failure)") }
fflush(nil)
group.barrier()
if r == 0 {
    let verdict = failureCount.item(Int64.self) == 0 ? "passed" : "FAILED (\(failureCount.item(Int64.self)) failures)"
    print("nabla-distributed-check: \(checkCount) checks on \(p) rank\(p == 1 ? "" : "s"), \(verdict) (\(ProcessGroup.libraryVersion))")
}
exit(failureCount.item(Int64.self) == 0 ? 0 : 1)

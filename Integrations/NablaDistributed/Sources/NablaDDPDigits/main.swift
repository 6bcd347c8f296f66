// nabla-ddp-digits: nabla-demo's digits classifier (the MLP, or the CNN with --model cnn)
// trained data-parallel over MPI.
//
//     swift build -c release
//     .build/release/nabla-ddp-digits --save one.npz                      # one process
//     mpirun -np 2 .build/release/nabla-ddp-digits --compare one.npz       # two, compared
//
// Every rank builds the same data split and model from one seed, wraps the model in
// DistributedDataParallel and reads its share of each global batch through a
// DistributedSampler. The global batch (32) and the seed do not depend on the number of
// processes, so every run takes the same optimizer steps on the same samples: N processes
// with batches of 32 / N end with one process's parameters, up to float rounding (the MLP;
// the CNN's batch norm sees per-rank batches, as in PyTorch without SyncBatchNorm).
// `--compare FILE` reads the parameters a one-process run saved with `--save FILE` and
// prints both accuracies and the largest parameter difference; with `--tolerance X` the
// run fails when that difference is above X or the accuracies differ by more than one
// image (test.sh's check).

import Foundation
import NablaDistributed
import NablaKernels
import NablaNN

enum ModelKind: String { case mlp, cnn }

let group = ProcessGroup.world

/// Prints on rank 0 only, at once (so progress shows under mpirun).
func say(_ text: String) {
    guard group.isRankZero else { return }
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func usage() -> Never {
    say("usage: nabla-ddp-digits [--model mlp|cnn] [--epochs N] [--batch-size GLOBAL] [--save FILE.npz] [--compare FILE.npz [--tolerance X]]")
    exit(2)
}

var modelKind = ModelKind.mlp
var epochsOption: Int?
var batchSize = 32
var savePath: String?
var comparePath: String?
var tolerance: Double?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--model":
        guard let value = arguments.popFirst(), let kind = ModelKind(rawValue: value) else { usage() }
        modelKind = kind
    case "--epochs":
        guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else { usage() }
        epochsOption = value
    case "--batch-size":
        guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else { usage() }
        batchSize = value
    case "--save":
        guard let value = arguments.popFirst() else { usage() }
        savePath = value
    case "--compare":
        guard let value = arguments.popFirst() else { usage() }
        comparePath = value
    case "--tolerance":
        guard let value = arguments.popFirst().flatMap({ Double($0) }), value >= 0 else { usage() }
        tolerance = value
    default:
        usage()
    }
}
guard batchSize % group.worldSize == 0 else {
    say("error: the global batch \(batchSize) does not split evenly over \(group.worldSize) processes")
    exit(2)
}

// The processes on one machine share its cores: one thread each when there are as many
// processes as cores (NABLA_NUM_THREADS overrides it).
if getenv("NABLA_NUM_THREADS") == nil {
    Parallel.threadCount = max(1, Parallel.processorCount / group.localSize)
}

let seed: UInt64 = 2024
let epochs = epochsOption ?? (modelKind == .mlp ? 20 : 15)
let rankBatch = batchSize / group.worldSize

/// The network, its initial weights drawn from `generator`.
func makeModel(_ kind: ModelKind, generator: Generator) -> Sequential {
    switch kind {
    case .mlp:
        Sequential {
            Linear(64, 128, generator: generator)
            ReLU()
            Linear(128, 10, generator: generator)
        }
    case .cnn:
        Sequential {
            Conv2d(1, 32, kernelSize: 3, padding: 1, generator: generator)
            BatchNorm2d(32)
            ReLU()
            Conv2d(32, 32, kernelSize: 3, padding: 1, generator: generator)
            BatchNorm2d(32)
            ReLU()
            MaxPool2d(kernelSize: 2)
            Conv2d(32, 64, kernelSize: 3, padding: 1, generator: generator)
            BatchNorm2d(64)
            ReLU()
            Flatten()
            Linear(64 * 4 * 4, 10, generator: generator)
        }
    }
}

/// The number of rows of `logits` whose largest entry is at the label.
func correctCount(_ logits: Tensor, _ labels: Tensor) -> Int {
    Int((logits.argmax(dim: 1) .== labels).to(.int64).sum().item())
}

/// Every parameter of `module` as one float64 vector.
func flatParameters(_ module: Module) -> Tensor {
    withNoGrad { Tensor.cat(module.parameters().map { $0.to(.float64).reshape([-1]) }, dim: 0) }
}

/// Milliseconds from a `ContinuousClock` duration.
func milliseconds(_ duration: Duration) -> Double { duration / .milliseconds(1) }

// The data, as nabla-demo splits it: one seeded shuffle, 80% for training. Every rank
// draws the same split from the same seed.
let generator = Generator(seed: seed)
let digits = try Digits.load()
let inputs = (digits.images / 16.0).reshape(modelKind == .mlp ? [-1, 64] : [-1, 1, 8, 8])
var pass = DataLoader(TensorDataset(inputs, digits.labels), batchSize: inputs.shape[0], shuffle: true, generator: generator).makeIterator()
let (shuffledInputs, shuffledLabels) = pass.next()!
let trainCount = shuffledInputs.shape[0] * 4 / 5
let testCount = shuffledInputs.shape[0] - trainCount
let train = TensorDataset(shuffledInputs.narrow(0, start: 0, length: trainCount), shuffledLabels.narrow(0, start: 0, length: trainCount))
let testInputs = shuffledInputs.narrow(0, start: trainCount, length: testCount)
let testLabels = shuffledLabels.narrow(0, start: trainCount, length: testCount)

let model = makeModel(modelKind, generator: generator)
let ddp = DistributedDataParallel(model, group: group)
let optimizer = Adam(ddp.parameters(), lr: 3e-3)
let lossFunction = CrossEntropyLoss()
// Whole global batches only (dropLast twice): a short last batch would be split unevenly.
let sampler = DistributedSampler(count: trainCount, group: group, seed: seed, dropLast: true)
let stepsPerEpoch = sampler.samplesPerRank / rankBatch

say("Digits: \(trainCount) training and \(testCount) test images; model: \(modelKind.rawValue), \(model.parameterCount) parameters")
say("\(group.worldSize) process\(group.worldSize == 1 ? "" : "es") (\(ProcessGroup.libraryVersion.prefix { $0 != "," })), \(Parallel.threadCount) thread\(Parallel.threadCount == 1 ? "" : "s") each; "
    + "global batch \(batchSize) = \(group.worldSize) x \(rankBatch), \(stepsPerEpoch) steps per epoch; Adam, lr 3e-3, \(epochs) epochs, seed \(seed)")
say("")

let clock = ContinuousClock()
let start = clock.now
// Per-step times of every epoch after the first: forward and backward, the gradient
// all-reduce (including waiting for the slowest rank), the optimizer step.
var compute: [Double] = [], allReduce: [Double] = [], update: [Double] = []

for epoch in 0..<epochs {
    model.train()
    let epochStart = clock.now
    var lossSum = 0.0, correct = 0, seen = 0
    let loader = DataLoader(sampler.shard(of: train, epoch: epoch), batchSize: rankBatch, dropLast: true)
    for (inputs, labels) in loader {
        let t0 = clock.now
        optimizer.zeroGrad()
        let logits = ddp(inputs)
        let loss = lossFunction(logits, labels)
        loss.backward()
        let t1 = clock.now
        ddp.synchronizeGradients()
        let t2 = clock.now
        optimizer.step()
        let t3 = clock.now
        if epoch > 0 {
            compute.append(milliseconds(t1 - t0))
            allReduce.append(milliseconds(t2 - t1))
            update.append(milliseconds(t3 - t2))
        }
        lossSum += loss.item() * Double(inputs.shape[0])
        correct += correctCount(logits, labels)
        seen += inputs.shape[0]
    }
    // The epoch's figures over every rank's samples.
    let totals = Tensor([lossSum, Double(correct), Double(seen)])
    group.allReduce(totals, op: .sum)
    let (globalLoss, globalCorrect, globalSeen) = (totals[0].item(), totals[1].item(), totals[2].item())
    let label = "Epoch \(String(repeating: " ", count: String(epochs).count - String(epoch + 1).count))\(epoch + 1)/\(epochs)"
    say(label + String(format: "  loss %.4f  train accuracy %5.1f%%  (%.0f ms)",
                       globalLoss / globalSeen, 100 * globalCorrect / globalSeen, milliseconds(clock.now - epochStart)))
}

model.eval()
let testCorrect = withNoGrad { correctCount(model(testInputs), testLabels) }
let elapsed = (clock.now - start) / .seconds(1)

/// The mean of `values`, or 0.
func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

// Each phase's mean over the steps, then the slowest rank's figure (the step waits for it).
let phases = Tensor([mean(compute), mean(allReduce), mean(update)], dtype: .float64)
group.allReduce(phases, op: .max)
let stepTime = phases.sum().item()

// The ranks must hold the same parameters: they took the same averaged steps.
let rows = group.allGather(flatParameters(model))
let identical = (1..<group.worldSize).allSatisfy { ((rows[$0] - rows[0]).abs().max().item()) == 0 }

say("")
say(String(format: "Test accuracy: %.1f%% (%d of %d held-out images)", 100 * Double(testCorrect) / Double(testCount), testCorrect, testCount))
say(String(format: "Step time (epochs 2-%d, slowest rank): %.3f ms = forward+backward %.3f + gradient all-reduce %.3f + optimizer %.3f",
           epochs, stepTime, phases[0].item(), phases[1].item(), phases[2].item()))
say(String(format: "Total time: %.2f s", elapsed))
say("Parameters identical on all \(group.worldSize) ranks: \(identical ? "yes" : "NO")")

if let savePath {
    try group.onRankZero { try model.stateDict().save(npz: savePath) }
    say("Saved the parameters to \(savePath) (rank 0 only)")
}

var passed = identical
if let comparePath {
    // Rank 0 reads the one-process run's parameters and tells every rank the verdict.
    var verdict = Tensor([Int64(1)])
    if group.isRankZero {
        let reference = makeModel(modelKind, generator: Generator(seed: seed))
        try reference.loadStateDict(StateDict(loadingNPZ: comparePath))
        reference.eval()
        let referenceCorrect = withNoGrad { correctCount(reference(testInputs), testLabels) }
        let ours = flatParameters(model), theirs = flatParameters(reference)
        let difference = (ours - theirs).abs().max().item()
        let scale = theirs.abs().max().item()
        say(String(format: "Compared with %@: test accuracy %.1f%% here, %.1f%% there; largest parameter difference %.3g (%.3g of the largest parameter, %.3g)",
                   comparePath, 100 * Double(testCorrect) / Double(testCount), 100 * Double(referenceCorrect) / Double(testCount),
                   difference, difference / scale, scale))
        if let tolerance, difference > tolerance {
            say(String(format: "FAIL: the largest parameter difference %.3g is above the tolerance %.3g", difference, tolerance))
            verdict = Tensor([Int64(0)])
        }
        // Parameters this close can still flip a borderline image, but not two.
        if tolerance != nil, abs(testCorrect - referenceCorrect) > 1 {
            say("FAIL: \(testCorrect) test images right here, \(referenceCorrect) in the one-process run")
            verdict = Tensor([Int64(0)])
        }
    }
    group.broadcast(verdict, from: 0)
    passed = passed && verdict.item(Int64.self) == 1
}
exit(passed ? 0 : 1)

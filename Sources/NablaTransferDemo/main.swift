// nabla-transfer: transfer learning on the bundled 8x8 digits, offline.
//
//     swift run -c release nabla-transfer
//
// 1. Pretrain a small CNN on the digits 0-4 and save its state dict as a PyTorch `.pth`.
// 2. Load it into a fresh network, freeze the convolutional features, replace the
//    classifier, and train only the new head on a few labelled examples of the digits 5-9.
// 3. Train the same network from scratch on the same few examples, and compare the two on
//    the held-out 5-9 images.
//
// Everything random comes from seeded generators, so every run prints the same accuracies.

import Foundation
import NablaNN

/// The network: `features` (three 3x3 convolutions with batch norm, one max pool) and a
/// linear `classifier`, named as torchvision names its models' parts.
final class DigitsNet: Module {
    let features: Sequential
    var classifier: Linear

    init(classes: Int, generator: Generator) {
        features = Sequential {
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
        }
        classifier = Linear(64 * 4 * 4, classes, generator: generator)
        super.init()
    }

    override func forward(_ x: Tensor) -> Tensor {
        classifier(features(x).flatten(startDim: 1))
    }
}

/// Trains `parameters` of `model` with Adam for `epochs` epochs, calling `report` after
/// each one; `frozenFeatures` keeps the features in evaluation mode (their batch norm
/// statistics stay the pretrained ones). Returns the last epoch's mean loss.
@discardableResult
func train(_ model: DigitsNet, parameters: [Tensor], on data: TensorDataset<(Tensor, Tensor)>, epochs: Int, batchSize: Int,
           frozenFeatures: Bool, generator: Generator, report: (Int) -> Void = { _ in }) -> Double {
    let optimizer = Adam(parameters, lr: 3e-3)
    let loader = DataLoader(data, batchSize: batchSize, shuffle: true, generator: generator)
    let lossFunction = CrossEntropyLoss()
    var lastLoss = 0.0
    for epoch in 1...epochs {
        model.train()
        if frozenFeatures { model.features.eval() }
        var lossSum = 0.0, seen = 0
        for (inputs, labels) in loader {
            optimizer.zeroGrad()
            let loss = lossFunction(model(inputs), labels)
            loss.backward()
            optimizer.step()
            lossSum += loss.item() * Double(inputs.shape[0])
            seen += inputs.shape[0]
        }
        lastLoss = lossSum / Double(seen)
        report(epoch)
    }
    return lastLoss
}

/// The share of `inputs` classified as `labels`, in evaluation mode.
func accuracy(_ model: Module, _ inputs: Tensor, _ labels: Tensor) -> Double {
    model.eval()
    let predicted = withNoGrad { model(inputs).argmax(dim: 1) }
    return Double((predicted .== labels).to(.int64).sum().item() as Int) / Double(labels.shape[0])
}

func write(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

let clock = ContinuousClock()
let start = clock.now
let digits = try Digits.load()
let images = (digits.images / 16.0).reshape(-1, 1, 8, 8)
let labels = digits.labels
let labelValues: [Int64] = labels.toArray(Int64.self)

// The source task: every image of the digits 0-4.
let sourceIndex = Tensor(labelValues.indices.filter { labelValues[$0] < 5 }.map { Int64($0) })
let source = TensorDataset(images.indexSelect(dim: 0, index: sourceIndex), labels.indexSelect(dim: 0, index: sourceIndex))

// The target task: the digits 5-9 as classes 0-4; a few labelled examples of each (the
// first `shots` of each class after a seeded shuffle), the rest held out.
let shots = 5
let shuffle = DataLoader(TensorDataset(Tensor.arange(labelValues.count, dtype: .int64)), batchSize: labelValues.count,
                         shuffle: true, generator: Generator(seed: 7))
let order = shuffle.first { _ in true }!.toArray(Int64.self).map(Int.init)
var fewShot: [Int64] = [], heldOut: [Int64] = []
var taken = [Int](repeating: 0, count: 10)
for index in order where labelValues[index] >= 5 {
    let digit = Int(labelValues[index])
    if taken[digit] < shots { fewShot.append(Int64(index)); taken[digit] += 1 } else { heldOut.append(Int64(index)) }
}
func targetSet(_ indices: [Int64]) -> (Tensor, Tensor) {
    let index = Tensor(indices)
    return (images.indexSelect(dim: 0, index: index), labels.indexSelect(dim: 0, index: index) - 5)
}
let (fewShotInputs, fewShotLabels) = targetSet(fewShot)
let (testInputs, testLabels) = targetSet(heldOut)
let fewShotData = TensorDataset(fewShotInputs, fewShotLabels)

write("Transfer learning on the 8x8 digits")
write("Source task: digits 0-4, \(source.count) images. Target task: digits 5-9, \(shots) labelled examples each (\(fewShot.count) in all), \(heldOut.count) held out.\n")

// 1. Pretrain on 0-4 and save as a PyTorch checkpoint.
let pretrained = DigitsNet(classes: 5, generator: Generator(seed: 1))
let sourceLoss = train(pretrained, parameters: pretrained.parameters(), on: source, epochs: 6, batchSize: 32,
                       frozenFeatures: false, generator: Generator(seed: 2))
let checkpoint = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-digits-0-4.pth").path
try pretrained.stateDict().save(pth: checkpoint)
let checkpointSize = (try FileManager.default.attributesOfItem(atPath: checkpoint)[.size] as? Int) ?? 0
write(String(format: "1. Pretrained on digits 0-4: final loss %.4f, saved to %@ (%d bytes, torch.load reads it)", sourceLoss, checkpoint, checkpointSize))

// 2. Transfer: load, freeze the features, new head, train the head only.
let checkpoints = [2, 5, 10, 30]
let transferred = DigitsNet(classes: 5, generator: Generator(seed: 3))
try transferred.loadStateDict(StateDict(loadingPTH: checkpoint))
for parameter in transferred.features.parameters() { parameter.requiresGrad = false }
transferred.classifier = Linear(64 * 4 * 4, 5, generator: Generator(seed: 4))
let trainable = transferred.parameters().filter(\.requiresGrad)
var transferAccuracy: [Int: Double] = [:]
train(transferred, parameters: trainable, on: fewShotData, epochs: checkpoints.last!, batchSize: 10,
      frozenFeatures: true, generator: Generator(seed: 5)) { epoch in
    if checkpoints.contains(epoch) { transferAccuracy[epoch] = accuracy(transferred, testInputs, testLabels) }
}
write("2. Transfer: loaded the checkpoint, froze the features, new classifier: \(trainable.reduce(0) { $0 + $1.numel }) of \(transferred.parameterCount) parameters trained")

// 3. From scratch: the same network (same initial weights) and examples, every parameter trained.
let scratch = DigitsNet(classes: 5, generator: Generator(seed: 3))
var scratchAccuracy: [Int: Double] = [:]
train(scratch, parameters: scratch.parameters(), on: fewShotData, epochs: checkpoints.last!, batchSize: 10,
      frozenFeatures: false, generator: Generator(seed: 5)) { epoch in
    if checkpoints.contains(epoch) { scratchAccuracy[epoch] = accuracy(scratch, testInputs, testLabels) }
}
write("3. From scratch: the same network and examples, all \(scratch.parameterCount) parameters trained\n")

write("Held-out accuracy on the \(heldOut.count) other images of digits 5-9, after \(shots) examples per class:")
write("  epochs (x \((fewShot.count + 9) / 10) steps)  " + checkpoints.map { String(format: "%7d", $0) }.joined())
write("  transfer learning   " + checkpoints.map { String(format: "%6.1f%%", 100 * transferAccuracy[$0]!) }.joined())
write("  from scratch        " + checkpoints.map { String(format: "%6.1f%%", 100 * scratchAccuracy[$0]!) }.joined())
write(String(format: "Total time: %.2f s", (clock.now - start) / .seconds(1)))
try? FileManager.default.removeItem(atPath: checkpoint)

// nabla-demo: trains a small MLP (or, with `--model cnn`, a convolutional network) on the
// bundled 8x8 digits and reports its test accuracy.
//
//     swift run -c release nabla-demo               # the MLP
//     swift run -c release nabla-demo --model cnn   # the CNN
//
// Everything random (the split, the initial weights, the batch order) comes from one
// seeded generator, so every run prints the same numbers.

import Foundation
import NablaNN

/// The network to train, from `--model mlp|cnn` (the MLP when absent).
enum ModelKind: String { case mlp, cnn }

func usage() -> Never {
    print("usage: nabla-demo [--model mlp|cnn]")
    exit(2)
}

var modelKind = ModelKind.mlp
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--model":
        guard let value = arguments.popFirst(), let kind = ModelKind(rawValue: value) else { usage() }
        modelKind = kind
    case "-h", "--help":
        print("nabla-demo: train a classifier on the bundled 8x8 digits (an MLP, or a CNN with --model cnn)")
        usage()
    default:
        usage()
    }
}

let seed: UInt64 = 2024
let epochs = modelKind == .mlp ? 20 : 15
let batchSize = 32
let hiddenUnits = 128

/// Writes to standard output at once, so that the progress bar's `\r` updates show.
func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Whether standard output is a terminal: only there does the progress bar redraw in
/// place; to a pipe or a file each epoch prints one line.
let interactive = isatty(STDOUT_FILENO) == 1

/// `[#####.....]` for `done` of `total`.
func progressBar(_ done: Int, of total: Int, width: Int = 24) -> String {
    let filled = total == 0 ? width : done * width / total
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
}

/// The share of rows of `logits` whose largest entry is at the label.
func correctCount(_ logits: Tensor, _ labels: Tensor) -> Int {
    Int((logits.argmax(dim: 1) .== labels).to(.int64).sum().item())
}

let clock = ContinuousClock()
let start = clock.now
let generator = Generator(seed: seed)

// The data: 1,797 images, pixels scaled from 0...16 to 0...1, split 80/20 after a
// seeded shuffle (one batch of everything from a shuffling loader).
let digits = try Digits.load()
// The MLP reads each image as 64 numbers; the CNN as a 1 x 8 x 8 picture.
let inputs = (digits.images / 16.0).reshape(modelKind == .mlp ? [-1, 64] : [-1, 1, 8, 8])
let everything = DataLoader(TensorDataset(inputs, digits.labels), batchSize: inputs.shape[0], shuffle: true, generator: generator)
var pass = everything.makeIterator()
let (shuffledInputs, shuffledLabels) = pass.next()!
let trainCount = shuffledInputs.shape[0] * 4 / 5
let testCount = shuffledInputs.shape[0] - trainCount
let train = TensorDataset(shuffledInputs.narrow(0, start: 0, length: trainCount), shuffledLabels.narrow(0, start: 0, length: trainCount))
let testInputs = shuffledInputs.narrow(0, start: trainCount, length: testCount)
let testLabels = shuffledLabels.narrow(0, start: trainCount, length: testCount)

let model: Sequential
switch modelKind {
case .mlp:
    model = Sequential {
        Linear(64, hiddenUnits, generator: generator)
        ReLU()
        Linear(hiddenUnits, 10, generator: generator)
    }
case .cnn:
    // Two 3x3 convolutions at 8x8, a 2x2 max pool, a third at 4x4, then a linear
    // classifier on the flattened 64 x 4 x 4 features.
    model = Sequential {
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
let lossFunction = CrossEntropyLoss()
let optimizer = Adam(model.parameters(), lr: 3e-3)
let loader = DataLoader(train, batchSize: batchSize, shuffle: true, generator: generator)

write("Digits: \(trainCount) training and \(testCount) test images of 8x8 pixels; model: \(modelKind.rawValue)" + "\n")
write("\(model)\n")
write("\(model.parameterCount) parameters; Adam, lr 3e-3, batch \(batchSize), \(epochs) epochs, seed \(seed)\n\n")

for epoch in 1...epochs {
    model.train()
    let epochStart = clock.now
    var lossSum = 0.0, correct = 0, seen = 0
    let label = "Epoch \(String(repeating: " ", count: String(epochs).count - String(epoch).count))\(epoch)/\(epochs)"
    for (step, (inputs, labels)) in loader.enumerated() {
        optimizer.zeroGrad()
        let logits = model(inputs)
        let loss = lossFunction(logits, labels)
        loss.backward()
        optimizer.step()
        let rows = inputs.shape[0]
        lossSum += loss.item() * Double(rows)
        correct += correctCount(logits, labels)
        seen += rows
        if interactive { write("\r\(label) \(progressBar(step + 1, of: loader.count)) \(step + 1)/\(loader.count)") }
    }
    let seconds = (clock.now - epochStart) / .seconds(1)
    let summary = String(format: "loss %.4f  train accuracy %5.1f%%  (%.0f ms)", lossSum / Double(seen), 100 * Double(correct) / Double(seen), seconds * 1000)
    write(interactive ? "\r\(label) \(progressBar(1, of: 1)) \(summary)\n" : "\(label) \(summary)\n")
}

model.eval()
let testCorrect = withNoGrad { correctCount(model(testInputs), testLabels) }
let elapsed = (clock.now - start) / .seconds(1)
write(String(format: "\nTest accuracy: %.1f%% (%d of %d held-out images)", 100 * Double(testCorrect) / Double(testCount), testCorrect, testCount) + "\n")
write(String(format: "Total time: %.2f s", elapsed) + "\n")

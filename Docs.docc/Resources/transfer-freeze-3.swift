import Nabla
import NablaNN

final class SmallNet: Module {
    let features = Sequential(
        Conv2d(1, 16, kernelSize: 3, padding: 1), BatchNorm2d(16), ReLU(), MaxPool2d(kernelSize: 2),
        Conv2d(16, 32, kernelSize: 3, padding: 1), BatchNorm2d(32), ReLU())
    var classifier = Linear(32 * 4 * 4, 5)

    override func forward(_ x: Tensor) -> Tensor {
        classifier(features(x).flatten(startDim: 1))
    }
}

func fit(_ model: SmallNet, _ parameters: [Tensor], _ data: TensorDataset<(Tensor, Tensor)>, epochs: Int, frozen: Bool = false) {
    let optimizer = Adam(parameters, lr: 3e-3)
    let loader = DataLoader(data, batchSize: 16, shuffle: true)
    for _ in 1...epochs {
        model.train()
        if frozen { model.features.eval() }
        for (x, y) in loader {
            optimizer.zeroGrad()
            CrossEntropyLoss()(model(x), y).backward()
            optimizer.step()
        }
    }
}

func accuracy(_ model: Module, _ inputs: Tensor, _ labels: Tensor) -> Double {
    model.eval()
    let correct = withNoGrad { (model(inputs).argmax(dim: 1) .== labels).sum().item(Int.self) }
    return (1000 * Double(correct) / Double(labels.numel)).rounded() / 10
}

func transferLearningOnDigits(in directory: String) throws {
    manualSeed(0)
    let (images, labels) = try Digits.load()
    let inputs = images.unsqueeze(1) / 16
    let low = (labels .< 5).nonzero().flatten()
    let fewShot = Tensor(Array(0..<5).flatMap { digit in
        (labels .== Double(digit + 5)).nonzero().flatten()[0..<5].toArray(Int64.self)
    })
    let heldOut = Tensor((labels .>= 5).nonzero().flatten().toArray(Int64.self).filter { !fewShot.toArray(Int64.self).contains($0) })
    let target = TensorDataset(inputs.indexSelect(dim: 0, index: fewShot), labels.indexSelect(dim: 0, index: fewShot) - 5)
    let testInputs = inputs.indexSelect(dim: 0, index: heldOut)
    let testLabels = labels.indexSelect(dim: 0, index: heldOut) - 5
    print(target.count, testLabels.numel)
    // 25 871
    let source = TensorDataset(inputs.indexSelect(dim: 0, index: low), labels.indexSelect(dim: 0, index: low))
    print(source.count)
    // 901

    let pretrained = SmallNet()
    fit(pretrained, pretrained.parameters(), source, epochs: 3)
    try pretrained.stateDict().save(pth: directory + "/digits-0-4.pth")

    let model = SmallNet()
    try model.loadStateDict(StateDict(loadingPTH: directory + "/digits-0-4.pth"))
    for parameter in model.features.parameters() { parameter.requiresGrad = false }
    model.classifier = Linear(32 * 4 * 4, 5)
    let trainable = model.parameters().filter(\.requiresGrad)
    print(trainable.map(\.shape), model.trainableParameterCount, "of", model.parameterCount)
    // [[5, 512], [5]] 2565 of 7461
    fit(model, trainable, target, epochs: 10, frozen: true)

    let scratch = SmallNet()
    fit(scratch, scratch.parameters(), target, epochs: 10)
    print("transfer:", accuracy(model, testInputs, testLabels), "scratch:", accuracy(scratch, testInputs, testLabels))
    // transfer: 87.5 scratch: 75.2
}

import Nabla
import NablaNN

func trainingAClassifier(in directory: String) throws {
    manualSeed(0)
    let (images, labels) = try Digits.load()
    let inputs = images.flatten(startDim: 1) / 16
    let train = TensorDataset(inputs[0..<1500], labels[0..<1500])
    let testInputs = inputs[1500...]
    let testLabels = labels[1500...]
    let loader = DataLoader(train, batchSize: 64, shuffle: true)

    let model = Sequential(
        Linear(64, 64),
        ReLU(),
        Dropout(p: 0.2),
        Linear(64, 10)
    )
    let criterion = CrossEntropyLoss()
    let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)

    for epoch in 1...10 {
        model.train()
        var totalLoss = 0.0
        for (x, y) in loader {
            optimizer.zeroGrad()
            let loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            totalLoss += loss.item()
        }
        if epoch % 2 == 0 {
            let meanLoss = totalLoss / Double(loader.count)
            print("epoch \(epoch): loss \((meanLoss * 1000).rounded() / 1000)")
            // epoch 2: loss 0.588
            // epoch 4: loss 0.227
            // epoch 6: loss 0.148
            // epoch 8: loss 0.122
            // epoch 10: loss 0.086
        }
    }

    model.eval()
    let predictions = withNoGrad { model(testInputs).argmax(dim: 1) }
    let correct = (predictions .== testLabels).sum().item(Int.self)
    print("accuracy: \(correct) of \(testLabels.numel)")
    // accuracy: 275 of 297

    let path = directory + "/digits.npz"
    try model.stateDict().save(npz: path)
    let restored = Sequential(Linear(64, 64), ReLU(), Dropout(p: 0.2), Linear(64, 10))
    try restored.loadStateDict(StateDict(loadingNPZ: path))
    restored.eval()
    let again = withNoGrad { restored(testInputs).argmax(dim: 1) }
    print((again .== predictions).all())
    // tensor(True)
}

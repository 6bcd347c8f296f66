import Nabla
import NablaNN

func trainingAConvolutionalNetwork() throws {
    manualSeed(0)
    let (images, labels) = try Digits.load()
    let inputs = images.unsqueeze(1) / 16
    print(inputs.shape)
    // [1797, 1, 8, 8]
    let train = TensorDataset(inputs[0..<1500], labels[0..<1500])
    let testInputs = inputs[1500...]
    let testLabels = labels[1500...]
    let loader = DataLoader(train, batchSize: 64, shuffle: true)

    let model = Sequential(
        Conv2d(1, 8, kernelSize: 3, padding: 1),
        BatchNorm2d(8),
        ReLU(),
        MaxPool2d(kernelSize: 2),
        Conv2d(8, 16, kernelSize: 3, padding: 1),
        BatchNorm2d(16),
        ReLU(),
        AdaptiveAvgPool2d(outputSize: 2),
        Flatten(),
        Linear(64, 10)
    )
    let criterion = CrossEntropyLoss()
    let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)

    for epoch in 1...5 {
        model.train()
        var totalLoss = 0.0
        for (x, y) in loader {
            optimizer.zeroGrad()
            let loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            totalLoss += loss.item()
        }
        let meanLoss = totalLoss / Double(loader.count)
        print("epoch \(epoch): loss \((meanLoss * 1000).rounded() / 1000)")
        // epoch 1: loss 1.395
        // epoch 2: loss 0.197
        // epoch 3: loss 0.107
        // epoch 4: loss 0.062
        // epoch 5: loss 0.045
    }

    model.eval()
    let predictions = withNoGrad { model(testInputs).argmax(dim: 1) }
    let correct = (predictions .== testLabels).sum().item(Int.self)
    print("accuracy: \(correct) of \(testLabels.numel)")
    // accuracy: 280 of 297
}

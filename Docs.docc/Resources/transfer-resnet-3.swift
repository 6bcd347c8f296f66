import NablaVision

func fineTuningResNet18(weights: String, images: String) throws {
    let model = resnet18()
    try model.loadStateDict(StateDict(loadingPTH: weights))
    print(model.fc)
    // Linear(in_features=512, out_features=1000, bias=True)

    for parameter in model.parameters() { parameter.requiresGrad = false }
    model.fc = Linear(512, 2)
    print(model.trainableParameterCount, "of", model.parameterCount)
    // 1026 of 11177538

    let transform = Compose([
        Resize(256), CenterCrop(224), ToTensor(),
        Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
    ])
    let dataset = try ImageFolder(root: images, transform: transform)
    print(dataset.classes)
    // ["ants", "bees"]
    let loader = DataLoader(dataset, batchSize: 4, shuffle: true)
    let optimizer = SGD(model.fc.parameters(), lr: 0.001, momentum: 0.9)
    let criterion = CrossEntropyLoss()

    for epoch in 1...5 {
        model.train()
        for (x, y) in loader {
            optimizer.zeroGrad()
            let loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        }
        print("epoch \(epoch) done")
        // epoch 1 done
        // epoch 2 done
        // epoch 3 done
        // epoch 4 done
        // epoch 5 done
    }
    try model.stateDict().save(pth: "resnet18-ants-bees.pth")
}

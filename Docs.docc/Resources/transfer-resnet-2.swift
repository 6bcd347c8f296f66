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
}

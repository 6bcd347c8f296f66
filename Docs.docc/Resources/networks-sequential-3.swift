import Nabla
import NablaNN

func stackingLayers() {
    manualSeed(0)
    let model = Sequential(
        Linear(64, 32),
        ReLU(),
        Linear(32, 10),
        Softmax(dim: 1)
    )
    print(model)
    // Sequential(
    //   (0): Linear(in_features=64, out_features=32, bias=True)
    //   (1): ReLU()
    //   (2): Linear(in_features=32, out_features=10, bias=True)
    //   (3): Softmax(dim=1)
    // )

    for (name, parameter) in model.namedParameters() {
        print(name, parameter.shape)
        // 0.weight [32, 64]
        // 0.bias [32]
        // 2.weight [10, 32]
        // 2.bias [10]
    }
    print(model.parameterCount)
    // 2410

    let images = Tensor.rand(3, 64)
    let probabilities = model(images)
    print(probabilities.shape)
    // [3, 10]
    print((probabilities.sum(dim: 1) - 1.0).abs() .< 1e-6)
    // tensor([True, True, True])
}

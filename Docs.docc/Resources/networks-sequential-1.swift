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
}

import Nabla
import NablaNN

func linearLayers() {
    manualSeed(0)
    let layer = Linear(9, 4)
    print(layer)
    // Linear(in_features=9, out_features=4, bias=True)

    print(layer.weight.shape, layer.bias!.shape)
    // [4, 9] [4]
    print(layer.parameterCount)
    // 40
}

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

    let inputs = Tensor.randn(2, 9)
    let outputs = layer(inputs)
    print(outputs.shape)
    // [2, 4]
    let byHand = inputs.matmul(layer.weight.T) + layer.bias!
    print((outputs - byHand).abs().max() .< 1e-6)
    // tensor(True)
}

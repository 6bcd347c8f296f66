import Nabla

func activation(_ x: Tensor) -> Tensor {
    1 / (1 + (-x).exp())
}

func neuronWithSum() {
    manualSeed(7)
    let features = Tensor.randn(1, 5)
    let weights = features.randnLike()
    let bias = Tensor.randn(1, 1)
    print(features)
    // tensor([[-0.1468,  0.7861,  0.9468, -1.1143,  1.6908]])
    print(weights)
    // tensor([[-0.8948, -0.3556,  1.2324,  0.1382, -1.6822]])
    print(bias)
    // tensor([[0.3177]])

    let weightedSum = (features * weights).sum() + bias
    print(weightedSum)
    // tensor([[-1.6619]])
    let output = activation(weightedSum)
    print(output)
    // tensor([[0.1595]])

    print(weightedSum.sigmoid())
    // tensor([[0.1595]])
}

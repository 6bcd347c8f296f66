import Nabla

func neuronWithMatmul() {
    manualSeed(7)
    let features = Tensor.randn(1, 5)
    let weights = features.randnLike()
    let bias = Tensor.randn(1, 1)
    print(features.shape, weights.shape)
    // [1, 5] [1, 5]

    let output = (features.matmul(weights.T) + bias).sigmoid()
    print(output)
    // tensor([[0.1595]])
}

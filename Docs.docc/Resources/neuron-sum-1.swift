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
    // tensor([[-0.2790,  1.5277,  1.8998, -0.2267,  2.1363]])
    print(weights)
    // tensor([[ 0.2805,  0.2160,  0.5883,  0.8294, -0.1420]])
    print(bias)
    // tensor([[1.7325]])
}

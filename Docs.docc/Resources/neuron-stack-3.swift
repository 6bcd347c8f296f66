import Nabla

func stackingNeurons() {
    manualSeed(7)
    let features = Tensor.randn(1, 3)
    let inputCount = features.size(1)
    let hiddenCount = 2
    let outputCount = 1

    let w1 = Tensor.randn(inputCount, hiddenCount)
    let w2 = Tensor.randn(hiddenCount, outputCount)
    let b1 = Tensor.randn(1, hiddenCount)
    let b2 = Tensor.randn(1, outputCount)

    let hidden = (features.matmul(w1) + b1).sigmoid()
    print(hidden)
    // tensor([[0.6813, 0.4355]])
    let output = (hidden.matmul(w2) + b2).sigmoid()
    print(output)
    // tensor([[0.3171]])
}

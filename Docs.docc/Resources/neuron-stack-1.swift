import Nabla

func stackingNeurons() {
    manualSeed(7)
    let features = Tensor.randn(1, 3)
    let inputCount = features.size(1)
    let hiddenCount = 2
    let outputCount = 1
}

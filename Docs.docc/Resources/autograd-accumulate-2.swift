import Nabla

func accumulatingGradients() {
    let w = Tensor([1.0, -1.0], requiresGrad: true)
    let loss = (w * 3).sum()
    loss.backward(retainGraph: true)
    loss.backward()
    print(w.grad!)
    // tensor([6., 6.])

    w.zeroGrad()
    print(w.grad == nil)
    // true
    (w * 3).sum().backward()
    print(w.grad!)
    // tensor([3., 3.])
}

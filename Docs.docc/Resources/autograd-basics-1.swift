import Nabla

func computingGradients() {
    let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    print(x)
    // tensor([1., 2., 3.], requires_grad=True)
    let y = (x * x).sum()
    print(y)
    // tensor(14., grad_fn=<SumBackward1>)
}

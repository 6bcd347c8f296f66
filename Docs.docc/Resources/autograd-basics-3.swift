import Nabla

func computingGradients() {
    let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    print(x)
    // tensor([1., 2., 3.], requires_grad=True)
    let y = (x * x).sum()
    print(y)
    // tensor(14., grad_fn=<SumBackward1>)

    y.backward()
    print(x.grad!)
    // tensor([2., 4., 6.])

    let z = x.exp().mean()
    z.backward()
    print(x.grad!)
    // tensor([ 2.9061,  6.4630, 12.6952])
}

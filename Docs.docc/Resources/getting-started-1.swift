import Nabla

func firstProgram() {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
    let y = x.matmul(x.T).sum()
    print(y)
    // tensor(52., grad_fn=<SumBackward1>)
    y.backward()
    print(x.grad!)
    // tensor([[ 8., 12.],
    //         [ 8., 12.]])
}

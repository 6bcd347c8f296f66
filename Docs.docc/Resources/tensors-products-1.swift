import Nabla

func products() {
    let a = Tensor([[1.0, 2.0], [3.0, 4.0]])
    let b = Tensor([[10.0, 20.0], [30.0, 40.0]])
    print(a * b)
    // tensor([[ 10.,  40.],
    //         [ 90., 160.]])
    print(a.matmul(b))
    // tensor([[ 70., 100.],
    //         [150., 220.]])
}

import Nabla

func resizingInPlace() {
    let t = Tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    t.resize(2, 2)
    print(t)
    // tensor([[1., 2.],
    //         [3., 4.]])
}

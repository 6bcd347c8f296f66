import Nabla

func arithmeticAndBroadcasting() {
    let a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    let b = Tensor([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    print(a + b)
    // tensor([[11., 22., 33.],
    //         [44., 55., 66.]])
    print(b / a)
    // tensor([[10., 10., 10.],
    //         [10., 10., 10.]])
    print(a * 2 - 1)
    // tensor([[ 1.,  3.,  5.],
    //         [ 7.,  9., 11.]])

    let row = Tensor([100.0, 200.0, 300.0])
    print(a + row)
    // tensor([[101., 202., 303.],
    //         [104., 205., 306.]])
}

import Nabla

func creatingTensors() {
    let data = Tensor([[1, 2, 3], [4, 5, 6]])
    print(data)
    // tensor([[1, 2, 3],
    //         [4, 5, 6]])
    print(data.shape, data.dtype)
    // [2, 3] int64
}

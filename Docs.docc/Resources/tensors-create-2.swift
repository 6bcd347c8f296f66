import Nabla

func creatingTensors() {
    let data = Tensor([[1, 2, 3], [4, 5, 6]])
    print(data)
    // tensor([[1, 2, 3],
    //         [4, 5, 6]])
    print(data.shape, data.dtype)
    // [2, 3] int64

    let measurements = Tensor([[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]])
    print(measurements.dtype)
    // float32
    let precise = Tensor([0.1, 0.2], dtype: .float64)
    print(precise)
    // tensor([0.1000, 0.2000], dtype=float64)
}

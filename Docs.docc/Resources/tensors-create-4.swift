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

    print(Tensor.zeros(2, 3))
    // tensor([[0., 0., 0.],
    //         [0., 0., 0.]])
    print(data.onesLike(dtype: .float32))
    // tensor([[1., 1., 1.],
    //         [1., 1., 1.]])

    manualSeed(42)
    let noise = Tensor.rand(2, 3)
    print(noise)
    // tensor([[0.8823, 0.9150, 0.3829],
    //         [0.9593, 0.3904, 0.6009]])
    let gaussian = Tensor.randn(2, 3)
    print(gaussian)
    // tensor([[ 1.1561,  0.3965, -2.4661],
    //         [ 0.3623,  0.3765, -0.1808]])

    manualSeed(42)
    let again = Tensor.rand(2, 3)
    print((again .== noise).all())
    // tensor(True)
}

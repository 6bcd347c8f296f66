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
    // tensor([[0.0839, 0.3790, 0.6800],
    //         [0.9247, 0.9918, 0.7697]])
    let gaussian = Tensor.randn(2, 3)
    print(gaussian)
    // tensor([[ 0.9370, -1.2895, -1.4660],
    //         [-0.8466, -0.3829,  1.4655]])

    manualSeed(42)
    let again = Tensor.rand(2, 3)
    print((again .== noise).all())
    // tensor(True)
}

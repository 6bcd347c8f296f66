import Nabla

func poolingFeatureMaps() {
    let map = Tensor([
        [1.0, 3.0, 2.0, 0.0],
        [4.0, 2.0, 1.0, 1.0],
        [0.0, 1.0, 5.0, 6.0],
        [2.0, 2.0, 7.0, 8.0],
    ]).view(1, 1, 4, 4)
    print(map.maxPool2d(kernelSize: 2))
    // tensor([[[[4., 2.],
    //           [2., 8.]]]])
    print(map.avgPool2d(kernelSize: 2))
    // tensor([[[[2.5000, 1.0000],
    //           [1.2500, 6.5000]]]])
    print(map.adaptiveAvgPool2d(outputSize: 1))
    // tensor([[[[2.8125]]]])

    manualSeed(0)
    var x = Tensor.randn(2, 1, 8, 8)
    x = x.conv2d(weight: Tensor.randn(8, 1, 3, 3), padding: 1).relu()
    print(x.shape)
    // [2, 8, 8, 8]
    x = x.maxPool2d(kernelSize: 2)
    print(x.shape)
    // [2, 8, 4, 4]
    x = x.conv2d(weight: Tensor.randn(16, 8, 3, 3), padding: 1).relu()
    print(x.shape)
    // [2, 16, 4, 4]
    x = x.adaptiveAvgPool2d(outputSize: 2)
    print(x.shape)
    // [2, 16, 2, 2]
    print(x.flatten(startDim: 1).shape)
    // [2, 64]
}

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
}

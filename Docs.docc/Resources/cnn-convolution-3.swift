import Nabla

func convolvingAnImage() {
    let image = Tensor([
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        [0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
    ]).view(1, 1, 6, 6)
    let kernel = Tensor([
        [-1.0, 0.0, 1.0],
        [-1.0, 0.0, 1.0],
        [-1.0, 0.0, 1.0],
    ]).view(1, 1, 3, 3)
    let edges = image.conv2d(weight: kernel)
    print(edges.shape)
    // [1, 1, 4, 4]
    print(edges[0, 0])
    // tensor([[0., 3., 3., 0.],
    //         [0., 3., 3., 0.],
    //         [0., 3., 3., 0.],
    //         [0., 3., 3., 0.]])

    print(image.conv2d(weight: kernel, padding: 1).shape)
    // [1, 1, 6, 6]
    print(image.conv2d(weight: kernel, stride: 2).shape)
    // [1, 1, 2, 2]
    print(image.conv2d(weight: kernel, padding: .same).shape)
    // [1, 1, 6, 6]
    print(image.conv2d(weight: kernel, padding: 1)[0, 0])
    // tensor([[ 0.,  0.,  2.,  2.,  0., -2.],
    //         [ 0.,  0.,  3.,  3.,  0., -3.],
    //         [ 0.,  0.,  3.,  3.,  0., -3.],
    //         [ 0.,  0.,  3.,  3.,  0., -3.],
    //         [ 0.,  0.,  3.,  3.,  0., -3.],
    //         [ 0.,  0.,  2.,  2.,  0., -2.]])

    let horizontal = kernel.transpose(2, 3)
    let filters = Tensor.cat([kernel, horizontal], dim: 0)
    print(filters.shape)
    // [2, 1, 3, 3]
    let maps = image.conv2d(weight: filters, bias: Tensor([0.0, 0.5]))
    print(maps.shape)
    // [1, 2, 4, 4]
    print(maps[0, 1])
    // tensor([[0.5000, 0.5000, 0.5000, 0.5000],
    //         [0.5000, 0.5000, 0.5000, 0.5000],
    //         [0.5000, 0.5000, 0.5000, 0.5000],
    //         [0.5000, 0.5000, 0.5000, 0.5000]])
}

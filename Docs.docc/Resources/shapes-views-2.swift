import Nabla

func viewsShareMemory() {
    let x = Tensor.arange(6)
    print(x)
    // tensor([0, 1, 2, 3, 4, 5])
    let grid = x.view(2, 3)
    print(grid)
    // tensor([[0, 1, 2],
    //         [3, 4, 5]])
    print(grid.shape, grid.strides)
    // [2, 3] [3, 1]

    print(x.view(3, -1).shape)
    // [3, 2]
    print(x.view(-1).shape)
    // [6]
}

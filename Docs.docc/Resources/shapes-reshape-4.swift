import Nabla

func reshapeMayCopy() {
    let matrix = Tensor.arange(6).view(2, 3)
    let transposed = matrix.T
    print(transposed.isContiguous, transposed.strides)
    // false [1, 3]

    let flat = transposed.reshape(-1)
    print(flat)
    // tensor([0, 3, 1, 4, 2, 5])
    flat[0] = Tensor(-1)
    print(matrix[0, 0])
    // tensor(0)

    let rows = matrix.reshape(3, 2)
    rows[0, 0] = Tensor(-1)
    print(matrix[0, 0])
    // tensor(-1)

    let images = Tensor.zeros(2, 4, 4)
    print(images.flatten(startDim: 1).shape)
    // [2, 16]
    print(images.flatten().shape)
    // [32]
    let copy = matrix.clone()
    copy.fill(0)
    print(matrix.sum())
    // tensor(14)
}

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
}

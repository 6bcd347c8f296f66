import Nabla

func reshapeMayCopy() {
    let matrix = Tensor.arange(6).view(2, 3)
    let transposed = matrix.T
    print(transposed.isContiguous, transposed.strides)
    // false [1, 3]
}

import Nabla

func viewingATranspose() {
    let transposed = Tensor.arange(6).view(2, 3).T
    print(transposed.view(6))
    // view: shape [6] is incompatible with the input's shape [3, 2] and strides [1, 3]:
    // at least one dimension spans across two contiguous subspaces; use reshape(_:) instead
}

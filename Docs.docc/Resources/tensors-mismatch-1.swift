import Nabla

func addingMismatchedShapes() {
    let a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    let pair = Tensor([1.0, 2.0])
    print(a + pair)
    // add: shapes [2, 3] and [2] cannot be broadcast together (size 3 vs 2 at dim 1)
}

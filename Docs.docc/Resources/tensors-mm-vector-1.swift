import Nabla

func multiplyingAMatrixAndAVectorWithMM() {
    let a = Tensor([[1.0, 2.0], [3.0, 4.0]])
    let v = Tensor([1.0, 1.0])
    print(a.mm(v))
    // mm: expects two 2-d tensors, got shapes [2, 2] and [2]
}

import Nabla

func multiplyingMismatchedMatrices() {
    manualSeed(7)
    let features = Tensor.randn(1, 5)
    let weights = features.randnLike()
    print(features.matmul(weights))
    // matmul: shapes [1, 5] and [1, 5] cannot be multiplied (5 != 1)
}

import Nabla

func savingAndLoading(in directory: String) throws {
    manualSeed(3)
    let weights = Tensor.randn(3, 4)
    let path = directory + "/weights.npy"
    try weights.save(npy: path)

    let loaded = try Tensor.load(npy: path)
    print(loaded.shape, loaded.dtype)
    // [3, 4] float32
    print((loaded .== weights).all())
    // tensor(True)
}

import Nabla

func sharingAFile(in directory: String) throws {
    let path = directory + "/counts.npy"
    try Tensor.zeros([2, 3], dtype: .int64).save(npy: path)
    let mapped = try Tensor(mappingNPY: path, mode: .readWrite)

    mapped[0, 1] = Tensor(7)
    try mapped.flush()
    print(try Tensor.load(npy: path))
    // tensor([[0, 7, 0],
    //         [0, 0, 0]])

    let other = try Tensor(mappingNPY: path, mode: .readWrite)
    other[1, 2] = Tensor(9)
    print(mapped)
    // tensor([[0, 7, 0],
    //         [0, 0, 9]])
}

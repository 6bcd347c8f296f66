import Nabla

func readingFromPython(in directory: String) throws {
    let scaled = try Tensor.load(npy: directory + "/scaled.npy")
    print(scaled)
    // tensor([[ 0., 10., 20.],
    //         [30., 40., 50.]])
    let features = try Tensor(mappingNPY: directory + "/features.npy")
    print(features)
    // tensor([[42.,  1.,  2.],
    //         [ 3.,  4.,  5.]])
}

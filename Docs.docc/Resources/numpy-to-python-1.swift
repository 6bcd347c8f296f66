import Nabla

func sendingToPython(in directory: String) throws {
    let features = Tensor.arange(6, dtype: .float32).view(2, 3)
    try features.save(npy: directory + "/features.npy")
    print(features)
    // tensor([[0., 1., 2.],
    //         [3., 4., 5.]])
}

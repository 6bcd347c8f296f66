import Nabla
import NablaNN

func savingAndLoadingCheckpoints(in directory: String) throws {
    manualSeed(0)
    let model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
    let path = directory + "/model.pth"
    try model.stateDict().save(pth: path)

    let stateDict = try StateDict(loadingPTH: path)
    print(stateDict.names)
    // ["0.weight", "0.bias", "2.weight", "2.bias"]

    let copy = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
    try copy.loadStateDict(stateDict)
    let x = Tensor.randn(5, 4)
    print((copy(x) - model(x)).abs().max().item(Double.self))
    // 0.0

    let wider = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
    do {
        try wider.loadStateDict(stateDict)
    } catch {
        print(error)
        // the state dict does not match the model:
        //   size mismatch for 0.weight: the model has shape [8, 4], the state dict [3, 4]
        //   size mismatch for 0.bias: the model has shape [8], the state dict [3]
        //   size mismatch for 2.weight: the model has shape [2, 8], the state dict [2, 3]
    }
}

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
}

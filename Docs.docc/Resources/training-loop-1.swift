import Nabla
import NablaNN

func trainingAClassifier(in directory: String) throws {
    manualSeed(0)
    let (images, labels) = try Digits.load()
    let inputs = images.flatten(startDim: 1) / 16
    let train = TensorDataset(inputs[0..<1500], labels[0..<1500])
    let testInputs = inputs[1500...]
    let testLabels = labels[1500...]
    let loader = DataLoader(train, batchSize: 64, shuffle: true)

    let model = Sequential(
        Linear(64, 64),
        ReLU(),
        Dropout(p: 0.2),
        Linear(64, 10)
    )
    let criterion = CrossEntropyLoss()
    let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
}

import Nabla
import NablaNN

func trainingAConvolutionalNetwork() throws {
    manualSeed(0)
    let (images, labels) = try Digits.load()
    let inputs = images.unsqueeze(1) / 16
    print(inputs.shape)
    // [1797, 1, 8, 8]
    let train = TensorDataset(inputs[0..<1500], labels[0..<1500])
    let testInputs = inputs[1500...]
    let testLabels = labels[1500...]
    let loader = DataLoader(train, batchSize: 64, shuffle: true)
}

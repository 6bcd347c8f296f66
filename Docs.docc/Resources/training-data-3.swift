import Nabla
import NablaNN

func loadingTheDigits() throws {
    let (images, labels) = try Digits.load()
    print(images.shape, labels.shape)
    // [1797, 8, 8] [1797]
    print(labels[0..<10])
    // tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])

    let inputs = images.flatten(startDim: 1) / 16
    print(inputs.shape, inputs.max())
    // [1797, 64] tensor(1.)

    manualSeed(0)
    let train = TensorDataset(inputs[0..<1500], labels[0..<1500])
    let loader = DataLoader(train, batchSize: 64, shuffle: true)
    print(loader.count)
    // 24
    for (x, y) in loader.prefix(1) {
        print(x.shape, y.shape)
        // [64, 64] [64]
    }
}

import Nabla
import NablaNN

func buildingAConvolutionalNetwork() {
    manualSeed(0)
    let model = Sequential(
        Conv2d(1, 8, kernelSize: 3, padding: 1),
        BatchNorm2d(8),
        ReLU(),
        MaxPool2d(kernelSize: 2),
        Conv2d(8, 16, kernelSize: 3, padding: 1),
        BatchNorm2d(16),
        ReLU(),
        AdaptiveAvgPool2d(outputSize: 2),
        Flatten(),
        Linear(64, 10)
    )
    print(model)
    // Sequential(
    //   (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    //   (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    //   (2): ReLU()
    //   (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    //   (4): Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    //   (5): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    //   (6): ReLU()
    //   (7): AdaptiveAvgPool2d(output_size=2)
    //   (8): Flatten(start_dim=1, end_dim=-1)
    //   (9): Linear(in_features=64, out_features=10, bias=True)
    // )

    for (name, parameter) in model.namedParameters() {
        print(name, parameter.shape)
        // 0.weight [8, 1, 3, 3]
        // 0.bias [8]
        // 1.weight [8]
        // 1.bias [8]
        // 4.weight [16, 8, 3, 3]
        // 4.bias [16]
        // 5.weight [16]
        // 5.bias [16]
        // 9.weight [10, 64]
        // 9.bias [10]
    }
    print(model.parameterCount)
    // 1946

    for (name, buffer) in model.namedBuffers() {
        print(name, buffer.shape)
        // 1.running_mean [8]
        // 1.running_var [8]
        // 1.num_batches_tracked []
        // 5.running_mean [16]
        // 5.running_var [16]
        // 5.num_batches_tracked []
    }

    let images = Tensor.randn(4, 1, 8, 8)
    print(model(images).shape)
    // [4, 10]
}

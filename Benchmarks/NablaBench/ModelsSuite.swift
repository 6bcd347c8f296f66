import Nabla
import NablaKernels
import NablaVision

/// One whole-model case: torchvision architectures at ImageNet's 224 x 224 in evaluation
/// mode, and one ResNet-18 training step; the same cases `Benchmarks/compare.py` runs in
/// PyTorch with torchvision's models.
struct ModelCase: Sendable {
    var name: String
    var model: String
    var batch: Int
    var size: Int
    var training = false

    static let all = [
        ModelCase(name: "resnet18-b1", model: "resnet18", batch: 1, size: 224),
        ModelCase(name: "resnet18-b8", model: "resnet18", batch: 8, size: 224),
        ModelCase(name: "resnet50-b1", model: "resnet50", batch: 1, size: 224),
        ModelCase(name: "mobilenet_v2-b1", model: "mobilenet_v2", batch: 1, size: 224),
        ModelCase(name: "resnet18-train-b16-64", model: "resnet18", batch: 16, size: 64, training: true),
    ]

    func build(generator: Generator) -> Module {
        switch model {
        case "resnet18": resnet18(generator: generator)
        case "resnet50": resnet50(generator: generator)
        default: mobilenetV2(generator: generator)
        }
    }
}

extension Suite {
    /// Whole models: inference (eval mode, no gradients) and a training step (forward,
    /// cross-entropy, backward, SGD with momentum), in milliseconds per step.
    static let models = Suite(
        name: "models",
        description: "ResNet-18/50 and MobileNetV2 inference at 224x224, a ResNet-18 training step (ms/step)"
    ) { options, reporter in
        let generator = Generator(seed: 5)
        for modelCase in ModelCase.all where options.wants(modelCase.name) {
            reporter.progress("models \(modelCase.name)")
            let model = modelCase.build(generator: generator)
            let x = Tensor.randn([modelCase.batch, 3, modelCase.size, modelCase.size], generator: generator)
            let seconds: Double
            if modelCase.training {
                model.train()
                let y = Tensor.randint(0, 1000, [modelCase.batch], generator: generator)
                let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
                let loss = CrossEntropyLoss()
                seconds = medianTime(repeats: options.repeats) {
                    optimizer.zeroGrad()
                    loss(model(x), y).backward()
                    optimizer.step()
                }
            } else {
                model.eval()
                seconds = medianTime(repeats: options.repeats) { _ = withNoGrad { model(x) } }
            }
            reporter.report(Measurement(
                suite: "models", name: modelCase.name, dtype: "float32", m: modelCase.batch, n: modelCase.size,
                threads: options.threads, isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0,
                isStep: true))
        }
    }
}

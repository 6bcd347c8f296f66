import NablaKernels
import NablaNN

/// One MLP training step of the suite: 784-`hidden`-10 with a ReLU, batch `batch`, float32.
struct MLPCase {
    var hidden: Int
    var batch: Int

    /// The two shapes the project is measured by: 784-256-10 at batch 64, and a wider
    /// layer at a larger batch where the GEMMs dominate.
    static let all = [MLPCase(hidden: 256, batch: 64), MLPCase(hidden: 512, batch: 256)]

    /// Floating-point operations of the step's three products per layer (forward, input
    /// gradient, weight gradient), which dominate its cost.
    var flops: Double { 6 * Double(batch) * Double(784 * hidden + hidden * 10) }
}

extension Suite {
    /// One training step (zeroGrad, forward, cross-entropy, backward, optimizer step) of
    /// a 784-h-10 MLP, with SGD (momentum 0.9) and Adam, as PyTorch's
    /// `opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()` does.
    static let mlp = Suite(
        name: "mlp",
        description: "one MLP training step, 784-256-10 batch 64 and 784-512-10 batch 256, SGD and Adam (median)"
    ) { options, reporter in
        for mlpCase in MLPCase.all {
            for optimizerName in ["sgd", "adam"] {
                let name = "784-\(mlpCase.hidden)-10-b\(mlpCase.batch)-\(optimizerName)"
                guard options.wants(name) else { continue }
                reporter.progress("mlp \(name)")
                let generator = Generator(seed: 1)
                let model = Sequential(Linear(784, mlpCase.hidden, generator: generator), ReLU(), Linear(mlpCase.hidden, 10, generator: generator))
                let x = Tensor.randn([mlpCase.batch, 784], generator: generator)
                let y = Tensor.randint(0, 10, [mlpCase.batch], generator: generator)
                let optimizer: any Optimizer =
                    optimizerName == "sgd" ? SGD(model.parameters(), lr: 0.01, momentum: 0.9) : Adam(model.parameters(), lr: 1e-3)
                let lossFunction = CrossEntropyLoss()
                let seconds = medianTime(repeats: max(options.repeats, 20)) {
                    optimizer.zeroGrad()
                    lossFunction(model(x), y).backward()
                    optimizer.step()
                }
                reporter.report(
                    Measurement(
                        suite: "mlp", name: name, dtype: "float32",
                        m: mlpCase.batch, n: mlpCase.hidden, k: 784, threads: options.threads,
                        isa: NablaKernels.isa.description, medianSeconds: seconds,
                        gflops: mlpCase.flops / seconds / 1e9))
            }
        }
    }
}

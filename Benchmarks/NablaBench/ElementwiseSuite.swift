import Nabla
import NablaKernels

/// The element-wise workloads: 4M float32 elements (a 2048 x 2048 matrix), contiguous and
/// read through a transposed view, the same cases `Benchmarks/compare.py` runs in NumPy and
/// PyTorch.
enum ElementwiseWorkload {
    static let side = 2048
    static let count = side * side

    /// (name, input count, body) for each operation; inputs are [2048, 2048] float32.
    static let operations: [(name: String, inputs: Int, run: @Sendable (Tensor, Tensor) -> Tensor)] = [
        ("add", 2, { $0 + $1 }), ("mul", 2, { $0 * $1 }), ("relu", 1, { a, _ in a.relu() }),
        ("exp", 1, { a, _ in a.exp() }), ("tanh", 1, { a, _ in a.tanh() }), ("sigmoid", 1, { a, _ in a.sigmoid() }),
        ("abs", 1, { a, _ in a.abs() }), ("round", 1, { a, _ in a.round() }), ("leakyRelu", 1, { a, _ in a.leakyRelu() }),
        ("where", 2, { a, b in Tensor.where(a .> 0.0, a, b) }),
    ]
}

extension Suite {
    /// GB/s of element-wise operations on 4M float32, contiguous and transposed.
    static let elementwise = Suite(
        name: "elementwise",
        description: "add, mul, relu, exp, tanh, sigmoid, abs, round, leakyRelu, where on 4M float32, contiguous and transposed (GB/s)"
    ) { options, reporter in
        let generator = Generator(seed: 1)
        let a = Tensor.randn([ElementwiseWorkload.side, ElementwiseWorkload.side], generator: generator)
        let b = Tensor.randn([ElementwiseWorkload.side, ElementwiseWorkload.side], generator: generator)
        for layout in ["contiguous", "transposed"] {
            let (x, y) = layout == "contiguous" ? (a, b) : (a.T, b.T)
            for operation in ElementwiseWorkload.operations where options.wants("\(operation.name)-\(layout)") {
                reporter.progress("elementwise \(operation.name) \(layout)")
                let seconds = medianTime(repeats: options.repeats) { _ = operation.run(x, y) }
                let bytes = Double((operation.inputs + 1) * 4 * ElementwiseWorkload.count)
                reporter.report(Measurement(
                    suite: "elementwise", name: "\(operation.name)-\(layout)", dtype: "float32",
                    m: ElementwiseWorkload.side, n: ElementwiseWorkload.side, threads: options.threads,
                    isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0, gbps: bytes / seconds / 1e9))
            }
        }
    }

    /// GB/s of reductions: sum and max of 4M float32, softmax of 1024 x 4096 along the last dim.
    static let reduce = Suite(
        name: "reduce",
        description: "sum and max of 4M float32, softmax over 1024 x 4096 along the last dim (GB/s)"
    ) { options, reporter in
        let generator = Generator(seed: 2)
        let flat = Tensor.randn([ElementwiseWorkload.count], generator: generator)
        let logits = Tensor.randn([1024, 4096], generator: generator)
        let cases: [(name: String, m: Int, n: Int, bytes: Int, run: () -> Tensor)] = [
            ("sum", 1, ElementwiseWorkload.count, 4 * ElementwiseWorkload.count, { flat.sum() }),
            ("max", 1, ElementwiseWorkload.count, 4 * ElementwiseWorkload.count, { flat.max() }),
            ("softmax", 1024, 4096, 8 * 1024 * 4096, { logits.softmax(dim: -1) }),
        ]
        for reduction in cases where options.wants(reduction.name) {
            reporter.progress("reduce \(reduction.name)")
            let seconds = medianTime(repeats: options.repeats) { _ = reduction.run() }
            reporter.report(Measurement(
                suite: "reduce", name: reduction.name, dtype: "float32", m: reduction.m, n: reduction.n,
                threads: options.threads, isa: NablaKernels.isa.description, medianSeconds: seconds,
                gflops: 0, gbps: Double(reduction.bytes) / seconds / 1e9))
        }
    }

    /// Autograd overhead: forward and backward through a chain of 200 operations on
    /// 4-element tensors, reported per operation.
    static let autograd = Suite(
        name: "autograd",
        description: "forward+backward of a chain of 200 tiny ops (4 elements), microseconds per op"
    ) { options, reporter in
        let generator = Generator(seed: 3)
        let x = Tensor.randn([4], generator: generator, requiresGrad: true)
        let c = Tensor.randn([4], generator: generator)
        let length = 200
        guard options.wants("chain-200") else { return }
        reporter.progress("autograd chain-200")
        let seconds = medianTime(repeats: max(options.repeats, 20)) {
            var y = x
            for i in 0..<length {
                switch i % 4 {
                case 0: y = y * c
                case 1: y = y.tanh()
                case 2: y = y + c
                default: y = y.sigmoid()
                }
            }
            y.sum().backward()
            x.zeroGrad()
        }
        reporter.report(Measurement(
            suite: "autograd", name: "chain-200", dtype: "float32", m: 4, threads: options.threads,
            isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0,
            microsecondsPerOp: seconds / Double(length) * 1e6))
    }
}

import Nabla
import NablaKernels

/// The element-wise workloads: 4M elements (a 2048 x 2048 matrix), contiguous and read
/// through a transposed view, the same cases `Benchmarks/compare.py` runs in NumPy and
/// PyTorch. Most are float32; `addInt64`, `greater` and `castHalf` cover the other dtypes.
enum ElementwiseWorkload {
    static let side = 2048
    static let count = side * side

    /// One element-wise operation: its name, the dtype of its inputs, the bytes it reads
    /// and writes per element, and its body on two [2048, 2048] inputs of that dtype.
    struct Operation: Sendable {
        var name: String
        var dtype: DType
        var bytesPerElement: Int
        /// Whether `run` writes its first input (which then gets a private copy).
        var inPlace = false
        var run: @Sendable (Tensor, Tensor) -> Tensor
    }

    /// Float32 operations on two inputs read `inputs` x 4 bytes and write 4.
    static func float(_ name: String, inputs: Int, _ run: @escaping @Sendable (Tensor, Tensor) -> Tensor) -> Operation {
        Operation(name: name, dtype: .float32, bytesPerElement: (inputs + 1) * 4, run: run)
    }

    static let operations: [Operation] = [
        // The yardstick: a copy reads and writes each element once, at memory speed.
        float("copy", inputs: 1) { a, _ in a.clone() },
        float("add", inputs: 2) { $0 + $1 }, float("mul", inputs: 2) { $0 * $1 }, float("relu", inputs: 1) { a, _ in a.relu() },
        float("exp", inputs: 1) { a, _ in a.exp() }, float("tanh", inputs: 1) { a, _ in a.tanh() },
        float("sigmoid", inputs: 1) { a, _ in a.sigmoid() }, float("abs", inputs: 1) { a, _ in a.abs() },
        float("round", inputs: 1) { a, _ in a.round() }, float("leakyRelu", inputs: 1) { a, _ in a.leakyRelu() },
        float("where", inputs: 2) { a, b in Tensor.where(a .> 0.0, a, b) },
        // The other dtypes' paths: integer arithmetic, a comparison (two float32 in, one
        // bool out) and a cast (float32 in, float16 out).
        Operation(name: "addInt64", dtype: .int64, bytesPerElement: 24) { $0 + $1 },
        Operation(name: "greater", dtype: .float32, bytesPerElement: 9) { $0 .> $1 },
        Operation(name: "castHalf", dtype: .float32, bytesPerElement: 6) { a, _ in a.to(.float16) },
        // In place: `a /= 2` then `a *= 2` (exact, so the values never drift), two passes
        // that each read and write every element, on a copy made once per layout.
        Operation(name: "inPlace", dtype: .float32, bytesPerElement: 16, inPlace: true) { a, _ in
            a /= 2
            a *= 2
            return a
        },
    ]

    /// The side of the `large` cases' float32 inputs: 64M elements, beyond any L3.
    static let largeSide = 8192

    /// An operation of the `large` cases: it writes into `out` from `x` and `y`.
    struct IntoOperation: Sendable {
        var name: String
        var bytesPerElement: Int
        var run: @Sendable (_ out: Tensor, _ x: Tensor, _ y: Tensor) -> Void
    }

    /// The yardstick and the two-input stream beyond the cache: `out.copy(from: x)` reads
    /// and writes every element once; `out += y` reads two and writes one, the traffic of
    /// an add into a preallocated output (values take a random walk, no overflow).
    static let largeOperations: [IntoOperation] = [
        IntoOperation(name: "copy", bytesPerElement: 8) { out, x, _ in out.copy(from: x) },
        IntoOperation(name: "add", bytesPerElement: 12) { out, _, y in out += y },
    ]
}

extension Suite {
    /// GB/s of element-wise operations on 4M elements, contiguous and transposed, and of
    /// copy and add on 64M elements into a preallocated output.
    static let elementwise = Suite(
        name: "elementwise",
        description: "copy (the memory-speed yardstick), add, mul, relu, exp, tanh, sigmoid, abs, round, leakyRelu, where on 4M float32; int64 add, float32 >, a float32 -> float16 cast and in-place /= 2 then *= 2; contiguous and transposed; copy and add into a preallocated 8192 x 8192 output, beyond the L3 (GB/s)"
    ) { options, reporter in
        let generator = Generator(seed: 1)
        let a = Tensor.randn([ElementwiseWorkload.side, ElementwiseWorkload.side], generator: generator)
        let b = Tensor.randn([ElementwiseWorkload.side, ElementwiseWorkload.side], generator: generator)
        // int64 inputs: the float inputs scaled and truncated, so values spread over +-3000.
        let inputs: [DType: (Tensor, Tensor)] = [.float32: (a, b), .int64: ((a * 1000).to(.int64), (b * 1000).to(.int64))]
        for layout in ["contiguous", "transposed"] {
            for operation in ElementwiseWorkload.operations where options.wants("\(operation.name)-\(layout)") {
                let (a, b) = inputs[operation.dtype]!
                var (x, y) = layout == "contiguous" ? (a, b) : (a.T, b.T)
                if operation.inPlace { x = layout == "contiguous" ? a.clone() : a.clone().T }
                reporter.progress("elementwise \(operation.name) \(layout)")
                let seconds = medianTime(repeats: options.repeats) { _ = operation.run(x, y) }
                let bytes = Double(operation.bytesPerElement * ElementwiseWorkload.count)
                reporter.report(Measurement(
                    suite: "elementwise", name: "\(operation.name)-\(layout)", dtype: operation.dtype.description,
                    m: ElementwiseWorkload.side, n: ElementwiseWorkload.side, threads: options.threads,
                    isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0, gbps: bytes / seconds / 1e9))
            }
        }
        // Beyond the last-level cache: 8192 x 8192 float32 (256 MiB per tensor), written into
        // a tensor allocated once, so neither page faults nor an allocator are timed. At 4M
        // elements a copy's 32 MiB can stay in a large L3 between calls while an add's 48 MiB
        // cannot; here both stream from memory, the bandwidth the yardstick stands for.
        let largeCases = ElementwiseWorkload.largeOperations.filter { options.wants("\($0.name)-large") }
        if !largeCases.isEmpty {
            let side = ElementwiseWorkload.largeSide
            let x = Tensor.randn([side, side], generator: generator)
            let y = Tensor.randn([side, side], generator: generator)
            let z = x.clone()
            for operation in largeCases {
                reporter.progress("elementwise \(operation.name) large")
                let seconds = medianTime(repeats: options.repeats) { operation.run(z, x, y) }
                let bytes = Double(operation.bytesPerElement * side * side)
                reporter.report(Measurement(
                    suite: "elementwise", name: "\(operation.name)-large", dtype: DType.float32.description,
                    m: side, n: side, threads: options.threads,
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

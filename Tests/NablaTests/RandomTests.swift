import Foundation
import Testing
@testable import Nabla

/// PyTorch 2.15's CPU random streams, in `Fixtures/torch/random` (see the CASE.md beside
/// the shared fixtures) and `Fixtures/torch/random_edges` (its make.py), reproduced bit
/// for bit. Every test draws from a generator of its own: the default one is shared by
/// the tests running in parallel.
@Suite struct TorchRandomStreamTests {
    /// The values of `Fixtures/torch/<caseName>/<name>.npy`, as doubles (exact for every
    /// float32 and int64 value here).
    func reference(_ caseName: String, _ name: String) throws -> [Double] {
        try torchFixture(caseName, name).toArray(Double.self)
    }

    /// Flattens and joins tensors, as the fixtures' `concatenate` did.
    func joined(_ tensors: Tensor...) -> [Double] {
        tensors.flatMap { $0.toArray(Double.self) }
    }

    @Test func notebookNeuronDrawsPyTorchsNumbers() throws {
        let generator = Generator(seed: 7)
        let features = Tensor.randn([1, 5], generator: generator)
        let weights = features.randnLike(generator: generator)
        let bias = Tensor.randn([1, 1], generator: generator)
        expectClose(joined(features, weights, bias), try reference("random", "notebook"), rtol: 0, atol: 0, "notebook")
        let output = (features * weights).sum() + bias
        #expect(String(format: "%.4f", output.item()) == "-1.6619")
    }

    @Test func randnTakesBothSamplersAsPyTorchDoes() throws {
        var generator = Generator(seed: 0)
        expectClose(joined(Tensor.randn([7], generator: generator), Tensor.randn([3, 5], generator: generator)),
                    try reference("random", "randn_small"), rtol: 0, atol: 0, "scalar sampler")
        generator = Generator(seed: 0)
        expectClose(Tensor.randn([1000], generator: generator).toArray(Double.self),
                    try reference("random", "randn_large"), rtol: 0, atol: 0, "block sampler")
        generator = Generator(seed: 42)
        expectClose(Tensor.randn([37], dtype: .float64, generator: generator).toArray(Double.self),
                    try reference("random", "randn_f64"), rtol: 0, atol: 0, "float64 block sampler")
    }

    @Test func randnAroundSixteenElementsKeepsPyTorchsCache() throws {
        let generator = Generator(seed: 3)
        let sizes = [15, 16, 17, 33, 3, 1]
        let values = sizes.flatMap { Tensor.randn([$0], generator: generator).toArray(Double.self) }
        expectClose(values, try reference("random_edges", "randn_sizes"), rtol: 0, atol: 0, "sizes \(sizes)")
    }

    @Test func normalWithMeanAndStdMatchesPyTorch() throws {
        var generator = Generator(seed: 0)
        let normal = Tensor.normal([50], mean: 2, std: 0.5, generator: generator)
        let uniform = Tensor.uniform([50], low: -3, high: 3, generator: generator)
        expectClose(joined(normal, uniform), try reference("random", "normal_uniform_"), rtol: 0, atol: 0, "normal_ then uniform_")
        generator = Generator(seed: 5)
        expectClose(joined(Tensor.normal([5], mean: 0.3, std: 1.7, dtype: .float64, generator: generator),
                           Tensor.normal([40], mean: 0.3, std: 1.7, dtype: .float64, generator: generator)),
                    try reference("random_edges", "normal_f64"), rtol: 0, atol: 0, "float64 normal_")
        generator = Generator(seed: 5)
        expectClose(Tensor.normal([7], mean: -1.25, std: 0.1, generator: generator).toArray(Double.self),
                    try reference("random_edges", "normal_small_f32"), rtol: 0, atol: 0, "float32 scalar normal_")
    }

    @Test func uniformDrawsMatchPyTorch() throws {
        var generator = Generator(seed: 42)
        expectClose(joined(Tensor.rand([20], generator: generator), Tensor.rand([3], dtype: .float64, generator: generator)),
                    try reference("random", "rand"), rtol: 0, atol: 0, "rand")
        generator = Generator(seed: 5)
        expectClose(Tensor.uniform([20], low: -2, high: 5, dtype: .float64, generator: generator).toArray(Double.self),
                    try reference("random_edges", "uniform_f64"), rtol: 0, atol: 0, "float64 uniform_")
    }

    @Test func integerDrawsMatchPyTorch() throws {
        var generator = Generator(seed: 7)
        let small = Tensor.randint(0, 10, [25], generator: generator)
        let shifted = Tensor.randint(-5, 1000, [6], generator: generator)
        #expect(small.dtype == .int64)
        expectClose(joined(small, shifted), try reference("random", "randint"), rtol: 0, atol: 0, "randint")
        generator = Generator(seed: 11)
        expectClose(joined(Tensor.randint(0, 1 << 28, [5], generator: generator), Tensor.randint(-(1 << 40), 1 << 40, [5], generator: generator),
                           Tensor.randint(3, 9, [5], generator: generator)),
                    try reference("random_edges", "randint_wide"), rtol: 0, atol: 0, "randint with 64-bit draws")
        generator = Generator(seed: 7)
        expectClose(joined(Tensor.randperm(12, generator: generator), Tensor.randperm(100, generator: generator)),
                    try reference("random", "randperm"), rtol: 0, atol: 0, "randperm")
    }

    @Test func bernoulliMatchesPyTorch() throws {
        var generator = Generator(seed: 0)
        expectClose(Tensor.full([30], 0.25).bernoulli(generator: generator).toArray(Double.self),
                    try reference("random", "bernoulli"), rtol: 0, atol: 0, "float32 probabilities")
        generator = Generator(seed: 13)
        let probabilities = Tensor.linspace(0, 1, steps: 25, dtype: .float64)
        expectClose(joined(probabilities.bernoulli(generator: generator), Tensor.bernoulli([25], p: 0.4, generator: generator)),
                    try reference("random_edges", "bernoulli_f64"), rtol: 0, atol: 0, "float64 probabilities, then bernoulli_(p)")
    }

    @Test func manualSeedRestartsTheSequenceAndForgetsTheCachedNormal() {
        let generator = Generator(seed: 9)
        let first = Tensor.randn([3], generator: generator).toArray(Float.self)
        generator.manualSeed(9)
        // randn(3) left a cached value; a reseeded generator must not return it.
        #expect(Tensor.randn([3], generator: generator).toArray(Float.self) == first)
    }

    @Test func xoshiroIsAnotherStreamWithTheSameDistributions() {
        let fast = Generator(seed: 7, algorithm: .xoshiro256StarStar)
        #expect(fast.algorithm == .xoshiro256StarStar && Generator.default.algorithm == .mersenneTwister)
        let values = Tensor.randn([100_000], dtype: .float64, generator: fast)
        let mean = values.mean().item(), variance = (values * values).mean().item() - mean * mean
        #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.02, "mean \(mean), variance \(variance)")
        #expect(Tensor.randn([5], generator: Generator(seed: 7, algorithm: .xoshiro256StarStar)).toArray(Float.self)
                    != Tensor.randn([5], generator: Generator(seed: 7)).toArray(Float.self))
        let permutation = Tensor.randperm(50, generator: fast).toArray(Int64.self)
        #expect(permutation.sorted() == (0..<50).map(Int64.init))
    }
}

extension TorchRandomStreamTests {
    /// PyTorch fills a transposed view in memory order, and `normal_` takes the scalar
    /// sampler for it: `torch.empty(4, 10).t().uniform_()` is `torch.rand(4, 10).t()`.
    @Test func inPlaceFillsWalkMemoryAsPyTorchDoes() {
        let view = Tensor.empty([4, 10]).T
        view.uniformInPlace(generator: Generator(seed: 0))
        #expect(view.toArray(Float.self) == Tensor.rand([4, 10], generator: Generator(seed: 0)).T.toArray(Float.self))

        let normal = Tensor.empty([4, 10]).T
        normal.normalInPlace(generator: Generator(seed: 0))
        let scalarSampler = Generator(seed: 0)
        // Forty scalar draws: the block sampler would start differently.
        let expected = (0..<40).flatMap { _ in Tensor.randn([1], generator: scalarSampler).toArray(Float.self) }
        #expect(normal.toArray(Float.self) == (try! Tensor(expected, shape: [4, 10])).T.toArray(Float.self))
    }
}

extension TorchRandomStreamTests {
    /// A float16 `rand` rounds PyTorch's float value to half and moves the 1s PyTorch
    /// moves: with seed 1, 54 of 200,000 values round up to 1 and become 0 (as
    /// `torch.manual_seed(1); torch.rand(200000, dtype=torch.half)` shows).
    @Test func halfUniformMovesRoundedUpValuesToLow() {
        let half = Tensor.rand([200_000], dtype: .float16, generator: Generator(seed: 1)).toArray(Float.self)
        let single = Tensor.rand([200_000], generator: Generator(seed: 1)).to(.float16).toArray(Float.self)
        #expect(single.filter { $0 == 1 }.count == 54)
        #expect(half == single.map { $0 == 1 ? 0 : $0 })
    }
}

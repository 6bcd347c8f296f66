import Foundation
import Testing
@testable import Nabla

/// Loads `Fixtures/cnn/pool/<name>.npy`, written by PyTorch 2.15 (see CASE.md there).
func poolFixture(_ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("cnn/pool/\(name).npy").path)
}

/// A float64 leaf with random values, requiring gradients, for gradcheck.
func randomLeaf(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)).requiringGrad()
}

/// Expects `gradcheck` of `function` at a random float64 input of `shape` to pass.
func expectGradcheck(_ shape: [Int], seed: UInt64 = 1, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ function: @escaping (Tensor) -> Tensor) {
    let x = randomLeaf(shape, seed: seed)
    let result = gradcheck({ function($0[0]) }, inputs: [x])
    #expect(result.passed, "\(comment): \(result)", sourceLocation: sourceLocation)
}

@Suite struct PoolingTests {
    /// Every fixture case: the forward values and the input gradient for the saved
    /// upstream gradient, to float64 precision.
    /// The fixture cases of CASE.md, by name.
    static func fixtureOperation(_ name: String) -> (Tensor) -> Tensor {
        switch name {
        case "max_k3s2p1": { $0.maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
        case "max_k2_ceil": { $0.maxPool2d(kernelSize: 2, ceilMode: true) }
        case "max_k3s1_dil2": { $0.maxPool2d(kernelSize: 3, stride: 1, padding: 0, dilation: 2) }
        case "avg_k2": { $0.avgPool2d(kernelSize: 2) }
        case "avg_k3s2p1_exclpad": { $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) }
        case "avg_k3s2p1_ceil": { $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        case "adaptive_avg_1": { $0.adaptiveAvgPool2d(outputSize: 1) }
        case "adaptive_avg_4x3": { $0.adaptiveAvgPool2d(outputSize: [4, 3]) }
        case "adaptive_max_2": { $0.adaptiveMaxPool2d(outputSize: 2) }
        default: fatalError("no fixture case \(name)")
        }
    }

    @Test(arguments: ["max_k3s2p1", "max_k2_ceil", "max_k3s1_dil2", "avg_k2", "avg_k3s2p1_exclpad", "avg_k3s2p1_ceil",
                      "adaptive_avg_1", "adaptive_avg_4x3", "adaptive_max_2"])
    func matchesPyTorchFixture(name: String) throws {
        let op = PoolingTests.fixtureOperation(name)
        let x = try poolFixture("x").requiringGrad()
        let y = op(x)
        expectClose(y, try poolFixture(name), rtol: 1e-12, atol: 1e-12, name)
        y.backward(gradient: try poolFixture("\(name)_g"))
        expectClose(x.grad!, try poolFixture("\(name)_dx"), rtol: 1e-12, atol: 1e-12, "\(name) gradient")

        // float32 agrees with the float64 reference to float32 precision.
        let y32 = op(try poolFixture("x").to(.float32))
        #expect(y32.dtype == .float32)
        expectClose(y32, try poolFixture(name), rtol: 1e-5, atol: 1e-5, "\(name) float32")
    }

    @Test func gradchecksPassForEveryPoolingMode() {
        let shape = [2, 2, 5, 6]
        expectGradcheck(shape, "max k3 s2 p1") { $0.maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
        expectGradcheck(shape, "max k2 ceil") { $0.maxPool2d(kernelSize: 2, ceilMode: true) }
        expectGradcheck(shape, "max k[2,3] s[1,2] dilation 2") { $0.maxPool2d(kernelSize: [2, 3], stride: [1, 2], dilation: 2) }
        expectGradcheck(shape, "avg k3 s2 p1") { $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1) }
        expectGradcheck(shape, "avg ceil") { $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        expectGradcheck(shape, "avg exclude pad ceil") {
            $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
        }
        expectGradcheck(shape, "avg divisor override") { $0.avgPool2d(kernelSize: [2, 3], padding: [1, 0], divisorOverride: 5) }
        expectGradcheck(shape, "adaptive avg 3x4") { $0.adaptiveAvgPool2d(outputSize: [3, 4]) }
        expectGradcheck(shape, "adaptive max 3x4") { $0.adaptiveMaxPool2d(outputSize: [3, 4]) }
        expectGradcheck([2, 3, 7], "max1d") { $0.maxPool1d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true) }
        expectGradcheck([2, 3, 7], "max1d dilation") { $0.maxPool1d(kernelSize: 2, stride: 1, dilation: 3) }
        expectGradcheck([2, 3, 7], "avg1d") { $0.avgPool1d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) }
        expectGradcheck([2, 3, 7], "adaptive avg 1d") { $0.adaptiveAvgPool1d(outputSize: 4) }
        expectGradcheck([2, 3, 7], "adaptive max 1d") { $0.adaptiveMaxPool1d(outputSize: 4) }
        expectGradcheck([3, 5, 5], "unbatched max") { $0.maxPool2d(kernelSize: 2, stride: 1) }
    }

    @Test func outputShapesFollowPyTorchRules() {
        let x = Tensor.zeros(1, 1, 7, 5)
        #expect(x.maxPool2d(kernelSize: 3, stride: 2, padding: 1).shape == [1, 1, 4, 3])
        #expect(x.maxPool2d(kernelSize: 2).shape == [1, 1, 3, 2])
        #expect(x.maxPool2d(kernelSize: 2, ceilMode: true).shape == [1, 1, 4, 3])
        #expect(x.maxPool2d(kernelSize: 3, stride: 1, dilation: 2).shape == [1, 1, 3, 1])
        #expect(x.avgPool2d(kernelSize: [3, 1], stride: [2, 1]).shape == [1, 1, 3, 5])
        // The last ceil-mode window must start inside the input or the left padding.
        #expect(Tensor.zeros(1, 1, 6, 6).maxPool2d(kernelSize: 3, stride: 2, padding: 1).shape == [1, 1, 3, 3])
        #expect(Tensor.zeros(1, 1, 6, 6).maxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true).shape == [1, 1, 4, 4])
        #expect(Tensor.zeros(1, 1, 5, 5).avgPool2d(kernelSize: 2, stride: 2, padding: 1, ceilMode: true).shape == [1, 1, 3, 3])
        #expect(poolingOutputSize(input: 5, kernel: 2, stride: 2, padding: 1, dilation: 1, ceilMode: true) == 3)
        // Unbatched inputs, 1-d pooling, empty batches.
        #expect(Tensor.zeros(3, 7, 5).maxPool2d(kernelSize: 2).shape == [3, 3, 2])
        #expect(Tensor.zeros(2, 3, 9).maxPool1d(kernelSize: 4, stride: 2).shape == [2, 3, 3])
        #expect(Tensor.zeros(3, 9).avgPool1d(kernelSize: 4, stride: 2, ceilMode: true).shape == [3, 4])
        #expect(Tensor.zeros(0, 3, 8, 8).maxPool2d(kernelSize: 2).shape == [0, 3, 4, 4])
        #expect(Tensor.zeros(2, 3, 7, 5).adaptiveAvgPool2d(outputSize: [3, 2]).shape == [2, 3, 3, 2])
        #expect(Tensor.zeros(3, 7, 5).adaptiveMaxPool2d(outputSize: 1).shape == [3, 1, 1])
        #expect(Tensor.zeros(2, 3, 7).adaptiveAvgPool1d(outputSize: 3).shape == [2, 3, 3])
    }

    @Test func maxPoolIndicesAreFlatPositionsInThePlane() throws {
        let x = try Tensor([1.0, 5, 2, 0, 3, 9, 4, 8, 7, 6, 11, 10, 12, 15, 14, 13], shape: [1, 1, 4, 4], dtype: .float64)
        let (values, indices) = x.maxPool2dWithIndices(kernelSize: 2)
        #expect(indices.dtype == .int64)
        #expect(values.toArray(Double.self) == [9, 8, 15, 14])
        #expect(indices.toArray(Int64.self) == [5, 7, 13, 14])
        let (v1, i1) = try Tensor([3.0, 1, 4, 1, 5, 9, 2, 6], shape: [1, 8], dtype: .float64).maxPool1dWithIndices(kernelSize: 3, stride: 2, padding: 1)
        #expect(v1.toArray(Double.self) == [3, 4, 9, 9])
        #expect(i1.toArray(Int64.self) == [0, 2, 5, 5])
        let (a, ai) = x.adaptiveMaxPool2dWithIndices(outputSize: [1, 2])
        #expect(a.toArray(Double.self) == [15, 14])
        #expect(ai.toArray(Int64.self) == [13, 14])
    }

    @Test func nanPropagatesThroughMaxPooling() throws {
        let x = try Tensor([1.0, .nan, 3, 4, 5, 6, 7, 8], shape: [1, 2, 4], dtype: .float64)
        let (values, indices) = x.maxPool1dWithIndices(kernelSize: 2)
        let v = values.toArray(Double.self)
        #expect(v[0].isNaN && v[1] == 4 && v[2] == 6 && v[3] == 8)
        #expect(indices.toArray(Int64.self) == [1, 3, 1, 3])
        #expect(x.adaptiveMaxPool1d(outputSize: 1).toArray(Double.self)[0].isNaN)
        #expect(x.view(1, 2, 2, 2).maxPool2d(kernelSize: 2).toArray(Double.self)[0].isNaN)
    }

    @Test func dilatedWindowEntirelyInThePaddingIsMinusInfinity() {
        // Rows -1 and 2 of a 2-row input: PyTorch gives -inf there, and no gradient flows.
        let x = Tensor.ones([1, 1, 2, 2], dtype: .float64, requiresGrad: true)
        let y = x.maxPool2d(kernelSize: 2, padding: 1, dilation: 3)
        #expect(y.shape == [1, 1, 1, 1])
        #expect(y.toArray(Double.self) == [-.infinity])
        y.backward(gradient: Tensor.ones([1, 1, 1, 1], dtype: .float64))
        #expect(x.grad!.toArray(Double.self) == [0, 0, 0, 0])
    }

    @Test func paddedWindowsAndDivisors() throws {
        let x = Tensor.arange(1.0, 10.0, dtype: .float64).view(1, 1, 3, 3)
        // Corner window [1, 2, 4, 5] over a 3 x 3 window with 5 padding zeros.
        let included = x.avgPool2d(kernelSize: 3, stride: 2, padding: 1)
        expectClose(included.toArray(Double.self), [12.0 / 9, 16.0 / 9, 24.0 / 9, 28.0 / 9], rtol: 1e-14, atol: 0)
        let excluded = x.avgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false)
        expectClose(excluded.toArray(Double.self), [3, 4, 6, 7], rtol: 1e-14, atol: 0)
        let overridden = x.avgPool2d(kernelSize: 3, stride: 2, padding: 1, divisorOverride: 2)
        expectClose(overridden.toArray(Double.self), [6, 8, 12, 14], rtol: 1e-14, atol: 0)
        // Padding is -infinity for max pooling: all-negative inputs keep their values.
        let negative = (x * -1.0).maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        #expect(negative.toArray(Double.self) == [-1, -2, -4, -5])
        // The part of a ceil-mode window beyond the padding is not counted.
        let ceil = x.avgPool2d(kernelSize: 2, stride: 2, ceilMode: true)
        expectClose(ceil.toArray(Double.self), [3, 4.5, 7.5, 9], rtol: 1e-14, atol: 0)
    }

    @Test func unbatchedNonContiguousAndOneDimensionalInputsAgree() throws {
        let x = try poolFixture("x")
        let batched = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        expectClose(x.select(0, 1).maxPool2d(kernelSize: 3, stride: 2, padding: 1), batched.select(0, 1), rtol: 0, atol: 0)
        let transposed = x.transpose(2, 3)
        #expect(!transposed.isContiguous)
        expectClose(transposed.avgPool2d(kernelSize: [3, 2], stride: [2, 1]),
                    transposed.contiguous().avgPool2d(kernelSize: [3, 2], stride: [2, 1]), rtol: 0, atol: 0)
        let t = transposed.clone().detach().requiringGrad()
        let tt = t.transpose(2, 3)
        tt.maxPool2d(kernelSize: 2).sum().backward()
        let c = x.clone().detach().requiringGrad()
        c.maxPool2d(kernelSize: 2).sum().backward()
        expectClose(t.grad!.transpose(2, 3).contiguous(), c.grad!, rtol: 0, atol: 0)
        // 1-d pooling is 2-d pooling of a single row.
        let rows = x.view(2, 3, 81)
        expectClose(rows.maxPool1d(kernelSize: 4, stride: 3, padding: 2, dilation: 2, ceilMode: true).unsqueeze(2),
                    rows.unsqueeze(2).maxPool2d(kernelSize: [1, 4], stride: [1, 3], padding: [0, 2], dilation: [1, 2], ceilMode: true),
                    rtol: 0, atol: 0)
        expectClose(rows.avgPool1d(kernelSize: 5, stride: 3, padding: 2, countIncludePad: false).unsqueeze(2),
                    rows.unsqueeze(2).avgPool2d(kernelSize: [1, 5], stride: [1, 3], padding: [0, 2], countIncludePad: false),
                    rtol: 1e-15, atol: 0)
        expectClose(rows.adaptiveAvgPool1d(outputSize: 7).unsqueeze(2), rows.unsqueeze(2).adaptiveAvgPool2d(outputSize: [1, 7]),
                    rtol: 1e-15, atol: 0)
    }

    @Test func largeInputsSplitOverThreadsGiveTheSameResult() {
        let x = Tensor.randn([4, 16, 40, 40], dtype: .float32, generator: Generator(seed: 3))
        let pooled = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        let perImage = Tensor.cat((0..<4).map { x.narrow(0, start: $0, length: 1).maxPool2d(kernelSize: 3, stride: 2, padding: 1) })
        expectClose(pooled, perImage, rtol: 0, atol: 0)
        let averaged = x.avgPool2d(kernelSize: 2)
        let manual = (x[.all, .all, .every(2), .every(2)] + x[.all, .all, TensorIndex.range(start: 1, end: 40, step: 2), .every(2)]
            + x[.all, .all, .every(2), TensorIndex.range(start: 1, end: 40, step: 2)]
            + x[.all, .all, TensorIndex.range(start: 1, end: 40, step: 2), TensorIndex.range(start: 1, end: 40, step: 2)]) * 0.25
        expectClose(averaged, manual, rtol: 1e-6, atol: 1e-6)
    }

    @Test func gradientFunctionNames() {
        let x = Tensor.zeros([1, 1, 4, 4], dtype: .float64, requiresGrad: true)
        #expect(x.maxPool2d(kernelSize: 2).gradFn == "MaxPool2DWithIndicesBackward0")
        #expect(x.avgPool2d(kernelSize: 2).gradFn == "AvgPool2DBackward0")
        #expect(x.adaptiveAvgPool2d(outputSize: 1).gradFn == "AdaptiveAvgPool2DBackward0")
        #expect(x.adaptiveMaxPool2d(outputSize: 1).gradFn == "AdaptiveMaxPool2DBackward0")
        #expect(x.pad([1, 1]).gradFn == "ConstantPadNdBackward0")
        #expect(x.pad([1, 1, 1, 1], mode: .reflect).gradFn == "ReflectionPad2DBackward0")
        #expect(x.interpolate(scaleFactor: [2], mode: .bilinear).gradFn == "UpsampleBilinear2DBackward0")
    }
}

/// The inference path of max pooling (no indices, vectorised over columns) against the
/// path with indices, on random shapes with padding, strides, ceil mode and NaN.
@Suite struct MaxPoolInferencePathTests {
    @Test func valuesOnlyPathMatchesThePathWithIndices() {
        let generator = Generator(seed: 11)
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<60 {
            let kernel = Int.random(in: 1...4, using: &rng), stride = Int.random(in: 1...3, using: &rng)
            let padding = Int.random(in: 0...(kernel / 2), using: &rng)
            let height = Int.random(in: kernel...19, using: &rng), width = Int.random(in: kernel...27, using: &rng)
            let ceilMode = trial % 3 == 0
            for dtype in [DType.float32, .float64] {
                let x = Tensor.randn([2, 3, height, width], dtype: dtype, generator: generator)
                if trial % 5 == 0 { x[1, 2, height / 2, width - 1] = Tensor(Double.nan) }
                let fast = withNoGrad { x.maxPool2d(kernelSize: SpatialSize(kernel), stride: SpatialSize(stride), padding: SpatialSize(padding), ceilMode: ceilMode) }
                let reference = x.maxPool2dWithIndices(kernelSize: SpatialSize(kernel), stride: SpatialSize(stride), padding: SpatialSize(padding), ceilMode: ceilMode).values
                let a = fast.toArray(Double.self), b = reference.toArray(Double.self)
                #expect(fast.shape == reference.shape)
                #expect(zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                        "kernel \(kernel) stride \(stride) padding \(padding) ceil \(ceilMode) \(height)x\(width) \(dtype)")
            }
        }
        let signal = Tensor.randn([2, 3, 29], generator: generator)
        expectClose(withNoGrad { signal.maxPool1d(kernelSize: 3, stride: 2, padding: 1) },
                    signal.unsqueeze(2).maxPool2dWithIndices(kernelSize: [1, 3], stride: [1, 2], padding: [0, 1]).values.squeeze(2))
    }
}

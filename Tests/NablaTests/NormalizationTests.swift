import Foundation
import Testing
@testable import Nabla

/// Loads `Fixtures/cnn/norm/<name>.npy`, written by PyTorch in float64 (see CASE.md there).
private func normFixture(_ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("cnn/norm/\(name).npy").path)
}

/// Per-channel batch norm in plain Double loops, for an input `[N, C, inner]` flattened.
private func referenceBatchNorm(_ x: [Double], n: Int, c: Int, inner: Int, eps: Double) -> [Double] {
    var out = x
    for ch in 0..<c {
        var values: [Double] = []
        for s in 0..<n { for i in 0..<inner { values.append(x[(s * c + ch) * inner + i]) } }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        for s in 0..<n { for i in 0..<inner { out[(s * c + ch) * inner + i] = (x[(s * c + ch) * inner + i] - mean) / (variance + eps).squareRoot() } }
    }
    return out
}

@Suite struct NormalizationTests {
    @Test func batchNorm2dTrainingPassesMatchPyTorch() throws {
        let weight = try normFixture("bn2d_weight").requiringGrad(), bias = try normFixture("bn2d_bias").requiringGrad()
        let runningMean = Tensor.zeros([3], dtype: .float64), runningVar = Tensor.ones([3], dtype: .float64)
        for pass in 0..<2 {
            let x = try normFixture("bn2d_x\(pass)").requiringGrad()
            weight.zeroGrad()
            bias.zeroGrad()
            let y = x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: true, momentum: 0.1)
            #expect(y.gradFn == "NativeBatchNormBackward0")
            expectClose(y, try normFixture("bn2d_y\(pass)"), rtol: 1e-10, atol: 1e-10, "y\(pass)")
            (y * (try normFixture("bn2d_g\(pass)"))).sum().backward()
            expectClose(x.grad!, try normFixture("bn2d_dx\(pass)"), rtol: 1e-10, atol: 1e-10, "dx\(pass)")
            expectClose(weight.grad!, try normFixture("bn2d_dweight\(pass)"), rtol: 1e-10, atol: 1e-10, "dweight\(pass)")
            expectClose(bias.grad!, try normFixture("bn2d_dbias\(pass)"), rtol: 1e-10, atol: 1e-10, "dbias\(pass)")
        }
        expectClose(runningMean, try normFixture("bn2d_running_mean"), rtol: 1e-10, atol: 1e-12, "running mean")
        expectClose(runningVar, try normFixture("bn2d_running_var"), rtol: 1e-10, atol: 1e-12, "running var")
        let before = runningMean.toArray(Double.self)
        let eval = try normFixture("bn2d_eval_x").batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: false)
        expectClose(eval, try normFixture("bn2d_eval_y"), rtol: 1e-10, atol: 1e-10, "eval")
        #expect(runningMean.toArray(Double.self) == before)
    }

    @Test func batchNorm1dCumulativeAverageMatchesPyTorch() throws {
        let runningMean = Tensor.zeros([4], dtype: .float64), runningVar = Tensor.ones([4], dtype: .float64)
        for pass in 0..<3 {
            let y = try normFixture("bn1d_x\(pass)").batchNorm(runningMean: runningMean, runningVar: runningVar, weight: nil, bias: nil,
                                                                training: true, momentum: 1 / Double(pass + 1))
            expectClose(y, try normFixture("bn1d_y\(pass)"), rtol: 1e-10, atol: 1e-10, "y\(pass)")
        }
        expectClose(runningMean, try normFixture("bn1d_running_mean"), rtol: 1e-10, atol: 1e-12, "running mean")
        expectClose(runningVar, try normFixture("bn1d_running_var"), rtol: 1e-10, atol: 1e-12, "running var")
    }

    @Test func layerNormMatchesPyTorch() throws {
        let x = try normFixture("ln_x").requiringGrad()
        let weight = try normFixture("ln_weight").requiringGrad(), bias = try normFixture("ln_bias").requiringGrad()
        let y = x.layerNorm(normalizedShape: [4, 5], weight: weight, bias: bias)
        #expect(y.gradFn == "NativeLayerNormBackward0")
        expectClose(y, try normFixture("ln_y"), rtol: 1e-10, atol: 1e-10, "y")
        y.backward(gradient: try normFixture("ln_g"))
        expectClose(x.grad!, try normFixture("ln_dx"), rtol: 1e-10, atol: 1e-10, "dx")
        expectClose(weight.grad!, try normFixture("ln_dweight"), rtol: 1e-10, atol: 1e-10, "dweight")
        expectClose(bias.grad!, try normFixture("ln_dbias"), rtol: 1e-10, atol: 1e-10, "dbias")
    }

    @Test func groupNormMatchesPyTorch() throws {
        let x = try normFixture("gn_x").requiringGrad()
        let weight = Tensor.ones([6], dtype: .float64, requiresGrad: true), bias = Tensor.zeros([6], dtype: .float64, requiresGrad: true)
        let g = try normFixture("gn_g")
        for (w, b) in [(Optional(weight), Optional(bias)), (nil, nil)] {
            x.zeroGrad()
            let y = x.groupNorm(numGroups: 2, weight: w, bias: b)
            #expect(y.gradFn == "NativeGroupNormBackward0")
            expectClose(y, try normFixture("gn_y"), rtol: 1e-10, atol: 1e-10, "y")
            y.backward(gradient: g)
            expectClose(x.grad!, try normFixture("gn_dx"), rtol: 1e-10, atol: 1e-10, "dx")
        }
        // With weight 1 and bias 0, dbias is the per-channel sum of g and dweight that of g * xhat.
        let xhat = withNoGrad { x.groupNorm(numGroups: 2, weight: nil, bias: nil) }
        expectClose(bias.grad!, g.sum(dim: 3).sum(dim: 2).sum(dim: 0), rtol: 1e-10, atol: 1e-10, "dbias")
        expectClose(weight.grad!, (g * xhat).sum(dim: 3).sum(dim: 2).sum(dim: 0), rtol: 1e-10, atol: 1e-10, "dweight")
    }

    @Test func gradcheckBatchNorm() {
        for shape in [[4, 3], [3, 2, 4], [2, 3, 2, 2]] {
            let channels = shape[1]
            let affine = gradInputs(shape, [channels], [channels], seed: 7)
            expectGradcheck("batchNorm training affine \(shape)", affine) {
                $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true)
            }
            expectGradcheck("batchNorm training \(shape)", gradInputs(shape, seed: 8)) {
                $0[0].batchNorm(runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
            }
            let mean = Tensor.randn([channels], dtype: .float64, generator: Generator(seed: 9))
            let variance = Tensor.rand([channels], dtype: .float64, generator: Generator(seed: 10)) + 0.5
            expectGradcheck("batchNorm eval affine \(shape)", affine) {
                $0[0].batchNorm(runningMean: mean, runningVar: variance, weight: $0[1], bias: $0[2], training: false)
            }
            expectGradcheck("batchNorm eval \(shape)", gradInputs(shape, seed: 11)) {
                $0[0].batchNorm(runningMean: mean, runningVar: variance, weight: nil, bias: nil, training: false)
            }
        }
    }

    @Test func gradcheckLayerNormAndGroupNorm() {
        expectGradcheck("layerNorm affine", gradInputs([3, 4, 5], [4, 5], [4, 5], seed: 3)) {
            $0[0].layerNorm(normalizedShape: [4, 5], weight: $0[1], bias: $0[2])
        }
        expectGradcheck("layerNorm weight only", gradInputs([3, 6], [6], seed: 4)) {
            $0[0].layerNorm(normalizedShape: [6], weight: $0[1], bias: nil)
        }
        expectGradcheck("layerNorm bias only", gradInputs([4, 5], [5], seed: 13)) {
            $0[0].layerNorm(normalizedShape: [5], weight: nil, bias: $0[1])
        }
        expectGradcheck("groupNorm bias only", gradInputs([2, 4, 3], [4], seed: 14)) {
            $0[0].groupNorm(numGroups: 2, weight: nil, bias: $0[1])
        }
        expectGradcheck("layerNorm", gradInputs([2, 3, 4], seed: 5)) {
            $0[0].layerNorm(normalizedShape: [4], weight: nil, bias: nil)
        }
        expectGradcheck("groupNorm affine", gradInputs([2, 6, 3], [6], [6], seed: 6)) {
            $0[0].groupNorm(numGroups: 3, weight: $0[1], bias: $0[2])
        }
        expectGradcheck("groupNorm 2-d affine", gradInputs([3, 4], [4], [4], seed: 12)) {
            $0[0].groupNorm(numGroups: 2, weight: $0[1], bias: $0[2])
        }
        expectGradcheck("groupNorm", gradInputs([2, 4, 2, 3], seed: 7)) {
            $0[0].groupNorm(numGroups: 2, weight: nil, bias: nil)
        }
    }

    @Test func parametersWithoutGradientGetNone() {
        let x = Tensor.randn([4, 3, 2], dtype: .float64, generator: Generator(seed: 1))
        let weight = Tensor.randn([3], dtype: .float64, generator: Generator(seed: 2)).requiringGrad()
        let y = x.batchNorm(runningMean: nil, runningVar: nil, weight: weight, bias: Tensor.zeros([3], dtype: .float64), training: true)
        y.sum().backward()
        #expect(x.grad == nil && weight.grad != nil)
        let z = x.layerNorm(normalizedShape: [2], weight: nil, bias: nil)
        #expect(!z.requiresGrad)
    }

    @Test func largeParallelInputsMatchAPlainReference() {
        // 65536 elements: split over threads on any machine with more than one core.
        let (n, c, inner) = (16, 4, 1024)
        // A large offset, so that a naive sum of squares would lose digits.
        let x = Tensor.randn([n, c, 32, 32], dtype: .float64, generator: Generator(seed: 3)) * 0.5 + 1000
        let expected = referenceBatchNorm(x.toArray(Double.self), n: n, c: c, inner: inner, eps: 1e-5)
        let y = x.batchNorm(runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        expectClose(y.toArray(Double.self), expected, rtol: 1e-9, atol: 1e-9, "batchNorm float64")
        let yFloat = x.to(.float32).batchNorm(runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        #expect(yFloat.dtype == .float32)
        expectClose(yFloat.toArray(Double.self), expected, rtol: 1e-3, atol: 2e-3, "batchNorm float32")
        // Layer norm over the last two dims is batch norm of the transposed problem.
        let rows = x.reshape([n * c, inner])
        let ln = rows.layerNorm(normalizedShape: [inner], weight: nil, bias: nil)
        let lnExpected = referenceBatchNorm(rows.T.contiguous().toArray(Double.self), n: inner, c: n * c, inner: 1, eps: 1e-5)
        expectClose(ln.T.contiguous().toArray(Double.self), lnExpected, rtol: 1e-9, atol: 1e-9, "layerNorm")
        let gn = x.groupNorm(numGroups: 1, weight: nil, bias: nil)
        expectClose(gn.reshape([n * c * inner]).toArray(Double.self).prefix(c * inner).map { $0 },
                    x[0].reshape([1, c * inner]).layerNorm(normalizedShape: [c * inner], weight: nil, bias: nil).toArray(Double.self),
                    rtol: 1e-10, atol: 1e-10, "groupNorm")
    }

    @Test func nonContiguousInputsAndFloat32() {
        let base = Tensor.randn([3, 5, 4], dtype: .float64, generator: Generator(seed: 4))
        let x = base.transpose(1, 2)  // [3, 4, 5], not contiguous
        let weight = Tensor.randn([4], dtype: .float64, generator: Generator(seed: 5))
        let bias = Tensor.randn([4], dtype: .float64, generator: Generator(seed: 6))
        let y = x.batchNorm(runningMean: nil, runningVar: nil, weight: weight, bias: bias, training: true)
        expectClose(y, x.contiguous().batchNorm(runningMean: nil, runningVar: nil, weight: weight, bias: bias, training: true), rtol: 0, atol: 0)
        let y32 = x.to(.float32).batchNorm(runningMean: nil, runningVar: nil, weight: weight.to(.float32), bias: bias.to(.float32), training: true)
        expectClose(y32, y, rtol: 1e-4, atol: 1e-5, "float32 batchNorm")
        let ln32 = x.to(.float32).layerNorm(normalizedShape: [5], weight: nil, bias: nil)
        expectClose(ln32, x.layerNorm(normalizedShape: [5], weight: nil, bias: nil), rtol: 1e-4, atol: 1e-5, "float32 layerNorm")
        // Float32 gradients against float64 ones.
        let x32 = x.to(.float32).detach().requiringGrad(), x64 = x.contiguous().detach().requiringGrad()
        let w32 = weight.to(.float32).detach().requiringGrad(), w64 = weight.detach().requiringGrad()
        x32.groupNorm(numGroups: 2, weight: w32, bias: nil).pow(2).sum().backward()
        x64.groupNorm(numGroups: 2, weight: w64, bias: nil).pow(2).sum().backward()
        expectClose(x32.grad!, x64.grad!, rtol: 1e-3, atol: 1e-4, "float32 groupNorm dx")
        expectClose(w32.grad!, w64.grad!, rtol: 1e-3, atol: 1e-4, "float32 groupNorm dweight")
    }
}

/// Misuse of the normalisation ops traps with a message naming the op and the shapes,
/// in release builds too.
@Suite struct NormalizationTrapTests {
    private func expectMessage(_ result: ExitTest.Result?, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        for fragment in fragments {
            #expect(stderr.contains(fragment), "stderr lacks \"\(fragment)\": \(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func batchNormWithMismatchedWeightTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(2, 3).batchNorm(runningMean: nil, runningVar: nil, weight: Tensor.ones(4), bias: nil, training: true)
        }
        expectMessage(r, ["batchNorm", "weight", "[4]", "[2, 3]"])
    }

    @Test func batchNormTrainingOnOneValuePerChannelTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 3).batchNorm(runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        }
        expectMessage(r, ["batchNorm", "more than 1 value per channel", "[1, 3]"])
    }

    @Test func layerNormWithWrongNormalizedShapeTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(2, 3).layerNorm(normalizedShape: [4], weight: nil, bias: nil)
        }
        expectMessage(r, ["layerNorm", "[4]", "[2, 3]"])
    }

    @Test func groupNormWithIndivisibleChannelsTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(2, 6).groupNorm(numGroups: 4, weight: nil, bias: nil)
        }
        expectMessage(r, ["groupNorm", "numGroups = 4", "[2, 6]"])
    }
}

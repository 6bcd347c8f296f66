import Foundation
import NablaNN
import Testing

/// Loads `Fixtures/cnn/norm/<name>.npy`, written by PyTorch in float64 (see CASE.md there).
private func normFixture(_ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("cnn/norm/\(name).npy").path)
}

/// A model found by reflection: a linear layer, then a batch norm.
private final class LinearBN: Module {
    var fc = Linear(4, 3)
    var bn = BatchNorm1d(3)
    override func forward(_ x: Tensor) -> Tensor { bn(fc(x)) }
}

@Suite struct NormalizationModuleTests {
    @Test func batchNorm2dModuleMatchesPyTorch() throws {
        let bn = BatchNorm2d(3, dtype: .float64)
        withNoGrad {
            bn.weight!.copy(from: try! normFixture("bn2d_weight"))
            bn.bias!.copy(from: try! normFixture("bn2d_bias"))
        }
        for pass in 0..<2 {
            let x = try normFixture("bn2d_x\(pass)").requiringGrad()
            bn.zeroGrad()
            let y = bn(x)
            expectClose(y, try normFixture("bn2d_y\(pass)"), rtol: 1e-10, atol: 1e-10, "y\(pass)")
            y.backward(gradient: try normFixture("bn2d_g\(pass)"))
            expectClose(x.grad!, try normFixture("bn2d_dx\(pass)"), rtol: 1e-10, atol: 1e-10, "dx\(pass)")
            expectClose(bn.weight!.grad!, try normFixture("bn2d_dweight\(pass)"), rtol: 1e-10, atol: 1e-10, "dweight\(pass)")
            expectClose(bn.bias!.grad!, try normFixture("bn2d_dbias\(pass)"), rtol: 1e-10, atol: 1e-10, "dbias\(pass)")
        }
        expectClose(bn.runningMean!, try normFixture("bn2d_running_mean"), rtol: 1e-10, atol: 1e-12, "running mean")
        expectClose(bn.runningVar!, try normFixture("bn2d_running_var"), rtol: 1e-10, atol: 1e-12, "running var")
        let tracked = try #require(bn.numBatchesTracked)
        let expectedTracked = try normFixture("bn2d_num_batches_tracked").toArray(Int64.self)
        #expect(tracked.dtype == .int64 && tracked.shape == [] && tracked.toArray(Int64.self) == expectedTracked)

        bn.eval()
        let before = bn.buffers().map { $0.toArray(Double.self) }
        expectClose(bn(try normFixture("bn2d_eval_x")), try normFixture("bn2d_eval_y"), rtol: 1e-10, atol: 1e-10, "eval")
        #expect(bn.buffers().map { $0.toArray(Double.self) } == before, "evaluation mode leaves the buffers alone")
    }

    @Test func batchNorm1dCumulativeMovingAverageMatchesPyTorch() throws {
        let bn = BatchNorm1d(4, momentum: nil, affine: false, dtype: .float64)
        #expect(bn.parameters().isEmpty)
        #expect(bn.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        for pass in 0..<3 {
            expectClose(bn(try normFixture("bn1d_x\(pass)")), try normFixture("bn1d_y\(pass)"), rtol: 1e-10, atol: 1e-10, "y\(pass)")
        }
        expectClose(bn.runningMean!, try normFixture("bn1d_running_mean"), rtol: 1e-10, atol: 1e-12, "running mean")
        expectClose(bn.runningVar!, try normFixture("bn1d_running_var"), rtol: 1e-10, atol: 1e-12, "running var")
        #expect(bn.numBatchesTracked!.item(Int64.self) == 3)
    }

    @Test func layerNormAndGroupNormModulesMatchPyTorch() throws {
        let ln = LayerNorm(normalizedShape: [4, 5], dtype: .float64)
        withNoGrad {
            ln.weight!.copy(from: try! normFixture("ln_weight"))
            ln.bias!.copy(from: try! normFixture("ln_bias"))
        }
        let x = try normFixture("ln_x").requiringGrad()
        let y = ln(x)
        expectClose(y, try normFixture("ln_y"), rtol: 1e-10, atol: 1e-10, "ln y")
        y.backward(gradient: try normFixture("ln_g"))
        expectClose(x.grad!, try normFixture("ln_dx"), rtol: 1e-10, atol: 1e-10, "ln dx")
        expectClose(ln.weight!.grad!, try normFixture("ln_dweight"), rtol: 1e-10, atol: 1e-10, "ln dweight")
        expectClose(ln.bias!.grad!, try normFixture("ln_dbias"), rtol: 1e-10, atol: 1e-10, "ln dbias")

        let gn = GroupNorm(numGroups: 2, numChannels: 6, dtype: .float64)
        let gx = try normFixture("gn_x").requiringGrad()
        let gy = gn(gx)
        expectClose(gy, try normFixture("gn_y"), rtol: 1e-10, atol: 1e-10, "gn y")
        gy.backward(gradient: try normFixture("gn_g"))
        expectClose(gx.grad!, try normFixture("gn_dx"), rtol: 1e-10, atol: 1e-10, "gn dx")
        #expect(gn.namedParameters().map(\.name) == ["weight", "bias"] && gn.buffers().isEmpty)
    }

    @Test func modulesPrintLikePyTorch() {
        #expect(BatchNorm2d(8).description == "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)")
        #expect(BatchNorm1d(4, momentum: nil, affine: false).description
            == "BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, bias=True, track_running_stats=True)")
        #expect(BatchNorm1d(16, eps: 0.001, momentum: 0.01, trackRunningStats: false).description
            == "BatchNorm1d(16, eps=0.001, momentum=0.01, affine=True, bias=True, track_running_stats=False)")
        #expect(LayerNorm(normalizedShape: [4, 5]).description == "LayerNorm((4, 5), eps=1e-05, elementwise_affine=True)")
        #expect(LayerNorm(normalizedShape: [10], elementwiseAffine: false).description == "LayerNorm((10,), eps=1e-05, elementwise_affine=False)")
        #expect(GroupNorm(numGroups: 2, numChannels: 6).description == "GroupNorm(2, 6, eps=1e-05, affine=True)")
        #expect(Sequential(Linear(2, 3), BatchNorm1d(3)).description == """
            Sequential(
              (0): Linear(in_features=2, out_features=3, bias=True)
              (1): BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
            )
            """)
    }

    @Test func layerNormParametersFollowTheFlags() {
        #expect(LayerNorm(normalizedShape: [3], bias: false).namedParameters().map(\.name) == ["weight"])
        #expect(LayerNorm(normalizedShape: [3], elementwiseAffine: false).parameters().isEmpty)
        #expect(GroupNorm(numGroups: 1, numChannels: 3, affine: false).parameters().isEmpty)
        #expect(BatchNorm2d(3, affine: false, trackRunningStats: false).stateDict().count == 0)
    }

    @Test func stateDictListsParametersThenBuffersPerModule() {
        let model = LinearBN()
        #expect(model.stateDict().names == ["fc.weight", "fc.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"])
        #expect(model.namedParameters().map(\.name) == ["fc.weight", "fc.bias", "bn.weight", "bn.bias"])
        #expect(model.namedBuffers().map(\.name) == ["bn.running_mean", "bn.running_var", "bn.num_batches_tracked"])
        #expect(model.namedBuffers(recurse: false).isEmpty && model.buffers().count == 3)
        let sequential = Sequential(Linear(2, 3), BatchNorm2d(3), ReLU())
        #expect(sequential.stateDict().names == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        // The state dict shares memory with the buffers.
        withNoGrad { model.stateDict()["bn.running_mean"]!.fill(5) }
        #expect(model.bn.runningMean!.toArray(Double.self) == [5, 5, 5])
    }

    @Test func stateDictRoundTripsBuffersThroughNPZAndSafetensors() throws {
        let source = LinearBN()
        for _ in 0..<3 { _ = source(Tensor.randn([8, 4], generator: Generator(seed: 1))) }
        #expect(source.bn.numBatchesTracked!.item(Int64.self) == 3)
        for format in ["npz", "safetensors"] {
            let path = temporaryPath("bn.\(format)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            if format == "npz" { try source.stateDict().save(npz: path) } else { try source.stateDict().save(safetensors: path) }
            let copy = LinearBN()
            let buffers = copy.buffers()
            try copy.loadStateDict(format == "npz" ? StateDict(loadingNPZ: path) : StateDict(loadingSafetensors: path))
            for ((name, a), (_, b)) in zip(source.stateDict().entries, copy.stateDict().entries) {
                #expect(a.dtype == b.dtype && a.shape == b.shape && a.toArray(Double.self) == b.toArray(Double.self), "\(format) \(name)")
            }
            #expect(zip(buffers, copy.buffers()).allSatisfy { $0 === $1 }, "loading copies into the existing buffers")
            #expect(copy.bn.numBatchesTracked!.dtype == .int64 && copy.bn.numBatchesTracked!.item(Int64.self) == 3)
        }
    }

    @Test func loadingConvertsDTypesInPlace() throws {
        let model = LinearBN()
        var state = model.stateDict()
        state["bn.num_batches_tracked"] = Tensor.full([], 7, dtype: .float64)
        state["bn.running_var"] = Tensor.full([3], 2, dtype: .float64)
        try model.loadStateDict(state)
        #expect(model.bn.numBatchesTracked!.dtype == .int64 && model.bn.numBatchesTracked!.item(Int64.self) == 7)
        #expect(model.bn.runningVar!.dtype == .float32 && model.bn.runningVar!.toArray(Double.self) == [2, 2, 2])
    }

    @Test func mismatchedBuffersAreReportedTogether() throws {
        var state = LinearBN().stateDict()
        state["bn.running_var"] = nil
        state["fc.bias"] = nil
        state["bn.running_mean"] = Tensor.zeros(4)
        state["bn.num_batches_tracked"] = Tensor.zeros([1], dtype: .int64)
        state["bn.extra"] = Tensor.zeros(1)
        let model = LinearBN()
        let before = model.stateDict().entries.map { $0.tensor.toArray(Double.self) }
        let expected = NablaNNError.stateDictMismatch(
            missing: ["fc.bias", "bn.running_var"], unexpected: ["bn.extra"],
            shapeMismatches: [.init(name: "bn.running_mean", expected: [3], found: [4]),
                              .init(name: "bn.num_batches_tracked", expected: [], found: [1])])
        #expect(throws: expected) { try model.loadStateDict(state) }
        #expect(throws: expected) { try model.loadStateDict(state, strict: false) }
        #expect(model.stateDict().entries.map { $0.tensor.toArray(Double.self) } == before, "nothing is loaded after an error")

        state["bn.running_mean"] = Tensor.full([3], 4)
        state["bn.num_batches_tracked"] = nil
        try model.loadStateDict(state, strict: false)
        #expect(model.bn.runningMean!.toArray(Double.self) == [4, 4, 4])
        #expect(throws: NablaNNError.stateDictMismatch(missing: ["fc.bias", "bn.running_var", "bn.num_batches_tracked"],
                                                       unexpected: ["bn.extra"], shapeMismatches: [])) {
            try model.loadStateDict(state)
        }
    }

    @Test func trainAndEvalSwitchTheStatistics() {
        let bn = BatchNorm1d(2, dtype: .float64)
        let x = Tensor([[1.0, 10], [3, 20], [5, 60]], dtype: .float64)
        let trained = bn(x)
        // Batch statistics: each column normalised to mean 0.
        #expect(trained.sum(dim: 0).toArray(Double.self).allSatisfy { abs($0) < 1e-12 })
        #expect(zip(bn.runningMean!.toArray(Double.self), [0.3, 3]).allSatisfy { abs($0 - $1) < 1e-12 })
        bn.eval()
        #expect(!bn.isTraining)
        let evaluated = bn(x)
        let mean = bn.runningMean!.toArray(Double.self), variance = bn.runningVar!.toArray(Double.self)
        let expected = (0..<3).flatMap { row in (0..<2).map { c in (x[row, c].item() - mean[c]) / (variance[c] + 1e-5).squareRoot() } }
        #expect(zip(evaluated.toArray(Double.self), expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(bn.numBatchesTracked!.item(Int64.self) == 1)
        bn.train()
        _ = bn(x)
        #expect(bn.numBatchesTracked!.item(Int64.self) == 2)

        // Without running statistics, evaluation mode normalises with the batch's.
        let untracked = BatchNorm1d(2, trackRunningStats: false, dtype: .float64).eval()
        #expect(untracked.buffers().isEmpty && untracked.runningMean == nil)
        expectClose(untracked(x), BatchNorm1d(2, trackRunningStats: false, dtype: .float64)(x), rtol: 0, atol: 0)
    }

    @Test func optimizersAndFreezingLeaveBuffersAlone() {
        let model = LinearBN()
        #expect(model.parameters().count == 4 && model.parameterCount == 4 * 3 + 3 + 3 + 3)
        let optimizer = SGD(model.parameters(), lr: 0.5, momentum: 0.9, weightDecay: 0.1)
        let x = Tensor.randn([6, 4], generator: Generator(seed: 2))
        model(x).pow(2).sum().backward()
        let buffers = model.buffers().map { $0.toArray(Double.self) }
        optimizer.step()
        #expect(model.buffers().map { $0.toArray(Double.self) } == buffers)
        #expect(model.buffers().allSatisfy { !$0.requiresGrad && $0.grad == nil })
        model.requiringGrad(false).requiringGrad(true)
        model.zeroGrad()
        #expect(model.buffers().allSatisfy { !$0.requiresGrad })
    }

    @Test func batchNorm2dRejectsOtherRanks() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm2d(3)(Tensor.zeros(2, 3, 4))
        }
        let stderr = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("BatchNorm2d: expected 4D input, got 3D input of shape [2, 3, 4]"), "\(stderr)")
    }
}

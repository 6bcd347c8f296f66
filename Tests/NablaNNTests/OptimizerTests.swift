import NablaKernelsCore
import NablaNN
import Testing

@Suite struct OptimizerTests {
    /// The fixtures' model, `Sequential(Linear(64, 32), ReLU, Linear(32, 32), Tanh, Linear(32, 10))`,
    /// with the fixture's initial parameters.
    private func fixtureModel(_ fixture: String) throws -> Sequential {
        let model = Sequential(Linear(64, 32), ReLU(), Linear(32, 32), Tanh(), Linear(32, 10))
        var state = StateDict()
        for layer in [0, 2, 4] {
            for kind in ["weight", "bias"] { state["\(layer).\(kind)"] = try torchFixture(fixture, "\(layer)_\(kind)") }
        }
        try model.loadStateDict(state)
        return model
    }

    /// Five steps on the fixture's batch match PyTorch's losses and final parameters.
    private func expectFixtureMatches(_ fixture: String, _ makeOptimizer: ([Tensor]) -> any Optimizer) throws {
        let model = try fixtureModel(fixture)
        let optimizer = makeOptimizer(model.parameters())
        let x = try torchFixture(fixture, "X"), y = try torchFixture(fixture, "Y")
        var losses: [Double] = []
        for _ in 0..<5 {
            optimizer.zeroGrad()
            let loss = CrossEntropyLoss()(model(x), y)
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
        }
        expectClose(Tensor(losses, dtype: .float64), try torchFixture(fixture, "losses").to(.float64), rtol: 1e-5, atol: 1e-6, "\(fixture) losses")
        for (name, parameter) in model.namedParameters() {
            let expected = try torchFixture(fixture, "final_" + name.replacingOccurrences(of: ".", with: "_"))
            expectClose(parameter, expected, rtol: 1e-4, atol: 1e-6, "\(fixture) \(name)")
        }
    }

    @Test func sgdWithMomentumMatchesPyTorchsMLPFixture() throws {
        try expectFixtureMatches("mlp_sgd_momentum") { SGD($0, lr: 0.1, momentum: 0.9) }
    }

    @Test func adamMatchesPyTorchsMLPFixture() throws {
        try expectFixtureMatches("mlp_adam") { Adam($0, lr: 1e-2) }
    }

    @Test func adamWMatchesPyTorchsMLPFixture() throws {
        try expectFixtureMatches("mlp_adamw") { AdamW($0, lr: 1e-2, weightDecay: 0.1) }
    }

    @Test func updateRulesMatchPyTorchForEveryOption() throws {
        let fixture = "optimizer_rules"
        let grads = try torchFixture(fixture, "grads")
        let configurations: [(String, ([Tensor]) -> any Optimizer)] = [
            ("sgd_plain", { SGD($0, lr: 0.1) }),
            ("sgd_momentum_dampening_wd", { SGD($0, lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 0.01) }),
            ("sgd_nesterov_wd", { SGD($0, lr: 0.05, momentum: 0.8, weightDecay: 0.1, nesterov: true) }),
            ("adam_wd", { Adam($0, lr: 1e-2, weightDecay: 0.1) }),
            ("adam_amsgrad", { Adam($0, lr: 1e-2, betas: (0.8, 0.9), amsgrad: true) }),
            ("adamw_amsgrad", { AdamW($0, lr: 1e-2, weightDecay: 0.05, amsgrad: true) }),
            ("rmsprop", { RMSprop($0) }),
            ("rmsprop_centered_momentum_wd", { RMSprop($0, lr: 1e-2, alpha: 0.9, weightDecay: 0.1, momentum: 0.5, centered: true) }),
        ]
        for (name, make) in configurations {
            let parameter = try torchFixture(fixture, "p0").requiringGrad()
            let optimizer = make([parameter])
            for step in 0..<5 {
                parameter.grad = grads[step].clone()
                optimizer.step()
            }
            expectClose(parameter, try torchFixture(fixture, name), rtol: 1e-12, atol: 1e-14, name)
        }
    }

    /// Parameters large enough to be updated in slices on several threads get exactly the
    /// update of one thread, for every rule (each keeps per-element state).
    @Test func largeParametersUpdateAlikeOnOneAndSeveralThreads() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        let count = 200_003  // over the split threshold, odd so the slices are ragged
        let configurations: [(String, ([Tensor]) -> any Optimizer)] = [
            ("sgd", { SGD($0, lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) }),
            ("adam", { Adam($0, lr: 1e-2, amsgrad: true) }),
            ("rmsprop", { RMSprop($0, lr: 1e-2, momentum: 0.5, centered: true) }),
        ]
        for (name, make) in configurations {
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                Parallel.threadCount = threads
                let generator = Generator(seed: 7)
                let parameter = Tensor.randn([count], generator: generator).requiringGrad()
                let optimizer = make([parameter])
                for _ in 0..<3 {
                    parameter.grad = Tensor.randn([count], generator: generator)
                    optimizer.step()
                }
                results.append(parameter.toArray(Float.self))
            }
            #expect(results[0] == results[1] && results[0] == results[2], "\(name)")
        }
    }

    @Test func parametersWithoutGradientsAreLeftAlone() {
        let a = Tensor.ones([2], requiresGrad: true), b = Tensor.ones([2], requiresGrad: true)
        let optimizer = Adam([a, b], lr: 0.1)
        a.grad = Tensor([1.0, -1.0])
        optimizer.step()
        #expect(b.toArray(Double.self) == [1, 1])
        expectClose(a, Tensor([0.9, 1.1]))
        optimizer.zeroGrad()
        #expect(a.grad == nil)
    }

    @Test func schedulersMatchPyTorch() throws {
        let step = SGD([Tensor.zeros([1], requiresGrad: true)], lr: 0.1)
        let stepLR = StepLR(step, stepSize: 3, gamma: 0.5)
        let cosine = SGD([Tensor.zeros([1], requiresGrad: true)], lr: 0.1)
        let cosineLR = CosineAnnealingLR(cosine, tMax: 4, etaMin: 0.001)
        var stepRates: [Double] = [], cosineRates: [Double] = []
        for epoch in 0..<12 {
            if epoch < 10 { stepLR.step(); stepRates.append(stepLR.lastLearningRate) }
            cosineLR.step()
            cosineRates.append(cosineLR.lastLearningRate)
        }
        expectClose(Tensor(stepRates, dtype: .float64), try torchFixture("optimizer_rules", "step_lr"), rtol: 1e-12, atol: 1e-15, "StepLR")
        expectClose(Tensor(cosineRates, dtype: .float64), try torchFixture("optimizer_rules", "cosine_lr"), rtol: 1e-12, atol: 1e-15, "CosineAnnealingLR")
        #expect(stepLR.epoch == 10 && cosineLR.epoch == 12)
    }

    @Test func trainingStepsDoNotTripTheInPlaceCheck() {
        let model = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
        let optimizer = SGD(model.parameters(), lr: 0.1, momentum: 0.9, nesterov: true)
        let x = Tensor.randn(6, 3), y = Tensor.randn(6, 2)
        var losses: [Double] = []
        for _ in 0..<20 {
            optimizer.zeroGrad()
            let loss = MSELoss()(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        }
        #expect(losses.last! < losses.first!)
    }

    @Test func nesterovWithoutMomentumTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SGD([Tensor.zeros([1], requiresGrad: true)], lr: 0.1, nesterov: true)
        }
    }
}

import NablaNN
import Testing

/// The value of `loss(z)` and its gradient with respect to `z`.
private func valueAndGradient(_ z: Tensor, _ loss: (Tensor) -> Tensor) -> (value: Tensor, gradient: Tensor) {
    let x = z.clone().detach().requiringGrad()
    let value = loss(x)
    value.sum().backward()
    return (value.detach(), x.grad!)
}

@Suite struct LossTests {
    @Test func lossesMatchPyTorchsActivationsLossesFixture() throws {
        let fixture = "activations_losses"
        let z = try torchFixture(fixture, "z")
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("cross_entropy", { CrossEntropyLoss()($0, try! torchFixture(fixture, "target")) }),
            ("mse", { MSELoss()($0, try! torchFixture(fixture, "mse_target")) }),
            ("bce_with_logits", { BCEWithLogitsLoss()($0, try! torchFixture(fixture, "bce_target")) }),
        ]
        for (name, loss) in cases {
            let (value, gradient) = valueAndGradient(z, loss)
            expectClose(value.reshape(-1), try torchFixture(fixture, name).reshape(-1), rtol: 1e-10, atol: 1e-12, name)
            expectClose(gradient, try torchFixture(fixture, name + "_dz"), rtol: 1e-10, atol: 1e-12, "\(name) gradient")
        }
    }

    @Test func lossOptionsMatchPyTorch() throws {
        let fixture = "losses_extra"
        func load(_ name: String) -> Tensor { try! torchFixture(fixture, name) }
        let z = load("z"), target = load("target"), w = load("w")
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("ce_weighted_smooth_mean", { CrossEntropyLoss(weight: w, labelSmoothing: 0.2)($0, target) }),
            ("ce_weighted_smooth_sum", { CrossEntropyLoss(weight: w, reduction: .sum, labelSmoothing: 0.2)($0, target) }),
            ("ce_smooth_none", { CrossEntropyLoss(reduction: .none, labelSmoothing: 0.1)($0, target) }),
            ("ce_probs", { CrossEntropyLoss(weight: w, labelSmoothing: 0.1)($0, load("probs")) }),
            ("nll_weighted", { NLLLoss(weight: w)($0.logSoftmax(dim: 1), target) }),
            ("nll_none", { NLLLoss(reduction: .none)($0.logSoftmax(dim: 1), target) }),
            ("bce_weighted", { BCELoss(weight: load("element_weight"))($0.sigmoid(), load("bce_target")) }),
            ("bce_logits_pos_weight", { BCEWithLogitsLoss(weight: load("element_weight"), posWeight: load("pos_weight"))($0, load("bce_target")) }),
            ("l1", { L1Loss()($0, load("regression_target")) }),
            ("mse_sum", { MSELoss(reduction: .sum)($0, load("regression_target")) }),
        ]
        for (name, loss) in cases {
            let (value, gradient) = valueAndGradient(z, loss)
            let expected = load(name)
            expectClose(value.reshape(expected.shape), expected, rtol: 1e-10, atol: 1e-12, name)
            expectClose(gradient, load(name + "_dz"), rtol: 1e-9, atol: 1e-12, "\(name) gradient")
        }
        let z3 = load("z3"), target3 = load("target3")
        expectClose(CrossEntropyLoss(weight: w)(z3, target3).reshape(1), load("ce_3d").reshape(1), rtol: 1e-10, atol: 1e-12, "ce_3d")
        expectClose(CrossEntropyLoss(reduction: .none)(z3, target3), load("ce_3d_none"), rtol: 1e-10, atol: 1e-12, "ce_3d_none")
    }

    @Test func crossEntropyAcceptsASingleSample() {
        let logits = Tensor([1.0, 2, 0.5], dtype: .float64)
        let expected = -logits.logSoftmax(dim: 0)[1].item()
        #expect(abs(CrossEntropyLoss()(logits, Tensor.scalar(1, dtype: .int64)).item() - expected) < 1e-12)
    }

    @Test func bceIsFiniteAtZeroAndOne() {
        let loss = BCELoss(reduction: .none)(Tensor([0.0, 1.0], dtype: .float64), Tensor([1.0, 1.0], dtype: .float64))
        #expect(loss.toArray(Double.self) == [100, 0])
    }

    @Test func bceWithLogitsIsStableForLargeLogits() {
        let x = Tensor([-1000.0, 0, 1000], dtype: .float64).requiringGrad()
        let loss = BCEWithLogitsLoss(reduction: .none)(x, Tensor([1.0, 0.5, 0], dtype: .float64))
        expectClose(loss, Tensor([1000, 0.6931471805599453, 1000], dtype: .float64))
        loss.sum().backward()
        // d/dx = sigmoid(x) - y, also at x = 0.
        expectClose(x.grad!, Tensor([-1.0, 0, 1], dtype: .float64), atol: 1e-12)
    }

    @Test func lossGradientsPassGradcheck() {
        let target = Tensor([2, 0, 1])
        let weight = Tensor([0.5, 2.0, 1.0], dtype: .float64)
        let probabilities = Tensor.rand([3, 3], dtype: .float64)
        let functions: [(String, ([Tensor]) -> Tensor)] = [
            ("crossEntropy", { Functional.crossEntropy($0[0], target, weight: weight, labelSmoothing: 0.3) }),
            ("binaryCrossEntropy", { Functional.binaryCrossEntropy($0[0].sigmoid(), probabilities) }),
            ("binaryCrossEntropyWithLogits", { Functional.binaryCrossEntropyWithLogits($0[0], probabilities, posWeight: weight) }),
            ("mseLoss", { Functional.mseLoss($0[0], probabilities, reduction: .none) }),
        ]
        for (name, function) in functions {
            let input = Tensor.randn([3, 3], dtype: .float64, generator: Generator(seed: 9)).requiringGrad()
            let result = gradcheck(function, inputs: [input])
            #expect(result.passed, "\(name): \(result)")
        }
    }

    @Test func crossEntropyTrapsOnAFloatLabelOfTheWrongShape() async {
        await #expect(processExitsWith: .failure) {
            _ = CrossEntropyLoss()(Tensor.zeros(4, 3), Tensor.zeros(4))
        }
    }

    @Test func classIndexTargetsMustBeInt64() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = CrossEntropyLoss()(Tensor.zeros(4, 3), Tensor([0, 1, 2, 0], dtype: .int32))
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("crossEntropy") && message.contains("int64") && message.contains("int32"), "\(message)")
    }

    @Test func aFloat32LayerRefusesFloat64Input() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Linear(3, 2)(Tensor.ones([4, 3], dtype: .float64))
        }
        let message = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("linear") && message.contains("float64") && message.contains("float32"), "\(message)")
    }

    @Test func mseTrapsOnDifferentShapes() async {
        await #expect(processExitsWith: .failure) {
            _ = MSELoss()(Tensor.zeros(4, 1), Tensor.zeros(4))
        }
    }
}

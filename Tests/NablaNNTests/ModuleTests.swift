import NablaNN
import Testing

/// A user-defined module whose members are found by reflection.
final class TwoLayerNet: Module {
    var fc1 = Linear(4, 3)
    var fc2 = Linear(3, 2)
    var _scratch = Tensor.zeros(2)
    override func forward(_ x: Tensor) -> Tensor { fc2(fc1(x).relu()) }
}

/// A module with a list of blocks, an own parameter and an optional child.
final class Tower: Module {
    var scale = Tensor.ones([2], requiresGrad: true)
    var blocks: [Module] = [Linear(2, 2), Linear(2, 2, bias: false)]
    var head: Module? = Sequential(Linear(2, 1))
    override func forward(_ x: Tensor) -> Tensor {
        let body = blocks.reduce(x * scale) { $1($0) }
        return head.map { $0(body) } ?? body
    }
}

@Suite struct ModuleTests {
    @Test func sequentialNamesParametersLikePyTorch() {
        let model = Sequential(Linear(64, 32), ReLU(), Linear(32, 32), Tanh(), Linear(32, 10))
        #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(model.parameters().map(\.shape) == [[32, 64], [32], [32, 32], [32], [10, 32], [10]])
        #expect(model.parameterCount == 64 * 32 + 32 + 32 * 32 + 32 + 32 * 10 + 10)
        #expect(model.namedChildren().map(\.name) == ["0", "1", "2", "3", "4"])
    }

    @Test func reflectionFindsPropertiesInDeclarationOrder() {
        let net = TwoLayerNet()
        #expect(net.namedParameters().map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(net.namedModules().map(\.name) == ["", "fc1", "fc2"])
        let tower = Tower()
        #expect(tower.namedParameters().map(\.name) == ["scale", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "head.0.weight", "head.0.bias"])
        tower.head = nil
        #expect(tower.namedParameters().map(\.name).last == "blocks.1.weight")
    }

    @Test func sharedParametersAreListedOnce() {
        let shared = Linear(3, 3)
        let model = Sequential(shared, ReLU(), shared)
        #expect(model.parameters().count == 2)
        #expect(model.stateDict().names == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    @Test func resultBuilderBuildsTheSameSequential() {
        let deep = true
        let model = Sequential {
            Flatten()
            Linear(4, 8)
            if deep {
                GELU()
                Linear(8, 8)
            }
            for _ in 0..<2 { Identity() }
            Linear(8, 2)
        }
        #expect(model.count == 7)
        #expect(model(Tensor.randn(5, 2, 2)).shape == [5, 2])
        #expect(model.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias", "6.weight", "6.bias"])
    }

    @Test func linearUsesPyTorchsInitialisationBounds() {
        let layer = Linear(400, 300, generator: Generator(seed: 1))
        let bound = 1 / 400.0.squareRoot()
        let weights = layer.weight.toArray(Double.self)
        #expect(weights.allSatisfy { abs($0) <= bound })
        #expect(weights.max()! > 0.95 * bound && weights.min()! < -0.95 * bound)
        #expect(layer.bias!.toArray(Double.self).allSatisfy { abs($0) <= bound })
        #expect(layer.weight.requiresGrad && layer.bias!.requiresGrad)
        let again = Linear(400, 300, generator: Generator(seed: 1))
        #expect(again.weight.toArray(Double.self) == weights)
    }

    @Test func linearComputesAffineMapOnAnyLeadingDims() {
        let layer = Linear(3, 2)
        withNoGrad {
            layer.weight.copy(from: Tensor([[1.0, 2, 3], [-1, 0, 1]]))
            layer.bias!.copy(from: Tensor([0.5, -0.5]))
        }
        expectClose(layer(Tensor([[1.0, 1, 1]])), Tensor([[6.5, -0.5]]))
        expectClose(layer(Tensor([1.0, 0, 0])), Tensor([1.5, -1.5]))
        expectClose(layer(Tensor.ones(2, 4, 3)), Tensor([6.5, -0.5]).expand(2, 4, 2))
        let noBias = Linear(3, 2, bias: false)
        #expect(noBias.namedParameters().map(\.name) == ["weight"])
    }

    @Test func trainAndEvalPropagateToDescendants() {
        let tower = Tower()
        tower.eval()
        #expect(tower.modules().allSatisfy { !$0.isTraining })
        tower.train()
        #expect(tower.modules().allSatisfy { $0.isTraining })
        #expect(tower.modules().count == 5)
    }

    @Test func zeroGradClearsEveryGradient() {
        let net = TwoLayerNet()
        net(Tensor.randn(5, 4)).sum().backward()
        #expect(net.parameters().allSatisfy { $0.grad != nil })
        net.zeroGrad()
        #expect(net.parameters().allSatisfy { $0.grad == nil })
    }

    @Test func replacingTheHeadAndFreezingTheRestTrainsOnlyTheHead() {
        let net = TwoLayerNet()
        net.requiringGrad(false)
        net.fc2 = Linear(3, 5)
        #expect(net.namedParameters().first { $0.name == "fc2.weight" }!.tensor.shape == [5, 3])
        #expect(net.trainableParameterCount == 5 * 3 + 5)
        let frozen = net.fc1.weight.clone()
        let optimizer = SGD(net.parameters(), lr: 0.1)
        let loss = CrossEntropyLoss()(net(Tensor.randn(8, 4)), Tensor.randint(0, 5, [8]))
        loss.backward()
        #expect(net.fc1.weight.grad == nil)
        let head = net.fc2.weight.clone()
        optimizer.step()
        #expect(net.fc1.weight.toArray(Double.self) == frozen.toArray(Double.self))
        #expect(net.fc2.weight.toArray(Double.self) != head.toArray(Double.self))

        let model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        model[2] = Linear(3, 7)
        #expect(model(Tensor.randn(2, 4)).shape == [2, 7])
        #expect(model.stateDict()["2.weight"]!.shape == [7, 3])
    }

    @Test func descriptionPrintsTheTreeLikePyTorch() {
        let model = Sequential(Linear(64, 32), ReLU(), Dropout(p: 0.2), Sequential(Linear(32, 10, bias: false), LogSoftmax(dim: 1)))
        #expect(model.description == """
            Sequential(
              (0): Linear(in_features=64, out_features=32, bias=True)
              (1): ReLU()
              (2): Dropout(p=0.2, inplace=False)
              (3): Sequential(
                (0): Linear(in_features=32, out_features=10, bias=False)
                (1): LogSoftmax(dim=1)
              )
            )
            """)
        #expect(TwoLayerNet().description.hasPrefix("TwoLayerNet(\n  (fc1): Linear(in_features=4"))
    }

    @Test func dropoutScalesKeptElementsOnlyInTraining() {
        let dropout = Dropout(p: 0.25, generator: Generator(seed: 3))
        let x = Tensor.ones([10_000])
        let y = dropout(x).toArray(Double.self)
        #expect(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        let dropped = Double(y.filter { $0 == 0 }.count) / 10_000
        #expect(abs(dropped - 0.25) < 0.02)
        dropout.eval()
        #expect(dropout(x) === x)
        #expect(Dropout(p: 1)(x).toArray(Double.self).allSatisfy { $0 == 0 })
    }

    @Test func activationModulesMatchTheirFunctions() {
        let x = Tensor.randn([3, 4], dtype: .float64)
        expectClose(ReLU()(x), x.relu())
        expectClose(LeakyReLU(negativeSlope: 0.2)(x), x.leakyRelu(negativeSlope: 0.2))
        expectClose(Sigmoid()(x), x.sigmoid())
        expectClose(Tanh()(x), x.tanh())
        expectClose(GELU(approximate: .tanh)(x), x.gelu(approximate: .tanh))
        expectClose(Softmax(dim: 0)(x), x.softmax(dim: 0))
        expectClose(LogSoftmax(dim: 1)(x), x.logSoftmax(dim: 1))
        #expect(Identity()(x) === x)
        #expect(Flatten()(Tensor.zeros(2, 3, 4)).shape == [2, 12])
    }

    @Test func linearTrapsOnAWrongInputWidth() async {
        await #expect(processExitsWith: .failure) {
            _ = Linear(3, 2)(Tensor.zeros(4, 5))
        }
    }

    @Test func forwardTrapsWhenNotOverridden() async {
        await #expect(processExitsWith: .failure) {
            _ = Module()(Tensor.zeros(1))
        }
    }
}

@Suite struct LinearOperationTests {
    @Test func linearGradientsPassGradcheck() {
        let generator = Generator(seed: 4)
        for withBias in [true, false] {
            let x = Tensor.randn([5, 3], dtype: .float64, generator: generator).requiringGrad()
            let w = Tensor.randn([4, 3], dtype: .float64, generator: generator).requiringGrad()
            let b = Tensor.randn([4], dtype: .float64, generator: generator).requiringGrad()
            let inputs = withBias ? [x, w, b] : [x, w]
            let result = gradcheck({ $0[0].linear(weight: $0[1], bias: withBias ? $0[2] : nil) }, inputs: inputs)
            #expect(result.passed, "bias \(withBias): \(result)")
        }
        // The fallback path: extra leading dims and a transposed (non-contiguous) input.
        let x3 = Tensor.randn([2, 3, 4], dtype: .float64, generator: generator).requiringGrad()
        let xT = Tensor.randn([4, 5], dtype: .float64, generator: generator).requiringGrad()
        let w = Tensor.randn([2, 4], dtype: .float64, generator: generator).requiringGrad()
        let b = Tensor.randn([2], dtype: .float64, generator: generator).requiringGrad()
        #expect(gradcheck({ $0[0].linear(weight: $0[1], bias: $0[2]) }, inputs: [x3, w, b]).passed)
        #expect(gradcheck({ $0[0].T.linear(weight: $0[1], bias: $0[2]) }, inputs: [xT, w, b]).passed)
    }

    @Test func linearMatchesAddmmWithoutGradientsToo() {
        let x = Tensor.randn(6, 5), w = Tensor.randn(3, 5), b = Tensor.randn(3)
        expectClose(x.linear(weight: w, bias: b), Tensor.addmm(b, x, w.T))
        expectClose(x.linear(weight: w), x.mm(w.T))
        #expect(withNoGrad { x.linear(weight: w.requiringGrad()) }.gradFn == nil)
    }
}

@Suite struct NamedSequentialTests {
    @Test func namesAreKeptInOrderAndReachTheStateDict() {
        let model = Sequential(["fc1": Linear(4, 3), "act": ReLU(), "fc2": Linear(3, 2)])
        #expect(model.namedChildren().map(\.name) == ["fc1", "act", "fc2"])
        #expect(model.stateDict().names == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(model(Tensor.ones(5, 4)).shape == [5, 2])
        model.append(Linear(2, 2), named: "out")
        #expect(model.namedChildren().map(\.name) == ["fc1", "act", "fc2", "out"])
        #expect(model["missing"] == nil)
    }

    @Test func typedAccessByIndexAndName() {
        let model = Sequential(["fc": Linear(4, 3), "act": ReLU()])
        #expect(model.layer("fc", as: Linear.self)?.weight.shape == [3, 4])
        #expect(model.layer(0, as: Linear.self)?.outFeatures == 3)
        #expect(model.layer("act", as: Linear.self) == nil, "a layer of another type gives nil, not a crash")
        #expect(model.layer("nothing", as: ReLU.self) == nil)
        #expect(model.layer(1, as: ReLU.self) != nil)
    }
}

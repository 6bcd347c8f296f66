import Testing
@testable import Nabla

/// Float64 inputs that require grad, seeded.
func gradInputs(_ shapes: [Int]..., seed: UInt64 = 1, positive: Bool = false) -> [Tensor] {
    let g = Generator(seed: seed)
    return shapes.map { shape in
        let t = Tensor.randn(shape, dtype: .float64, generator: g)
        return (positive ? t.abs() + 0.5 : t).detach().requiringGrad()
    }
}

func expectGradcheck(_ name: String, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-5,
                     sourceLocation: SourceLocation = #_sourceLocation, _ f: @escaping ([Tensor]) -> Tensor) {
    let result = gradcheck(f, inputs: inputs, eps: eps, atol: atol)
    #expect(result.passed, "\(name): \(result)", sourceLocation: sourceLocation)
}

@Suite struct GradcheckTests {
    @Test func arithmeticWithBroadcasting() {
        expectGradcheck("add", gradInputs([2, 3], [3])) { $0[0] + $0[1] }
        expectGradcheck("sub", gradInputs([2, 1], [1, 3])) { $0[0] - $0[1] }
        expectGradcheck("mul", gradInputs([2, 3, 1], [4])) { $0[0] * $0[1] }
        expectGradcheck("div", gradInputs([3], positive: true) + gradInputs([2, 3], seed: 2, positive: true)) { $0[0] / $0[1] }
        expectGradcheck("neg and scalars", gradInputs([3])) { 2 - (-$0[0]) * 3 + 1.5 }
        expectGradcheck("maximum", gradInputs([4], [4])) { Tensor.maximum($0[0], $0[1]) }
        expectGradcheck("minimum", gradInputs([2, 4], [4])) { Tensor.minimum($0[0], $0[1]) }
        expectGradcheck("pow tensor", gradInputs([3], positive: true) + gradInputs([3], seed: 3)) { $0[0].pow($0[1]) }
        expectGradcheck("pow scalar", gradInputs([3])) { $0[0].pow(3) }
    }

    @Test func unaryFunctions() {
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("exp", { $0.exp() }), ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }), ("sin", { $0.sin() }),
            ("cos", { $0.cos() }), ("gelu", { $0.gelu() }), ("gelu tanh", { $0.gelu(approximate: .tanh) }),
            ("relu", { $0.relu() }), ("leakyRelu", { $0.leakyRelu(negativeSlope: 0.2) }), ("abs", { $0.abs() }),
            ("clamp", { $0.clamp(min: -0.5, max: 0.5) }), ("expm1", { $0.expm1() }), ("erf", { $0.erf() }),
        ]
        for (name, f) in cases { expectGradcheck(name, gradInputs([5])) { f($0[0]) } }
        let positiveCases: [(String, (Tensor) -> Tensor)] = [
            ("log", { $0.log() }), ("sqrt", { $0.sqrt() }), ("rsqrt", { $0.rsqrt() }), ("log1p", { $0.log1p() }),
        ]
        for (name, f) in positiveCases { expectGradcheck(name, gradInputs([5], positive: true)) { f($0[0]) } }
    }

    @Test func reductions() {
        expectGradcheck("sum dim", gradInputs([2, 3, 4])) { $0[0].sum(dim: 1) }
        expectGradcheck("sum dims keepdim", gradInputs([2, 3, 4])) { $0[0].sum(dims: [0, 2], keepdim: true) }
        expectGradcheck("mean", gradInputs([2, 3])) { $0[0].mean(dim: 0) }
        expectGradcheck("prod", gradInputs([2, 3])) { $0[0].prod(dim: 1) }
        expectGradcheck("prod with a zero", [Tensor([[1.0, 0, 2], [3, 4, 0.5]], dtype: .float64).requiringGrad()]) { $0[0].prod(dim: 1) }
        expectGradcheck("max dim", gradInputs([3, 4])) { $0[0].max(dim: 1).values }
        expectGradcheck("min dim keepdim", gradInputs([3, 4])) { $0[0].min(dim: 0, keepdim: true).values }
        expectGradcheck("max all", gradInputs([3, 4])) { $0[0].max() }
        expectGradcheck("var", gradInputs([3, 4])) { $0[0].var(dim: 1) }
        expectGradcheck("std", gradInputs([3, 4])) { $0[0].std() }
        expectGradcheck("logsumexp", gradInputs([3, 4])) { $0[0].logsumexp(dim: 1) }
        expectGradcheck("norm", gradInputs([3, 4])) { $0[0].norm(dims: [1]) }
        expectGradcheck("softmax", gradInputs([3, 4])) { $0[0].softmax(dim: 1) }
        expectGradcheck("logSoftmax", gradInputs([3, 4])) { $0[0].logSoftmax(dim: 0) }
    }

    @Test func productsInEveryMatmulCase() {
        expectGradcheck("mm", gradInputs([3, 4], [4, 2])) { $0[0].mm($0[1]) }
        expectGradcheck("mm transposed", gradInputs([4, 3], [2, 4])) { $0[0].T.mm($0[1].T) }
        expectGradcheck("dot", gradInputs([4], [4])) { $0[0].matmul($0[1]) }
        expectGradcheck("mat-vec", gradInputs([3, 4], [4])) { $0[0].matmul($0[1]) }
        expectGradcheck("vec-mat", gradInputs([4], [4, 2])) { $0[0].matmul($0[1]) }
        expectGradcheck("batched @ matrix", gradInputs([2, 3, 4], [4, 2])) { $0[0].matmul($0[1]) }
        expectGradcheck("broadcast batch", gradInputs([2, 1, 3, 4], [3, 4, 2])) { $0[0].matmul($0[1]) }
        expectGradcheck("bmm", gradInputs([2, 3, 4], [2, 4, 2])) { $0[0].bmm($0[1]) }
        expectGradcheck("addmm", gradInputs([2], [3, 4], [4, 2])) { Tensor.addmm($0[0], $0[1], $0[2], beta: 0.5, alpha: 2) }
    }

    @Test func viewsAndJoins() {
        expectGradcheck("view", gradInputs([2, 6])) { $0[0].view(3, 4) * Tensor.arange(12, dtype: .float64).view(3, 4) }
        expectGradcheck("reshape copy", gradInputs([3, 4])) { $0[0].T.reshape(12) }
        expectGradcheck("transpose", gradInputs([2, 3])) { $0[0].transpose(0, 1).contiguous() * Tensor.arange(6, dtype: .float64).view(3, 2) }
        expectGradcheck("permute", gradInputs([2, 3, 4])) { $0[0].permute(2, 0, 1) }
        expectGradcheck("slice", gradInputs([4, 5])) { $0[0][1..<3, .every(2)] }
        expectGradcheck("select", gradInputs([4, 5])) { $0[0][-1] }
        expectGradcheck("expand", gradInputs([3, 1])) { $0[0].expand(2, 3, 4) * Tensor.arange(24, dtype: .float64).view(2, 3, 4) }
        expectGradcheck("squeeze/unsqueeze", gradInputs([3, 1])) { $0[0].squeeze().unsqueeze(0) }
        expectGradcheck("flatten", gradInputs([2, 3, 2])) { $0[0].flatten(startDim: 1) }
        expectGradcheck("cat", gradInputs([2, 3], [1, 3])) { Tensor.cat([$0[0], $0[1]]) }
        expectGradcheck("stack", gradInputs([3], [3])) { Tensor.stack([$0[0], $0[1]], dim: 1) }
        expectGradcheck("split", gradInputs([5])) { $0[0].split(2)[1] * 3 }
        expectGradcheck("chunk", gradInputs([4, 2])) { $0[0].chunk(2)[0].exp() }
        expectGradcheck("non-contiguous input", gradInputs([4, 3])) { $0[0].T.exp().sum(dim: 0) }
    }

    @Test func indexingWhereAndConversion() {
        let index = Tensor([[2, 0], [1, 1]])
        expectGradcheck("gather", gradInputs([2, 3])) { $0[0].gather(dim: 1, index: index) }
        expectGradcheck("indexSelect", gradInputs([3, 4])) { $0[0].indexSelect(dim: 1, index: Tensor([3, 0, 3])) }
        let condition = Tensor([true, false, true])
        expectGradcheck("where", gradInputs([3], [2, 3])) { Tensor.where(condition, $0[0], $0[1]) }
        expectGradcheck("maskedFill", gradInputs([3])) { $0[0].maskedFill(condition, 2) }
        // float32 rounding limits what finite differences can resolve.
        expectGradcheck("to float32 and back", gradInputs([3]), eps: 1e-2, atol: 1e-4) { ($0[0].to(.float32) * 2).to(.float64) }
        expectGradcheck("scatterAdd", gradInputs([2, 3], [2, 2])) { $0[0].scatterAdd(dim: 1, index: index, source: $0[1]) }
    }
}

@Suite struct AutogradEngineTests {
    /// Several tasks run backward passes through one retained graph at once, through a node
    /// with more inputs than it holds inline (`cat` of three) and a product: the traversal
    /// only reads the shared nodes, and every pass adds its gradient once.
    @Test func concurrentBackwardPassesThroughOneRetainedGraph() async {
        let parts = (0..<3).map { _ in Tensor.randn([4], requiresGrad: true) }
        let loss = (Tensor.cat(parts) * Tensor(Float(2))).sum()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<50 { loss.backward(retainGraph: true) } }
            }
        }
        for part in parts {
            #expect(part.grad?.toArray(Float.self) == [Float](repeating: 400, count: 4))
        }
    }

    /// A leaf keeps its first gradient without a copy only when nothing else can see it:
    /// one tensor returned for both inputs of `+`, a view of the caller's seed and a
    /// gradient whose storage another tensor shares all end up as separate memory.
    @Test func firstGradientIsKeptOnlyWhenUnshared() {
        let a = Tensor([1.0, 2.0], requiresGrad: true)
        let b = Tensor([3.0, 4.0], requiresGrad: true)
        (a + b).sum().backward()
        a.grad!.fill(7)
        #expect(b.grad!.toArray(Float.self) == [1, 1])
        #expect(a.grad!.storage !== b.grad!.storage)

        let x = Tensor([1.0, 2.0, 3.0, 4.0], requiresGrad: true)
        let seed = Tensor([[1.0, 2.0], [3.0, 4.0]])
        x.reshape([2, 2]).backward(gradient: seed)
        seed.fill(0)
        #expect(x.grad!.toArray(Float.self) == [1, 2, 3, 4])

        // A product's weight gradient is a fresh tensor, which the leaf keeps.
        let w = Tensor([[1.0, 2.0], [3.0, 4.0]], requiresGrad: true)
        let input = Tensor([[1.0, 1.0]])
        input.matmul(w).sum().backward()
        #expect(w.grad!.toArray(Float.self) == [1, 1, 1, 1])
        // Accumulating into it makes a new tensor, so a caller's reference is unchanged.
        let first = w.grad!
        input.matmul(w).sum().backward()
        #expect(first.toArray(Float.self) == [1, 1, 1, 1])
        #expect(w.grad!.toArray(Float.self) == [2, 2, 2, 2])
    }

    @Test func gradientsAccumulateUntilZeroed() {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        (x * x).sum().backward()
        #expect(x.grad!.toArray(Float.self) == [2, 4])
        (x * 3).sum().backward()
        #expect(x.grad!.toArray(Float.self) == [5, 7])
        x.zeroGrad()
        #expect(x.grad == nil)
        (x * 3).sum().backward()
        #expect(x.grad!.toArray(Float.self) == [3, 3])
    }

    @Test func noGradScopesBuildNoGraph() {
        let x = Tensor([1.0], requiresGrad: true)
        #expect(isGradEnabled)
        let y = withNoGrad { () -> Tensor in
            #expect(!isGradEnabled)
            return x * 2
        }
        #expect(y.gradFn == nil)
        #expect(!y.requiresGrad)
        #expect((x * 2).gradFn == "MulBackward0")
        #expect(withGradEnabled(false) { (x + 1).requiresGrad } == false)
    }

    @Test func leavesNonLeavesAndRetainGrad() {
        let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
        let y = x * 2
        #expect(x.isLeaf && !y.isLeaf)
        y.retainGrad()
        let z = (y * y).sum()
        z.backward()
        #expect(y.grad!.toArray(Float.self) == [4, 8, 12])
        #expect(x.grad!.toArray(Float.self) == [8, 16, 24])
        let d = y.detach()
        #expect(d.isLeaf && !d.requiresGrad)
        #expect(z.description.contains("grad_fn=<SumBackward1>"))
    }

    @Test func backwardWithGradientAndRetainGraph() {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        let y = x.exp()
        y.backward(gradient: Tensor([1.0, 0.5]), retainGraph: true)
        y.backward(gradient: Tensor([1.0, 0.5]))
        expectClose(x.grad!.toArray(Double.self), [2 * Foundation_exp(1), Foundation_exp(2)], rtol: 1e-6)
    }

    @Test func sharedSubexpressionsSumTheirGradients() {
        let x = Tensor([3.0], dtype: .float64, requiresGrad: true)
        let a = x * x
        let b = a + a * x
        b.backward()
        #expect(x.grad!.item() == 33)  // d(x^2 + x^3)/dx at 3: 2*3 + 3*9
    }

    @Test func graphsAreFreedWithTheirOutputs() {
        weak var weakOutput: Tensor?
        weak var weakInput: Tensor?
        do {
            let x = Tensor([0.5, 1.5], requiresGrad: true)
            let y = x.exp().sigmoid().tanh().softmax(dim: 0).logSoftmax(dim: 0).sqrt()
            weakOutput = y
            weakInput = x
            y.sum().backward()
        }
        #expect(weakOutput == nil)
        #expect(weakInput == nil)
    }

    @Test func longChainsDoNotOverflowTheStack() {
        let x = Tensor([1.0], requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1.0 }
        y.sum().backward()
        #expect(x.grad!.item() == 1)
    }

    @Test func inPlaceModificationOfASavedTensorIsReported() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Tensor([1.0, 2.0], requiresGrad: true)
            let a = Tensor([3.0, 4.0])
            let y = (w * a).sum()
            a += 1.0
            y.backward()
        }
        let stderr = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("modified by an in-place operation"), "\(stderr)")
    }

    @Test func secondBackwardWithoutRetainGraphIsReported() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0], requiresGrad: true)
            let y = x.exp().sum()
            y.backward()
            y.backward()
        }
        let stderr = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("retainGraph"), "\(stderr)")
    }

    @Test func inPlaceOnALeafThatRequiresGradIsRefused() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let w = Tensor([1.0], requiresGrad: true)
            w += 1.0
        }
        let stderr = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("withNoGrad"), "\(stderr)")
    }
}

import Foundation
private func Foundation_exp(_ x: Double) -> Double { Foundation.exp(x) }

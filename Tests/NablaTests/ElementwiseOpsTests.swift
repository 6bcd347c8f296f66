import Foundation
import Testing
@testable import Nabla

/// A naive reference for a broadcast binary operation: index arithmetic, no strides.
func referenceBinary(_ a: Tensor, _ b: Tensor, _ f: @escaping (Double, Double) -> Double) -> (shape: [Int], values: [Double]) {
    let shape = Tensor.broadcastShapes(a.shape, b.shape)
    let av = a.toArray(Double.self), bv = b.toArray(Double.self)
    let count = shape.reduce(1, *)
    func offset(_ flat: Int, in operand: [Int]) -> Int {
        var rest = flat, result = 0, step = 1
        for d in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            let i = rest % shape[d]
            rest /= shape[d]
            let od = d - (shape.count - operand.count)
            if od >= 0 {
                if operand[od] != 1 { result += i * step }
                step *= operand[od]
            }
        }
        return result
    }
    return (shape, (0..<count).map { f(av[offset($0, in: a.shape)], bv[offset($0, in: b.shape)]) })
}

@Suite struct ElementwiseOpsTests {
    @Test func broadcastingAlongEveryAxisMatchesReference() {
        let g = Generator(seed: 11)
        let shapes: [([Int], [Int])] = [([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 3, 4], [3, 1]), ([2, 1, 4], [1, 3, 1]),
                                        ([1], [2, 3]), ([], [3, 2]), ([5, 1], [1, 0]), ([2, 3, 4], [2, 1, 1])]
        for (sa, sb) in shapes {
            let a = Tensor.randn(sa, dtype: .float64, generator: g), b = Tensor.randn(sb, dtype: .float64, generator: g)
            typealias Case = (name: String, op: (Tensor, Tensor) -> Tensor, ref: (Double, Double) -> Double)
            let cases: [Case] = [
                ("add", { $0 + $1 }, { $0 + $1 }), ("sub", { $0 - $1 }, { $0 - $1 }), ("mul", { $0 * $1 }, { $0 * $1 }),
                ("div", { $0 / $1 }, { $0 / $1 }), ("maximum", { Tensor.maximum($0, $1) }, { Swift.max($0, $1) }),
            ]
            for (name, op, ref) in cases {
                let expected = referenceBinary(a, b, ref)
                let result = op(a, b)
                #expect(result.shape == expected.shape, "\(name) \(sa) \(sb)")
                expectClose(result.toArray(Double.self), expected.values, rtol: 1e-12, atol: 0, "\(name) \(sa) \(sb)")
                let swapped = referenceBinary(b, a, ref)
                expectClose(op(b, a).toArray(Double.self), swapped.values, rtol: 1e-12, atol: 0, "\(name) \(sb) \(sa)")
            }
        }
    }

    @Test func nonContiguousOperandsMatchContiguous() {
        let g = Generator(seed: 5)
        let a = Tensor.randn([4, 6], generator: g).T         // [6, 4], strides [1, 6]
        let b = Tensor.randn([6, 8], generator: g)[.all, .every(2)]  // [6, 4], strides [8, 2]
        expectClose(a * b, a.contiguous() * b.contiguous(), rtol: 0, atol: 0)
        expectClose((a + b).exp(), (a.contiguous() + b.contiguous()).exp(), rtol: 0, atol: 0)
    }

    @Test func typePromotionFollowsPyTorch() {
        let i = Tensor([1, 2]), f = Tensor([1.5, 2.5]), d = Tensor([1.0, 2.0], dtype: .float64), b = Tensor([true, false])
        #expect((i + f).dtype == .float32)
        #expect((f + d).dtype == .float64)
        #expect((i + 1).dtype == .int64)
        #expect((i + 1.5).dtype == .float32)
        #expect((i / 2).dtype == .float32)
        #expect((i / 2).toArray(Float.self) == [0.5, 1])
        #expect((b + 1).dtype == .int64)
        #expect((f + Tensor(2.0, dtype: .float64)).dtype == .float32)
        #expect((i + Tensor(2.5)).dtype == .float32)
        #expect((Tensor([1, 2], dtype: .int32) + i).dtype == .int64)
        #expect((3 - f).toArray(Float.self) == [1.5, 0.5])
        #expect((2.0 / f).toArray(Float.self) == [2 / 1.5, 0.8])
    }

    @Test func inPlaceFormsWriteThroughViews() {
        let x = Tensor.zeros(2, 3)
        let row = x[1]
        row += Tensor([1.0, 2.0, 3.0])
        row *= 2
        #expect(x.toArray(Float.self) == [0, 0, 0, 2, 4, 6])
        x.addInPlace(Tensor.ones(3), alpha: 0.5)
        #expect(x.toArray(Float.self) == [0.5, 0.5, 0.5, 2.5, 4.5, 6.5])
        x -= 0.5
        x /= Tensor([1.0, 2.0, 3.0])
        #expect(x.toArray(Float.self) == [0, 0, 0, 2, 2, 2])
    }

    @Test func inPlaceArithmeticMatchesTheOutOfPlaceResultOnEveryLayout() {
        // The one-pass path (float self, other not sharing its storage) and the general
        // one (aliasing, integer self, alpha) must give the out-of-place result.
        let base = Tensor.arange(24, dtype: .float64).reshape([2, 3, 4]) - 7
        let other = Tensor.arange(4, dtype: .float64) + 1
        for dtype in [DType.float32, .float64] {
            let views: [(String, (Tensor) -> Tensor)] = [
                ("contiguous", { $0 }), ("transposed", { $0.transpose(0, 2) }), ("sliced", { $0.narrow(1, start: 1, length: 2) }),
            ]
            for (name, view) in views {
                let rhs = name == "transposed" ? other.reshape([4, 1, 1]).to(dtype) : other.to(dtype)
                let cases: [(String, (Tensor, Tensor) -> Void, (Tensor, Tensor) -> Tensor)] = [
                    ("+=", { $0 += $1 }, { $0 + $1 }), ("-=", { $0 -= $1 }, { $0 - $1 }),
                    ("*=", { $0 *= $1 }, { $0 * $1 }), ("/=", { $0 /= $1 }, { $0 / $1 }),
                ]
                for (symbol, inPlace, outOfPlace) in cases {
                    let target = view(base.to(dtype).clone())
                    let want = outOfPlace(target, rhs)
                    inPlace(target, rhs)
                    #expect(target.toArray(Double.self) == want.toArray(Double.self), "\(dtype) \(name) \(symbol)")
                    #expect(target.strides == view(base.to(dtype).clone()).strides, "\(dtype) \(name) \(symbol) kept its layout")
                }
            }
            // A number, an integer operand, and an operand that is a view of the target.
            let t = base.to(dtype).clone()
            t /= 2
            #expect(t.toArray(Double.self) == (base / 2).toArray(Double.self))
            t += Tensor([1, 2, 3, 4])
            #expect(t.toArray(Double.self) == (base / 2 + Tensor([1.0, 2, 3, 4])).toArray(Double.self))
            let square = Tensor.arange(9, dtype: dtype).reshape([3, 3]).clone()
            let expected = (square + square.T).toArray(Double.self)
            square += square.T
            #expect(square.toArray(Double.self) == expected, "\(dtype): a += a.T reads the old values")
        }
    }

    @Test func unaryFunctionsMatchFoundation() {
        let values: [Double] = [-3, -1.5, -0.25, 0, 0.3, 1, 2.5, 7]
        let x = Tensor(values, dtype: .float64)
        let cases: [(String, Tensor, (Double) -> Double)] = [
            ("exp", x.exp(), Foundation.exp), ("tanh", x.tanh(), Foundation.tanh), ("sin", x.sin(), Foundation.sin),
            ("cos", x.cos(), Foundation.cos), ("sigmoid", x.sigmoid(), { 1 / (1 + Foundation.exp(-$0)) }),
            ("relu", x.relu(), { Swift.max($0, 0) }), ("abs", x.abs(), Swift.abs), ("expm1", x.expm1(), Foundation.expm1),
            ("gelu", x.gelu(), { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
            ("geluTanh", x.gelu(approximate: .tanh), { 0.5 * $0 * (1 + Foundation.tanh(0.7978845608028654 * ($0 + 0.044715 * $0 * $0 * $0))) }),
            ("leakyRelu", x.leakyRelu(negativeSlope: 0.1), { $0 > 0 ? $0 : 0.1 * $0 }),
            ("clamp", x.clamp(min: -1, max: 2), { Swift.min(Swift.max($0, -1), 2) }),
            ("sign", x.sign(), { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }), ("floor", x.floor(), Foundation.floor),
            ("ceil", x.ceil(), Foundation.ceil), ("round", (x * 2).round() / 2, { ($0 * 2).rounded(.toNearestOrEven) / 2 }),
            ("pow", x.pow(2), { $0 * $0 }), ("square via pow tensor", x.pow(Tensor([3.0], dtype: .float64)), { $0 * $0 * $0 }),
        ]
        for (name, result, f) in cases {
            expectClose(result.toArray(Double.self), values.map(f), rtol: 1e-12, atol: 1e-15, name)
        }
        let positive = Tensor([0.5, 1, 4, 9], dtype: .float64)
        expectClose(positive.sqrt().toArray(Double.self), [(0.5).squareRoot(), 1, 2, 3], rtol: 1e-15)
        expectClose(positive.rsqrt().toArray(Double.self), [1 / (0.5).squareRoot(), 1, 0.5, 1.0 / 3], rtol: 1e-15)
        expectClose(positive.log().toArray(Double.self), [0.5, 1, 4, 9].map(Foundation.log), rtol: 1e-15)
        expectClose(positive.log1p().toArray(Double.self), [0.5, 1, 4, 9].map(Foundation.log1p), rtol: 1e-15)
        #expect(Tensor([1, 4]).sqrt().dtype == .float32)
        #expect(Tensor([-2, 3]).abs().toArray(Int.self) == [2, 3])
        #expect(Tensor([2.5, 3.5, -0.5]).round().toArray(Float.self) == [2, 4, -0])
        #expect(Tensor([Double.nan]).relu().item().isNaN)
    }

    @Test func comparisonsWhereAndMaskedFill() {
        let a = Tensor([1, 5, 3]), b = Tensor([2, 5, 1])
        #expect((a .< b).toArray(Bool.self) == [true, false, false])
        #expect((a .== b).toArray(Bool.self) == [false, true, false])
        #expect((a .>= 3.0).toArray(Bool.self) == [false, true, true])
        #expect((a .!= b).dtype == .bool)
        let w = Tensor.where(a .> b, a, b * 10)
        #expect(w.toArray(Int.self) == [20, 50, 3])
        #expect(Tensor.where(Tensor([[true], [false]]), Tensor([1.0, 2.0]), Tensor(0.0)).toArray(Float.self) == [1, 2, 0, 0])
        #expect(a.maskedFill(a .> 2.0, -1).toArray(Int.self) == [1, -1, -1])
        #expect(((a .> 1.0) .& (a .< 5.0)).toArray(Bool.self) == [false, false, true])
        #expect(((a .> 4.0) .| (a .< 2.0)).toArray(Bool.self) == [true, true, false])
        #expect(Tensor.minimum(Tensor([1.0, .nan]), Tensor([0.0, 1.0])).toArray(Double.self)[1].isNaN)
    }
}

@Suite struct ReductionTests {
    let m = Tensor.arange(24, dtype: .float32).reshape(2, 3, 4)

    @Test func sumMeanProdOverDims() {
        #expect(m.sum().item() == 276)
        #expect(m.sum(dim: 1).toArray(Float.self) == [12, 15, 18, 21, 48, 51, 54, 57])
        #expect(m.sum(dim: 1, keepdim: true).shape == [2, 1, 4])
        #expect(m.sum(dims: [0, 2]).toArray(Float.self) == [60, 92, 124])
        #expect(m.mean(dim: -1).toArray(Float.self) == [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
        #expect(Tensor([1, 2, 3, 4]).prod().item(Int.self) == 24)
        #expect(Tensor([1, 2, 3]).sum().dtype == .int64)
        #expect(Tensor([true, true, false]).sum().item(Int.self) == 2)
    }

    @Test func extremesAndIndices() {
        let (values, indices) = m.max(dim: 2)
        #expect(values.toArray(Float.self) == [3, 7, 11, 15, 19, 23])
        #expect(indices.toArray(Int.self) == [3, 3, 3, 3, 3, 3])
        #expect(indices.dtype == .int64)
        let x = Tensor([[3.0, 1, 3], [0, 5, 5]])
        #expect(x.argmax(dim: 1).toArray(Int.self) == [0, 1])
        #expect(x.argmin(dim: 0, keepdim: true).toArray(Int.self) == [1, 0, 0])
        #expect(x.max().item() == 5)
        #expect(x.min().item() == 0)
        #expect(x.argmax().item(Int.self) == 4)
        #expect(Tensor([1.0, .nan, 3]).max().item().isNaN)
        #expect(Tensor([1.0, .nan, 3]).argmax(dim: 0).item(Int.self) == 1)
    }

    @Test func statisticsMatchReferences() {
        let x = Tensor([[1.0, 2, 3, 4], [2, 4, 6, 8]], dtype: .float64)
        expectClose(x.var(dim: 1).toArray(Double.self), [5.0 / 3, 20.0 / 3], rtol: 1e-14)
        expectClose(x.var(dim: 1, correction: 0).toArray(Double.self), [1.25, 5], rtol: 1e-14)
        expectClose(x.std().toArray(Double.self), [(37.5 / 7).squareRoot()], rtol: 1e-14)
        expectClose(x.logsumexp(dim: 1).toArray(Double.self),
                    [Foundation.log([1.0, 2, 3, 4].map(Foundation.exp).reduce(0, +)), Foundation.log([2.0, 4, 6, 8].map(Foundation.exp).reduce(0, +))], rtol: 1e-14)
        #expect(Tensor([1000.0, 1000], dtype: .float64).logsumexp(dim: 0).item() == 1000 + Foundation.log(2.0))
        expectClose(x.norm().toArray(Double.self), [Foundation.sqrt(30.0 + 120)], rtol: 1e-14)
        expectClose(x.norm(p: 1, dims: [1]).toArray(Double.self), [10, 20], rtol: 1e-14)
        expectClose(x.norm(p: .infinity).toArray(Double.self), [8], rtol: 0)
        #expect(Tensor([1, 0]).all().item(Bool.self) == false)
        #expect(Tensor([1, 0]).any().item(Bool.self) == true)
        #expect(Tensor([[true, false], [true, true]]).all(dim: 1).toArray(Bool.self) == [false, true])
    }

    @Test func softmaxIsStableForLargeLogits() {
        let x = Tensor([[1000.0, 1001, 1002], [-1000, 0, 1000]], dtype: .float64)
        let s = x.softmax(dim: 1)
        let e = [Foundation.exp(-2.0), Foundation.exp(-1.0), 1]
        let total = e.reduce(0, +)
        expectClose(s.toArray(Double.self), e.map { $0 / total } + [0, 0, 1], rtol: 1e-14, atol: 1e-300)
        let ls = x.logSoftmax(dim: 1)
        expectClose(ls.toArray(Double.self)[0..<3].map { $0 }, e.map { Foundation.log($0 / total) }, rtol: 1e-14)
        #expect(ls.toArray(Double.self)[3] == -2000)
        expectClose(x.softmax(dim: 0).sum(dim: 0).toArray(Double.self), [1, 1, 1], rtol: 1e-15)
    }

    @Test func indexingOps() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(x.gather(dim: 1, index: Tensor([[2, 0], [1, 1]])).toArray(Int.self) == [3, 1, 5, 5])
        #expect(x.indexSelect(dim: 1, index: Tensor([2, 0])).toArray(Int.self) == [3, 1, 6, 4])
        #expect(x.indexSelect(dim: 0, index: Tensor([1])).shape == [1, 3])
        #expect(Tensor([0, 2]).oneHot(numClasses: 3).toArray(Int.self) == [1, 0, 0, 0, 0, 1])
        #expect(Tensor([1, 3]).oneHot().shape == [2, 4])
        let z = Tensor.zeros(2, 3).scatterAdd(dim: 1, index: Tensor([[0, 0], [2, 1]]), source: Tensor([[1.0, 2], [3, 4]]))
        #expect(z.toArray(Float.self) == [3, 0, 0, 0, 4, 3])
    }
}

@Suite struct OutputLayoutTests {
    @Test func elementwiseResultsKeepTheLayoutOfTransposedInputs() {
        let a = Tensor.randn([3, 5], generator: Generator(seed: 4)).T
        let b = Tensor.randn([3, 5], generator: Generator(seed: 5)).T
        let sum = a + b
        #expect(sum.shape == [5, 3])
        #expect(sum.strides == [1, 5])
        #expect(sum.toArray(Float.self) == zip(a.toArray(Float.self), b.toArray(Float.self)).map { $0 + $1 })
        #expect(a.exp().strides == [1, 5])
        #expect((Tensor.zeros(5, 3) + a).isContiguous)
        #expect((a + Tensor.zeros(3)).strides == [1, 5])
    }
}

@Suite struct ClampKernelTests {
    /// The one-pass vector clamp keeps PyTorch's rules: NaN stays NaN, one bound may be
    /// missing, and with min > max every element becomes max; transposed inputs and both
    /// float dtypes take the same path as contiguous ones.
    @Test func clampFollowsPyTorchsRules() {
        for dtype in [DType.float32, .float64] {
            let x = Tensor([[-3.0, .nan, 0.5], [7.0, 2.0, -0.25]]).to(dtype)
            let both = x.clamp(min: -1, max: 2).toArray(Double.self)
            #expect(both[0] == -1 && both[1].isNaN && Array(both[2...]) == [0.5, 2, 2, -0.25])
            #expect(x.clamp(min: 0).toArray(Double.self).filter { !$0.isNaN } == [0, 0.5, 7, 2, 0])
            #expect(x.clamp(max: 1).toArray(Double.self).filter { !$0.isNaN } == [-3, 0.5, 1, 1, -0.25])
            #expect(x.clamp(min: 3, max: 1).toArray(Double.self).filter { !$0.isNaN } == [1, 1, 1, 1, 1])
            #expect(x.transpose(0, 1).clamp(min: -1, max: 2).toArray(Double.self).filter { !$0.isNaN } == [-1, 2, 2, 0.5, -0.25])
            #expect(x.clamp(min: -1, max: 2).dtype == dtype)
        }
        #expect(Tensor([-5, 3, 9]).clamp(min: 0, max: 6).toArray(Int64.self) == [0, 3, 6])
    }
}

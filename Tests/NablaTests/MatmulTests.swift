import Testing
@testable import Nabla

/// A triple loop in float64: the reference for every product.
func referenceMatmul(_ a: Tensor, _ b: Tensor) -> [Double] {
    let n = a.shape[0], k = a.shape[1], m = b.shape[1]
    let av = a.toArray(Double.self), bv = b.toArray(Double.self)
    var out = [Double](repeating: 0, count: n * m)
    for i in 0..<n { for j in 0..<m { for p in 0..<k { out[i * m + j] += av[i * k + p] * bv[p * m + j] } } }
    return out
}

@Suite struct MatmulTests {
    @Test func mmMatchesReferenceOnStridedOperands() {
        let g = Generator(seed: 21)
        for (n, k, m) in [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 31, 10)] {
            for dtype in [DType.float32, .float64] {
                let a = Tensor.randn([n, k], dtype: dtype, generator: g)
                let bt = Tensor.randn([m, k], dtype: dtype, generator: g)
                let b = bt.T                                   // a transposed operand
                let wide = Tensor.randn([n, 2 * k], dtype: dtype, generator: g)
                let sliced = wide[.all, .every(2)]              // a strided operand
                let tol = dtype == .float32 ? 1e-4 : 1e-12
                expectClose(a.mm(b).toArray(Double.self), referenceMatmul(a, b), rtol: tol, atol: tol, "mm \(n)x\(k)x\(m)")
                expectClose(sliced.mm(b).toArray(Double.self), referenceMatmul(sliced, b), rtol: tol, atol: tol, "sliced")
            }
        }
    }

    @Test func integerProductsAreExact() {
        let a = Tensor([[1, 2], [3, 4]])
        #expect(a.mm(a).toArray(Int.self) == [7, 10, 15, 22])
        #expect(a.mm(a).dtype == .int64)
    }

    @Test func matmulFollowsPyTorchShapeRules() {
        let g = Generator(seed: 2)
        #expect(Tensor.randn([3], generator: g).matmul(Tensor.randn([3], generator: g)).shape == [])
        #expect(Tensor.randn([2, 3], generator: g).matmul(Tensor.randn([3], generator: g)).shape == [2])
        #expect(Tensor.randn([3], generator: g).matmul(Tensor.randn([3, 4], generator: g)).shape == [4])
        #expect(Tensor.randn([5, 2, 3], generator: g).matmul(Tensor.randn([3, 4], generator: g)).shape == [5, 2, 4])
        #expect(Tensor.randn([3], generator: g).matmul(Tensor.randn([5, 3, 4], generator: g)).shape == [5, 4])
        #expect(Tensor.randn([2, 1, 2, 3], generator: g).matmul(Tensor.randn([4, 3, 5], generator: g)).shape == [2, 4, 2, 5])
        let a = Tensor.randn([4, 2, 3], dtype: .float64, generator: g), b = Tensor.randn([4, 3, 5], dtype: .float64, generator: g)
        let c = a.bmm(b)
        for i in 0..<4 {
            expectClose(c[i].toArray(Double.self), referenceMatmul(a[i], b[i]), rtol: 1e-12, atol: 1e-12, "batch \(i)")
        }
    }

    @Test func addmmFusesAlphaAndBeta() {
        let g = Generator(seed: 9)
        let a = Tensor.randn([3, 4], dtype: .float64, generator: g), b = Tensor.randn([4, 2], dtype: .float64, generator: g)
        let c = Tensor.randn([2], dtype: .float64, generator: g)
        let expected = zip(referenceMatmul(a, b), c.expand(3, 2).toArray(Double.self)).map { 0.5 * $1 + 2 * $0 }
        expectClose(Tensor.addmm(c, a, b, beta: 0.5, alpha: 2).toArray(Double.self), expected, rtol: 1e-12, atol: 1e-12)
    }
}

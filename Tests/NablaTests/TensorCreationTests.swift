import Testing
@testable import Nabla

@Suite struct TensorCreationTests {
    @Test func nestedLiteralInfersShapeAndDType() {
        let ints = Tensor([[1, 2], [3, 4]])
        #expect(ints.shape == [2, 2])
        #expect(ints.dtype == .int64)
        #expect(ints.toArray(Int.self) == [1, 2, 3, 4])
        let floats = Tensor([[0.5], [1.5]])
        #expect(floats.dtype == .float32)
        #expect(floats.shape == [2, 1])
        #expect(Tensor([true, false]).dtype == .bool)
        #expect(Tensor([Int32(1)]).dtype == .int32)
        #expect(Tensor([1.0, 2.0], dtype: .float64).dtype == .float64)
    }

    @Test func scalarsAreZeroDimensional() {
        let s = Tensor(3.5)
        #expect(s.shape == [])
        #expect(s.ndim == 0)
        #expect(s.numel == 1)
        #expect(s.item() == 3.5)
        #expect(Tensor.scalar(2, dtype: .int32).item(Int32.self) == 2)
    }

    @Test func arrayWithShapeThrowsOnWrongCount() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
        #expect(t.shape == [2, 3])
        #expect(t.strides == [3, 1])
        #expect(throws: TensorError.elementCountMismatch(operation: "Tensor(_:shape:)", count: 5, shape: [2, 3])) {
            try Tensor([1, 2, 3, 4, 5] as [Float], shape: [2, 3])
        }
    }

    @Test func filledTensors() {
        #expect(Tensor.zeros(2, 3).toArray(Float.self) == Array(repeating: 0, count: 6))
        #expect(Tensor.ones([2], dtype: .int32).toArray(Int32.self) == [1, 1])
        #expect(Tensor.full([3], 7, dtype: .float64).toArray(Double.self) == [7, 7, 7])
        let base = Tensor.zeros([4, 5], dtype: .float64)
        #expect(base.onesLike().dtype == .float64)
        #expect(base.fullLike(2).toArray(Double.self).allSatisfy { $0 == 2 })
        #expect(base.zerosLike(dtype: .uint8).dtype == .uint8)
        #expect(Tensor.empty([0, 3]).numel == 0)
    }

    @Test func rangesMatchPyTorch() {
        #expect(Tensor.arange(5).toArray(Int.self) == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(5).dtype == .int64)
        #expect(Tensor.arange(1, 10, step: 3).toArray(Int.self) == [1, 4, 7])
        #expect(Tensor.arange(5, 0, step: -2).toArray(Int.self) == [5, 3, 1])
        let f = Tensor.arange(0.0, 1.0, step: 0.25)
        #expect(f.dtype == .float32)
        #expect(f.toArray(Float.self) == [0, 0.25, 0.5, 0.75])
        #expect(Tensor.linspace(0, 1, steps: 5).toArray(Float.self) == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(2, 3, steps: 1).toArray(Float.self) == [2])
        #expect(Tensor.eye(2, 3).toArray(Float.self) == [1, 0, 0, 0, 1, 0])
    }

    @Test func dtypeConversions() {
        let t = Tensor([-1.7, 0.2, 2.9, 300])
        #expect(t.to(.int64).toArray(Int.self) == [-1, 0, 2, 300])
        #expect(t.to(.uint8).toArray(UInt8.self) == [0, 0, 2, 255])
        #expect(t.to(.bool).toArray(Bool.self) == [true, true, true, true])
        #expect(Tensor([0, 3]).to(.bool).toArray(Bool.self) == [false, true])
        #expect(t.to(.float32) === t)
        let half = Tensor([1.0, -2.5, 65504, 1e-8, 70000, 0.1]).to(.float16)
        #expect(half.dtype == .float16)
        #expect(half.itemSize == 2)
        #expect(half.toArray(Float.self) == [1, -2.5, 65504, 0, .infinity, 0.099975586])
    }

    @Test func float16CastsAgreeOnEveryPath() throws {
        // Contiguous runs take the vector kernel, strided ones the scalar conversion: a
        // result must not depend on the layout. Every 4099th float bit pattern, with NaN
        // compared as NaN.
        let floats = stride(from: UInt32(0), to: UInt32.max - 4099, by: 4099).map { Float(bitPattern: $0) }
            + [65504, 65519.996, 65520, 0x1p-14, 0x1p-24, 0x1p-25, 0x1.8p-24, 1 + 0x1p-11, -0.0]
        let x = try Tensor(floats, shape: [floats.count])
        let strided = Tensor.stack([x, x], dim: 1).select(1, 0)
        #expect(strided.strides == [2])
        let fast = x.to(.float16), slow = strided.to(.float16)
        let a = fast.to(.float32).toArray(Float.self), b = slow.to(.float32).toArray(Float.self)
        let stridedBack = Tensor.stack([slow, slow], dim: 1).select(1, 0).to(.float32).toArray(Float.self)
        var mismatches: [String] = []
        for i in floats.indices where !(a[i] == b[i] || (a[i].isNaN && b[i].isNaN)) || !(b[i] == stridedBack[i] || (b[i].isNaN && stridedBack[i].isNaN)) {
            if mismatches.count < 5 { mismatches.append("\(floats[i]): vector \(a[i]), scalar \(b[i]), scalar back \(stridedBack[i])") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test func propertiesDescribeTheLayout() {
        let t = Tensor.zeros([2, 3, 4])
        #expect(t.ndim == 3)
        #expect(t.numel == 24)
        #expect(t.strides == [12, 4, 1])
        #expect(t.isContiguous)
        #expect(t.device == .cpu)
        #expect(t.size(-1) == 4)
        #expect(t.stride(0) == 12)
        #expect(!t.transpose(0, 2).isContiguous)
    }
}

@Suite struct RandomTests {
    @Test func sameSeedGivesSameTensors() async {
        // The default generator is process-wide and other tests draw from it in parallel:
        // seed and draw in a child process of its own.
        await #expect(processExitsWith: .success) {
            manualSeed(42)
            let a = Tensor.randn(3, 4)
            let b = Tensor.rand([5])
            let c = Tensor.randint(0, 10, [6])
            manualSeed(42)
            #expect(Tensor.randn(3, 4).toArray(Float.self) == a.toArray(Float.self))
            #expect(Tensor.rand([5]).toArray(Float.self) == b.toArray(Float.self))
            #expect(Tensor.randint(0, 10, [6]).toArray(Int.self) == c.toArray(Int.self))
        }
    }

    @Test func seededGeneratorsAreIndependentOfTheDefault() {
        let g1 = Generator(seed: 7), g2 = Generator(seed: 7)
        let x = Tensor.randn([100], generator: g1)
        manualSeed(1)
        _ = Tensor.randn([10])
        #expect(Tensor.randn([100], generator: g2).toArray(Float.self) == x.toArray(Float.self))
        #expect(x.randnLike(generator: Generator(seed: 8)).toArray(Float.self) != x.toArray(Float.self))
    }

    @Test func distributionsHaveTheRightMoments() {
        let g = Generator(seed: 3)
        let u = Tensor.rand([100_000], dtype: .float64, generator: g).toArray(Double.self)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / Double(u.count) - 0.5) < 0.01)
        let n = Tensor.randn([100_000], dtype: .float64, generator: g).toArray(Double.self)
        let mean = n.reduce(0, +) / Double(n.count)
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n.count)
        #expect(abs(mean) < 0.02)
        #expect(abs(variance - 1) < 0.02)
        let r = Tensor.randint(-3, 4, [10_000], generator: g).toArray(Int.self)
        #expect(Set(r) == Set(-3..<4))
        let w = Tensor.uniform([1000], low: -2, high: -1, generator: g).toArray(Float.self)
        #expect(w.allSatisfy { $0 >= -2 && $0 < -1 })
    }
}

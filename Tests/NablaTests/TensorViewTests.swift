import Testing
@testable import Nabla
import NablaKernels

@Suite struct TensorViewTests {
    /// m = arange(24).view(2, 3, 4) as float32, the tensor of the PyTorch `views` fixture.
    func m() -> Tensor { Tensor.arange(24, dtype: .float32).view(2, 3, 4) }

    @Test func cloneKeepsADenseLayoutLikePyTorch() {
        let base = Tensor.arange(12, dtype: .float64).view(3, 4)
        // A transpose is dense: its clone is transposed too (preserve_format).
        let transposed = base.T.clone()
        #expect(transposed.strides == [1, 4])
        #expect(transposed.toArray(Double.self) == base.T.contiguous().toArray(Double.self))
        #expect(transposed.contiguous().strides == [3, 1])
        // A strided slice is not dense: its clone is row-major.
        let sliced = base[TensorIndex.all, TensorIndex.every(2)].clone()
        #expect(sliced.strides == [2, 1])
        #expect(sliced.toArray(Double.self) == [0, 2, 4, 6, 8, 10])
        // A leaf's gradient follows the leaf's layout, whatever the incoming gradient's.
        let leaf = Tensor.randn([3, 4]).requiringGrad()
        (leaf.T * Tensor.randn([4, 3])).sum().backward()
        #expect(leaf.grad!.strides == [4, 1])
    }

    @Test func largeContiguousCopiesSplitAcrossThreadsExactly() {
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        Parallel.threadCount = 2
        // An odd byte count, so that the two slices meet mid-element.
        let x = Tensor.arange(1_000_003, dtype: .float64)
        let y = x.clone()
        #expect(y.storage !== x.storage)
        #expect(y.toArray(Double.self) == x.toArray(Double.self))
        let halves = Tensor.arange(1_000_003, dtype: .float16)
        #expect(halves.clone().toArray(Float.self) == halves.toArray(Float.self))
    }

    @Test func viewSharesStorageWithBase() {
        let base = m()
        let v = base.view(4, 6)
        v[1, 2] = Tensor(100.0)
        #expect(base[0, 2, 0].item() == 100)
        #expect(v.storage === base.storage)
        #expect(base.view(-1).shape == [24])
        #expect(base.view(2, -1).shape == [2, 12])
    }

    @Test func transposeAndSliceWritesReachBaseAndOtherViews() {
        let base = m()
        let t = base.transpose(0, 2)          // [4, 3, 2]
        t[3, 1, 0] = Tensor(-1.0)             // base[0, 1, 3]
        #expect(base[0, 1, 3].item() == -1)
        let s = base[.all, 1..<3, TensorIndex.every(2)]   // [2, 2, 2]
        #expect(s.shape == [2, 2, 2])
        s.fill(5)
        #expect(base[1, 2, 2].item() == 5)
        #expect(t[2, 2, 1].item() == 5)
        #expect(base[1, 2, 3].item() == 23)
    }

    @Test func viewsOfViewsOfViewsShareOneStorage() {
        let base = Tensor.zeros(4, 6)
        let a = base.view(2, 12)              // view
        let b = a.transpose(0, 1)             // [12, 2]
        let c = b[2..<10]                     // [8, 2]
        let d = c[TensorIndex.every(3), 1]    // [3] = b[2], b[5], b[8] at column 1 = a[1, 2], a[1, 5], a[1, 8]
        #expect(d.shape == [3])
        d.copy(from: Tensor([1.0, 2.0, 3.0]))
        #expect(base.toArray(Float.self)[12 + 2] == 1)
        #expect(base.toArray(Float.self)[12 + 5] == 2)
        #expect(base[3, 2].item() == 3)
        #expect(a[1, 8].item() == 3)
        #expect(c[6, 1].item() == 3)
    }

    @Test func reshapeOfNonContiguousCopies() {
        let base = m()
        let t = base.transpose(0, 1)
        let r = t.reshape(6, 4)
        #expect(r.storage !== base.storage)
        r.fill(0)
        #expect(base.toArray(Float.self) == (0..<24).map(Float.init))
        let r2 = base.reshape(6, 4)
        #expect(r2.storage === base.storage)
    }

    @Test func viewOnIncompatibleStridesSucceedsWhereGroupsAreContiguous() {
        let base = Tensor.zeros(2, 3, 4)
        let p = base.permute(1, 0, 2)          // [3, 2, 4] strides [4, 12, 1]
        #expect(p.view(3, 2, 2, 2).strides == [4, 12, 2, 1])
        #expect(p.flatten(startDim: 2).shape == [3, 2, 4])
    }

    @Test func squeezeUnsqueezeExpand() {
        let x = Tensor.zeros(1, 3, 1)
        #expect(x.squeeze().shape == [3])
        #expect(x.squeeze(0).shape == [3, 1])
        #expect(x.squeeze(1).shape == [1, 3, 1])
        #expect(x.unsqueeze(-1).shape == [1, 3, 1, 1])
        #expect(Tensor.zeros(3).unsqueeze(0).shape == [1, 3])
        let row = Tensor([1.0, 2.0, 3.0])
        let e = row.expand(2, -1)
        #expect(e.shape == [2, 3])
        #expect(e.strides == [0, 1])
        #expect(e.toArray(Float.self) == [1, 2, 3, 1, 2, 3])
        #expect(!e.isContiguous)
        #expect(e.contiguous().isContiguous)
    }

    @Test func transposesOfMatricesAndBatches() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(a.T.shape == [3, 2])
        #expect(a.T.toArray(Int.self) == [1, 4, 2, 5, 3, 6])
        let b = Tensor.zeros(5, 2, 3)
        #expect(b.mT.shape == [5, 3, 2])
        #expect(Tensor([1, 2]).T.shape == [2])
    }

    @Test func slicingWithNegativeIndicesAndSteps() {
        let v = Tensor.arange(10)
        #expect(v[-1].item(Int.self) == 9)
        #expect(v[(-3)...].toArray(Int.self) == [7, 8, 9])
        #expect(v[TensorIndex.slice(start: 1, end: -1, step: 3)].toArray(Int.self) == [1, 4, 7])
        #expect(v[2...4].toArray(Int.self) == [2, 3, 4])
        #expect(v[..<2].toArray(Int.self) == [0, 1])
        #expect(v[...1].toArray(Int.self) == [0, 1])
        #expect(v[20...].numel == 0)
        let m = m()
        #expect(m[TensorIndex.ellipsis, 0].shape == [2, 3])
        #expect(m[0, TensorIndex.newAxis].shape == [1, 3, 4])
        #expect(m[-1, TensorIndex.ellipsis, 0].toArray(Float.self) == [12, 16, 20])
        #expect(m.select(2, 1).shape == [2, 3])
        #expect(m.narrow(1, start: 1, length: 2).shape == [2, 2, 4])
    }

    @Test func resizeCutsOffAndGrows() {
        let x = Tensor.arange(6, dtype: .float32)
        let alias = x.view(2, 3)
        x.resize(2, 2)
        #expect(x.shape == [2, 2])
        #expect(x.toArray(Float.self) == [0, 1, 2, 3])
        #expect(alias.shape == [2, 3])
        x.resize(3, 3)
        #expect(x.toArray(Float.self) == [0, 1, 2, 3, 4, 5, 0, 0, 0])
        x[2, 2] = Tensor(8.0)
        #expect(x.storage.byteCount >= 9 * 4)
    }

    @Test func catStackSplitChunk() {
        let a = Tensor([[1, 2], [3, 4]]), b = Tensor([[5, 6]])
        let c = Tensor.cat([a, b])
        #expect(c.shape == [3, 2])
        #expect(c.toArray(Int.self) == [1, 2, 3, 4, 5, 6])
        #expect(Tensor.cat([a, a], dim: 1).toArray(Int.self) == [1, 2, 1, 2, 3, 4, 3, 4])
        #expect(Tensor.cat([a, Tensor([[0.5, 0.5]])]).dtype == .float32)
        let s = Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], dim: 1)
        #expect(s.shape == [2, 2])
        #expect(s.toArray(Int.self) == [1, 3, 2, 4])
        let pieces = Tensor.arange(7).split(3)
        #expect(pieces.map(\.shape) == [[3], [3], [1]])
        #expect(pieces[2].item(Int.self) == 6)
        #expect(Tensor.arange(7).split(sizes: [2, 5]).map(\.numel) == [2, 5])
        #expect(Tensor.arange(6).chunk(4).map(\.numel) == [2, 2, 2])
        let x = Tensor.zeros(4)
        x.chunk(2)[1].fill(1)
        #expect(x.toArray(Float.self) == [0, 0, 1, 1])
    }

    @Test func cloneAndContiguousOwnership() {
        let x = Tensor([1.0, 2.0])
        #expect(x.contiguous() === x)
        let y = x.clone()
        y.fill(9)
        #expect(x.toArray(Float.self) == [1, 2])
    }

    @Test func copyBroadcastsAndConverts() {
        let x = Tensor.zeros([2, 3], dtype: .float64)
        x.copy(from: Tensor([1, 2, 3]))
        #expect(x.toArray(Double.self) == [1, 2, 3, 1, 2, 3])
        let y = Tensor.arange(4, dtype: .float32)
        y[1...].copy(from: y[..<3])
        #expect(y.toArray(Float.self) == [0, 0, 1, 2])
    }
}

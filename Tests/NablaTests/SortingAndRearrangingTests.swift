import Foundation
import Testing
@testable import Nabla

/// PyTorch 2.15's results for sort, topk, kthvalue, median, unique, the scans, the
/// rearranging ops and einsum, written by `Fixtures/ops/generate.py`.
struct OpsFixture {
    let archive: NPZArchive

    init() throws {
        archive = try Tensor.loadNPZ(fixturesURL.appendingPathComponent("ops/ops.npz").path)
    }

    subscript(_ key: String) -> Tensor {
        guard let tensor = archive[key] else {
            Issue.record("ops.npz has no entry \(key)")
            return Tensor.zeros([0])
        }
        return tensor
    }
}

/// Expects int64 indices equal to the expected ones, shape included.
func expectIndices(_ actual: Tensor, _ expected: Tensor, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.dtype == .int64, "\(comment): indices are \(actual.dtype)", sourceLocation: sourceLocation)
    #expect(actual.shape == expected.shape, "\(comment): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
    #expect(actual.toArray(Int.self) == expected.toArray(Int.self), "\(comment): \(actual.toArray(Int.self)) != \(expected.toArray(Int.self))", sourceLocation: sourceLocation)
}

@Suite struct SortingParityTests {
    @Test func sortMatchesPyTorchWithTiesViewsNaNAndIntegers() throws {
        let f = try OpsFixture()
        var s = f["sort_ties.x"].sort(dim: -1, stable: true)
        expectClose(s.values, f["sort_ties.values"], "sort ties")
        expectIndices(s.indices, f["sort_ties.indices"], "sort ties (stable order)")

        s = f["sort_view_desc.x"].transpose(0, 2).sort(dim: 1, descending: true, stable: true)
        expectClose(s.values, f["sort_view_desc.values"], "sort of a transposed view")
        expectIndices(s.indices, f["sort_view_desc.indices"], "sort of a transposed view")

        s = f["sort_nan.x"].sort(dim: 1)
        expectClose(s.values, f["sort_nan.values"], "NaN sorts last")
        expectIndices(s.indices, f["sort_nan.indices"], "NaN sorts last")
        s = f["sort_nan.x"].sort(dim: 1, descending: true)
        expectClose(s.values, f["sort_nan.dvalues"], "NaN sorts first descending")
        expectIndices(s.indices, f["sort_nan.dindices"], "NaN sorts first descending")
        expectIndices(f["sort_nan.x"].argsort(dim: 1, descending: true), f["sort_nan.dindices"], "argsort")

        s = f["sort_int.x"].sort(dim: 0, stable: true)
        #expect(s.values.dtype == .int64)
        expectIndices(s.values, f["sort_int.values"], "int64 values")
        expectIndices(s.indices, f["sort_int.indices"], "int64 indices")
    }

    @Test func topkMatchesPyTorch() throws {
        let f = try OpsFixture()
        let x = f["topk.x"]
        for (top, key) in [(x.topk(3, dim: 1), ""), (x.topk(3, dim: 1, largest: false), "s"), (x.topk(2, dim: 0), "dim0"),
                           (x.narrow(1, start: 1, length: 6).topk(4), "view")] {
            expectClose(top.values, f["topk.\(key)values"], "topk \(key)")
            expectIndices(top.indices, f["topk.\(key)indices"], "topk \(key)")
        }
    }

    @Test func kthvalueAndMedianMatchPyTorch() throws {
        let f = try OpsFixture()
        let x = f["order.x"]
        let cases: [((values: Tensor, indices: Tensor), String)] = [
            (x.kthvalue(2, dim: 0), "k0"), (x.kthvalue(5, dim: 1, keepdim: true), "k1"),
            (x.median(dim: 0), "m0"), (x.median(dim: 1, keepdim: true), "m1"),
        ]
        for (result, key) in cases {
            expectClose(result.values, f["order.\(key)values"], key)
            expectIndices(result.indices, f["order.\(key)indices"], key)
        }
        expectClose(x.median(), f["order.median"], "median of all (lower median of 30)")

        let withNaN = f["order_nan.x"]
        let m = withNaN.median(dim: 1), k = withNaN.kthvalue(4, dim: 1)
        expectClose(m.values, f["order_nan.mvalues"], "median propagates NaN")
        expectIndices(m.indices, f["order_nan.mindices"], "median points at the first NaN")
        expectClose(k.values, f["order_nan.kvalues"], "kthvalue with NaN largest")
        expectIndices(k.indices, f["order_nan.kindices"], "kthvalue with NaN largest")
        #expect(withNaN.median().item().isNaN)
    }

    @Test func uniqueMatchesPyTorch() throws {
        let f = try OpsFixture()
        var u = f["unique_flat.x"].unique(returnInverse: true, returnCounts: true)
        expectIndices(u.values, f["unique_flat.values"], "unique values")
        expectIndices(u.inverse!, f["unique_flat.inverse"], "unique inverse keeps the input shape")
        expectIndices(u.counts!, f["unique_flat.counts"], "unique counts")

        let x = f["unique_dim.x"]
        u = x.unique(returnInverse: true, returnCounts: true, dim: 0)
        expectIndices(u.values, f["unique_dim.values0"], "unique rows")
        expectIndices(u.inverse!, f["unique_dim.inverse0"], "unique rows inverse")
        expectIndices(u.counts!, f["unique_dim.counts0"], "unique rows counts")
        u = x.T.unique(returnInverse: true, returnCounts: true, dim: 1)
        expectIndices(u.values, f["unique_dim.values1"], "unique columns of a transposed view")
        expectIndices(u.inverse!, f["unique_dim.inverse1"], "unique columns inverse")
        expectIndices(u.counts!, f["unique_dim.counts1"], "unique columns counts")

        u = f["unique_nan.x"].unique(returnInverse: true, returnCounts: true)
        expectClose(u.values, f["unique_nan.values"], "every NaN is its own value")
        expectIndices(u.inverse!, f["unique_nan.inverse"], "inverse with NaN")
        expectIndices(u.counts!, f["unique_nan.counts"], "counts with NaN")
        #expect(f["unique_nan.x"].unique().inverse == nil)
    }
}

@Suite struct ScanAndRearrangeParityTests {
    @Test func scansMatchPyTorch() throws {
        let f = try OpsFixture()
        let x = f["cumsum.x"]
        expectClose(x.cumsum(dim: 0), f["cumsum.dim0"], "cumsum dim 0")
        expectClose(x.cumsum(dim: -1), f["cumsum.dim1"], "cumsum dim -1")
        expectClose(x.T.cumsum(dim: 1), f["cumsum.view"], "cumsum of a transposed view")
        let xi = f["cumsum_int.x"]
        #expect(xi.cumsum(dim: 1).dtype == .int64 && xi.to(.int32).cumsum(dim: 1).dtype == .int64)
        expectIndices(xi.to(.int32).cumsum(dim: 1), f["cumsum_int.sums"], "int32 cumsum gives int64")
        expectIndices(xi.cumprod(dim: 0), f["cumsum_int.products"], "int64 cumprod")

        let leaf = f["cumprod.x"].requiringGrad()
        let y = leaf.cumprod(dim: 1)
        expectClose(y, f["cumprod.y"], "cumprod with zeros")
        y.backward(gradient: f["cumprod.g"])
        expectClose(leaf.grad!, f["cumprod.grad"], rtol: 1e-10, atol: 1e-12, "cumprod gradient with zeros in the input")
    }

    @Test func rearrangingMatchesPyTorch() throws {
        let f = try OpsFixture()
        let x = f["rearrange.x"]
        expectClose(x.flip([0, 2]), f["rearrange.flip"], "flip")
        expectClose(x.roll([1, -7], dims: [0, 2]), f["rearrange.roll"], "roll along dims")
        expectClose(x.roll(7), f["rearrange.rollflat"], "roll flattened")
        expectClose(x.select(1, 1).repeat(2, 1, 3), f["rearrange.repeat"], "repeat adds a leading dim")
        expectClose(x.tril(diagonal: -1), f["rearrange.tril"], "tril below the diagonal")
        expectClose(x.transpose(1, 2).triu(diagonal: 2), f["rearrange.triu"], "triu of a transposed view")
        expectClose(x.tril(diagonal: 2), f["rearrange.trilwide"], "tril above the diagonal")
        expectClose(x.maskedSelect(f["masked.mask"]), f["masked.selected"], "maskedSelect with a broadcast mask")
    }

    @Test func einsumMatchesPyTorch() throws {
        let f = try OpsFixture()
        let a = f["einsum_mm.a"], b = f["einsum_mm.b"]
        expectClose(Tensor.einsum("ij,jk->ik", a, b), f["einsum_mm.explicit"], rtol: 1e-12, "matrix product")
        expectClose(Tensor.einsum("ij,jk", a, b), f["einsum_mm.implicit"], rtol: 1e-12, "implicit output")
        expectClose(Tensor.einsum("i,j->ij", a[0], b[1]), f["einsum_mm.outer"], rtol: 1e-12, "outer product")

        let m = f["einsum_diag.m"], c = f["einsum_diag.c"]
        expectClose(Tensor.einsum("ii->i", m), f["einsum_diag.diag"], "diagonal")
        expectClose(Tensor.einsum("ii", m), f["einsum_diag.trace"], "trace")
        expectClose(Tensor.einsum("bii->bi", c), f["einsum_diag.batchdiag"], "batched diagonal")
        expectClose(Tensor.einsum("ij->ji", m), f["einsum_diag.transpose"], "transpose")
        expectClose(Tensor.einsum("bij,bjk->bik", c, c), f["einsum_diag.bmm"], rtol: 1e-12, "batched product")
        expectClose(Tensor.einsum("jii->j", c), f["einsum_diag.traces"], "batched traces")

        let p = f["einsum_ellipsis.p"], q = f["einsum_ellipsis.q"]
        expectClose(Tensor.einsum("...ij,...jk->...ik", p, q), f["einsum_ellipsis.batched"], rtol: 1e-12, "ellipsis batch dims broadcast")
        expectClose(Tensor.einsum("...ij->ij", p), f["einsum_ellipsis.summed"], "ellipsis left out of the output is summed")
        expectClose(Tensor.einsum("... i j", p), f["einsum_ellipsis.implicit"], "implicit output keeps the ellipsis first")

        let w = f["einsum_bilinear.w"], u = f["einsum_bilinear.u"], v = f["einsum_bilinear.v"]
        expectClose(Tensor.einsum("bn,anm,bm->ba", w, u, v), f["einsum_bilinear.result"], rtol: 1e-12, "three operands")
        expectClose(Tensor.einsum("ij,j->i", w, Tensor([1.5], dtype: .float64)), f["einsum_bilinear.broadcast"], "size-1 subscript broadcasts")
    }
}

@Suite struct SortingAndRearrangingEdgeCaseTests {
    @Test func stableSortKeepsInputOrderOfTiesInBothDirections() {
        let x = Tensor([1, 0, 1, 0, 1, 0, 1, 0, 2, 2])
        #expect(x.argsort(stable: true).toArray(Int.self) == [1, 3, 5, 7, 0, 2, 4, 6, 8, 9])
        #expect(x.argsort(descending: true, stable: true).toArray(Int.self) == [8, 9, 0, 2, 4, 6, 1, 3, 5, 7])
        let top = Tensor([1.0, 3, 3, .nan, 2]).topk(3)
        expectClose(top.values, Tensor([Double.nan, 3, 3]), "NaN is the largest")
        #expect(top.indices.toArray(Int.self) == [3, 1, 2])
    }

    @Test func everyDtypeSorts() {
        for dtype in [DType.float32, .float64, .float16, .int64, .int32, .uint8] {
            let s = Tensor([3.0, 1, 2, 1], dtype: dtype).sort(descending: true)
            #expect(s.values.dtype == dtype, "\(dtype)")
            #expect(s.values.toArray(Double.self) == [3, 2, 1, 1] && s.indices.toArray(Int.self) == [0, 2, 1, 3], "\(dtype)")
            #expect(Tensor([3.0, 1, 2, 1], dtype: dtype).median().item() == 1, "\(dtype)")
        }
        let b = Tensor([true, false, true]).sort()
        #expect(b.values.toArray(Bool.self) == [false, true, true] && b.indices.toArray(Int.self) == [1, 0, 2])
        #expect(Tensor([true, false, true]).unique().values.toArray(Bool.self) == [false, true])
        #expect(Tensor([3.0, 1, 3], dtype: .float16).unique().values.dtype == .float16)
    }

    @Test func emptyZeroDimAndSizeOneInputs() {
        let empty = Tensor.zeros([3, 0])
        #expect(empty.sort(dim: 1).values.shape == [3, 0] && empty.sort(dim: 0).indices.shape == [3, 0])
        #expect(empty.topk(0, dim: 1).values.shape == [3, 0])
        #expect(empty.cumsum(dim: 1).shape == [3, 0] && empty.cumprod(dim: 0).shape == [3, 0])
        #expect(empty.flip([0, 1]).shape == [3, 0] && empty.roll(1).shape == [3, 0] && empty.roll([2], dims: [1]).shape == [3, 0])
        #expect(empty.repeat(2, 3).shape == [6, 0] && empty.tril().shape == [3, 0])
        #expect(empty.unique().values.shape == [0] && empty.unique(dim: 1).values.shape == [3, 0])
        #expect(Tensor.zeros([0]).median().item().isNaN)
        #expect(Tensor.einsum("ij,jk->ik", Tensor.ones([2, 0]), Tensor.ones([0, 3])).toArray(Double.self) == [0, 0, 0, 0, 0, 0])

        let scalar = Tensor(4.0, dtype: .float64)
        #expect(scalar.sort().values.shape == [] && scalar.sort().indices.item() == 0)
        #expect(scalar.topk(1).values.item() == 4 && scalar.kthvalue(1).values.item() == 4)
        #expect(scalar.median(dim: 0).values.item() == 4 && scalar.median().item() == 4)
        #expect(scalar.cumsum(dim: 0).item() == 4 && scalar.cumprod(dim: -1).item() == 4)
        #expect(scalar.flip([0]).item() == 4 && scalar.roll(3).item() == 4 && scalar.repeat(2, 2).shape == [2, 2])
        #expect(scalar.maskedSelect(Tensor([true, false, true])).toArray(Double.self) == [4, 4])
        #expect(Tensor.einsum(",->", scalar, scalar).item() == 16)

        let column = Tensor([[2.0], [1.0]])
        #expect(column.sort(dim: 1).values.toArray(Double.self) == [2, 1] && column.sort(dim: 0).indices.toArray(Int.self) == [1, 0])
        #expect(column.kthvalue(1, dim: 1).values.shape == [2] && column.median(dim: 1, keepdim: true).values.shape == [2, 1])
    }

    @Test func integerEinsumAndRepeatedShiftsWork() {
        let a = Tensor([[1, 2], [3, 4]]), b = Tensor([[5, 6], [7, 8]])
        let product = Tensor.einsum("ij,jk->ik", a, b)
        #expect(product.dtype == .int64 && product.toArray(Int.self) == [19, 22, 43, 50])
        #expect(Tensor.einsum("ii", a).item() == 5 && Tensor.einsum("ij->", a).item() == 10)
        expectClose(Tensor.einsum("ij,j", a.to(.float32), Tensor([0.5, 1.0])), Tensor([2.5, 5.5]), "int64 converted to float32")
        // Shifts along a repeated dim add up, as in PyTorch.
        #expect(Tensor.arange(5).roll([1, 1], dims: [0, 0]).toArray(Int.self) == [3, 4, 0, 1, 2])
        #expect(Tensor.arange(5).roll(-7).toArray(Int.self) == [2, 3, 4, 0, 1])
        #expect(Tensor([true, true, false]).cumsum(dim: 0).toArray(Int.self) == [1, 2, 2])
    }

    @Test func sortingALongRowScalesAndStaysCorrect() {
        let n = 50_000
        let x = Tensor.randn([2, n], dtype: .float32, generator: Generator(seed: 5))
        let s = x.sort(dim: 1)
        let values = s.values.toArray(Float.self)
        for row in 0..<2 {
            let sorted = values[(row * n)..<((row + 1) * n)]
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 }, "row \(row) is sorted")
        }
        let gathered = x.gather(dim: 1, index: s.indices)
        #expect(gathered.toArray(Float.self) == values, "indices point at the values")
    }
}

@Suite struct SortingAndRearrangingGradcheckTests {
    @Test func selectionOpsHaveGradients() {
        expectGradcheck("sort", gradInputs([3, 5])) { $0[0].sort(dim: 1).values }
        expectGradcheck("sort descending dim 0 of a view", gradInputs([4, 3])) { $0[0].T.sort(dim: 0, descending: true).values }
        expectGradcheck("topk", gradInputs([4, 6])) { $0[0].topk(2, dim: 1).values }
        expectGradcheck("topk smallest dim 0", gradInputs([5, 3])) { $0[0].topk(3, dim: 0, largest: false).values }
        expectGradcheck("kthvalue", gradInputs([3, 5])) { $0[0].kthvalue(2, dim: 1).values }
        expectGradcheck("kthvalue keepdim", gradInputs([4, 3])) { $0[0].kthvalue(4, dim: 0, keepdim: true).values }
        expectGradcheck("median dim", gradInputs([3, 4])) { $0[0].median(dim: 1).values }
        expectGradcheck("median", gradInputs([7])) { $0[0].median() }
        expectGradcheck("maskedSelect", gradInputs([3, 4])) { $0[0].maskedSelect(Tensor([[true, false, true, true]])) }
        expectGradcheck("maskedSelect broadcasting the input", gradInputs([4])) { $0[0].maskedSelect(Tensor([[true, false, true, true], [false, true, true, false]])) }
    }

    @Test func medianOfTiesSharesTheGradientLikePyTorch() {
        let x = Tensor([2.0, 1, 2, 1], dtype: .float64).requiringGrad()
        x.median().backward()
        #expect(x.grad!.toArray(Double.self) == [0, 0.5, 0, 0.5])
    }

    @Test func scansAndRearrangingHaveGradients() {
        expectGradcheck("cumsum", gradInputs([3, 4])) { $0[0].cumsum(dim: 1) }
        expectGradcheck("cumsum dim 0 of a view", gradInputs([3, 4])) { $0[0].T.cumsum(dim: 0) }
        expectGradcheck("cumprod", gradInputs([3, 4])) { $0[0].cumprod(dim: 1) }
        let withZeros = Tensor([[0.5, 0, 2, -1.5], [0, 1.5, 0, 2]], dtype: .float64).requiringGrad()
        expectGradcheck("cumprod with zeros", [withZeros]) { $0[0].cumprod(dim: 1) }
        expectGradcheck("flip", gradInputs([3, 4])) { $0[0].flip([0, 1]) }
        expectGradcheck("roll", gradInputs([3, 4])) { $0[0].roll([1, -5], dims: [0, 1]) }
        expectGradcheck("roll flattened", gradInputs([3, 4])) { $0[0].roll(5) }
        expectGradcheck("repeat", gradInputs([2, 3])) { $0[0].repeat(2, 1, 2) }
        expectGradcheck("tril", gradInputs([2, 3, 4])) { $0[0].tril(diagonal: 1) }
        expectGradcheck("triu", gradInputs([4, 3])) { $0[0].triu(diagonal: -1) }
    }

    @Test func einsumHasGradients() {
        expectGradcheck("matrix product", gradInputs([3, 4], [4, 2])) { Tensor.einsum("ij,jk->ik", $0[0], $0[1]) }
        expectGradcheck("trace", gradInputs([4, 4])) { Tensor.einsum("ii", $0[0]) }
        expectGradcheck("diagonal times vector", gradInputs([3, 3], [3])) { Tensor.einsum("ii,i->i", $0[0], $0[1]) }
        expectGradcheck("bilinear", gradInputs([2, 3], [4, 3, 2], [2, 2])) { Tensor.einsum("bn,anm,bm->ba", $0[0], $0[1], $0[2]) }
        expectGradcheck("ellipsis broadcast", gradInputs([2, 1, 3], [4, 3])) { Tensor.einsum("...i,...i->...", $0[0], $0[1]) }
        expectGradcheck("size-1 broadcast", gradInputs([2, 3], [1])) { Tensor.einsum("ij,j->i", $0[0], $0[1]) }
    }
}

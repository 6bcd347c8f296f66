import Foundation
import Testing
@testable import Nabla

/// Sorting, scans, rearranging and einsum on random shapes (empty and size-1 dims,
/// negative dims, transposed views, ties for stable sort) against PyTorch 2.15's results
/// in `Fixtures/ops/random.npz` (written by `generate_random.py` there).
@Suite struct RandomShapeParityTests {
    @Test func everyRandomCaseMatchesPyTorch() throws {
        let archive = try Tensor.loadNPZ(fixturesURL.appendingPathComponent("ops/random.npz").path)
        let count = Int(archive["count"]!.item())
        #expect(count > 100)
        for i in 0..<count {
            let params = archive["\(i).params"]!.toArray(Int.self)
            let base = archive["\(i).x"]!
            let x = params[4] == 1 ? base.transpose(0, -1) : base
            let (a, b, c) = (params[1], params[2], params[3])
            let expectedValues = archive["\(i).values"]!
            let expectedIndices = archive["\(i).indices"]
            let comment = "case \(i) (params \(params), input shape \(x.shape))"
            var indices: Tensor?
            let values: Tensor
            switch params[0] {
            case 0: (values, indices) = x.sort(dim: a, descending: b == 1, stable: true)
            case 1: (values, indices) = x.topk(b, dim: a, largest: c == 1)
            case 2: (values, indices) = x.kthvalue(b, dim: a, keepdim: c == 1)
            case 3: (values, indices) = x.median(dim: a, keepdim: c == 1)
            case 4: values = x.cumsum(dim: a)
            case 5: values = x.cumprod(dim: a)
            case 6: values = x.flip((0..<x.ndim).filter { a >> $0 & 1 == 1 })
            case 7: values = a == 99 ? x.roll(b) : x.roll(b, dim: a)
            case 8: values = x.repeat(Array(params[5...]))
            case 9: values = x.tril(diagonal: b)
            case 10: values = x.triu(diagonal: b)
            case 11: values = Tensor.einsum("...ij,jk->...ik", x, archive["\(i).y"]!)
            default:
                Issue.record("\(comment): unknown op")
                continue
            }
            expectClose(values, expectedValues, rtol: 1e-12, atol: 1e-12, comment)
            if let expectedIndices, let indices { expectIndices(indices, expectedIndices, comment) }
        }
    }
}

import Testing
import Nabla

/// Misuse of sort, topk, kthvalue, the rearranging ops and einsum traps with a message
/// naming the operation and the shapes.
@Suite struct SortingAndRearrangingTrapTests {
    func expectMessage(_ result: ExitTest.Result?, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        for fragment in fragments {
            #expect(stderr.contains(fragment), "stderr lacks \"\(fragment)\": \(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func topkLargerThanTheDimTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).topk(4) }
        expectMessage(r, ["topk", "k 4", "size 3", "[2, 3]"])
    }

    @Test func kthvalueOutOfRangeTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).kthvalue(0, dim: 0) }
        expectMessage(r, ["kthvalue", "k 0", "size 2", "[2, 3]"])
    }

    @Test func sortAlongAMissingDimTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).sort(dim: 2) }
        expectMessage(r, ["sort", "dim 2", "[2, 3]"])
    }

    @Test func einsumOfDifferentDtypesTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.einsum("ij,j", Tensor([[1, 2], [3, 4]]), Tensor([0.5, 1.0]))
        }
        expectMessage(r, ["einsum", "same dtype", "int64", "float32", "ij,j"])
    }

    @Test func unbroadcastableMaskTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(2, 3).maskedSelect(Tensor.zeros([4], dtype: .bool))
        }
        expectMessage(r, ["maskedSelect", "[2, 3]", "[4]"])
    }

    @Test func rearrangingMisuseTraps() async {
        var r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(3).tril() }
        expectMessage(r, ["tril", "at least 2 dimensions", "[3]"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).repeat(2) }
        expectMessage(r, ["repeat", "[2]", "[2, 3]"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).roll([1, 2], dims: [0]) }
        expectMessage(r, ["roll", "[1, 2]", "[0]", "[2, 3]"])
    }

    @Test func malformedEinsumEquationsTrap() async {
        var r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.einsum("ij,jk->ik", Tensor.zeros(2, 3))
        }
        expectMessage(r, ["einsum", "2 operand subscripts but 1 operands", "ij,jk->ik", "[[2, 3]]"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.einsum("i1->i", Tensor.zeros(2, 3)) }
        expectMessage(r, ["einsum", "invalid subscript '1'"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.einsum("ijk", Tensor.zeros(2, 3)) }
        expectMessage(r, ["einsum", "operand 0 has 2 dims but 3 subscripts", "[[2, 3]]"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.einsum("ij,jk", Tensor.zeros(2, 3), Tensor.zeros(4, 5))
        }
        expectMessage(r, ["einsum", "subscript 'j' has size 4", "size 3", "[[2, 3], [4, 5]]"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.einsum("ij->ik", Tensor.zeros(2, 3)) }
        expectMessage(r, ["einsum", "output subscript 'k' does not appear"])
        r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.einsum("ii", Tensor.zeros(2, 3)) }
        expectMessage(r, ["einsum", "'i' is repeated", "[2, 3]", "sizes 2 and 3"])
    }
}

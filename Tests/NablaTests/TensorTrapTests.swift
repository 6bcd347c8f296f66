import Testing
import Nabla

/// Misuse traps with a message that names the operation and the shapes involved.
@Suite struct TensorTrapTests {
    /// Checks that a trapping child process wrote every fragment to standard error.
    func expectMessage(_ result: ExitTest.Result?, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        for fragment in fragments {
            #expect(stderr.contains(fragment), "stderr lacks \"\(fragment)\": \(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func viewWithWrongElementCountTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3, 4).view(4, 5) }
        expectMessage(r, ["view", "[4, 5]", "[2, 3, 4]"])
    }

    @Test func viewOnIncompatibleStridesTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).T.view(6) }
        expectMessage(r, ["view", "[6]", "strides", "reshape"])
    }

    @Test func outOfRangeDimTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).transpose(0, 3) }
        expectMessage(r, ["transpose", "dim 3", "[2, 3]"])
    }

    @Test func outOfRangeIndexTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3)[0, 5] }
        expectMessage(r, ["subscript", "index 5", "size 3"])
    }

    @Test func expandOfNonSingletonTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2, 3).expand(4, 3) }
        expectMessage(r, ["expand", "[2, 3]", "[4, 3]"])
    }

    @Test func catWithMismatchedShapesTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.cat([Tensor.zeros(2, 3), Tensor.zeros(2, 4)]) }
        expectMessage(r, ["cat", "[2, 3]", "[2, 4]"])
    }

    @Test func copyFromUnbroadcastableTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { Tensor.zeros(2, 3).copy(from: Tensor.zeros(4)) }
        expectMessage(r, ["copy(from:)", "[4]", "[2, 3]"])
    }

    @Test func itemOfManyElementsTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros(2).item() }
        expectMessage(r, ["item", "[2]"])
    }

    // The traps below are the ones a new user meets first; `.ci/run` runs this suite in a
    // release build too, where Swift's own `precondition` would drop every message.

    @Test func matmulOfMismatchedShapesTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.ones(1, 5).matmul(Tensor.ones(1, 5)) }
        expectMessage(r, ["matmul: shapes [1, 5] and [1, 5] cannot be multiplied"])
    }

    @Test func productsOfDifferentDtypesTrap() async {
        let mm = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2, 3], dtype: .float32).mm(Tensor.ones([3, 2], dtype: .float64))
        }
        expectMessage(mm, ["mm", "same dtype", "float32", "float64"])
        let linear = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([4, 3], dtype: .float64).linear(weight: Tensor.ones([2, 3], dtype: .float32))
        }
        expectMessage(linear, ["linear", "float64", "float32", "same dtype", "[4, 3]"])
        let batched = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2, 2, 3], dtype: .int64).matmul(Tensor.ones([3, 2], dtype: .float32))
        }
        expectMessage(batched, ["same dtype", "int64", "float32"])
    }

    @Test func shapeArithmeticOverflowTrapsAsAShapeError() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([0, 10_000_000_000, 10_000_000_000])
        }
        expectMessage(r, ["zeros", "[0, 10000000000, 10000000000]", "too many elements"])
    }

    @Test func requiresGradOnAnIntegerTensorTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor.arange(3).requiresGrad = true
        }
        expectMessage(r, ["requiresGrad", "floating-point", "int64"])
    }

    @Test func backwardTwiceThroughFreedBuffersTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.ones(3).requiringGrad()
            let y = (x * x).sum()
            y.backward()
            y.backward()
        }
        expectMessage(r, ["backward", "a second time", "retainGraph"])
    }
}

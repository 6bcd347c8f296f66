import Testing
@testable import Nabla

@Suite struct TensorDescriptionTests {
    @Test func printsLikePyTorch() {
        #expect(Tensor([[-1.6619]]).description == "tensor([[-1.6619]])")
        #expect(Tensor([1.0, 2.0, 3.0]).description == "tensor([1., 2., 3.])")
        #expect(Tensor([1, 2]).description == "tensor([1, 2])")
        #expect(Tensor([1, 2], dtype: .int32).description == "tensor([1, 2], dtype=int32)")
        #expect(Tensor([0.5, 10], dtype: .float64).description == "tensor([ 0.5000, 10.0000], dtype=float64)")
        #expect(Tensor([true, false]).description == "tensor([ True, False])")
        #expect(Tensor(3.5).description == "tensor(3.5000)")
        #expect(Tensor([1e-5, 1.0]).description == "tensor([1.0000e-05, 1.0000e+00])")
        #expect(Tensor([[1, 2], [3, 4]]).description == "tensor([[1, 2],\n        [3, 4]])")
        #expect(Tensor.zeros(0, 3).description == "tensor([], size=(0, 3))")
        #expect(Tensor.zeros(2, 1, 2).description == "tensor([[[0., 0.]],\n\n        [[0., 0.]]])")
    }

    @Test func elidesTheMiddleOfLargeTensors() {
        let t = Tensor.arange(2000)
        #expect(t.description == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])")
        let m = Tensor.zeros(100, 100)
        let lines = m.description.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines[0] == "tensor([[0., 0., 0.,  ..., 0., 0., 0.],")
        #expect(lines[3] == "        ...,")
    }

    @Test func wrapsLongRowsAt80Columns() {
        let t = Tensor.arange(30, dtype: .float32)
        #expect(t.description.split(separator: "\n").first == "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,")
    }
}

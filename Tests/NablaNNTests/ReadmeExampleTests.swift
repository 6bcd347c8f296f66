import Testing
import NablaNN

/// The README's examples, verbatim between the markers, so that the front page cannot
/// show code that no longer compiles or prints something else.
@Suite struct ReadmeExampleTests {
    @Test func tensorsAndViewsExample() {
        // README: tensors and views
        manualSeed(42)
        let x = Tensor([[1, 2, 3], [4, 5, 6]], dtype: .float32)   // shape [2, 3]
        let w = Tensor.randn(3, 4)                                 // seeded, reproducible

        let t = x.T                  // a view: shape [3, 2], strides [1, 3], same storage
        t[0, 1] = Tensor(40.0)       // writes through to x[1, 0]
        print(x)
        // tensor([[ 1.,  2.,  3.],
        //         [40.,  5.,  6.]])

        let v = x.view(-1)           // [6], shares storage (x is contiguous)
        let r = t.reshape(6)         // t is not contiguous: reshape copies
        let s = x[.all, 1...]        // PyTorch's x[:, 1:], a view
        let y = x.matmul(w) + 1      // [2, 4], broadcasting and type promotion as in PyTorch
        print(v.shape, r.shape, s.shape, y.shape)

        let (top, positions) = y.topk(2, dim: 1)          // values and int64 indices, differentiable
        let ranked = y.sort(dim: 1, descending: true)     // stable; NaN sorts as largest
        let scores = Tensor.einsum("ij,kj->ik", x, x)     // contractions run on the GEMM
        print(top.shape, positions.shape, ranked.indices.shape, scores.shape, x.cumsum(dim: 1).flip([0]).tril())
        // README: end

        #expect(x.description == "tensor([[ 1.,  2.,  3.],\n        [40.,  5.,  6.]])")
        #expect(t.strides == [1, 3])
        #expect(v.shape == [6] && r.shape == [6] && s.shape == [2, 2] && y.shape == [2, 4])
        #expect(top.shape == [2, 2] && positions.dtype == .int64 && ranked.values.select(1, 0).toArray(Double.self) == top.select(1, 0).toArray(Double.self))
        #expect(scores.toArray(Double.self) == [14, 68, 68, 1661])
        #expect(x.cumsum(dim: 1).flip([0]).tril().toArray(Double.self) == [40, 0, 0, 1, 3, 0])
    }

    @Test func trainingExample() {
        let images = Tensor.randn(8, 64), labels = Tensor.randint(0, 10, [8])
        // README: autograd and training
        let model = Sequential {
            Linear(64, 128)
            ReLU()
            Linear(128, 10)
        }
        let optimizer = Adam(model.parameters(), lr: 3e-3)
        let loss = CrossEntropyLoss()(model(images), labels)   // images [batch, 64], labels int64
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        // README: end
        #expect(loss.shape == [])
        #expect(model.parameters().allSatisfy { $0.grad != nil })
    }
}

import Foundation
import Testing
@testable import Nabla

/// Loads `Fixtures/torch/<case>/<name>.npy`, written by PyTorch 2.15 through NumPy.
func torchFixture(_ caseName: String, _ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("torch/\(caseName)/\(name).npy").path)
}

@Suite struct TorchFixtureTests {
    @Test func viewsMatchPyTorch() throws {
        let m = try torchFixture("views", "m")
        expectClose(m.transpose(0, 1).contiguous(), try torchFixture("views", "t_01"), rtol: 0, atol: 0)
        expectClose(m.permute(2, 0, 1).contiguous(), try torchFixture("views", "p_201"), rtol: 0, atol: 0)
        expectClose(m.view(-1), try torchFixture("views", "v_flat"), rtol: 0, atol: 0)
        expectClose(m.view(4, 6), try torchFixture("views", "v_4x6"), rtol: 0, atol: 0)
        expectClose(m[.all, 1..<3, .every(2)], try torchFixture("views", "s"), rtol: 0, atol: 0)
        expectClose(m.sum(dim: 1), try torchFixture("views", "sum_1"), rtol: 0, atol: 0)
        expectClose(m.max(dim: 2).values, try torchFixture("views", "max_2"), rtol: 0, atol: 0)
        let argmax = m.argmax(dim: 2)
        #expect(argmax.dtype == .int64)
        expectClose(argmax, try torchFixture("views", "argmax_2"), rtol: 0, atol: 0)
    }

    @Test func activationsMatchPyTorchForwardAndBackward() throws {
        let z = try torchFixture("activations_losses", "z")
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("relu", { $0.relu() }), ("sigmoid", { $0.sigmoid() }), ("tanh", { $0.tanh() }),
            ("softmax", { $0.softmax(dim: 1) }), ("log_softmax", { $0.logSoftmax(dim: 1) }), ("softmax_dim0", { $0.softmax(dim: 0) }),
        ]
        for (name, f) in cases {
            let x = z.clone().detach().requiringGrad()
            let y = f(x)
            expectClose(y, try torchFixture("activations_losses", name), rtol: 1e-10, atol: 1e-12, name)
            (y * (try torchFixture("activations_losses", "\(name)_g"))).sum().backward()
            expectClose(x.grad!, try torchFixture("activations_losses", "\(name)_dz"), rtol: 1e-10, atol: 1e-12, "\(name) gradient")
        }
    }

    @Test func broadcastReduceMatchesPyTorch() throws {
        let a = try torchFixture("broadcast_reduce", "a").requiringGrad()
        let c = try torchFixture("broadcast_reduce", "c").requiringGrad()
        let r = (a * c + a / (c.abs() + 1) - c).exp().sum(dim: -1, keepdim: true).mean()
        // The fixture stores the scalar as a 1-element array.
        expectClose(r.reshape(1), try torchFixture("broadcast_reduce", "r"), rtol: 1e-6, atol: 1e-7)
        r.backward()
        expectClose(a.grad!, try torchFixture("broadcast_reduce", "da"), rtol: 1e-5, atol: 1e-7)
        expectClose(c.grad!, try torchFixture("broadcast_reduce", "dc"), rtol: 1e-5, atol: 1e-7)
    }

    @Test func linearMatchesPyTorch() throws {
        let x = try torchFixture("linear", "x").requiringGrad()
        let w = try torchFixture("linear", "W").requiringGrad()
        let b = try torchFixture("linear", "b").requiringGrad()
        let y = x.matmul(w.T) + b
        expectClose(y, try torchFixture("linear", "y"), rtol: 1e-12, atol: 1e-12)
        (y * (try torchFixture("linear", "g"))).sum().backward()
        expectClose(x.grad!, try torchFixture("linear", "dx"), rtol: 1e-12, atol: 1e-12)
        expectClose(w.grad!, try torchFixture("linear", "dW"), rtol: 1e-12, atol: 1e-12)
        expectClose(b.grad!, try torchFixture("linear", "db"), rtol: 1e-12, atol: 1e-12)
    }

    @Test func matmulCasesMatchPyTorch() throws {
        let a = try torchFixture("matmul", "A"), b = try torchFixture("matmul", "B")
        let bb = try torchFixture("matmul", "Bb"), v = try torchFixture("matmul", "v")
        expectClose(a.matmul(b), try torchFixture("matmul", "batched_2d"), rtol: 1e-5, atol: 1e-5)
        expectClose(a.matmul(v), try torchFixture("matmul", "mat_vec"), rtol: 1e-5, atol: 1e-5)
        expectClose(v.matmul(b), try torchFixture("matmul", "vec_mat"), rtol: 1e-5, atol: 1e-5)
        #expect(v.matmul(v).shape == [])
        expectClose(v.matmul(v).reshape(1), try torchFixture("matmul", "dot"), rtol: 1e-5, atol: 1e-5)
        expectClose(a.matmul(bb), try torchFixture("matmul", "bcast_batch"), rtol: 1e-5, atol: 1e-5)
    }
}

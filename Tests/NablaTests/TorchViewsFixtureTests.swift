import Testing
@testable import Nabla

/// The PyTorch fixture `views`: m = arange(24).reshape(2, 3, 4) in float32 and views of
/// it, written by PyTorch 2.15 (Fixtures/torch/views/*.npy, values embedded here until the
/// .npy reader lands).
@Suite struct TorchViewsFixtureTests {
    let m = Tensor.arange(24, dtype: .float32).reshape(2, 3, 4)

    @Test func transposePermuteViewMatchPyTorch() {
        #expect(m.transpose(0, 1).contiguous().toArray(Float.self)
                == [0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23])
        #expect(m.transpose(0, 1).shape == [3, 2, 4])
        #expect(m.permute(2, 0, 1).shape == [4, 2, 3])
        #expect(m.permute(2, 0, 1).contiguous().toArray(Float.self)
                == [0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23])
        #expect(m.view(-1).toArray(Float.self) == (0..<24).map(Float.init))
        #expect(m.view(4, 6).shape == [4, 6])
    }

    @Test func sliceMatchesPyTorch() {
        let s = m[.all, 1..<3, .every(2)]
        #expect(s.shape == [2, 2, 2])
        #expect(s.contiguous().toArray(Float.self) == [4, 6, 8, 10, 16, 18, 20, 22])
    }
}

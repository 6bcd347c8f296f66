import NablaKernelsCore
// The AVX2 + FMA instantiation of PyTorch's vectorised normal sampling. Non-inlinable, so that
// the generic engine is specialised here, under this target's `-target-cpu`.

/// `BoxMullerEngine<AVX2Arithmetic>.transformBlocks` on AVX2 + FMA.
@inline(never)
package func boxMullerAVX2(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
    BoxMullerEngine<AVX2Arithmetic>.transformBlocks(data, count: count, mean: mean, std: std)
}

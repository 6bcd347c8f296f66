import NablaKernelsCore
// The AVX-512 instantiation of PyTorch's vectorised normal sampling. Non-inlinable, so that
// the generic engine is specialised here, under this target's `-target-cpu`.

/// `BoxMullerEngine<AVX512Arithmetic>.transformBlocks` on AVX-512.
@inline(never)
package func boxMullerAVX512(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
    BoxMullerEngine<AVX512Arithmetic>.transformBlocks(data, count: count, mean: mean, std: std)
}

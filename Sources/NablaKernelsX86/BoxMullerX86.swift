import NablaKernelsCore
// The baseline x86-64 (SSE2, no FMA: each fused multiply-add is a library call) instantiation of PyTorch's vectorised normal sampling. Non-inlinable, so that
// the generic engine is specialised here, under this target's `-target-cpu`.

/// `BoxMullerEngine<X86Arithmetic>.transformBlocks` on baseline x86-64 (SSE2, no FMA: each fused multiply-add is a library call).
@inline(never)
package func boxMullerX86(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
    BoxMullerEngine<X86Arithmetic>.transformBlocks(data, count: count, mean: mean, std: std)
}

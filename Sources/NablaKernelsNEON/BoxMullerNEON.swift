import NablaKernelsCore
// The NEON instantiation of PyTorch's vectorised normal sampling. Non-inlinable, so that
// the generic engine is specialised here, under this target's `-target-cpu`.

/// `BoxMullerEngine<NEONArithmetic>.transformBlocks` on NEON.
@inline(never)
package func boxMullerNEON(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
    BoxMullerEngine<NEONArithmetic>.transformBlocks(data, count: count, mean: mean, std: std)
}

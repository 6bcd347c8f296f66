import NablaKernelsCore
#if canImport(NablaKernelsAVX512)
import NablaKernelsAVX512
#endif
#if canImport(NablaKernelsAVX2)
import NablaKernelsAVX2
#endif
#if canImport(NablaKernelsX86)
import NablaKernelsX86
#endif
#if canImport(NablaKernelsNEON)
import NablaKernelsNEON
#endif

/// PyTorch's vectorised normal sampling for `Float`, on the instruction set of this
/// process (see ``BoxMullerEngine`` for the algorithm). Every instruction set gives the
/// same bits: the kernel's fused multiply-adds are explicit.
public enum BoxMuller {
    /// Turns each whole block of 16 uniforms in [0, 1) at `data` (`count / 16` blocks)
    /// into 16 normals with mean `mean` and standard deviation `std`, as PyTorch's
    /// `normal_` does on x86-64.
    public static func transformBlocks(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float,
                                       isa: KernelISA = .current) {
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512: boxMullerAVX512(data, count: count, mean: mean, std: std)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2: boxMullerAVX2(data, count: count, mean: mean, std: std)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline: boxMullerX86(data, count: count, mean: mean, std: std)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon: boxMullerNEON(data, count: count, mean: mean, std: std)
        #endif
        default: BoxMullerEngine<BoxMuller>.transformBlocks(data, count: count, mean: mean, std: std)
        }
    }
}

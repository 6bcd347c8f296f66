import NablaKernelsCore

/// PyTorch's vectorised normal sampling for `Float`, on the instruction set of this
/// process (the algorithm is documented on the package-internal `BoxMullerEngine`). Every instruction set gives the
/// same bits: the kernel's fused multiply-adds are explicit.
public enum BoxMuller {
    /// Turns each whole block of 16 uniforms in [0, 1) at `data` (`count / 16` blocks)
    /// into 16 normals with mean `mean` and standard deviation `std`, as PyTorch's
    /// `normal_` does on x86-64.
    public static func transformBlocks(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float,
                                       isa: KernelISA = .current) {
        Float.kernels(on: isa, for: "normal").boxMuller(data, count, mean, std)
    }
}

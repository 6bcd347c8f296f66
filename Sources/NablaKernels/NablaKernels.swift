@_exported import NablaKernelsCore

/// Process-wide facts about Nabla's kernels.
public enum NablaKernels {
    /// The instruction set every kernel runs on in this process: the best the CPU has, or
    /// the lower one forced with `NABLA_ISA` (see ``KernelISA/current``).
    public static var isa: KernelISA { KernelISA.current }
}

import Foundation
import NablaKernels

/// The instruction-set paths the kernel tests run: every path this CPU has
/// (`KernelISA.available`, capped by `NABLA_ISA`), or only the capped one when
/// `NABLA_TEST_ISA=current`. The emulated-CPU runs in `.ci/qemu-kernels` use the latter:
/// under `qemu-x86_64 -cpu Haswell` the baseline path, already run under `-cpu qemu64`,
/// would double the (slow) emulated time without checking anything new.
let testedISAs: [KernelISA] = {
    if ProcessInfo.processInfo.environment["NABLA_TEST_ISA"] == "current" {
        return [KernelISA.current]
    }
    return KernelISA.available
}()

/// Whether the kernel tests run a reduced sweep: `NABLA_TEST_QUICK=1`, which the
/// emulated-CPU runs in `.ci/qemu-kernels` set. There the point is that every instruction
/// of the path is legal on the emulated CPU, which every edge tile still shows; the full
/// sweeps run natively with every path.
let quickKernelTests = ProcessInfo.processInfo.environment["NABLA_TEST_QUICK"] == "1"

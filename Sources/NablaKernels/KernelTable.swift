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

/// Each target's kernel tables, built once (by the target's one entry point) and indexed
/// by `KernelISA.rawValue`; nil where this build has no target for the instruction set or
/// the CPU cannot run it. A target's entry point is compiled for its own CPU, so it is
/// only called when that CPU is present: this list is the one place that names them.
let kernelTablesByISA: [KernelTables?] = {
    let available = KernelISA.available
    var tables = [KernelTables?](repeating: nil, count: KernelISA.allCases.count)
    #if canImport(NablaKernelsAVX512)
    if available.contains(.avx512) { tables[KernelISA.avx512.rawValue] = avx512Kernels() }
    #endif
    #if canImport(NablaKernelsAVX2)
    if available.contains(.avx2) { tables[KernelISA.avx2.rawValue] = avx2Kernels() }
    #endif
    #if canImport(NablaKernelsX86)
    if available.contains(.x86Baseline) { tables[KernelISA.x86Baseline.rawValue] = x86Kernels() }
    #endif
    #if canImport(NablaKernelsNEON)
    if available.contains(.neon) { tables[KernelISA.neon.rawValue] = neonKernels() }
    #endif
    return tables
}()

/// The element types that have kernels: `Float` and `Double`.
protocol KernelScalar {
    /// This type's kernels on `isa`, or nil when this build has no target for it.
    static func kernelTable(_ isa: KernelISA) -> KernelTable<Self>?
}

extension KernelScalar {
    /// The kernels on `isa`, trapping with a message naming `operation` when the CPU or
    /// this build has none.
    static func kernels(on isa: KernelISA, for operation: StaticString) -> KernelTable<Self> {
        // The tables hold only the instruction sets the CPU has, so one lookup answers both
        // questions; the reason is worked out only on the way to the trap.
        guard let table = kernelTable(isa) else {
            guard KernelISA.available.contains(isa) else {
                fatalError("\(operation): no \(isa) kernels for this CPU (available: \(KernelISA.available))")
            }
            fatalError("\(operation): no \(isa) kernels in this build")
        }
        return table
    }
}

extension Float: KernelScalar {
    static func kernelTable(_ isa: KernelISA) -> KernelTable<Float>? { kernelTablesByISA[isa.rawValue]?.float }
}

extension Double: KernelScalar {
    static func kernelTable(_ isa: KernelISA) -> KernelTable<Double>? { kernelTablesByISA[isa.rawValue]?.double }
}

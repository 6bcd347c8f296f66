#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instruction set that Nabla's kernels are compiled for.
///
/// Every kernel exists once per instruction set (one SwiftPM target each, with its own
/// `-target-cpu`), and ``current`` picks one at run time. A kernel family dispatches with
/// one `switch` over this enum; adding a CPU means adding a case here, a target, and one
/// line per kernel family.
///
/// The cases are ordered from the least to the most capable on each architecture, so
/// `isa <= .avx2` reads as "no AVX-512".
public enum KernelISA: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// x86-64 without AVX: SSE2 vectors (128 bits), no fused multiply-add.
    case x86Baseline = 0
    /// x86-64 with AVX2 and FMA (Haswell and later): 256-bit vectors, 16 registers.
    case avx2 = 1
    /// x86-64 with AVX-512 F/BW/DQ/VL/CD (Skylake-SP, Zen 4 and later): 512-bit vectors,
    /// 32 registers.
    case avx512 = 2
    /// arm64 with NEON (Advanced SIMD) and fused multiply-add: 128-bit vectors,
    /// 32 registers.
    case neon = 3

    /// The name `NABLA_ISA` accepts and benchmarks print: `x86-64`, `avx2`, `avx512`, `neon`.
    public var description: String {
        switch self {
        case .x86Baseline: "x86-64"
        case .avx2: "avx2"
        case .avx512: "avx512"
        case .neon: "neon"
        }
    }

    /// Parses a name as ``description`` spells it (case-insensitive; `baseline` and
    /// `x86_64` are accepted for ``x86Baseline``).
    public init?(name: String) {
        switch name.lowercased() {
        case "x86-64", "x86_64", "baseline": self = .x86Baseline
        case "avx2": self = .avx2
        case "avx512", "avx-512": self = .avx512
        case "neon": self = .neon
        default: return nil
        }
    }

    /// Orders the paths from least to most capable (baseline, AVX2, AVX-512; NEON apart).
    public static func < (lhs: KernelISA, rhs: KernelISA) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The instruction sets this binary holds kernels for and this CPU can run, weakest
    /// first, capped by the `NABLA_ISA` environment variable when that names one of them
    /// (`NABLA_ISA=avx2` leaves out AVX-512): tests and benchmarks run every path listed,
    /// so under an emulated CPU (`qemu-x86_64 -cpu Haswell`, which shows the host's
    /// `/proc/cpuinfo`) the cap keeps them to the paths that CPU has. A higher or unknown
    /// name is ignored. Detected once per process.
    public static let available: [KernelISA] = {
        let detected = KernelISA.detected
        guard let raw = getenv("NABLA_ISA"), let cap = KernelISA(name: String(cString: raw)), detected.contains(cap) else {
            return detected
        }
        return detected.filter { $0 <= cap }
    }()

    /// What this binary holds kernels for and this CPU can run, without the cap.
    static var detected: [KernelISA] {
        #if arch(x86_64)
        let features = CPUFeatures.detect()
        var result: [KernelISA] = [.x86Baseline]
        if features.contains(.avx2) { result.append(.avx2) }
        if features.contains(.avx512) { result.append(.avx512) }
        return result
        #elseif arch(arm64)
        return [.neon]
        #else
        return []
        #endif
    }

    /// The best of ``available``: the best instruction set this CPU supports, or the one
    /// `NABLA_ISA` names when that is available and lower.
    public static let current: KernelISA = available.last ?? .x86Baseline
}

#if arch(x86_64)
/// What the CPU offers, read from the operating system rather than `cpuid` (no C here).
///
/// `-target-cpu haswell` lets the compiler use AVX2, FMA, BMI1/2, LZCNT, MOVBE and F16C;
/// `skylake-avx512` adds AVX-512 F, CD, BW, DQ and VL. A path is enabled only when every
/// one of those is present, so the compiler's choice of instructions can never fault.
struct CPUFeatures: OptionSet {
    let rawValue: Int
    static let avx2 = CPUFeatures(rawValue: 1)
    static let avx512 = CPUFeatures(rawValue: 2)

    private static let avx2Flags = ["avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt", "movbe", "f16c"]
    private static let avx512Flags = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    static func detect() -> CPUFeatures {
        let flags = cpuFlags()
        var result: CPUFeatures = []
        if avx2Flags.allSatisfy(flags.contains) {
            result.insert(.avx2)
            if avx512Flags.allSatisfy(flags.contains) { result.insert(.avx512) }
        }
        return result
    }

    #if os(Linux)
    /// The `flags` line of `/proc/cpuinfo`; Linux names LZCNT `abm`.
    private static func cpuFlags() -> Set<String> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            var flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                .map(String.init))
            if flags.contains("abm") { flags.insert("lzcnt") }
            return flags
        }
        return []
    }
    #elseif canImport(Darwin)
    /// `sysctl hw.optional.*`, one key per feature.
    private static func cpuFlags() -> Set<String> {
        let keys: [String: String] = [
            "avx": "hw.optional.avx1_0", "avx2": "hw.optional.avx2_0", "fma": "hw.optional.fma",
            "bmi1": "hw.optional.bmi1", "bmi2": "hw.optional.bmi2", "lzcnt": "hw.optional.lzcnt",
            "movbe": "hw.optional.movbe", "f16c": "hw.optional.f16c",
            "avx512f": "hw.optional.avx512f", "avx512cd": "hw.optional.avx512cd",
            "avx512bw": "hw.optional.avx512bw", "avx512dq": "hw.optional.avx512dq",
            "avx512vl": "hw.optional.avx512vl",
        ]
        var flags = Set<String>()
        for (flag, key) in keys {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            if sysctlbyname(key, &value, &size, nil, 0) == 0, value != 0 { flags.insert(flag) }
        }
        return flags
    }
    #else
    private static func cpuFlags() -> Set<String> { [] }
    #endif
}
#endif

// swift-tools-version: 6.2
//
// Keep the tools version at 6.2 or later: it is what lets SwiftPM accept this package's
// per-target `unsafeFlags` (the kernels' `-target-cpu`) when another package depends on
// it by URL and version. With an older tools version a versioned dependency is refused.
//
// Nabla: tensors, autograd and neural networks in pure Swift, on a hand-tuned GEMM.
//
// The kernels are multiversioned (see ../shared/docs/DESIGN.md, "The performance core"):
// `NablaKernelsCore` holds generic, `@inlinable` kernel sources; each `NablaKernels<ISA>`
// target instantiates them under its own `-target-cpu` behind non-inlinable entry points,
// and `NablaKernels` picks one at run time. A user's plain `swift build -c release` gets
// AVX-512 or AVX2+FMA code without passing any flag.

import PackageDescription

/// Kernel targets are optimised even in debug builds, so that `swift test` sweeps many
/// shapes quickly; the references they are tested against live in the (debug) tests.
let optimizeInDebug: SwiftSetting = .unsafeFlags(["-O"], .when(configuration: .debug))

/// One target per instruction set: its `-target-cpu`, and the define its sources test.
func isaTarget(_ name: String, cpu: String, define: String) -> Target {
    .target(
        name: name,
        dependencies: ["NablaKernelsCore"],
        swiftSettings: [
            .unsafeFlags(["-target-cpu", cpu]),
            .define(define),
            optimizeInDebug,
        ]
    )
}

/// The architecture the kernel targets are compiled for. SwiftPM evaluates this manifest
/// on the machine that builds, so `#if arch` names the host's architecture, not the one a
/// cross build (`--triple`, `--swift-sdk`, an Intel Mac building for an iPhone) asks for:
/// set `NABLA_TARGET_ARCH=arm64` (or `x86_64`) for such a build. A universal (fat)
/// binary of both architectures in one build is not supported, because a target has one
/// `-target-cpu`; build each architecture separately and combine them with `lipo`.
let targetArch: String = {
    if let requested = Context.environment["NABLA_TARGET_ARCH"], !requested.isEmpty {
        return requested == "aarch64" ? "arm64" : requested
    }
    #if arch(arm64)
    return "arm64"
    #else
    return "x86_64"
    #endif
}()

let isaTargets: [Target] = targetArch == "arm64"
    ? [isaTarget("NablaKernelsNEON", cpu: "apple-m1", define: "NABLA_NEON")]
    : [
        isaTarget("NablaKernelsAVX512", cpu: "skylake-avx512", define: "NABLA_AVX512"),
        isaTarget("NablaKernelsAVX2", cpu: "haswell", define: "NABLA_AVX2"),
        isaTarget("NablaKernelsX86", cpu: "x86-64", define: "NABLA_X86_BASELINE"),
    ]

let package = Package(
    name: "Nabla",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "Nabla", targets: ["Nabla"]),
        .library(name: "NablaNN", targets: ["NablaNN"]),
        .library(name: "NablaVision", targets: ["NablaVision"]),
        .library(name: "NablaKernels", targets: ["NablaKernels"]),
        .executable(name: "nabla-demo", targets: ["NablaDemo"]),
        .executable(name: "nabla-transfer", targets: ["NablaTransferDemo"]),
        .executable(name: "nabla-bench", targets: ["NablaBench"]),
    ],
    targets: isaTargets + [
        .target(
            name: "NablaKernelsCore",
            // Only `@inlinable` code crosses into the instruction-set targets: without
            // cross-module optimisation, every other function of Core is compiled here,
            // for the baseline CPU, and the targets call it (the rule in DESIGN.md).
            swiftSettings: [optimizeInDebug, .unsafeFlags(["-disable-cmo"])]
        ),
        .target(
            name: "NablaKernels",
            dependencies: ["NablaKernelsCore"] + isaTargets.map { .target(name: $0.name) },
            swiftSettings: [optimizeInDebug]
        ),
        .target(
            name: "Nabla",
            dependencies: ["NablaKernels"]
        ),
        .target(
            name: "NablaNN",
            dependencies: ["Nabla"],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "NablaVision",
            dependencies: ["NablaNN", "NablaKernels"],
            swiftSettings: [optimizeInDebug]
        ),
        .executableTarget(
            name: "NablaDemo",
            dependencies: ["Nabla", "NablaNN"]
        ),
        .executableTarget(
            name: "NablaTransferDemo",
            dependencies: ["NablaNN"]
        ),
        .executableTarget(
            name: "NablaBench",
            dependencies: ["NablaKernels", "Nabla", "NablaNN", "NablaVision"],
            path: "Benchmarks/NablaBench"
        ),
        .testTarget(
            name: "NablaKernelsTests",
            dependencies: ["NablaKernels", "NablaKernelsCore"]
        ),
        .testTarget(
            name: "NablaTests",
            dependencies: ["Nabla"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "NablaNNTests",
            dependencies: ["NablaNN", "Nabla"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "NablaVisionTests",
            dependencies: ["NablaVision", "NablaKernels"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.2
//
// NablaDistributed: data-parallel training over MPI for Nabla, as a companion package.
//
// The root package stays free of dependencies; this one links the system's MPI (Open MPI
// or MPICH, found through pkg-config's `mpi`) and depends on the root package by path.
// See README.md for installing MPI and running the example under `mpirun`.

import PackageDescription

let package = Package(
    name: "NablaDistributed",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NablaDistributed", targets: ["NablaDistributed"]),
        .executable(name: "nabla-ddp-digits", targets: ["NablaDDPDigits"]),
        .executable(name: "nabla-ddp-bench", targets: ["NablaDDPBench"]),
        .executable(name: "nabla-distributed-check", targets: ["NablaDistributedCheck"]),
    ],
    dependencies: [
        .package(name: "Nabla", path: "../.."),
    ],
    targets: [
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "mpi",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]
        ),
        .target(
            name: "NablaDistributed",
            dependencies: ["CMPI", .product(name: "NablaNN", package: "Nabla")]
        ),
        .executableTarget(
            name: "NablaDDPDigits",
            dependencies: ["NablaDistributed", .product(name: "NablaNN", package: "Nabla"), .product(name: "NablaKernels", package: "Nabla")]
        ),
        .executableTarget(
            name: "NablaDDPBench",
            dependencies: ["NablaDistributed", .product(name: "NablaNN", package: "Nabla"), .product(name: "NablaKernels", package: "Nabla")]
        ),
        .executableTarget(
            name: "NablaDistributedCheck",
            dependencies: ["NablaDistributed", .product(name: "NablaNN", package: "Nabla")]
        ),
        .testTarget(
            name: "NablaDistributedTests",
            dependencies: ["NablaDistributed", .product(name: "NablaNN", package: "Nabla")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

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

/// Every kernel entry point one instruction-set target compiles for one element type.
///
/// The ISA targets export non-generic functions per type (`gemmAVX512` for `Float` and
/// for `Double`, ...), so the public dispatchers (``gemm(m:n:k:alpha:a:rsA:csA:b:rsB:csB:beta:c:rsC:csC:isa:)``,
/// ``Elementwise``, ``Reduce``) look up a table for the type and ISA and call through it:
/// their bodies are written once for both types, and `Float.kernelTable(_:)` and
/// `Double.kernelTable(_:)` are the only places that list the targets' functions.
struct KernelTable<Scalar> {
    typealias GEMM = (
        _ m: Int, _ n: Int, _ k: Int, _ alpha: Scalar,
        _ a: UnsafePointer<Scalar>, _ rsA: Int, _ csA: Int,
        _ b: UnsafePointer<Scalar>, _ rsB: Int, _ csB: Int,
        _ beta: Scalar, _ c: UnsafeMutablePointer<Scalar>, _ rsC: Int, _ csC: Int
    ) -> Void
    typealias Unary = (
        UnaryFloatOperation, _ shape: [Int],
        _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ input: UnsafePointer<Scalar>, _ inputStrides: [Int]
    ) -> Void
    typealias Binary = (
        BinaryFloatOperation, _ shape: [Int],
        _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ lhs: UnsafePointer<Scalar>, _ lhsStrides: [Int],
        _ rhs: UnsafePointer<Scalar>, _ rhsStrides: [Int]
    ) -> Void
    typealias Sum = (ReductionPlan, _ output: UnsafeMutablePointer<Scalar>, _ input: UnsafePointer<Scalar>) -> Void
    typealias Extreme = (
        ReductionPlan, _ largest: Bool,
        _ values: UnsafeMutablePointer<Scalar>?, _ indices: UnsafeMutablePointer<Int64>?,
        _ input: UnsafePointer<Scalar>
    ) -> Void
    typealias Rowwise = (
        RowwiseOperation, _ shape: [Int], _ dim: Int,
        _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ input: UnsafePointer<Scalar>, _ inputStrides: [Int]
    ) -> Void

    typealias DepthwiseForward = (
        ConvolutionPlane, _ input: UnsafePointer<Scalar>, _ weight: UnsafePointer<Scalar>,
        _ bias: Scalar, _ accumulate: Bool, _ output: UnsafeMutablePointer<Scalar>
    ) -> Void
    typealias DepthwiseWeightGradient = (
        ConvolutionPlane, _ input: UnsafePointer<Scalar>, _ outputGradient: UnsafePointer<Scalar>,
        _ weightGradient: UnsafeMutablePointer<Scalar>, _ mask: UnsafePointer<Scalar>
    ) -> Void

    typealias ImplicitGEMM = (
        _ m: Int, _ n: Int, _ a: UnsafePointer<Scalar>, _ rsA: Int, _ geometry: ImplicitGEMMGeometry,
        _ input: UnsafePointer<Scalar>, _ firstColumn: Int, _ c: UnsafeMutablePointer<Scalar>, _ rsC: Int
    ) -> Void

    var gemm: GEMM
    var implicitGEMM: ImplicitGEMM
    var fmaPeak: (_ iterations: Int) -> (checksum: Scalar, flops: Int)
    var unary: Unary
    var binary: Binary
    var sum: Sum
    var extreme: Extreme
    var rowwise: Rowwise
    var depthwiseForward: DepthwiseForward
    var depthwiseWeightGradient: DepthwiseWeightGradient
    /// PyTorch's normal sampling (``BoxMuller``), always on `Float`: the same entry in both tables.
    var boxMuller: (_ data: UnsafeMutablePointer<Float>, _ count: Int, _ mean: Float, _ std: Float) -> Void
}

/// The element types that have kernels: `Float` and `Double`.
protocol KernelScalar {
    /// This type's kernels on `isa`, or nil when this build has no target for it.
    static func kernelTable(_ isa: KernelISA) -> KernelTable<Self>?
}

extension KernelScalar {
    /// The kernels on `isa`, trapping with a message naming `operation` when the CPU or
    /// this build has none.
    static func kernels(on isa: KernelISA, for operation: StaticString) -> KernelTable<Self> {
        guard KernelISA.available.contains(isa) else {
            fatalError("\(operation): no \(isa) kernels for this CPU (available: \(KernelISA.available))")
        }
        guard let table = kernelTable(isa) else {
            fatalError("\(operation): no \(isa) kernels in this build")
        }
        return table
    }
}

// The two tables below are the same text: each name resolves to the overload for the
// extended type.

extension Float: KernelScalar {
    static func kernelTable(_ isa: KernelISA) -> KernelTable<Float>? {
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            KernelTable(
                gemm: gemmAVX512, implicitGEMM: implicitGEMMAVX512, fmaPeak: { fmaPeakAVX512(Self.self, iterations: $0) },
                unary: elementwiseUnaryAVX512, binary: elementwiseBinaryAVX512,
                sum: reduceSumAVX512, extreme: reduceExtremeAVX512, rowwise: reduceRowwiseAVX512,
                depthwiseForward: depthwiseForwardAVX512, depthwiseWeightGradient: depthwiseWeightGradientAVX512,
                boxMuller: boxMullerAVX512)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            KernelTable(
                gemm: gemmAVX2, implicitGEMM: implicitGEMMAVX2, fmaPeak: { fmaPeakAVX2(Self.self, iterations: $0) },
                unary: elementwiseUnaryAVX2, binary: elementwiseBinaryAVX2,
                sum: reduceSumAVX2, extreme: reduceExtremeAVX2, rowwise: reduceRowwiseAVX2,
                depthwiseForward: depthwiseForwardAVX2, depthwiseWeightGradient: depthwiseWeightGradientAVX2,
                boxMuller: boxMullerAVX2)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            KernelTable(
                gemm: gemmX86, implicitGEMM: implicitGEMMX86, fmaPeak: { fmaPeakX86(Self.self, iterations: $0) },
                unary: elementwiseUnaryX86, binary: elementwiseBinaryX86,
                sum: reduceSumX86, extreme: reduceExtremeX86, rowwise: reduceRowwiseX86,
                depthwiseForward: depthwiseForwardX86, depthwiseWeightGradient: depthwiseWeightGradientX86,
                boxMuller: boxMullerX86)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            KernelTable(
                gemm: gemmNEON, implicitGEMM: implicitGEMMNEON, fmaPeak: { fmaPeakNEON(Self.self, iterations: $0) },
                unary: elementwiseUnaryNEON, binary: elementwiseBinaryNEON,
                sum: reduceSumNEON, extreme: reduceExtremeNEON, rowwise: reduceRowwiseNEON,
                depthwiseForward: depthwiseForwardNEON, depthwiseWeightGradient: depthwiseWeightGradientNEON,
                boxMuller: boxMullerNEON)
        #endif
        default:
            nil
        }
    }
}

extension Double: KernelScalar {
    static func kernelTable(_ isa: KernelISA) -> KernelTable<Double>? {
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            KernelTable(
                gemm: gemmAVX512, implicitGEMM: implicitGEMMAVX512, fmaPeak: { fmaPeakAVX512(Self.self, iterations: $0) },
                unary: elementwiseUnaryAVX512, binary: elementwiseBinaryAVX512,
                sum: reduceSumAVX512, extreme: reduceExtremeAVX512, rowwise: reduceRowwiseAVX512,
                depthwiseForward: depthwiseForwardAVX512, depthwiseWeightGradient: depthwiseWeightGradientAVX512,
                boxMuller: boxMullerAVX512)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            KernelTable(
                gemm: gemmAVX2, implicitGEMM: implicitGEMMAVX2, fmaPeak: { fmaPeakAVX2(Self.self, iterations: $0) },
                unary: elementwiseUnaryAVX2, binary: elementwiseBinaryAVX2,
                sum: reduceSumAVX2, extreme: reduceExtremeAVX2, rowwise: reduceRowwiseAVX2,
                depthwiseForward: depthwiseForwardAVX2, depthwiseWeightGradient: depthwiseWeightGradientAVX2,
                boxMuller: boxMullerAVX2)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            KernelTable(
                gemm: gemmX86, implicitGEMM: implicitGEMMX86, fmaPeak: { fmaPeakX86(Self.self, iterations: $0) },
                unary: elementwiseUnaryX86, binary: elementwiseBinaryX86,
                sum: reduceSumX86, extreme: reduceExtremeX86, rowwise: reduceRowwiseX86,
                depthwiseForward: depthwiseForwardX86, depthwiseWeightGradient: depthwiseWeightGradientX86,
                boxMuller: boxMullerX86)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            KernelTable(
                gemm: gemmNEON, implicitGEMM: implicitGEMMNEON, fmaPeak: { fmaPeakNEON(Self.self, iterations: $0) },
                unary: elementwiseUnaryNEON, binary: elementwiseBinaryNEON,
                sum: reduceSumNEON, extreme: reduceExtremeNEON, rowwise: reduceRowwiseNEON,
                depthwiseForward: depthwiseForwardNEON, depthwiseWeightGradient: depthwiseWeightGradientNEON,
                boxMuller: boxMullerNEON)
        #endif
        default:
            nil
        }
    }
}

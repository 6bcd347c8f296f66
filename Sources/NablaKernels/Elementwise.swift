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

/// Element-wise kernels over strided memory, on the instruction set of this process.
///
/// Every function takes one `shape` and, per operand, a pointer to its first element and
/// its strides in elements (as many as `shape` has dimensions). A stride of 0 broadcasts
/// an operand along that dimension, so NumPy broadcasting is the caller's choice of
/// strides; negative strides walk backwards. Zero-size shapes do nothing; a 0-d call
/// (`shape == []`) processes one element. Work is split over ``Parallel`` threads when
/// large; results are identical for any thread count.
///
/// The output must not partially overlap an input; writing in place (the output is an
/// input with the same pointer and strides) is allowed.
public enum Elementwise {

    /// `output = op(input)` in `Float` (SIMD kernels; see ``UnaryFloatOperation``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func unary(
        _ op: UnaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<Float>, outputStrides: [Int],
        input: UnsafePointer<Float>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Elementwise.unary: no \(isa) kernels for this CPU")
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            elementwiseUnaryAVX512(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            elementwiseUnaryAVX2(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            elementwiseUnaryX86(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            elementwiseUnaryNEON(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        default:
            preconditionFailure("Elementwise.unary: no \(isa) kernels in this build")
        }
    }

    /// `output = op(lhs, rhs)` in `Float` (SIMD kernels; see ``BinaryFloatOperation``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func binary(
        _ op: BinaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<Float>, outputStrides: [Int],
        lhs: UnsafePointer<Float>, lhsStrides: [Int],
        rhs: UnsafePointer<Float>, rhsStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Elementwise.binary: no \(isa) kernels for this CPU")
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            elementwiseBinaryAVX512(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            elementwiseBinaryAVX2(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            elementwiseBinaryX86(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            elementwiseBinaryNEON(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        default:
            preconditionFailure("Elementwise.binary: no \(isa) kernels in this build")
        }
    }

    /// `output = op(input)` in `Double` (SIMD kernels; see ``UnaryFloatOperation``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func unary(
        _ op: UnaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Elementwise.unary: no \(isa) kernels for this CPU")
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            elementwiseUnaryAVX512(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            elementwiseUnaryAVX2(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            elementwiseUnaryX86(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            elementwiseUnaryNEON(op, shape: shape, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        default:
            preconditionFailure("Elementwise.unary: no \(isa) kernels in this build")
        }
    }

    /// `output = op(lhs, rhs)` in `Double` (SIMD kernels; see ``BinaryFloatOperation``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func binary(
        _ op: BinaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        lhs: UnsafePointer<Double>, lhsStrides: [Int],
        rhs: UnsafePointer<Double>, rhsStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Elementwise.binary: no \(isa) kernels for this CPU")
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            elementwiseBinaryAVX512(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            elementwiseBinaryAVX2(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            elementwiseBinaryX86(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            elementwiseBinaryNEON(
                op, shape: shape, output: output, outputStrides: outputStrides,
                lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides)
        #endif
        default:
            preconditionFailure("Elementwise.binary: no \(isa) kernels in this build")
        }
    }
}

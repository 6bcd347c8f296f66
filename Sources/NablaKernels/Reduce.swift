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

/// Reduction kernels over strided memory, on the instruction set of this process.
///
/// A call names the input by its first element, `shape` and strides (in elements; any
/// sign), so transposed and sliced views need no copy. Results are the same for every
/// ``Parallel/threadCount``: work is split over outputs, or over fixed blocks combined
/// in a fixed order. `isa` defaults to ``KernelISA/current``; another must be in
/// ``KernelISA/available``.
public enum Reduce {
    /// The sum over `dims` of a `Float` tensor, into `output` (0 where nothing is reduced).
    ///
    /// - Parameters:
    ///   - shape: The input's shape.
    ///   - dims: The dims to reduce (any order, no repeats; may be empty).
    ///   - output: The first output element.
    ///   - outputStrides: The output's strides given over `shape` as if the reduced dims
    ///     were kept with size 1 (their entries are not read).
    ///   - input: The first input element.
    ///   - inputStrides: The input's strides in elements (any sign).
    ///   - isa: The instruction set to run on.
    ///
    /// Summation is pairwise over blocks, vectorised along the reduced elements when they
    /// are contiguous and across outputs when the outputs' innermost dim is (a sum over
    /// dim 0); the reduced dims are walked in memory order.
    public static func sum(
        shape: [Int], dims: [Int],
        output: UnsafeMutablePointer<Float>, outputStrides: [Int],
        input: UnsafePointer<Float>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Reduce.sum: no \(isa) kernels for this CPU")
        let plan = ReductionPlan(shape: shape, dims: dims, inputStrides: inputStrides, outputStrides: outputStrides, keepOrder: false)
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            reduceSumAVX512(plan, output: output, input: input)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            reduceSumAVX2(plan, output: output, input: input)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            reduceSumX86(plan, output: output, input: input)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            reduceSumNEON(plan, output: output, input: input)
        #endif
        default:
            preconditionFailure("Reduce.sum: no \(isa) kernels in this build")
        }
    }

    /// The largest (`largest`) or smallest element over `dims` of a `Float` tensor and
    /// the row-major position of its first occurrence within the reduced dims, like
    /// `torch.max(x, dim)`: NaN wins over numbers (the first NaN is reported), ties go to
    /// the first. Every reduced dim must be non-empty.
    ///
    /// `values` and `indices` (either may be nil) share `outputStrides`, given over `shape`
    /// with the reduced dims kept (their entries are not read), as for `sum`.
    public static func extreme(
        largest: Bool, shape: [Int], dims: [Int],
        values: UnsafeMutablePointer<Float>?, indices: UnsafeMutablePointer<Int64>?, outputStrides: [Int],
        input: UnsafePointer<Float>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Reduce.extreme: no \(isa) kernels for this CPU")
        precondition(dims.allSatisfy { $0 >= 0 && $0 < shape.count && shape[$0] > 0 },
                     "Reduce.extreme: cannot reduce dims \(dims) of shape \(shape) (out of range or empty)")
        let plan = ReductionPlan(shape: shape, dims: dims, inputStrides: inputStrides, outputStrides: outputStrides, keepOrder: true)
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            reduceExtremeAVX512(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            reduceExtremeAVX2(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            reduceExtremeX86(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            reduceExtremeNEON(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        default:
            preconditionFailure("Reduce.extreme: no \(isa) kernels in this build")
        }
    }

    /// Softmax, log-softmax or log-sum-exp of a `Float` tensor along `dim` (see
    /// ``RowwiseOperation`` and `ReduceEngine.rowwise` for the numerical contract).
    ///
    /// `outputStrides` are the output's strides over `shape`; for
    /// ``RowwiseOperation/logSumExp`` the output has size 1 along `dim` and that entry is
    /// not read.
    public static func rowwise(
        _ op: RowwiseOperation, shape: [Int], dim: Int,
        output: UnsafeMutablePointer<Float>, outputStrides: [Int],
        input: UnsafePointer<Float>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Reduce.rowwise: no \(isa) kernels for this CPU")
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            reduceRowwiseAVX512(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            reduceRowwiseAVX2(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            reduceRowwiseX86(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            reduceRowwiseNEON(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        default:
            preconditionFailure("Reduce.rowwise: no \(isa) kernels in this build")
        }
    }

    /// The sum over `dims` of a `Double` tensor, into `output` (0 where nothing is reduced).
    ///
    /// - Parameters:
    ///   - shape: The input's shape.
    ///   - dims: The dims to reduce (any order, no repeats; may be empty).
    ///   - output: The first output element.
    ///   - outputStrides: The output's strides given over `shape` as if the reduced dims
    ///     were kept with size 1 (their entries are not read).
    ///   - input: The first input element.
    ///   - inputStrides: The input's strides in elements (any sign).
    ///   - isa: The instruction set to run on.
    ///
    /// Summation is pairwise over blocks, vectorised along the reduced elements when they
    /// are contiguous and across outputs when the outputs' innermost dim is (a sum over
    /// dim 0); the reduced dims are walked in memory order.
    public static func sum(
        shape: [Int], dims: [Int],
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Reduce.sum: no \(isa) kernels for this CPU")
        let plan = ReductionPlan(shape: shape, dims: dims, inputStrides: inputStrides, outputStrides: outputStrides, keepOrder: false)
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            reduceSumAVX512(plan, output: output, input: input)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            reduceSumAVX2(plan, output: output, input: input)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            reduceSumX86(plan, output: output, input: input)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            reduceSumNEON(plan, output: output, input: input)
        #endif
        default:
            preconditionFailure("Reduce.sum: no \(isa) kernels in this build")
        }
    }

    /// The largest (`largest`) or smallest element over `dims` of a `Double` tensor and
    /// the row-major position of its first occurrence within the reduced dims, like
    /// `torch.max(x, dim)`: NaN wins over numbers (the first NaN is reported), ties go to
    /// the first. Every reduced dim must be non-empty.
    ///
    /// `values` and `indices` (either may be nil) share `outputStrides`, given over `shape`
    /// with the reduced dims kept (their entries are not read), as for `sum`.
    public static func extreme(
        largest: Bool, shape: [Int], dims: [Int],
        values: UnsafeMutablePointer<Double>?, indices: UnsafeMutablePointer<Int64>?, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Reduce.extreme: no \(isa) kernels for this CPU")
        precondition(dims.allSatisfy { $0 >= 0 && $0 < shape.count && shape[$0] > 0 },
                     "Reduce.extreme: cannot reduce dims \(dims) of shape \(shape) (out of range or empty)")
        let plan = ReductionPlan(shape: shape, dims: dims, inputStrides: inputStrides, outputStrides: outputStrides, keepOrder: true)
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            reduceExtremeAVX512(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            reduceExtremeAVX2(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            reduceExtremeX86(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            reduceExtremeNEON(plan, largest: largest, values: values, indices: indices, input: input)
        #endif
        default:
            preconditionFailure("Reduce.extreme: no \(isa) kernels in this build")
        }
    }

    /// Softmax, log-softmax or log-sum-exp of a `Double` tensor along `dim` (see
    /// ``RowwiseOperation`` and `ReduceEngine.rowwise` for the numerical contract).
    ///
    /// `outputStrides` are the output's strides over `shape`; for
    /// ``RowwiseOperation/logSumExp`` the output has size 1 along `dim` and that entry is
    /// not read.
    public static func rowwise(
        _ op: RowwiseOperation, shape: [Int], dim: Int,
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        precondition(KernelISA.available.contains(isa), "Reduce.rowwise: no \(isa) kernels for this CPU")
        switch isa {
        #if canImport(NablaKernelsAVX512)
        case .avx512:
            reduceRowwiseAVX512(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsAVX2)
        case .avx2:
            reduceRowwiseAVX2(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsX86)
        case .x86Baseline:
            reduceRowwiseX86(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        #if canImport(NablaKernelsNEON)
        case .neon:
            reduceRowwiseNEON(op, shape: shape, dim: dim, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides)
        #endif
        default:
            preconditionFailure("Reduce.rowwise: no \(isa) kernels in this build")
        }
    }
}

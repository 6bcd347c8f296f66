import NablaKernelsCore
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
        checkedSum(shape: shape, dims: dims, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides, isa: isa)
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
        checkedExtreme(
            largest: largest, shape: shape, dims: dims, values: values, indices: indices,
            outputStrides: outputStrides, input: input, inputStrides: inputStrides, isa: isa)
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
        Float.kernels(on: isa, for: "Reduce.rowwise").rowwise(op, shape, dim, output, outputStrides, input, inputStrides)
    }

    /// The sum over `dims` of a `Double` tensor: the `Float` `sum`'s contract.
    public static func sum(
        shape: [Int], dims: [Int],
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        checkedSum(shape: shape, dims: dims, output: output, outputStrides: outputStrides, input: input, inputStrides: inputStrides, isa: isa)
    }

    /// The largest or smallest element over `dims` of a `Double` tensor and the position
    /// of its first occurrence: the `Float` `extreme`'s contract.
    public static func extreme(
        largest: Bool, shape: [Int], dims: [Int],
        values: UnsafeMutablePointer<Double>?, indices: UnsafeMutablePointer<Int64>?, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        checkedExtreme(
            largest: largest, shape: shape, dims: dims, values: values, indices: indices,
            outputStrides: outputStrides, input: input, inputStrides: inputStrides, isa: isa)
    }

    /// Softmax, log-softmax or log-sum-exp of a `Double` tensor along `dim`: the `Float`
    /// `rowwise`'s contract.
    public static func rowwise(
        _ op: RowwiseOperation, shape: [Int], dim: Int,
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        Double.kernels(on: isa, for: "Reduce.rowwise").rowwise(op, shape, dim, output, outputStrides, input, inputStrides)
    }

    /// `sum` for either element type: plans the walk and runs `isa`'s kernel.
    private static func checkedSum<Scalar: KernelScalar>(
        shape: [Int], dims: [Int],
        output: UnsafeMutablePointer<Scalar>, outputStrides: [Int],
        input: UnsafePointer<Scalar>, inputStrides: [Int],
        isa: KernelISA
    ) {
        let kernels = Scalar.kernels(on: isa, for: "Reduce.sum")
        let plan = ReductionPlan(shape: shape, dims: dims, inputStrides: inputStrides, outputStrides: outputStrides, keepOrder: false)
        kernels.sum(plan, output, input)
    }

    /// `extreme` for either element type: checks that every reduced dim is non-empty,
    /// plans the walk in row-major order (indices count in it) and runs `isa`'s kernel.
    private static func checkedExtreme<Scalar: KernelScalar>(
        largest: Bool, shape: [Int], dims: [Int],
        values: UnsafeMutablePointer<Scalar>?, indices: UnsafeMutablePointer<Int64>?, outputStrides: [Int],
        input: UnsafePointer<Scalar>, inputStrides: [Int],
        isa: KernelISA
    ) {
        let kernels = Scalar.kernels(on: isa, for: "Reduce.extreme")
        nablaPrecondition(dims.allSatisfy { $0 >= 0 && $0 < shape.count && shape[$0] > 0 },
                     "Reduce.extreme: cannot reduce dims \(dims) of shape \(shape) (out of range or empty)")
        let plan = ReductionPlan(shape: shape, dims: dims, inputStrides: inputStrides, outputStrides: outputStrides, keepOrder: true)
        kernels.extreme(plan, largest, values, indices, input)
    }
}

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
        Float.kernels(on: isa, for: "Elementwise.unary").unary(op, shape, output, outputStrides, input, inputStrides)
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
        Float.kernels(on: isa, for: "Elementwise.binary").binary(
            op, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
    }

    /// `output = op(lhs, rhs)` as bools, for `Float` operands (see ``FloatComparison``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func compare(
        _ op: FloatComparison, shape: [Int],
        output: UnsafeMutablePointer<Bool>, outputStrides: [Int],
        lhs: UnsafePointer<Float>, lhsStrides: [Int],
        rhs: UnsafePointer<Float>, rhsStrides: [Int],
        isa: KernelISA = .current
    ) {
        Float.kernels(on: isa, for: "Elementwise.compare").compare(
            op, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
    }

    /// `output = op(lhs, rhs)` as bools, for `Double` operands (see ``FloatComparison``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func compare(
        _ op: FloatComparison, shape: [Int],
        output: UnsafeMutablePointer<Bool>, outputStrides: [Int],
        lhs: UnsafePointer<Double>, lhsStrides: [Int],
        rhs: UnsafePointer<Double>, rhsStrides: [Int],
        isa: KernelISA = .current
    ) {
        Double.kernels(on: isa, for: "Elementwise.compare").compare(
            op, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
    }

    /// `output = condition ? lhs : rhs` for `Float` operands (PyTorch's `where`), with
    /// strides in elements (0 broadcasts) like the other kernels.
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func select(
        shape: [Int], output: UnsafeMutablePointer<Float>, outputStrides: [Int],
        condition: UnsafePointer<Bool>, conditionStrides: [Int],
        lhs: UnsafePointer<Float>, lhsStrides: [Int],
        rhs: UnsafePointer<Float>, rhsStrides: [Int],
        isa: KernelISA = .current
    ) {
        Float.kernels(on: isa, for: "Elementwise.select").select(
            shape, output, outputStrides, condition, conditionStrides, lhs, lhsStrides, rhs, rhsStrides)
    }

    /// `output = condition ? lhs : rhs` for `Double` operands (PyTorch's `where`).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func select(
        shape: [Int], output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        condition: UnsafePointer<Bool>, conditionStrides: [Int],
        lhs: UnsafePointer<Double>, lhsStrides: [Int],
        rhs: UnsafePointer<Double>, rhsStrides: [Int],
        isa: KernelISA = .current
    ) {
        Double.kernels(on: isa, for: "Elementwise.select").select(
            shape, output, outputStrides, condition, conditionStrides, lhs, lhsStrides, rhs, rhsStrides)
    }

    /// `output = op(input)` in `Double` (SIMD kernels; see ``UnaryFloatOperation``).
    /// `isa` defaults to ``KernelISA/current``; another must be in ``KernelISA/available``.
    public static func unary(
        _ op: UnaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<Double>, outputStrides: [Int],
        input: UnsafePointer<Double>, inputStrides: [Int],
        isa: KernelISA = .current
    ) {
        Double.kernels(on: isa, for: "Elementwise.unary").unary(op, shape, output, outputStrides, input, inputStrides)
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
        Double.kernels(on: isa, for: "Elementwise.binary").binary(
            op, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
    }
}

/// An element-wise function of one operand, evaluated one element at a time.
///
/// The engine (``ElementwiseEngine``) handles shapes, broadcasting, strides and threads;
/// an operation is only its body. Used for integer, boolean and conversion kernels; the
/// floating-point kernels conform to ``VectorUnaryOperation`` instead.
public protocol ScalarUnaryOperation {
    /// The element type read.
    associatedtype Input
    /// The element type written.
    associatedtype Output
    /// The result for one element.
    func callAsFunction(_ x: Input) -> Output
}

/// An element-wise function of two operands, evaluated one element at a time.
public protocol ScalarBinaryOperation {
    /// The element type of the first operand.
    associatedtype LHS
    /// The element type of the second operand.
    associatedtype RHS
    /// The element type written.
    associatedtype Output
    /// The result for one pair of elements.
    func callAsFunction(_ a: LHS, _ b: RHS) -> Output
}

/// An element-wise function of three operands, evaluated one element at a time.
public protocol ScalarTernaryOperation {
    /// The element type of the first operand.
    associatedtype A
    /// The element type of the second operand.
    associatedtype B
    /// The element type of the third operand.
    associatedtype C
    /// The element type written.
    associatedtype Output
    /// The result for one triple of elements.
    func callAsFunction(_ a: A, _ b: B, _ c: C) -> Output
}

/// A floating-point function of one operand with a SIMD body.
///
/// The engine evaluates every element through ``vector(_:_:)``, also at the ragged end
/// and on strided data (gathered into a vector), so a result never depends on where an
/// element sits in memory.
public protocol VectorUnaryOperation {
    /// `Float` or `Double`.
    associatedtype Element: VectorMathScalar
    /// Relative cost per element (1 for an add) used to decide on threads.
    static var cost: Int { get }
    /// The result for a vector of elements.
    func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element
}

/// A floating-point function of two operands with a SIMD body (see ``VectorUnaryOperation``).
public protocol VectorBinaryOperation {
    /// `Float` or `Double`.
    associatedtype Element: VectorMathScalar
    /// Relative cost per element (1 for an add) used to decide on threads.
    static var cost: Int { get }
    /// The result for vectors of elements.
    func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _ m: M.Type) -> V where V.Scalar == Element
}

/// A floating-point function of one operand with a SIMD body.
///
/// The engine evaluates every element through ``vector(_:_:)``, also at the ragged end
/// and on strided data (gathered into a vector), so a result never depends on where an
/// element sits in memory.
@usableFromInline package protocol VectorUnaryOperation {
    /// `Float` or `Double`.
    associatedtype Element: VectorMathScalar
    /// Relative cost per element (1 for an add) used to decide on threads.
    static var cost: Int { get }
    /// The result for a vector of elements.
    func vector<V: FloatVector, M: MultiplyAddStrategy>(_ x: V, _ m: M.Type) -> V where V.Scalar == Element
}

/// A floating-point function of two operands with a SIMD body (see ``VectorUnaryOperation``).
@usableFromInline package protocol VectorBinaryOperation {
    /// `Float` or `Double`.
    associatedtype Element: VectorMathScalar
    /// Relative cost per element (1 for an add) used to decide on threads.
    static var cost: Int { get }
    /// The result for vectors of elements.
    func vector<V: FloatVector, M: MultiplyAddStrategy>(_ a: V, _ b: V, _ m: M.Type) -> V where V.Scalar == Element
}

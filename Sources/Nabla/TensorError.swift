/// Errors from data that comes from outside the program (user-supplied arrays, byte
/// buffers): Nabla throws these instead of trapping, since the caller may recover.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// The number of values does not fit the requested shape.
    case elementCountMismatch(operation: String, count: Int, shape: [Int])
    /// A nested array whose rows have different lengths.
    case raggedArray(operation: String)
    /// A byte buffer whose size is not a whole number of elements of the shape.
    case byteCountMismatch(operation: String, byteCount: Int, expected: Int)

    /// A sentence naming the operation and what did not fit.
    public var description: String {
        switch self {
        case let .elementCountMismatch(operation, count, shape):
            "\(operation): \(count) values cannot fill shape \(shape) (\(shape.reduce(1, *)) elements)"
        case let .raggedArray(operation):
            "\(operation): the nested array is ragged (its rows have different lengths)"
        case let .byteCountMismatch(operation, byteCount, expected):
            "\(operation): \(byteCount) bytes given, \(expected) expected"
        }
    }
}

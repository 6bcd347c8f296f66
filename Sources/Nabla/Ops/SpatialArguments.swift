// The argument types the convolution, pooling and resampling operations share: PyTorch's
// "an int or a tuple of ints" (`kernel_size=3` or `kernel_size=(3, 5)`), its padding
// strings (`padding='same'`) and its padding modes.

/// One size per spatial dimension, written as PyTorch writes `int | tuple[int, ...]`
/// arguments: an integer literal applies to every dimension (`stride: 2`), an array
/// literal gives one value per dimension (`kernelSize: [3, 5]`).
public struct SpatialSize: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The values as written: one value, or one per spatial dimension.
    public let values: [Int]

    /// The same value for every spatial dimension.
    public init(_ value: Int) { values = [value] }

    /// One value per spatial dimension.
    public init(_ values: [Int]) { self.values = values }

    /// The same value for every spatial dimension: `stride: 2`.
    public init(integerLiteral value: Int) { values = [value] }

    /// One value per spatial dimension: `kernelSize: [3, 5]`.
    public init(arrayLiteral elements: Int...) { values = elements }

    /// The values as PyTorch prints a tuple, such as `(3, 3)`.
    public var description: String {
        values.count == 1 ? "\(values[0])" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    /// The values for `count` spatial dimensions: a single value repeated, or the values
    /// themselves when there are `count` of them. Traps with a message naming `operation`
    /// and `argument` for any other count, or for a value below `minimum`.
    public func expanded(to count: Int, argument: String, operation: String, minimum: Int = 0) -> [Int] {
        let result: [Int]
        if values.count == 1 {
            result = [Int](repeating: values[0], count: count)
        } else {
            guard values.count == count else {
                fatalError("\(operation): \(argument) must be one integer or \(count) integers, got \(values)")
            }
            result = values
        }
        for value in result where value < minimum {
            fatalError("\(operation): \(argument) must be at least \(minimum) in every dimension, got \(values)")
        }
        return result
    }
}

/// The padding of a convolution: explicit amounts per side, or PyTorch's `'same'` and
/// `'valid'` strings.
public enum ConvolutionPadding: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// `amount[d]` zeros (or mirrored/replicated/wrapped values, see ``PaddingMode``)
    /// before and after spatial dimension `d`.
    case explicit(SpatialSize)
    /// As much padding as keeps the output the input's size (stride 1 only); an odd total
    /// puts the extra element after, as PyTorch does.
    case same
    /// No padding (PyTorch's `'valid'`, the same as `0`).
    case valid

    /// The same amount on every side of every spatial dimension: `padding: 1`.
    public init(integerLiteral value: Int) { self = .explicit(SpatialSize(value)) }

    /// One amount per spatial dimension: `padding: [1, 2]`.
    public init(arrayLiteral elements: Int...) { self = .explicit(SpatialSize(elements)) }
}

/// How values outside the input are made up (PyTorch's `padding_mode` and `F.pad`'s
/// `mode`).
public enum PaddingMode: String, Sendable, Hashable, CaseIterable {
    /// A constant (zero for convolutions).
    case zeros
    /// The input mirrored at its edge, without repeating the edge value (`[a b c]` padded
    /// by 2 on the left is `c b a b c`).
    case reflect
    /// The edge value repeated.
    case replicate
    /// The input wrapped around (the values from the other end).
    case circular
}

/// The element type of a tensor.
///
/// Compute happens in ``float32`` and ``float64``; the integer types and ``bool`` hold
/// labels, indices, masks and images; ``float16`` is a storage format (for files and
/// memory) that converts to and from the others.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE 754 floating point, the default for floating-point data (PyTorch's
    /// `torch.float32`).
    case float32
    /// 64-bit IEEE 754 floating point (`torch.float64`).
    case float64
    /// 16-bit IEEE 754 floating point, stored and converted (`torch.float16`).
    case float16
    /// 64-bit signed integer, the default for integer data (`torch.int64`).
    case int64
    /// 32-bit signed integer (`torch.int32`).
    case int32
    /// 8-bit unsigned integer, as used for images (`torch.uint8`).
    case uint8
    /// Boolean, one byte per element holding 0 or 1 (`torch.bool`).
    case bool

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16: 2
        case .uint8, .bool: 1
        }
    }

    /// Whether the type is a floating-point type (and so can require gradients).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16: true
        case .int64, .int32, .uint8, .bool: false
        }
    }

    /// The name PyTorch prints for the type, such as `float32`.
    public var description: String { rawValue }

    /// Promotion order used by ``DType/promoted(_:_:)``: bool < uint8 < int32 < int64 <
    /// float16 < float32 < float64, as in NumPy and PyTorch for tensors of the same kind.
    var promotionRank: Int {
        switch self {
        case .bool: 0
        case .uint8: 1
        case .int32: 2
        case .int64: 3
        case .float16: 4
        case .float32: 5
        case .float64: 6
        }
    }

    /// The type two tensors are computed in when combined, following PyTorch's rules for
    /// tensor operands: the "larger" of the two types, integers widening to floats.
    public static func promoted(_ a: DType, _ b: DType) -> DType {
        a.promotionRank >= b.promotionRank ? a : b
    }
}

/// A Swift type that can be an element of a ``Tensor``: `Float`, `Double`, `Int64`,
/// `Int` (stored as ``DType/int64``), `Int32`, `UInt8` and `Bool`.
///
/// Conversions between element types go through `Double` (exact for every value of
/// every type except 64-bit integers beyond 2^53), and floating-point to integer
/// conversions truncate toward zero, as in PyTorch.
public protocol TensorElement: Sendable {
    /// The dtype this Swift type is stored as.
    static var dtype: DType { get }
    /// Creates the value that `value` converts to.
    init(nablaDouble value: Double)
    /// The value as a `Double`.
    var nablaDouble: Double { get }
}

extension Float: TensorElement {
    /// ``DType/float32``.
    public static var dtype: DType { .float32 }
    /// Rounds `value` to the nearest `Float`.
    @inlinable public init(nablaDouble value: Double) { self = Float(value) }
    /// The value widened to `Double`.
    @inlinable public var nablaDouble: Double { Double(self) }
}

extension Double: TensorElement {
    /// ``DType/float64``.
    public static var dtype: DType { .float64 }
    /// `value` itself.
    @inlinable public init(nablaDouble value: Double) { self = value }
    /// The value itself.
    @inlinable public var nablaDouble: Double { self }
}

/// Converts to an integer type the way PyTorch does: truncation toward zero; NaN gives 0
/// and out-of-range values saturate instead of trapping.
@inlinable
func truncatingConversion<I: FixedWidthInteger>(_ value: Double, to _: I.Type) -> I {
    if value.isNaN { return 0 }
    if value <= Double(I.min) { return I.min }
    if value >= Double(I.max) { return I.max }
    return I(value.rounded(.towardZero))
}

extension Int64: TensorElement {
    /// ``DType/int64``.
    public static var dtype: DType { .int64 }
    /// `value` truncated toward zero (saturating; NaN gives 0).
    @inlinable public init(nablaDouble value: Double) { self = truncatingConversion(value, to: Int64.self) }
    /// The value as a `Double` (exact below 2^53).
    @inlinable public var nablaDouble: Double { Double(self) }
}

extension Int: TensorElement {
    /// ``DType/int64``: `Int` is stored as a 64-bit integer.
    public static var dtype: DType { .int64 }
    /// `value` truncated toward zero (saturating; NaN gives 0).
    @inlinable public init(nablaDouble value: Double) { self = truncatingConversion(value, to: Int.self) }
    /// The value as a `Double` (exact below 2^53).
    @inlinable public var nablaDouble: Double { Double(self) }
}

extension Int32: TensorElement {
    /// ``DType/int32``.
    public static var dtype: DType { .int32 }
    /// `value` truncated toward zero (saturating; NaN gives 0).
    @inlinable public init(nablaDouble value: Double) { self = truncatingConversion(value, to: Int32.self) }
    /// The value as a `Double`.
    @inlinable public var nablaDouble: Double { Double(self) }
}

extension UInt8: TensorElement {
    /// ``DType/uint8``.
    public static var dtype: DType { .uint8 }
    /// `value` truncated toward zero (saturating; NaN gives 0).
    @inlinable public init(nablaDouble value: Double) { self = truncatingConversion(value, to: UInt8.self) }
    /// The value as a `Double`.
    @inlinable public var nablaDouble: Double { Double(self) }
}

extension Bool: TensorElement {
    /// ``DType/bool``.
    public static var dtype: DType { .bool }
    /// `true` for any nonzero value (NaN included), as in PyTorch.
    @inlinable public init(nablaDouble value: Double) { self = value != 0 }
    /// 1 or 0.
    @inlinable public var nablaDouble: Double { self ? 1 : 0 }
}

/// The bits of an IEEE 754 half-precision value: the storage of ``DType/float16``.
///
/// Swift's own `Float16` is unavailable on some platforms (Intel Macs), so Nabla stores
/// half floats as bits and converts in software.
struct HalfBits: TensorElement {
    var bits: UInt16

    init(bits: UInt16) { self.bits = bits }

    static var dtype: DType { .float16 }

    /// Rounds to nearest even, with overflow to infinity, subnormals and NaN preserved.
    init(nablaDouble value: Double) {
        let f = Float(value)
        let x = f.bitPattern
        let sign = UInt16((x >> 16) & 0x8000)
        let exponent = Int((x >> 23) & 0xFF)
        let mantissa = x & 0x7F_FFFF
        if exponent == 0xFF {
            bits = sign | 0x7C00 | (mantissa != 0 ? 0x200 | UInt16(mantissa >> 13) : 0)
            return
        }
        let e = exponent - 127 + 15
        if e >= 0x1F {
            bits = sign | 0x7C00
        } else if e <= 0 {
            if e < -10 {
                bits = sign
                return
            }
            let m = mantissa | 0x80_0000
            let shift = UInt32(14 - e)
            var half = m >> shift
            let remainder = m & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && (half & 1) == 1) { half += 1 }
            bits = sign | UInt16(half)
        } else {
            var half = UInt32(e) << 10 | (mantissa >> 13)
            let remainder = mantissa & 0x1FFF
            if remainder > 0x1000 || (remainder == 0x1000 && (half & 1) == 1) { half += 1 }
            bits = sign | UInt16(half)
        }
    }

    var nablaDouble: Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 0x1F: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

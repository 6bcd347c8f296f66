// The printed form, following PyTorch's `torch._tensor_str` (precision 4, line width 80,
// tensors over 1000 elements summarised with 3 edge items).

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// PyTorch's printed form, such as `tensor([[-1.6619]])` or
    /// `tensor([1, 2], dtype=int32)`.
    public var description: String {
        var suffixes: [String] = []
        if numel == 0 && ndim != 1 {
            suffixes.append("size=(\(shape.map(String.init).joined(separator: ", "))\(ndim == 1 ? "," : ""))")
        }
        if dtype != .float32 && dtype != .int64 && dtype != .bool {
            suffixes.append("dtype=\(dtype)")
        }
        if let gradFn {
            suffixes.append("grad_fn=<\(gradFn)>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        let prefix = "tensor("
        let body: String
        if numel == 0 {
            body = "[]"
        } else {
            let summarize = numel > TensorPrinter.threshold
            let values = TensorPrinter.summarizedValues(self, summarize: summarize)
            let formatter = TensorPrinter.Formatter(values: values, dtype: dtype)
            body = TensorPrinter.format(self, indent: prefix.count, summarize: summarize, formatter: formatter)
        }
        return prefix + ([body] + suffixes).joined(separator: ", ") + ")"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }
}

enum TensorPrinter {
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 80
    static let precision = 4

    /// The values that will be printed (the edges only, when summarising).
    static func summarizedValues(_ tensor: Tensor, summarize: Bool) -> [Double] {
        guard summarize, tensor.ndim > 0 else { return tensor.toArray(Double.self) }
        let size = tensor.shape[0]
        if size > 2 * edgeItems {
            return (Array(0..<edgeItems) + Array((size - edgeItems)..<size)).flatMap {
                summarizedValues(tensor.select(0, $0), summarize: true)
            }
        }
        return (0..<size).flatMap { summarizedValues(tensor.select(0, $0), summarize: true) }
    }

    static func format(_ tensor: Tensor, indent: Int, summarize: Bool, formatter: Formatter) -> String {
        switch tensor.ndim {
        case 0:
            return formatter.format(tensor.item(Double.self))
        case 1:
            let values = tensor.toArray(Double.self)
            var items: [String]
            if summarize && values.count > 2 * edgeItems {
                items = values.prefix(edgeItems).map(formatter.format) + [" ..."] + values.suffix(edgeItems).map(formatter.format)
            } else {
                items = values.map(formatter.format)
            }
            let perLine = Swift.max(1, (lineWidth - indent) / (formatter.width + 2))
            var lines: [String] = []
            while !items.isEmpty {
                lines.append(items.prefix(perLine).joined(separator: ", "))
                items.removeFirst(Swift.min(perLine, items.count))
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        default:
            let size = tensor.shape[0]
            let rows: [String]
            if summarize && size > 2 * edgeItems {
                rows = (0..<edgeItems).map { format(tensor.select(0, $0), indent: indent + 1, summarize: true, formatter: formatter) }
                    + ["..."]
                    + ((size - edgeItems)..<size).map { format(tensor.select(0, $0), indent: indent + 1, summarize: true, formatter: formatter) }
            } else {
                rows = (0..<size).map { format(tensor.select(0, $0), indent: indent + 1, summarize: summarize, formatter: formatter) }
            }
            let separator = "," + String(repeating: "\n", count: tensor.ndim - 1) + String(repeating: " ", count: indent + 1)
            return "[" + rows.joined(separator: separator) + "]"
        }
    }

    /// Chooses one notation and width for all printed values, as PyTorch's `_Formatter`.
    struct Formatter {
        let isFloatingPoint: Bool
        let isBool: Bool
        var integerMode = true
        var scientific = false
        var width = 1

        init(values: [Double], dtype: DType) {
            isFloatingPoint = dtype.isFloatingPoint
            isBool = dtype == .bool
            guard isFloatingPoint else {
                let formatted = values.map(plainFormat)
                width = formatted.map(\.count).max() ?? 1
                return
            }
            let finite = values.filter { $0.isFinite && $0 != 0 }
            guard !finite.isEmpty else { return }
            let magnitudes = finite.map(abs)
            let smallest = magnitudes.min()!, largest = magnitudes.max()!
            integerMode = finite.allSatisfy { $0 == $0.rounded(.up) }
            if integerMode {
                if largest / smallest > 1000 || largest > 1e8 {
                    scientific = true
                    width = finite.map { TensorPrinter.scientific($0).count }.max()!
                } else {
                    width = finite.map { TensorPrinter.fixed($0, digits: 0).count + 1 }.max()!
                }
            } else if largest / smallest > 1000 || largest > 1e8 || smallest < 1e-4 {
                scientific = true
                width = finite.map { TensorPrinter.scientific($0).count }.max()!
            } else {
                width = finite.map { TensorPrinter.fixed($0, digits: precision).count }.max()!
            }
        }

        private func plainFormat(_ value: Double) -> String {
            // Int64.max reads back as 2^63, one past what Int64 holds.
            isBool ? (value != 0 ? "True" : "False") : value >= 0x1p63 ? String(Int64.max) : String(Int64(value))
        }

        func format(_ value: Double) -> String {
            let text: String
            if !isFloatingPoint {
                text = plainFormat(value)
            } else if scientific {
                text = TensorPrinter.scientific(value)
            } else if integerMode {
                text = TensorPrinter.fixed(value, digits: 0) + (value.isFinite ? "." : "")
            } else {
                text = TensorPrinter.fixed(value, digits: precision)
            }
            return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
        }
    }

    /// Python's `f"{value:.{digits}f}"` (`nan`, `inf`, `-inf` for non-finite values).
    static func fixed(_ value: Double, digits: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrEven)
        let negative = value.sign == .minus
        guard scaled < 9e15 else { return (negative ? "-" : "") + String(Int64(abs(value))) }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        var text = (negative ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(integer % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// Python's `f"{value:.4e}"`.
    static func scientific(_ value: Double) -> String {
        if !value.isFinite || value == 0 {
            return value == 0 ? (value.sign == .minus ? "-" : "") + "0." + String(repeating: "0", count: precision) + "e+00" : fixed(value, digits: 0)
        }
        var exponent = Int((abs(value)).exponentBase10)
        var mantissa = scaledDown(abs(value), exponent)
        var scale = 1.0
        for _ in 0..<precision { scale *= 10 }
        var digits = (mantissa * scale).rounded(.toNearestOrEven)
        if digits >= 10 * scale {
            exponent += 1
            mantissa = scaledDown(abs(value), exponent)
            digits = (mantissa * scale).rounded(.toNearestOrEven)
        }
        let integer = UInt64(digits)
        let leading = integer / UInt64(scale)
        let fraction = String(integer % UInt64(scale))
        let exponentText = String(abs(exponent))
        return (value < 0 ? "-" : "") + String(leading) + "." + String(repeating: "0", count: precision - fraction.count) + fraction
            + "e" + (exponent < 0 ? "-" : "+") + (exponentText.count < 2 ? "0" : "") + exponentText
    }

    /// `magnitude / 10^exponent`. Below 1e-300 the power is applied in two halves: 10^-exponent
    /// itself would overflow to infinity for a subnormal value such as 1e-322.
    private static func scaledDown(_ magnitude: Double, _ exponent: Int) -> Double {
        guard exponent < -300 else { return magnitude / pow10(exponent) }
        let half = -exponent / 2
        return magnitude * pow10(half) * pow10(-exponent - half)
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}

extension Double {
    /// `floor(log10(self))` for a positive finite value, computed without Foundation.
    fileprivate var exponentBase10: Double {
        var exponent = 0.0
        var x = self
        while x >= 10 { x /= 10; exponent += 1 }
        while x < 1 { x *= 10; exponent -= 1 }
        return exponent
    }
}

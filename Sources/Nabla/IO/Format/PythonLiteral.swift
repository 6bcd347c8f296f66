/// The subset of Python literals a `.npy` header can hold, as `ast.literal_eval` reads them.
indirect enum PythonLiteral: Equatable, Sendable {
    case string(String)
    /// An integer that fits in `Int`.
    case integer(Int)
    /// An integer literal too large for `Int`, kept as its digits for the error message.
    case hugeInteger(String)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    /// Keys are strings in every header NumPy writes; order is kept for error reporting.
    case dictionary([(key: String, value: PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.hugeInteger(a), .hugeInteger(b)): return a == b
        case let (.boolean(a), .boolean(b)): return a == b
        case (.none, .none): return true
        case let (.tuple(a), .tuple(b)), let (.list(a), .list(b)): return a == b
        case let (.dictionary(a), .dictionary(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Python's `repr`, used in error messages.
    var pythonRepr: String {
        switch self {
        case let .string(s): return "'\(s)'"
        case let .integer(i): return String(i)
        case let .hugeInteger(digits): return digits
        case let .boolean(b): return b ? "True" : "False"
        case .none: return "None"
        case let .tuple(items):
            return items.count == 1 ? "(\(items[0].pythonRepr),)" : "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case let .list(items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case let .dictionary(pairs):
            return "{" + pairs.map { "'\($0.key)': \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A strict, bounded parser for the Python literal in a `.npy` header.
///
/// It reads only what `numpy.lib.format` writes (a dictionary of string keys to strings,
/// booleans, integers and tuples, possibly nested for structured dtypes) plus lists and
/// `None`; anything else is an error rather than a guess. Nesting depth is capped so a
/// hostile header cannot exhaust the stack, and every byte access is bounds-checked.
struct PythonLiteralParser {
    /// Deeper nesting than any dtype NumPy writes for a plain array.
    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one literal at the start of `bytes` (after optional whitespace) and returns it
    /// with `trailingError`: `nil` when only whitespace follows, otherwise the error to throw.
    ///
    /// The trailing check is left to the caller so that a header whose dictionary lacks a key
    /// reports the missing key, the more useful message, before the stray bytes after it.
    static func parsePrefix(_ bytes: [UInt8]) throws(NumPyFormatError) -> (value: PythonLiteral, trailingError: NumPyFormatError?) {
        var parser = PythonLiteralParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            return (value, parser.error("unexpected characters after the literal"))
        }
        return (value, nil)
    }

    private func error(_ reason: String) -> NumPyFormatError {
        .malformedHeader(reason: "\(reason) at offset \(position)")
    }

    private var current: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
            position += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(NumPyFormatError) -> PythonLiteral {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        guard let byte = current else { throw error("the header ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseDictionary(depth: depth)
        case UInt8(ascii: "("):
            return .tuple(try parseSequence(closing: UInt8(ascii: ")"), depth: depth, isTuple: true))
        case UInt8(ascii: "["):
            return .list(try parseSequence(closing: UInt8(ascii: "]"), depth: depth, isTuple: false))
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseInteger()
        default:
            return try parseKeyword()
        }
    }

    private mutating func parseDictionary(depth: Int) throws(NumPyFormatError) -> PythonLiteral {
        position += 1
        var pairs: [(key: String, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .dictionary(pairs)
            }
            guard current == UInt8(ascii: "'") || current == UInt8(ascii: "\"") else {
                throw error(current == nil ? "the dictionary is not closed" : "a dictionary key is not a string")
            }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key '\(key)'") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            pairs.append((key, value))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current != UInt8(ascii: "}") {
                throw error(current == nil ? "the dictionary is not closed" : "expected ',' or '}' in the dictionary")
            }
        }
    }

    private mutating func parseSequence(closing: UInt8, depth: Int, isTuple: Bool) throws(NumPyFormatError) -> [PythonLiteral] {
        position += 1
        var items: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == closing {
                position += 1
                // Python reads `(5)` as the integer 5, not a tuple; a one-item tuple needs its comma.
                if isTuple, items.count == 1, !sawComma {
                    throw error("a parenthesised value without a comma is not a tuple")
                }
                return items
            }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                sawComma = true
            } else if current != closing {
                throw error(current == nil ? "a sequence is not closed" : "expected ',' or a closing bracket")
            }
        }
    }

    private mutating func parseString() throws(NumPyFormatError) -> String {
        guard let quote = current else { throw error("the header ends where a string was expected") }
        position += 1
        var content: [UInt8] = []
        while true {
            guard let byte = current else { throw error("a string is not closed") }
            position += 1
            if byte == quote { break }
            switch byte {
            case 0x0A, 0x0D:
                throw error("a newline inside a string")
            case UInt8(ascii: "\\"):
                guard let escaped = current else { throw error("a string is not closed") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): content.append(escaped)
                case UInt8(ascii: "n"): content.append(0x0A)
                case UInt8(ascii: "t"): content.append(0x09)
                default: throw error("an unsupported escape sequence in a string")
                }
            default:
                content.append(byte)
            }
        }
        // Version 3.0 headers are UTF-8; 1.0 and 2.0 are Latin-1, whose ASCII subset is all NumPy writes.
        return String(decoding: content, as: UTF8.self)
    }

    private mutating func parseInteger() throws(NumPyFormatError) -> PythonLiteral {
        var negative = false
        if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
            negative = current == UInt8(ascii: "-")
            position += 1
            skipWhitespace()
        }
        let start = position
        var value = 0
        var overflow = false
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let digit = Int(byte - UInt8(ascii: "0"))
            if !overflow {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
                overflow = o1 || o2
                value = sum
            }
            position += 1
        }
        guard position > start else { throw error("a sign without digits") }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "x") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "j") {
            throw error("only decimal integers are accepted")
        }
        if bytes[start] == UInt8(ascii: "0"), position - start > 1 {
            throw error("an integer with a leading zero")
        }
        if overflow {
            let digits = String(decoding: bytes[start..<position], as: UTF8.self)
            return .hugeInteger((negative ? "-" : "") + digits)
        }
        return .integer(value)
    }

    private mutating func parseKeyword() throws(NumPyFormatError) -> PythonLiteral {
        let start = position
        while let byte = current,
              (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_") {
            position += 1
            guard position - start <= 16 else { break }
        }
        switch String(decoding: bytes[start..<position], as: UTF8.self) {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        default:
            position = start
            throw error("an unexpected character or name")
        }
    }
}

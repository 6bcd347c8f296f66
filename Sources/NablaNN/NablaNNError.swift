/// A problem with data from outside the program: a state dict that does not fit a
/// model, or a file (`.npz`, `.safetensors`, IDX) that cannot be read. Programmer errors
/// (a bad shape passed to a layer) trap instead, as in the rest of Nabla.
public enum NablaNNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A state dict's names or shapes do not match the model's: every missing name,
    /// unexpected name and shape mismatch is listed.
    case stateDictMismatch(missing: [String], unexpected: [String], shapeMismatches: [ShapeMismatch])
    /// A file is not in the format expected; `reason` says what is wrong.
    case invalidFile(path: String, format: String, reason: String)
    /// A file could not be read or written.
    case fileSystem(path: String, reason: String)
    /// A `.npy`/`.npz` file could not be read or written.
    case numpy(NumPyFormatError)
    /// A PyTorch checkpoint (`.pth`) could not be read or written.
    case pytorch(TorchFormatError)

    /// A parameter whose stored shape differs from the model's.
    public struct ShapeMismatch: Equatable, Sendable, CustomStringConvertible {
        /// The parameter's dotted name.
        public let name: String
        /// The shape in the model.
        public let expected: [Int]
        /// The shape in the state dict.
        public let found: [Int]

        /// A mismatch of `name`'s shape.
        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }

        /// `name: expected [..], found [..]`.
        public var description: String { "\(name): the model has shape \(expected), the state dict \(found)" }
    }

    /// A sentence (or list) a user can act on.
    public var description: String {
        switch self {
        case let .stateDictMismatch(missing, unexpected, shapes):
            var lines = ["the state dict does not match the model:"]
            if !missing.isEmpty { lines.append("  missing keys: " + missing.joined(separator: ", ")) }
            if !unexpected.isEmpty { lines.append("  unexpected keys: " + unexpected.joined(separator: ", ")) }
            lines += shapes.map { "  size mismatch for \($0)" }
            return lines.joined(separator: "\n")
        case let .invalidFile(path, format, reason):
            return "'\(path)' is not a valid \(format) file: \(reason)"
        case let .fileSystem(path, reason):
            return "cannot access '\(path)': \(reason)"
        case let .numpy(error):
            return error.description
        case let .pytorch(error):
            return error.description
        }
    }
}

/// A problem found in a PyTorch checkpoint (`.pth`, `.pt`), or in reading or writing one.
///
/// The `.pth` reader throws this type for every file it did not write itself: a malformed,
/// truncated or hostile file never traps, never reads out of bounds, never allocates more
/// than the file can justify, and never runs or imports anything. Each case's
/// `description` names the problem in words a user can act on.
public enum TorchFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The zip container (or the file under it) is malformed or unreadable.
    case archive(NumPyFormatError)
    /// The archive lacks a record every `torch.save` file has, such as `data.pkl`.
    case missingRecord(String)
    /// The file is neither a zip archive nor the pre-1.6 format; `reason` says what it is.
    case notACheckpoint(reason: String)
    /// The pickle stream is malformed; `reason` names the opcode or value and its offset.
    case malformedPickle(reason: String)
    /// The pickle uses an opcode this safe reader does not implement.
    case unsupportedOpcode(opcode: UInt8, offset: Int)
    /// The pickle names a global outside the allow-list: loading it would run code.
    case forbiddenGlobal(module: String, name: String)
    /// A tensor's storage type is not one Nabla can hold or convert.
    case unsupportedStorage(String)
    /// A tensor's size, stride and offset reach outside its storage, or overflow.
    case invalidTensor(reason: String)
    /// A storage record is missing from the archive or shorter than its tensors need.
    case invalidStorage(key: String, reason: String)
    /// The pickle describes more objects than the file's size can justify (a shared
    /// reference repeated into an exponential tree, or a cycle).
    case tooManyObjects(limit: Int)
    /// A value cannot be written to a `.pth` file; `reason` says which and why.
    case unsupportedValue(reason: String)

    /// A sentence describing the problem.
    public var description: String {
        switch self {
        case let .archive(error):
            return "not a readable PyTorch checkpoint: \(error)"
        case let .missingRecord(name):
            return "the checkpoint has no '\(name)' record: it was not written by torch.save"
        case let .notACheckpoint(reason):
            return "not a PyTorch checkpoint: \(reason)"
        case let .malformedPickle(reason):
            return "the checkpoint's pickle is malformed: \(reason)"
        case let .unsupportedOpcode(opcode, offset):
            return "the checkpoint's pickle uses opcode 0x\(String(opcode, radix: 16)) at offset \(offset), which the safe reader does not implement"
        case let .forbiddenGlobal(module, name):
            return "the checkpoint refers to '\(module).\(name)'; building it would import and run Python code, "
                + "which this reader never does (as torch.load(weights_only=True) refuses it). "
                + "If the file holds a whole model saved with torch.save(model), save model.state_dict() instead"
        case let .unsupportedStorage(type):
            return "the storage type '\(type)' is not supported (float16/32/64, bfloat16, int8/16/32/64, uint8 and bool are)"
        case let .invalidTensor(reason):
            return "a tensor in the checkpoint is invalid: \(reason)"
        case let .invalidStorage(key, reason):
            return "the storage '\(key)' is invalid: \(reason)"
        case let .tooManyObjects(limit):
            return "the checkpoint's pickle builds more than \(limit) objects, more than its size can justify"
        case let .unsupportedValue(reason):
            return "cannot write this value to a .pth file: \(reason)"
        }
    }
}

import Nabla

/// `Tensor.loadPTH` of one input file: the zip or legacy container, the safe unpickler,
/// the storages (mapped or converted) and every tensor built over them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPTH(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size) { path in
        guard let value = try? Tensor.loadPTH(path) else { return }
        visit(value)
    }
    return 0
}

/// Exercises every tensor in a loaded value, however deeply nested.
private func visit(_ value: TorchValue) {
    switch value {
    case let .tensor(tensor): exercise(tensor)
    case let .list(items), let .tuple(items): items.forEach(visit)
    case let .dictionary(entries):
        for entry in entries {
            visit(entry.key)
            visit(entry.value)
        }
    default: _ = value.description
    }
}

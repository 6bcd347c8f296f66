import Nabla

/// `Tensor.loadNPZ` of one input file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size) { path in
        guard let archive = try? Tensor.loadNPZ(path) else { return }
        for (_, tensor) in archive.entries { exercise(tensor) }
    }
    return 0
}

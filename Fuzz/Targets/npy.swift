import Nabla

/// `Tensor.load(npy:)` and the three memory mappings of one input file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size) { path in
        if let tensor = try? Tensor.load(npy: path) { exercise(tensor) }
        for mode in [MemoryMapMode.readOnly, .copyOnWrite, .readWrite] {
            if let tensor = try? Tensor(mappingNPY: path, mode: mode) { exercise(tensor) }
        }
    }
    return 0
}

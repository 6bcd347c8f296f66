import Nabla
import NablaNN

/// `StateDict(loadingSafetensors:)` and `StateDict.safetensorsMetadata` of one input file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size) { path in
        _ = try? StateDict.safetensorsMetadata(path)
        guard let state = try? StateDict(loadingSafetensors: path) else { return }
        for name in state.names { exercise(state[name]!) }
    }
    return 0
}

import Nabla
import NablaNN

/// `IDX.load` of one input file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    withInputFile(data, size) { path in
        if let tensor = try? IDX.load(path) { exercise(tensor) }
    }
    return 0
}

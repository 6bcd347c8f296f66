/// libFuzzer entry point for the format layer: the `.npy` and `.npz` readers and PyTorch's
/// checkpoint parser.
///
/// Every input goes through the header parser, the data conversion and, when it looks like
/// a zip archive, the zip directory reader, inflate, CRC check and the `.npy` parser inside
/// each member; and through the `.pth` parser (zip or legacy container, the safe unpickler,
/// the storages' bounds). Any trap, sanitizer report or out-of-bounds access is a bug:
/// malformed input must only ever throw `NumPyFormatError` or `TorchFormatError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumPyReaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    decodeNPY(bytes)
    if let image = try? TorchCheckpointImage.parse(bytes) {
        _ = TorchCheckpointImage.tensorRecords(in: image.root).count
        _ = try? PickleWriter.encode(image.root)
    }
    if let entries = try? ZipReader.entries(bytes) {
        for entry in entries {
            _ = try? ZipReader.withContents(of: entry, in: bytes) { member in decodeNPY(member) }
        }
    }
    return 0
}

private func decodeNPY(_ bytes: UnsafeRawBufferPointer) {
    guard let (header, dataOffset) = try? NPYHeader.parseImage(bytes) else { return }
    let loaded = header.descriptor.scalarType.loadedType
    let destination = UnsafeMutableRawPointer.allocate(byteCount: max(1, header.elementCount * loaded.itemSize), alignment: 64)
    defer { destination.deallocate() }
    let data = UnsafeRawBufferPointer(rebasing: bytes[dataOffset...])
    _ = try? NPYConversion.decode(data, descriptor: header.descriptor, count: header.elementCount, into: destination)
    _ = header.encoded()
}

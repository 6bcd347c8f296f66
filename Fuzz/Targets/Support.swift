// Shared by the fuzz targets that go through the tensor wiring (Fuzz/run.sh links each
// with the library's modules, built with coverage and AddressSanitizer).
import Nabla

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file per process that each input is written to, since the loaders take paths.
let inputPath: String = {
    let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(folder)/nabla-fuzz-\(getpid())"
}()

/// Writes the input to ``inputPath`` and calls `body` with the path.
func withInputFile(_ data: UnsafePointer<UInt8>, _ size: Int, _ body: (String) -> Void) {
    guard let file = fopen(inputPath, "wb") else { fatalError("fuzz: cannot create \(inputPath)") }
    if size > 0 { precondition(fwrite(data, 1, size, file) == size, "fuzz: short write to \(inputPath)") }
    fclose(file)
    body(inputPath)
}

/// Uses a loaded tensor the way a program would: reads every element through its shape
/// and strides, prints it, and for small tensors copies it and checks the copy. A wrong
/// stride, offset or storage size shows up here as a sanitizer report or a trap.
func exercise(_ tensor: Tensor) {
    let count = tensor.shape.reduce(1, *)
    precondition(count == tensor.numel, "fuzz: numel \(tensor.numel) disagrees with shape \(tensor.shape)")
    guard count <= 1 << 16 else { return }
    let values = tensor.toArray(Double.self)
    precondition(values.count == count, "fuzz: toArray returned \(values.count) values for shape \(tensor.shape)")
    _ = tensor.description
    let copy = tensor.contiguous().clone()
    let again = copy.toArray(Double.self)
    for (a, b) in zip(values, again) where a != b && !(a.isNaN && b.isNaN) {
        preconditionFailure("fuzz: a copy of a \(tensor.dtype) tensor of shape \(tensor.shape) reads \(b) where the original reads \(a)")
    }
    if tensor.dtype == .bool {
        copy.withUnsafeBytes { bytes in
            for byte in bytes where byte > 1 { preconditionFailure("fuzz: a bool tensor holds the byte \(byte)") }
        }
    }
}

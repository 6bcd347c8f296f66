// Runs one of issue 18's reproductions against the library and prints what happened, the
// wall time and the peak resident memory. Fuzz/repro.sh links it against a release build.
//
//   repro npy|map-r|map-rw|map-c|npz|safetensors|idx PATH
//   repro backward TASKS ITERATIONS     (tasks running layer(x).sum().backward() on one Linear)
import Foundation
import Nabla
import NablaNN

/// The module shared by the `backward` reproduction. `@unchecked Sendable`: the tasks only
/// run forward (reads) and backward (whose accumulation the fixed library synchronises).
struct Shared: @unchecked Sendable { let layer: Linear }

/// The peak resident set (VmHWM in /proc/self/status), in MB.
func peakMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ")[1]) else { return .nan }
    return kilobytes / 1024
}

func summary(_ tensor: Tensor) -> String {
    var text = tensor.numel <= 8 ? " \(tensor)" : ""
    if tensor.dtype == .bool, tensor.numel <= 8 { text += ", bytes \(tensor.withUnsafeBytes { Array($0) })" }
    return "\(tensor.dtype) \(tensor.shape)\(text)"
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: repro npy|map-r|map-rw|map-c|npz|safetensors|idx PATH | backward TASKS ITERATIONS")
    exit(2)
}
let start = Date()
let kind = arguments[1], path = arguments[2]
do {
    switch kind {
    case "npy": print(summary(try Tensor.load(npy: path)))
    case "map-r": print(summary(try Tensor(mappingNPY: path, mode: .readOnly)))
    case "map-rw": print(summary(try Tensor(mappingNPY: path, mode: .readWrite)))
    case "map-c": print(summary(try Tensor(mappingNPY: path, mode: .copyOnWrite)))
    case "npz":
        let archive = try Tensor.loadNPZ(path)
        print("\(archive.count) arrays", archive.entries.prefix(3).map { "\($0.name): \(summary($0.tensor))" })
    case "safetensors":
        let state = try StateDict(loadingSafetensors: path)
        print("\(state.names.count) tensors", state.names.prefix(3).map { "\($0): \(summary(state[$0]!))" })
    case "idx": print(summary(try IDX.load(path)))
    case "backward":
        let tasks = Int(path) ?? 2, iterations = Int(arguments.count > 3 ? arguments[3] : "1000") ?? 1000
        let shared = Shared(layer: Linear(64, 64))
        let x = Tensor.ones([8, 64])
        let group = DispatchGroup()
        for _ in 0..<tasks {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<iterations { shared.layer(x).sum().backward() }
            }
        }
        group.wait()
        let expected = Double(tasks * iterations * 8)
        let grad = shared.layer.bias!.grad!.toArray(Double.self)
        let worst = grad.map { abs($0 - expected) / expected }.max()!
        print("bias.grad: expected \(expected) everywhere, got \(grad.min()!)...\(grad.max()!) (worst \(String(format: "%.1f", worst * 100))% off)")
    default:
        print("unknown reproduction \(kind)")
        exit(2)
    }
} catch {
    print("threw: \(error)")
}
print(String(format: "time %.2f s, peak RSS %.0f MB", Date().timeIntervalSince(start), peakMegabytes()))

import CMPI
import NablaNN

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``ProcessGroup/allReduce(_:op:)`` combines the ranks' tensors (PyTorch's
/// `torch.distributed.ReduceOp`).
public enum ReduceOp: String, Sendable, CaseIterable {
    /// The element-wise sum.
    case sum
    /// The element-wise mean: the sum divided by the number of ranks (floating-point
    /// tensors only; PyTorch's `AVG`).
    case mean
    /// The element-wise maximum (for `bool` tensors: or).
    case max
    /// The element-wise minimum (for `bool` tensors: and).
    case min
}

// Collectives on tensors, PyTorch's `torch.distributed` functions. The in-place ones write
// into the tensor's own memory when it is contiguous (every view of the storage sees the
// result) and go through a contiguous copy otherwise. They are not recorded by autograd:
// a tensor that a backward pass still needs is reported as changed in place.
extension ProcessGroup {
    /// Combines `tensor` across the ranks, in place: afterwards every rank holds the sum
    /// (or mean, maximum, minimum) of all ranks' tensors (`dist.all_reduce`).
    ///
    /// Every rank must pass a tensor of the same shape and dtype. `float16` tensors cannot
    /// be reduced (MPI has no half type); `.mean` needs a floating-point tensor and `.sum` a
    /// numeric one. Misuse traps with a message.
    public func allReduce(_ tensor: Tensor, op: ReduceOp = .sum) {
        let datatype = reductionDatatype(for: tensor, op: op)
        let mpiOp: MPI_Op = switch op {
        case .sum, .mean: nabla_mpi_sum()
        case .max: nabla_mpi_max()
        case .min: nabla_mpi_min()
        }
        writeInPlace(tensor) { bytes in
            forEachPiece(of: bytes, itemSize: tensor.itemSize) { piece, count in
                MPIRuntime.check(MPI_Allreduce(nabla_mpi_in_place(), piece, count, datatype, mpiOp, communicator), "MPI_Allreduce")
            }
        }
        if op == .mean && worldSize > 1 {
            divideInPlace(tensor, by: worldSize)
        }
    }

    /// Copies rank `root`'s `tensor` into every other rank's `tensor`, in place
    /// (`dist.broadcast`). Every rank must pass a tensor of the same shape and dtype; any
    /// dtype works. The root's tensor is only read.
    public func broadcast(_ tensor: Tensor, from root: Int = 0) {
        distributedPrecondition(root >= 0 && root < worldSize, "broadcast: root \(root) is not a rank of a group of \(worldSize)")
        let body: (UnsafeMutableRawBufferPointer) -> Void = { bytes in
            self.forEachPiece(of: bytes, itemSize: 1) { piece, count in
                MPIRuntime.check(MPI_Bcast(piece, count, nabla_mpi_byte(), Int32(root), self.communicator), "MPI_Bcast")
            }
        }
        if rank == root {
            tensor.withUnsafeBytes { body(UnsafeMutableRawBufferPointer(mutating: $0)) }
        } else {
            writeInPlace(tensor, body)
        }
    }

    /// Every rank's `tensor`, stacked along a new first dim of size ``worldSize`` in rank
    /// order (`dist.all_gather_into_tensor` of the tensors unsqueezed at dim 0): row `r` of
    /// the result is rank `r`'s tensor. Every rank must pass a tensor of the same shape
    /// and dtype; any dtype works.
    public func allGather(_ tensor: Tensor) -> Tensor {
        let result = Tensor.empty([worldSize] + tensor.shape, dtype: tensor.dtype)
        let rowBytes = tensor.numel * tensor.itemSize
        guard rowBytes > 0 else { return result }
        tensor.withUnsafeBytes { input in
            result.withUnsafeMutableBytes { output in
                if rowBytes <= Self.maximumMessageBytes {
                    MPIRuntime.check(MPI_Allgather(input.baseAddress, Int32(rowBytes), nabla_mpi_byte(),
                                                   output.baseAddress, Int32(rowBytes), nabla_mpi_byte(), communicator), "MPI_Allgather")
                    return
                }
                // Larger rows go in pieces through a buffer holding one piece per rank,
                // then each rank's piece is copied to its place in the rank's row.
                let pieceBytes = Self.maximumMessageBytes
                let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: pieceBytes * worldSize, alignment: 64)
                defer { staging.deallocate() }
                var offset = 0
                while offset < rowBytes {
                    let count = Swift.min(pieceBytes, rowBytes - offset)
                    MPIRuntime.check(MPI_Allgather(input.baseAddress! + offset, Int32(count), nabla_mpi_byte(),
                                                   staging.baseAddress, Int32(count), nabla_mpi_byte(), communicator), "MPI_Allgather")
                    for source in 0..<worldSize {
                        (output.baseAddress! + source * rowBytes + offset).copyMemory(from: staging.baseAddress! + source * count, byteCount: count)
                    }
                    offset += count
                }
            }
        }
        return result
    }

    /// Broadcasts `tensors` from `root` in one message per dtype instead of one per
    /// tensor: packed into a flat buffer, broadcast, unpacked in place. Used for the
    /// parameters and buffers of ``DistributedDataParallel``.
    public func broadcastCoalesced(_ tensors: [Tensor], from root: Int = 0) {
        guard worldSize > 1 else { return }
        withNoGrad {
            for group in groupedByDtype(tensors) {
                let flat = Tensor.cat(group.map { $0.reshape([-1]) }, dim: 0)
                broadcast(flat, from: root)
                guard rank != root else { continue }
                var offset = 0
                for tensor in group {
                    tensor.copy(from: flat.narrow(0, start: offset, length: tensor.numel).view(tensor.shape))
                    offset += tensor.numel
                }
            }
        }
    }

    // MARK: Helpers

    /// The MPI type `op` runs on for `tensor`'s dtype, trapping on combinations that
    /// have no meaning.
    private func reductionDatatype(for tensor: Tensor, op: ReduceOp) -> MPI_Datatype {
        let dtype = tensor.dtype
        distributedPrecondition(op != .mean || dtype == .float32 || dtype == .float64,
                                "allReduce: .mean needs a float32 or float64 tensor, got a \(dtype) tensor of shape \(tensor.shape)")
        switch dtype {
        case .float32: return nabla_mpi_float()
        case .float64: return nabla_mpi_double()
        case .int64: return nabla_mpi_int64()
        case .int32: return nabla_mpi_int32()
        case .uint8: return nabla_mpi_uint8()
        case .bool:
            distributedPrecondition(op == .max || op == .min,
                                    "allReduce: a bool tensor (shape \(tensor.shape)) can be reduced with .max (or) and .min (and), not .\(op)")
            return nabla_mpi_uint8()
        case .float16:
            distributedFailure("allReduce: float16 tensors cannot be reduced (MPI has no half type); convert with .to(.float32) first (shape \(tensor.shape))")
        }
    }

    /// Calls `body` with memory whose contents end up in `tensor`: its own when it is
    /// contiguous, a contiguous copy written back afterwards otherwise.
    private func writeInPlace(_ tensor: Tensor, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        if tensor.isContiguous {
            tensor.withUnsafeMutableBytes(body)
            return
        }
        withNoGrad {
            let staging = tensor.contiguous()
            staging.withUnsafeMutableBytes(body)
            tensor.copy(from: staging)
        }
    }

    /// Calls `body(address, count)` for consecutive pieces of `bytes` of at most
    /// ``maximumMessageBytes`` (whole items of `itemSize` bytes), `count` in items.
    private func forEachPiece(of bytes: UnsafeMutableRawBufferPointer, itemSize: Int, _ body: (UnsafeMutableRawPointer, Int32) -> Void) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let pieceItems = Swift.max(1, Self.maximumMessageBytes / itemSize)
        let totalItems = bytes.count / itemSize
        var item = 0
        while item < totalItems {
            let count = Swift.min(pieceItems, totalItems - item)
            body(base + item * itemSize, Int32(count))
            item += count
        }
    }
}

/// Divides a float32 or float64 tensor's elements by `divisor`, in place. A contiguous
/// tensor is divided in one plain loop, which runs at memory speed (Nabla's in-place
/// tensor-by-scalar division took twice as long on a 64 MB gradient bucket); others go
/// through `/=`.
func divideInPlace(_ tensor: Tensor, by divisor: Int) {
    withNoGrad {
        switch tensor.dtype {
        case .float32 where tensor.isContiguous:
            let d = Float(divisor)
            tensor.withUnsafeMutableBufferPointer(as: Float.self) { for i in $0.indices { $0[i] /= d } }
        case .float64 where tensor.isContiguous:
            let d = Double(divisor)
            tensor.withUnsafeMutableBufferPointer(as: Double.self) { for i in $0.indices { $0[i] /= d } }
        default:
            tensor /= Double(divisor)
        }
    }
}

/// `tensors` in groups of one dtype, each group in the original order, the groups in the
/// order of their first tensor.
func groupedByDtype(_ tensors: [Tensor]) -> [[Tensor]] {
    var groups: [[Tensor]] = []
    var position: [DType: Int] = [:]
    for tensor in tensors {
        if let index = position[tensor.dtype] {
            groups[index].append(tensor)
        } else {
            position[tensor.dtype] = groups.count
            groups.append([tensor])
        }
    }
    return groups
}

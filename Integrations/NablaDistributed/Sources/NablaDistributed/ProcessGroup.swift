import CMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes of a job, which run collectives together: PyTorch's process group with
/// the MPI backend (`torch.distributed.init_process_group("mpi")`).
///
/// Start the program with `mpirun -np N program`; each of the N processes gets its own
/// ``rank`` in `0..<worldSize`. Run without `mpirun`, a program is a job of one process
/// (MPI's singleton start), so the same code trains on one machine unchanged.
///
/// ```swift
/// let group = ProcessGroup.world          // initialises MPI on first use
/// print("rank \(group.rank) of \(group.worldSize)")
/// group.allReduce(tensor, op: .mean)      // every rank ends with the mean
/// ```
///
/// Every rank must call the same collectives in the same order with tensors of the same
/// shape and dtype, as in MPI and PyTorch; a mismatch hangs or ends the job. Calls may come
/// from any thread (MPI is initialised with `MPI_THREAD_SERIALIZED`) but never from two at
/// once. MPI is finalised when the process exits (an `atexit` handler, as mpi4py does), so
/// a program needs no shutdown call.
public final class ProcessGroup: @unchecked Sendable {
    /// Every process of the job (`MPI_COMM_WORLD`). The first use initialises MPI.
    public static let world = ProcessGroup(communicator: MPIRuntime.initialisedWorld())

    /// The communicator the collectives run on.
    let communicator: MPI_Comm
    /// This process's index, in `0..<worldSize`.
    public let rank: Int
    /// The number of processes.
    public let worldSize: Int
    /// This process's index among the group's processes on the same machine (the ones
    /// that can share memory), in `0..<localSize`.
    public let localRank: Int
    /// The number of the group's processes on this machine: the ones sharing its cores.
    public let localSize: Int

    /// The most bytes one MPI call moves: MPI counts are 32-bit, so larger tensors go in
    /// pieces of this size. The package's checks lower it to exercise the pieces.
    package nonisolated(unsafe) static var maximumMessageBytes = 1 << 30

    private init(communicator: MPI_Comm) {
        self.communicator = communicator
        var rank: Int32 = 0, size: Int32 = 0
        MPIRuntime.check(MPI_Comm_rank(communicator, &rank), "MPI_Comm_rank")
        MPIRuntime.check(MPI_Comm_size(communicator, &size), "MPI_Comm_size")
        self.rank = Int(rank)
        self.worldSize = Int(size)
        var localRank: Int32 = 0, localSize: Int32 = 0
        MPIRuntime.check(nabla_mpi_local_rank_and_size(communicator, &localRank, &localSize), "MPI_Comm_split_type")
        self.localRank = Int(localRank)
        self.localSize = Int(localSize)
    }

    /// Whether this process is rank 0, the one that prints and writes checkpoints.
    public var isRankZero: Bool { rank == 0 }

    /// Waits until every rank has called it.
    public func barrier() {
        MPIRuntime.check(MPI_Barrier(communicator), "MPI_Barrier")
    }

    /// Ends every process of the job with `exitCode` (`MPI_Abort`): the way for one rank to
    /// stop the job. A rank that merely exits leaves the others waiting in their next
    /// collective (and itself in MPI's finalisation, which waits for them).
    public func abort(exitCode: Int32 = 1) -> Never {
        MPI_Abort(communicator, exitCode)
        exit(exitCode)
    }

    /// The first line of the MPI library's description of itself
    /// (`MPI_Get_library_version`), such as `Open MPI v4.1.4, package: Debian OpenMPI, ...`.
    public static var libraryVersion: String {
        _ = world
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_LIBRARY_VERSION_STRING) + 1)
        var length: Int32 = 0
        MPIRuntime.check(MPI_Get_library_version(&buffer, &length), "MPI_Get_library_version")
        let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let line = text.split(separator: "\n").first ?? Substring(text)
        return String(line.reversed().drop { $0 == " " }.reversed())
    }
}

/// Starting and stopping MPI, once per process.
enum MPIRuntime {
    /// Initialises MPI (unless the program did already) and registers its finalisation at
    /// exit; returns `MPI_COMM_WORLD`.
    static func initialisedWorld() -> MPI_Comm {
        var initialised: Int32 = 0
        check(MPI_Initialized(&initialised), "MPI_Initialized")
        if initialised == 0 {
            var provided: Int32 = 0
            check(MPI_Init_thread(nil, nil, nabla_mpi_thread_serialized(), &provided), "MPI_Init_thread")
            atexit {
                var finalised: Int32 = 0
                MPI_Finalized(&finalised)
                if finalised == 0 { MPI_Finalize() }
            }
        }
        return nabla_mpi_comm_world()
    }

    /// Traps with MPI's message when `code` is an error. MPI's default handler ends the job
    /// on an error before returning; this catches the rest (a handler set to return errors).
    static func check(_ code: Int32, _ function: String) {
        guard code != MPI_SUCCESS else { return }
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &buffer, &length)
        let message = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        distributedFailure("\(function) failed with error \(code): \(message)")
    }
}

/// Traps with `message` in every build configuration (`precondition` drops its message
/// in release builds); the package's programmer errors are these traps.
func distributedPrecondition(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { distributedFailure(message(), file: file, line: line) }
}

/// Traps with `message` in every build configuration.
func distributedFailure(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message(), file: file, line: line)
}

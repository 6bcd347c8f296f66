import NablaNN

/// An error that one rank met and every rank reports.
public enum DistributedError: Error, Equatable, CustomStringConvertible {
    /// The work that only rank 0 runs (``ProcessGroup/onRankZero(_:)``) threw there; the
    /// reason is rank 0's error, described.
    case rankZeroFailed(reason: String)

    public var description: String {
        switch self {
        case .rankZeroFailed(let reason): "rank 0 failed: \(reason)"
        }
    }
}

extension ProcessGroup {
    /// Runs `body` on rank 0 only, such as writing a checkpoint, and returns on every rank
    /// once rank 0 has finished; if `body` throws, every rank throws.
    ///
    /// ```swift
    /// try group.onRankZero { try ddp.module.stateDict().save(pth: "epoch-\(epoch).pth") }
    /// ```
    ///
    /// Only one process writes, so ranks sharing a file system never write the same file at
    /// once, and no rank goes on (say, to load the file) before it is complete.
    ///
    /// - Throws: ``DistributedError/rankZeroFailed(reason:)`` on every rank when `body`
    ///   threw on rank 0.
    public func onRankZero(_ body: () throws -> Void) throws(DistributedError) {
        var failure: String?
        if isRankZero {
            do { try body() } catch { failure = "\(error)" }
        }
        // Rank 0 sends the length of its error message (-1 for success), then the message.
        let status = Tensor([Int64(failure.map { $0.utf8.count } ?? -1)])
        broadcast(status, from: 0)
        let length = Int(status.item(Int64.self))
        guard length >= 0 else { return }
        let message = isRankZero && length > 0 ? Tensor(Array(failure!.utf8)) : Tensor.zeros([length], dtype: .uint8)
        broadcast(message, from: 0)
        throw .rankZeroFailed(reason: String(decoding: message.toArray(UInt8.self), as: UTF8.self))
    }
}

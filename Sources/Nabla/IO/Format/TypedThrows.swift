extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws ``NumPyFormatError``: the standard method
    /// rethrows `any Error`, which would erase the I/O layer's typed errors.
    func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) throws(NumPyFormatError) -> R) throws(NumPyFormatError) -> R {
        let outcome = withUnsafeBytes { raw in
            Result { () throws(NumPyFormatError) in try body(raw) }
        }
        return try outcome.get()
    }

    /// `withUnsafeMutableBytes` for a body that throws ``NumPyFormatError``.
    mutating func withMutableRawBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(NumPyFormatError) -> R) throws(NumPyFormatError) -> R {
        let outcome = withUnsafeMutableBytes { raw in
            Result { () throws(NumPyFormatError) in try body(raw) }
        }
        return try outcome.get()
    }
}

/// Misuse traps that keep their message in every build configuration.
///
/// Swift's `precondition` and `preconditionFailure` drop their message at `-O`: a release
/// build would report `Swift runtime failure: precondition failure` instead of the
/// operation and the shapes that went wrong. Every programmer-error check in the package
/// goes through these two functions instead; `fatalError` prints its message in every
/// configuration.

/// Stops the program with `message` (the operation, the shapes or values, what was
/// expected), in debug and release builds alike.
@inline(never)
@usableFromInline
package func nablaPreconditionFailure(
    _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) -> Never {
    fatalError(message(), file: file, line: line)
}

/// Checks a caller's contract: when `condition` is false, stops the program with
/// `message` in debug and release builds alike. The message is built only on failure.
@inlinable
@_transparent
package func nablaPrecondition(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if _slowPath(!condition()) { nablaPreconditionFailure(message(), file: file, line: line) }
}

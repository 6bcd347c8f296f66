/// Unaligned vector loads and stores for code that an instruction-set target compiles.
///
/// The standard library's `loadUnaligned(as:)` and `storeBytes(of:as:)` are generic; when
/// the optimiser leaves one of them out of line (it stops inlining into a function that
/// has grown large), the call becomes a specialisation such as
/// `loadUnaligned<SIMD16<Float>>`: a shared symbol whose name every target compiling the
/// same call would emit, of which the linker keeps one copy. Going through `Lanes`, a
/// wrapper that carries the target's own `ISA` type, puts the target's name into that
/// specialisation, so an out-of-line copy can only be this target's (DESIGN.md's ISA rule).
/// The wrapper has the layout of the vector, so the code is the same.
@usableFromInline package enum ISAMemory<ISA> {
    /// A value marked with the instruction set whose code handles it.
    @frozen @usableFromInline
    struct Lanes<Value: BitwiseCopyable>: BitwiseCopyable {
        @usableFromInline var value: Value
        @inlinable @inline(__always) init(_ value: Value) { self.value = value }
    }

    /// The `V` at `p`, which needs only the alignment of `V`'s elements.
    @inlinable @inline(__always)
    package static func load<V: BitwiseCopyable>(_ p: UnsafeRawPointer, as _: V.Type) -> V {
        p.loadUnaligned(as: Lanes<V>.self).value
    }

    /// Stores `value` at `p`, which needs only the alignment of `V`'s elements.
    @inlinable @inline(__always)
    package static func store<V: BitwiseCopyable>(_ value: V, to p: UnsafeMutableRawPointer) {
        p.storeBytes(of: Lanes(value), as: Lanes<V>.self)
    }
}

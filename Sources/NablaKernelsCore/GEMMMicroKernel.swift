/// A micro-tile's row count as a type: GEMM specialises its micro-kernel per row count
/// (and per ISA config), so that the count is a constant in each copy's loop.
@usableFromInline package protocol MicroTileRows {
    static var count: Int { get }
}
@usableFromInline package enum MicroTileRows1: MicroTileRows { @inlinable package static var count: Int { 1 } }
@usableFromInline package enum MicroTileRows2: MicroTileRows { @inlinable package static var count: Int { 2 } }
@usableFromInline package enum MicroTileRows3: MicroTileRows { @inlinable package static var count: Int { 3 } }
@usableFromInline package enum MicroTileRows4: MicroTileRows { @inlinable package static var count: Int { 4 } }
@usableFromInline package enum MicroTileRows5: MicroTileRows { @inlinable package static var count: Int { 5 } }
@usableFromInline package enum MicroTileRows6: MicroTileRows { @inlinable package static var count: Int { 6 } }
@usableFromInline package enum MicroTileRows7: MicroTileRows { @inlinable package static var count: Int { 7 } }
@usableFromInline package enum MicroTileRows8: MicroTileRows { @inlinable package static var count: Int { 8 } }
@usableFromInline package enum MicroTileRows9: MicroTileRows { @inlinable package static var count: Int { 9 } }
@usableFromInline package enum MicroTileRows10: MicroTileRows { @inlinable package static var count: Int { 10 } }
@usableFromInline package enum MicroTileRows11: MicroTileRows { @inlinable package static var count: Int { 11 } }
@usableFromInline package enum MicroTileRows12: MicroTileRows { @inlinable package static var count: Int { 12 } }

extension GEMM {
    /// One micro-tile: `C[0..<rows, 0..<cols] = alpha * A * B + beta * C` over `depth`.
    ///
    /// `rows` must be a constant at the call site: it is inlined into one function per row
    /// count (`packedKernel` and `stridedKernel`, generic over a ``MicroTileRows`` type), where
    /// every `if rows > r` folds, so the full tile and each edge tile are this one source
    /// with only the accumulators they use. A's element `(i, p)` is at
    /// `a[i * rsA + p * csA]` (a packed panel passes the constants 1 and `mr`); B's row `p`
    /// is `nr` contiguous elements at `b + p * rsB`, which either a packed panel or a
    /// row-major operand provides. `cols` may be less than `nr` only when B's columns past
    /// `cols` are readable (packed panels are zero-padded).
    ///
    /// `beta == 0` never reads C, so NaN there is overwritten as BLAS specifies. A C tile
    /// that is not `nr` contiguous columns goes through `tile` (room for `12 * nr`
    /// elements, the caller's per-thread scratch) and is scattered from there.
    @inlinable @inline(__always)
    static func microKernel(
        rows: Int, depth: Int,
        a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
        b: UnsafePointer<Scalar>, rsB: Int,
        alpha: Scalar, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int, cols: Int,
        tile: UnsafeMutablePointer<Scalar>
    ) {
        let zero = K.splat(0)
        var c0a = zero, c0b = zero, c1a = zero, c1b = zero,
        c2a = zero, c2b = zero, c3a = zero, c3b = zero,
        c4a = zero, c4b = zero, c5a = zero, c5b = zero,
        c6a = zero, c6b = zero, c7a = zero, c7b = zero,
        c8a = zero, c8b = zero, c9a = zero, c9b = zero,
        c10a = zero, c10b = zero, c11a = zero, c11b = zero
        let w = K.Vector.scalarCount
        var pa = a
        var pb = b
        var remaining = depth
        while remaining > 0 {
            let b0 = K.load(pb)
            let b1 = K.load(pb + w)
            let x0 = K.splat(pa[0]); K.multiplyAdd(&c0a, x0, b0); K.multiplyAdd(&c0b, x0, b1)
            if rows > 1 { let x1 = K.splat(pa[rsA]); K.multiplyAdd(&c1a, x1, b0); K.multiplyAdd(&c1b, x1, b1) }
            if rows > 2 { let x2 = K.splat(pa[2 &* rsA]); K.multiplyAdd(&c2a, x2, b0); K.multiplyAdd(&c2b, x2, b1) }
            if rows > 3 { let x3 = K.splat(pa[3 &* rsA]); K.multiplyAdd(&c3a, x3, b0); K.multiplyAdd(&c3b, x3, b1) }
            if rows > 4 { let x4 = K.splat(pa[4 &* rsA]); K.multiplyAdd(&c4a, x4, b0); K.multiplyAdd(&c4b, x4, b1) }
            if rows > 5 { let x5 = K.splat(pa[5 &* rsA]); K.multiplyAdd(&c5a, x5, b0); K.multiplyAdd(&c5b, x5, b1) }
            if rows > 6 { let x6 = K.splat(pa[6 &* rsA]); K.multiplyAdd(&c6a, x6, b0); K.multiplyAdd(&c6b, x6, b1) }
            if rows > 7 { let x7 = K.splat(pa[7 &* rsA]); K.multiplyAdd(&c7a, x7, b0); K.multiplyAdd(&c7b, x7, b1) }
            if rows > 8 { let x8 = K.splat(pa[8 &* rsA]); K.multiplyAdd(&c8a, x8, b0); K.multiplyAdd(&c8b, x8, b1) }
            if rows > 9 { let x9 = K.splat(pa[9 &* rsA]); K.multiplyAdd(&c9a, x9, b0); K.multiplyAdd(&c9b, x9, b1) }
            if rows > 10 { let x10 = K.splat(pa[10 &* rsA]); K.multiplyAdd(&c10a, x10, b0); K.multiplyAdd(&c10b, x10, b1) }
            if rows > 11 { let x11 = K.splat(pa[11 &* rsA]); K.multiplyAdd(&c11a, x11, b0); K.multiplyAdd(&c11b, x11, b1) }
            pa += csA
            pb += rsB
            remaining &-= 1
        }

        let av = K.splat(alpha)
        let bv = K.splat(beta)
        let contiguous = cols == K.nr && csC == 1
        @inline(__always) func put(_ r: Int, _ x0: K.Vector, _ x1: K.Vector) {
            var y0 = K.multiply(av, x0)
            var y1 = K.multiply(av, x1)
            if contiguous {
                let row = c + r &* rsC
                if beta != 0 {
                    K.multiplyAdd(&y0, bv, K.load(row))
                    K.multiplyAdd(&y1, bv, K.load(row + w))
                }
                K.store(y0, to: row)
                K.store(y1, to: row + w)
            } else {
                K.store(y0, to: tile + r &* K.nr)
                K.store(y1, to: tile + r &* K.nr + w)
            }
        }
        put(0, c0a, c0b)
        if rows > 1 { put(1, c1a, c1b) }
        if rows > 2 { put(2, c2a, c2b) }
        if rows > 3 { put(3, c3a, c3b) }
        if rows > 4 { put(4, c4a, c4b) }
        if rows > 5 { put(5, c5a, c5b) }
        if rows > 6 { put(6, c6a, c6b) }
        if rows > 7 { put(7, c7a, c7b) }
        if rows > 8 { put(8, c8a, c8b) }
        if rows > 9 { put(9, c9a, c9b) }
        if rows > 10 { put(10, c10a, c10b) }
        if rows > 11 { put(11, c11a, c11b) }
        if !contiguous {
            scatter(rows: rows, cols: cols, tile: tile, beta: beta, c: c, rsC: rsC, csC: csC)
        }
    }

    /// Writes a tile computed into `tile` (rows of `nr`, already scaled by alpha) to a C
    /// tile with any strides or fewer than `nr` columns.
    @inlinable @inline(__always)
    static func scatter(
        rows: Int, cols: Int, tile: UnsafeMutablePointer<Scalar>, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int
    ) {
        for i in 0..<rows {
            let src = tile + i &* K.nr
            let dst = c + i &* rsC
            if beta == 0 {
                for j in 0..<cols { dst[j &* csC] = src[j] }
            } else {
                for j in 0..<cols { dst[j &* csC] = src[j] + beta * dst[j &* csC] }
            }
        }
    }
}

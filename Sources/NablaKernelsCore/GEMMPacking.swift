extension GEMM {
    /// Packs A's `rows x depth` block into micro-panels of `mr` rows: panel `q` starts at
    /// `dst + q * mr * depth` and holds element `(i, p)` at `p * mr + i`, so the
    /// micro-kernel reads one contiguous stream. A short last panel keeps the `mr` stride
    /// and leaves its missing rows unwritten: its edge kernel never reads them.
    @inlinable
    static func packA(
        rows: Int, depth: Int, a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
        into dst: UnsafeMutablePointer<Scalar>
    ) {
        let mr = K.mr
        var i0 = 0
        while i0 < rows {
            let height = min(mr, rows &- i0)
            let src = a + i0 &* rsA
            let panel = dst + i0 &* depth
            if csA == 1 {
                // Row-major A (or a transposed column-major one): each row is contiguous.
                // Four depths at a time, each group of four rows goes through a 4 x 4
                // register transpose (four vector loads, four vector stores), so the panel
                // is written front to back in one pass; rows past the last group of four
                // and depths past the last multiple of four go one element at a time.
                let grouped = height & ~3
                var p = 0
                while p &+ 4 <= depth {
                    let out = panel + p &* mr
                    var i = 0
                    while i < grouped {
                        let r = src + (i &* rsA &+ p)
                        let (t0, t1, t2, t3) = transpose4(
                            load4(r), load4(r + rsA), load4(r + 2 &* rsA), load4(r + 3 &* rsA))
                        store4(t0, to: out + i)
                        store4(t1, to: out + (mr &+ i))
                        store4(t2, to: out + (2 &* mr &+ i))
                        store4(t3, to: out + (3 &* mr &+ i))
                        i &+= 4
                    }
                    p &+= 4
                }
                for i in 0..<height {
                    let row = src + i &* rsA
                    let from = i < grouped ? p : 0
                    for q in from..<depth { panel[q &* mr &+ i] = row[q] }
                }
            } else {
                for p in 0..<depth {
                    let column = src + p &* csA
                    let out = panel + p &* mr
                    for i in 0..<height { out[i] = column[i &* rsA] }
                }
            }
            i0 &+= mr
        }
    }

    /// Packs B's `depth x cols` block into micro-panels of `nr` columns: panel `q` starts
    /// at `dst + q * nr * depth` and holds element `(p, j)` at `p * nr + j`. Columns past
    /// `cols` in the last panel are zeroed so the micro-kernel may read full vectors.
    @inlinable
    static func packB(
        depth: Int, cols: Int, b: UnsafePointer<Scalar>, rsB: Int, csB: Int,
        into dst: UnsafeMutablePointer<Scalar>
    ) {
        let nr = K.nr
        let w = K.Vector.scalarCount
        var j0 = 0
        while j0 < cols {
            let width = min(nr, cols &- j0)
            let src = b + j0 &* csB
            let panel = dst + j0 &* depth
            if csB == 1 && width == nr {
                for p in 0..<depth {
                    let row = src + p &* rsB
                    let out = panel + p &* nr
                    K.store(K.load(row), to: out)
                    K.store(K.load(row + w), to: out + w)
                }
            } else if csB == 1 {
                for p in 0..<depth {
                    let row = src + p &* rsB
                    let out = panel + p &* nr
                    for j in 0..<width { out[j] = row[j] }
                    for j in width..<nr { out[j] = 0 }
                }
            } else {
                // Transposed B: read each column contiguously (when rsB is 1), four columns
                // at a time through 4 x 4 register transposes; any other layout, and the
                // columns and depths left over, one element at a time.
                var j = 0
                if rsB == 1 {
                    while j &+ 4 <= width {
                        let columns = src + j &* csB
                        var p = 0
                        while p &+ 4 <= depth {
                            let r = columns + p
                            let (t0, t1, t2, t3) = transpose4(
                                load4(r), load4(r + csB), load4(r + 2 &* csB), load4(r + 3 &* csB))
                            let out = panel + (p &* nr &+ j)
                            store4(t0, to: out)
                            store4(t1, to: out + nr)
                            store4(t2, to: out + 2 &* nr)
                            store4(t3, to: out + 3 &* nr)
                            p &+= 4
                        }
                        while p < depth {
                            for q in 0..<4 { panel[p &* nr &+ j &+ q] = columns[q &* csB &+ p] }
                            p &+= 1
                        }
                        j &+= 4
                    }
                }
                while j < width {
                    let column = src + j &* csB
                    for p in 0..<depth { panel[p &* nr &+ j] = column[p &* rsB] }
                    j &+= 1
                }
                if width < nr {
                    for p in 0..<depth {
                        let out = panel + p &* nr
                        for j in width..<nr { out[j] = 0 }
                    }
                }
            }
            j0 &+= nr
        }
    }

    /// Four consecutive elements (no alignment assumed).
    @inlinable @inline(__always)
    static func load4(_ p: UnsafePointer<Scalar>) -> SIMD4<Scalar> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Scalar>.self)
    }

    /// Stores four consecutive elements (no alignment assumed).
    @inlinable @inline(__always)
    static func store4(_ v: SIMD4<Scalar>, to p: UnsafeMutablePointer<Scalar>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Scalar>.self)
    }

    /// The transpose of the 4 x 4 block whose rows are `x0...x3`: the packing routines'
    /// way of turning four rows into four columns with shuffles instead of scalar moves.
    @inlinable @inline(__always)
    static func transpose4(
        _ x0: SIMD4<Scalar>, _ x1: SIMD4<Scalar>, _ x2: SIMD4<Scalar>, _ x3: SIMD4<Scalar>
    ) -> (SIMD4<Scalar>, SIMD4<Scalar>, SIMD4<Scalar>, SIMD4<Scalar>) {
        (
            SIMD4(x0[0], x1[0], x2[0], x3[0]),
            SIMD4(x0[1], x1[1], x2[1], x3[1]),
            SIMD4(x0[2], x1[2], x2[2], x3[2]),
            SIMD4(x0[3], x1[3], x2[3], x3[3])
        )
    }
}

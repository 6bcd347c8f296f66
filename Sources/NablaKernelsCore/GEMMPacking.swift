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
                for i in 0..<height {
                    let row = src + i &* rsA
                    for p in 0..<depth { panel[p &* mr &+ i] = row[p] }
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
                // Transposed B: read each column contiguously (when rsB is 1), write strided.
                for j in 0..<width {
                    let column = src + j &* csB
                    for p in 0..<depth { panel[p &* nr &+ j] = column[p &* rsB] }
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
}

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
                        transpose4x4(from: src + (i &* rsA &+ p), stride: rsA, to: out + i, stride: mr)
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
                            transpose4x4(from: columns + p, stride: csB, to: panel + (p &* nr &+ j), stride: nr)
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

    /// Copies a 4 x 4 block transposed: the block's rows are four contiguous elements at
    /// `src`, `src + stride`, `src + 2 * stride` and `src + 3 * stride`; its column `q`
    /// becomes the four contiguous elements at `dst + q * dstStride`. Four vector loads,
    /// shuffles and four vector stores, where element moves would take sixteen of each:
    /// how both packing routines turn rows into a panel's columns.
    @inlinable @inline(__always)
    static func transpose4x4(
        from src: UnsafePointer<Scalar>, stride: Int,
        to dst: UnsafeMutablePointer<Scalar>, stride dstStride: Int
    ) {
        let raw = UnsafeRawPointer(src)
        let rowStride = stride &* MemoryLayout<Scalar>.stride
        let x0 = ISAMemory<K>.load(raw, as: SIMD4<Scalar>.self)
        let x1 = ISAMemory<K>.load(raw + rowStride, as: SIMD4<Scalar>.self)
        let x2 = ISAMemory<K>.load(raw + 2 &* rowStride, as: SIMD4<Scalar>.self)
        let x3 = ISAMemory<K>.load(raw + 3 &* rowStride, as: SIMD4<Scalar>.self)
        for q in 0..<4 {
            ISAMemory<K>.store(SIMD4(x0[q], x1[q], x2[q], x3[q]), to: UnsafeMutableRawPointer(dst + q &* dstStride))
        }
    }
}

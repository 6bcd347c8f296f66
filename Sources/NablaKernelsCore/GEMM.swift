/// BLIS-shaped general matrix multiply, written once for every instruction set.
///
/// `C = alpha * A * B + beta * C`, where element `(i, p)` of A is `a[i * rsA + p * csA]`
/// and likewise for B and C: transposed, sliced and broadcast (stride 0) operands need no
/// copy. An ISA target instantiates `GEMM<Config>` with its ``GEMMKernelConfig`` behind a
/// non-inlinable entry point.
///
/// The structure follows BLIS. Large products pack A into `mc x kc` blocks of `mr`-row
/// micro-panels (L2) and B into `kc x nc` blocks of `nr`-column micro-panels (L3), and run
/// the loops jc (nc) > pc (kc) > ic (mc) > jr (nr) > ir (mr) around the micro-kernel.
/// Small and skinny products (the MLP shapes) skip packing: the micro-kernel reads A
/// through its strides, and B directly when its rows are contiguous; only B's ragged last
/// strip, or a B whose rows are not contiguous, is packed. Threads split the columns (jc)
/// or, for tall products, the rows (ic) into one static slice per thread; how many
/// threads is decided by measured cost (``ThreadingCost``).
@usableFromInline package enum GEMM<K: GEMMKernelConfig> {
    /// The element type.
    @usableFromInline package typealias Scalar = K.Scalar

    /// Products with at most this many multiply-adds skip packing.
    @usableFromInline static var directWorkLimit: Double { 16_777_216 }
    /// The seconds per multiply-add assumed before this kernel has timed itself (about
    /// 50 GFLOP/s on one core), see ``ThreadingCost``.
    @usableFromInline static var assumedSecondsPerMultiplyAdd: Double { 1 / 25e9 }
    /// Products of at most this many multiply-adds (64 x 64 x 64: a few microseconds,
    /// less than any dispatch) neither split nor time themselves, so the decision's
    /// bookkeeping stays off the smallest calls.
    @usableFromInline static var smallestTimedWork: Double { 262_144 }

    /// The operands of one product (or of one thread's slice of it).
    @usableFromInline
    struct Operands {
        @usableFromInline var m, n, k: Int
        @usableFromInline var a: UnsafePointer<Scalar>
        @usableFromInline var rsA, csA: Int
        @usableFromInline var b: UnsafePointer<Scalar>
        @usableFromInline var rsB, csB: Int
        @usableFromInline var c: UnsafeMutablePointer<Scalar>
        @usableFromInline var rsC, csC: Int

        @inlinable
        init(
            m: Int, n: Int, k: Int,
            a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
            b: UnsafePointer<Scalar>, rsB: Int, csB: Int,
            c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int
        ) {
            self.m = m; self.n = n; self.k = k
            self.a = a; self.rsA = rsA; self.csA = csA
            self.b = b; self.rsB = rsB; self.csB = csB
            self.c = c; self.rsC = rsC; self.csC = csC
        }

        /// The same product as `C^T = B^T * A^T`: the kernel's rows become C's columns.
        @inlinable
        var transposed: Operands {
            Operands(
                m: n, n: m, k: k, a: b, rsA: csB, csA: rsB, b: a, rsB: csA, csB: rsA,
                c: c, rsC: csC, csC: rsC)
        }

        /// Rows `rows` and columns `cols` of C, with the matching rows of A and columns of B.
        @inlinable
        func slice(rows: Range<Int>, cols: Range<Int>) -> Operands {
            Operands(
                m: rows.count, n: cols.count, k: k,
                a: a + rows.lowerBound &* rsA, rsA: rsA, csA: csA,
                b: b + cols.lowerBound &* csB, rsB: rsB, csB: csB,
                c: c + (rows.lowerBound &* rsC &+ cols.lowerBound &* csC), rsC: rsC, csC: csC)
        }
    }

    /// `C = alpha * A * B + beta * C` for an `m x k` A and a `k x n` B; see ``GEMM``.
    /// `beta == 0` overwrites C without reading it; `k == 0` or `alpha == 0` only scales C.
    @inlinable
    package static func gemm(
        m: Int, n: Int, k: Int, alpha: Scalar,
        a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
        b: UnsafePointer<Scalar>, rsB: Int, csB: Int,
        beta: Scalar, c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0, alpha != 0 else {
            scale(m: m, n: n, beta: beta, c: c, rsC: rsC, csC: csC)
            return
        }
        var ops = Operands(
            m: m, n: n, k: k, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
            c: c, rsC: rsC, csC: csC)
        let work = Double(m) * Double(n) * Double(k)
        let direct = work <= directWorkLimit || min(m, n) <= 2 &* K.mr || k <= 32
        if direct {
            // Orient so that the fewest elements are packed: B (k x n) is read in place
            // when its rows are contiguous; C tiles not row-contiguous go through a bounce
            // buffer once per kc block.
            let blocks = Double((k &+ K.kc &- 1) / K.kc)
            let keep = (ops.csB == 1 ? 0 : Double(k) * Double(n))
                + (ops.csC == 1 ? 0 : Double(m) * Double(n) * blocks)
            let swap = (ops.rsA == 1 ? 0 : Double(k) * Double(m))
                + (ops.rsC == 1 ? 0 : Double(m) * Double(n) * blocks)
            if swap < keep { ops = ops.transposed }
        } else if ops.csC != 1 && ops.rsC == 1 {
            ops = ops.transposed
        }

        guard work > smallestTimedWork else {
            block(ops, alpha: alpha, beta: beta, direct: direct)
            return
        }
        // Threads by measured cost (``ThreadingCost``): the kernel's own speed on this
        // machine against the measured price of a dispatch.
        let tasks = ThreadingCost.taskCount(
            work: work, secondsPerWork: ThreadingCost.secondsPerWork(K.self, fallback: assumedSecondsPerMultiplyAdd))
        if tasks <= 1 {
            timedBlock(ops, alpha: alpha, beta: beta, direct: direct)
            return
        }
        let splitColumns = ops.n >= ops.m
        let unit = splitColumns ? K.nr : K.mr
        let units = ((splitColumns ? ops.n : ops.m) &+ unit &- 1) / unit
        let slices = min(tasks, units)
        Parallel.run(slices) { task in
            let part = Parallel.slice(units, tasks: slices, task: task)
            let lower = part.lowerBound &* unit
            let slice = splitColumns
                ? ops.slice(rows: 0..<ops.m, cols: lower..<min(ops.n, part.upperBound &* unit))
                : ops.slice(rows: lower..<min(ops.m, part.upperBound &* unit), cols: 0..<ops.n)
            timedBlock(slice, alpha: alpha, beta: beta, direct: direct)
        }
    }

    /// ``block(_:alpha:beta:direct:)``, timed: the kernel's rate goes to ``ThreadingCost``.
    @inlinable
    static func timedBlock(_ ops: Operands, alpha: Scalar, beta: Scalar, direct: Bool) {
        let start = ThreadingCost.now()
        block(ops, alpha: alpha, beta: beta, direct: direct)
        ThreadingCost.record(K.self, work: Double(ops.m) * Double(ops.n) * Double(ops.k), seconds: ThreadingCost.now() - start)
    }

    /// The serial BLIS loops over one slice of the product, with this thread's buffers.
    @inlinable
    static func block(_ ops: Operands, alpha: Scalar, beta: Scalar, direct: Bool) {
        let (m, n, k) = (ops.m, ops.n, ops.k)
        let (mr, nr) = (K.mr, K.nr)
        let packsA = !direct
        let packsB = !direct || ops.csB != 1
        let ncMax = min(K.nc, (n &+ nr &- 1) / nr &* nr)
        // Depth blocks of equal size (k = 1100 is two blocks of 550, not 1024 and 76): a
        // thin last block would pay a full pass over C for little work.
        let kBlocks = (k &+ K.kc &- 1) / K.kc
        let kcMax = (k &+ kBlocks &- 1) / kBlocks
        let mcMax = packsA ? min(K.mc, m) : m
        let aCount = packsA ? (mcMax &+ mr &- 1) / mr &* mr &* kcMax : 0
        let bCount = packsB ? ncMax &* kcMax : nr &* kcMax
        let aBytes = (aCount &* MemoryLayout<Scalar>.stride &+ 63) & ~63
        let bBytes = (bCount &* MemoryLayout<Scalar>.stride &+ 63) & ~63
        // One micro-tile of results for C tiles that are strided or ragged (see
        // `microKernel`); a stack buffer of this size would be heap-allocated on every call.
        let tileCount = 12 &* nr
        let memory = GEMMScratch.memory(
            byteCount: aBytes &+ bBytes &+ tileCount &* MemoryLayout<Scalar>.stride)
        let aBuffer = memory.bindMemory(to: Scalar.self, capacity: aCount)
        let bBuffer = (memory + aBytes).bindMemory(to: Scalar.self, capacity: bCount)
        let tileBuffer = (memory + aBytes + bBytes).bindMemory(to: Scalar.self, capacity: tileCount)

        var jc = 0
        while jc < n {
            let nc = min(K.nc, n &- jc)
            var pc = 0
            while pc < k {
                let kc = min(kcMax, k &- pc)
                let betaHere: Scalar = pc == 0 ? beta : 1
                let bBlock = ops.b + (pc &* ops.rsB &+ jc &* ops.csB)
                if packsB {
                    packB(depth: kc, cols: nc, b: bBlock, rsB: ops.rsB, csB: ops.csB, into: bBuffer)
                }
                var ic = 0
                while ic < m {
                    let mc = min(mcMax, m &- ic)
                    let aBlock = ops.a + (ic &* ops.rsA &+ pc &* ops.csA)
                    if packsA {
                        packA(rows: mc, depth: kc, a: aBlock, rsA: ops.rsA, csA: ops.csA, into: aBuffer)
                    }
                    var jr = 0
                    while jr < nc {
                        let cols = min(nr, nc &- jr)
                        let bPanel: UnsafePointer<Scalar>
                        let rsPanel: Int
                        if packsB {
                            bPanel = UnsafePointer(bBuffer + jr &* kc)
                            rsPanel = nr
                        } else if cols == nr {
                            bPanel = bBlock + jr
                            rsPanel = ops.rsB
                        } else {
                            packB(depth: kc, cols: cols, b: bBlock + jr, rsB: ops.rsB, csB: 1, into: bBuffer)
                            bPanel = UnsafePointer(bBuffer)
                            rsPanel = nr
                        }
                        let cColumn = ops.c + (ic &* ops.rsC &+ (jc &+ jr) &* ops.csC)
                        var ir = 0
                        while ir < mc {
                            let rows = min(mr, mc &- ir)
                            let cTile = cColumn + ir &* ops.rsC
                            if packsA {
                                packedTile(
                                    rows: rows, depth: kc, a: UnsafePointer(aBuffer + ir &* kc),
                                    b: bPanel, rsB: rsPanel, alpha: alpha, beta: betaHere,
                                    c: cTile, rsC: ops.rsC, csC: ops.csC, cols: cols, tile: tileBuffer)
                            } else {
                                stridedTile(
                                    rows: rows, depth: kc, a: aBlock + ir &* ops.rsA,
                                    rsA: ops.rsA, csA: ops.csA,
                                    b: bPanel, rsB: rsPanel, alpha: alpha, beta: betaHere,
                                    c: cTile, rsC: ops.rsC, csC: ops.csC, cols: cols, tile: tileBuffer)
                            }
                            ir &+= mr
                        }
                        jr &+= nr
                    }
                    ic &+= mcMax
                }
                pc &+= kcMax
            }
            jc &+= K.nc
        }
    }

    /// The micro-kernel over a packed A micro-panel, one instantiation per row count.
    @inlinable @inline(never)
    static func packedTile(
        rows: Int, depth: Int, a: UnsafePointer<Scalar>,
        b: UnsafePointer<Scalar>, rsB: Int, alpha: Scalar, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int, cols: Int,
        tile: UnsafeMutablePointer<Scalar>
    ) {
        switch rows {
        case 1 where K.mr >= 1:
            packedKernel(MicroTileRows1.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 2 where K.mr >= 2:
            packedKernel(MicroTileRows2.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 3 where K.mr >= 3:
            packedKernel(MicroTileRows3.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 4 where K.mr >= 4:
            packedKernel(MicroTileRows4.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 5 where K.mr >= 5:
            packedKernel(MicroTileRows5.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 6 where K.mr >= 6:
            packedKernel(MicroTileRows6.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 7 where K.mr >= 7:
            packedKernel(MicroTileRows7.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 8 where K.mr >= 8:
            packedKernel(MicroTileRows8.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 9 where K.mr >= 9:
            packedKernel(MicroTileRows9.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 10 where K.mr >= 10:
            packedKernel(MicroTileRows10.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 11 where K.mr >= 11:
            packedKernel(MicroTileRows11.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 12 where K.mr >= 12:
            packedKernel(MicroTileRows12.self, depth: depth, a: a, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        default: nablaPreconditionFailure("GEMM micro-tile with \(rows) rows, more than mr = \(K.mr)")
        }
    }

    /// The micro-kernel reading A in place through its strides.
    @inlinable @inline(never)
    static func stridedTile(
        rows: Int, depth: Int, a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
        b: UnsafePointer<Scalar>, rsB: Int, alpha: Scalar, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int, cols: Int,
        tile: UnsafeMutablePointer<Scalar>
    ) {
        switch rows {
        case 1 where K.mr >= 1:
            stridedKernel(MicroTileRows1.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 2 where K.mr >= 2:
            stridedKernel(MicroTileRows2.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 3 where K.mr >= 3:
            stridedKernel(MicroTileRows3.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 4 where K.mr >= 4:
            stridedKernel(MicroTileRows4.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 5 where K.mr >= 5:
            stridedKernel(MicroTileRows5.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 6 where K.mr >= 6:
            stridedKernel(MicroTileRows6.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 7 where K.mr >= 7:
            stridedKernel(MicroTileRows7.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 8 where K.mr >= 8:
            stridedKernel(MicroTileRows8.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 9 where K.mr >= 9:
            stridedKernel(MicroTileRows9.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 10 where K.mr >= 10:
            stridedKernel(MicroTileRows10.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 11 where K.mr >= 11:
            stridedKernel(MicroTileRows11.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        case 12 where K.mr >= 12:
            stridedKernel(MicroTileRows12.self, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta, c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
        default: nablaPreconditionFailure("GEMM micro-tile with \(rows) rows, more than mr = \(K.mr)")
        }
    }

    /// The micro-kernel for `R.count` rows of a packed A micro-panel (element `(i, p)` at
    /// `i + p * mr`). Its own function per row count, so that the row count and A's strides
    /// are constants in its loop whether or not the compiler inlines it: the twelve tile
    /// sizes inlined into one function exceed the optimiser's size budget, and the copies
    /// it then left out of line took the row count as a run-time argument, with a compare
    /// and branch per row in every step of the depth loop.
    @inlinable @inline(never)
    static func packedKernel<R: MicroTileRows>(
        _: R.Type, depth: Int, a: UnsafePointer<Scalar>,
        b: UnsafePointer<Scalar>, rsB: Int, alpha: Scalar, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int, cols: Int,
        tile: UnsafeMutablePointer<Scalar>
    ) {
        microKernel(rows: R.count, depth: depth, a: a, rsA: 1, csA: K.mr, b: b, rsB: rsB, alpha: alpha, beta: beta,
                    c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
    }

    /// The micro-kernel for `R.count` rows of A read through its strides (see
    /// ``packedKernel(_:depth:a:b:rsB:alpha:beta:c:rsC:csC:cols:tile:)``).
    @inlinable @inline(never)
    static func stridedKernel<R: MicroTileRows>(
        _: R.Type, depth: Int, a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
        b: UnsafePointer<Scalar>, rsB: Int, alpha: Scalar, beta: Scalar,
        c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int, cols: Int,
        tile: UnsafeMutablePointer<Scalar>
    ) {
        microKernel(rows: R.count, depth: depth, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, alpha: alpha, beta: beta,
                    c: c, rsC: rsC, csC: csC, cols: cols, tile: tile)
    }

    /// `C = beta * C` (zero-filled when `beta == 0`, so NaN there does not survive).
    @inlinable
    static func scale(m: Int, n: Int, beta: Scalar, c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int) {
        guard beta != 1 else { return }
        for i in 0..<m {
            let row = c + i &* rsC
            for j in 0..<n { row[j &* csC] = beta == 0 ? 0 : beta * row[j &* csC] }
        }
    }
}

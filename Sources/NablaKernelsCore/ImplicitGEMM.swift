/// The geometry of a convolution as the implicit GEMM sees it: one group of one layer, the
/// B operand (`channels * kernelHeight * kernelWidth` rows by output pixels) never stored
/// but gathered from the input straight into packed panels. Plain integers, so that ISA
/// entry points take it by value.
@usableFromInline package struct ImplicitGEMMGeometry: Sendable {
    /// The group's input channels.
    @usableFromInline package var channels: Int
    /// Elements from one image's group input to the next image's.
    @usableFromInline package var imageStride: Int
    /// How the kernel walks each channel's plane.
    @usableFromInline package var plane: ConvolutionPlane

    /// A geometry from its parts.
    ///
    /// - Parameters:
    ///   - channels: The group's input channels.
    ///   - imageStride: Elements from one image's group input to the next image's.
    ///   - plane: How the kernel walks each channel's plane.
    @inlinable
    package init(channels: Int, imageStride: Int, plane: ConvolutionPlane) {
        self.channels = channels
        self.imageStride = imageStride
        self.plane = plane
    }

    /// The reduction length: input channels times kernel taps.
    @inlinable package var depth: Int { channels &* plane.kernelHeight &* plane.kernelWidth }
}

extension GEMM {
    /// `C = A * B` where A is `m x depth` (the filters, rows `rsA` apart) and B is the
    /// im2col matrix of `input` restricted to columns `firstColumn..<firstColumn + n`
    /// (column `image * pixels + pixel`), overwriting C (`m x n`, rows `rsC` apart,
    /// contiguous columns). One thread.
    ///
    /// BLIS's loops with B's packing replaced by the gather: each `kc x nr` micro-panel is
    /// filled from the input rows directly (runs of output pixels along one output row
    /// are runs of input columns at stride 1), so the column matrix is never written out
    /// and read back.
    @inlinable
    package static func implicitGEMM(
        m: Int, n: Int, a: UnsafePointer<Scalar>, rsA: Int,
        geometry g: ImplicitGEMMGeometry, input: UnsafePointer<Scalar>, firstColumn: Int,
        c: UnsafeMutablePointer<Scalar>, rsC: Int
    ) {
        let k = g.depth
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            scale(m: m, n: n, beta: 0, c: c, rsC: rsC, csC: 1)
            return
        }
        let (mr, nr) = (K.mr, K.nr)
        let kBlocks = (k &+ K.kc &- 1) / K.kc
        let kcMax = (k &+ kBlocks &- 1) / kBlocks
        // The gathered B block stays in L2 (at most 1 MiB of Float): it is written by the
        // gather and read right back by the micro-kernels, so unlike a packed B it must
        // not spill to L3 (a 2.4 MiB block cost 12% in stores missing a 2 MiB L2; 0.5 to
        // 1 MiB measured alike within this machine's noise, 4 MiB up to 30% slower).
        let ncBlock = min(K.nc, max(nr, implicitBlockElements / kcMax / nr &* nr))
        let ncMax = min(ncBlock, (n &+ nr &- 1) / nr &* nr)
        let mcMax = min(K.mc, m)
        let aCount = (mcMax &+ mr &- 1) / mr &* mr &* kcMax
        let bCount = ncMax &* kcMax
        let aBytes = (aCount &* MemoryLayout<Scalar>.stride &+ 63) & ~63
        // B gets one vector of slack: the gather's last vector may run past the last panel.
        let bBytes = ((bCount &+ K.Vector.scalarCount) &* MemoryLayout<Scalar>.stride &+ 63) & ~63
        let tileCount = 12 &* nr
        let tileBytes = (tileCount &* MemoryLayout<Scalar>.stride &+ 63) & ~63
        let runCount = 5 &* nr
        let memory = GEMMScratch.memory(byteCount: aBytes &+ bBytes &+ tileBytes &+ runCount &* MemoryLayout<Int>.stride)
        let aBuffer = memory.bindMemory(to: Scalar.self, capacity: aCount)
        let bBuffer = (memory + aBytes).bindMemory(to: Scalar.self, capacity: bCount)
        let tileBuffer = (memory + aBytes + bBytes).bindMemory(to: Scalar.self, capacity: tileCount)
        let runTable = (memory + aBytes + bBytes + tileBytes).bindMemory(to: Int.self, capacity: runCount)

        var jc = 0
        while jc < n {
            let nc = min(ncBlock, n &- jc)
            var pc = 0
            while pc < k {
                let kc = min(kcMax, k &- pc)
                let betaHere: Scalar = pc == 0 ? 0 : 1
                gatherPanels(g, input: input, firstColumn: firstColumn &+ jc, columns: nc, firstRow: pc, rows: kc,
                             into: bBuffer, runs: runTable)
                var ic = 0
                while ic < m {
                    let mc = min(mcMax, m &- ic)
                    packA(rows: mc, depth: kc, a: a + (ic &* rsA &+ pc), rsA: rsA, csA: 1, into: aBuffer)
                    var jr = 0
                    while jr < nc {
                        let cols = min(nr, nc &- jr)
                        let cColumn = c + (ic &* rsC &+ jc &+ jr)
                        var ir = 0
                        while ir < mc {
                            packedTile(
                                rows: min(mr, mc &- ir), depth: kc, a: UnsafePointer(aBuffer + ir &* kc),
                                b: UnsafePointer(bBuffer + jr &* kc), rsB: nr, alpha: 1, beta: betaHere,
                                c: cColumn + ir &* rsC, rsC: rsC, csC: 1, cols: cols, tile: tileBuffer)
                            ir &+= mr
                        }
                        jr &+= nr
                    }
                    ic &+= mcMax
                }
                pc &+= kcMax
            }
            jc &+= ncBlock
        }
    }

    /// Elements of the gathered B block of ``implicitGEMM(m:n:a:rsA:geometry:input:firstColumn:c:rsC:)``.
    @inlinable static var implicitBlockElements: Int { 1 << 18 }

    /// Fills B's packed micro-panels (`rows x nr` each, element `(p, j)` at `p * nr + j`)
    /// for im2col rows `firstRow..<firstRow + rows` and columns
    /// `firstColumn..<firstColumn + columns`, zero in the padding and past the last column.
    ///
    /// A panel's columns fall into runs along output rows; `runs` (room for `5 * nr`
    /// integers) holds each run's place and where it reads, worked out once per panel.
    /// Row by row (the channel and kernel tap advancing), each run is copied a vector at
    /// a time, the last vector allowed to spill past the run: the spill lands on columns
    /// written later in the same row, on the next row's columns (written next), on the
    /// zeroed columns past a ragged panel's last, or on the buffer's one vector of slack.
    @inlinable
    static func gatherPanels(
        _ g: ImplicitGEMMGeometry, input: UnsafePointer<Scalar>, firstColumn: Int, columns: Int,
        firstRow: Int, rows: Int, into dst: UnsafeMutablePointer<Scalar>, runs: UnsafeMutablePointer<Int>
    ) {
        let nr = K.nr
        let lanes = K.Vector.scalarCount
        let taps = g.plane.kernelHeight &* g.plane.kernelWidth
        let pixels = g.plane.outputHeight &* g.plane.outputWidth
        let inPlane = g.plane.inputHeight &* g.plane.inputWidth
        let groupExtent = g.channels &* inPlane
        let firstChannel = firstRow / taps
        let firstTap = firstRow &- firstChannel &* taps
        var panelStart = 0
        while panelStart < columns {
            let width = min(nr, columns &- panelStart)
            let panel = dst + panelStart &* rows
            // The runs: offset in the panel, length, image offset, first input row and column.
            var runCount = 0
            var j = 0
            while j < width {
                let column = firstColumn &+ panelStart &+ j
                let image = column / pixels
                let pixel = column &- image &* pixels
                let oh = pixel / g.plane.outputWidth
                let ow = pixel &- oh &* g.plane.outputWidth
                let count = min(g.plane.outputWidth &- ow, width &- j)
                let entry = runs + runCount &* 5
                entry[0] = j
                entry[1] = count
                entry[2] = image &* g.imageStride
                entry[3] = oh &* g.plane.strideHeight &- g.plane.padTop
                entry[4] = ow &* g.plane.strideWidth &- g.plane.padLeft
                runCount &+= 1
                j &+= count
            }
            var channel = firstChannel
            var kh = firstTap / g.plane.kernelWidth
            var kw = firstTap &- kh &* g.plane.kernelWidth
            for p in 0..<rows {
                let out = panel + p &* nr
                let rowShift = kh &* g.plane.dilationHeight
                let columnShift = kw &* g.plane.dilationWidth
                let channelOffset = channel &* inPlane
                for r in 0..<runCount {
                    let entry = runs + r &* 5
                    let target = out + entry[0]
                    let count = entry[1]
                    let ih = entry[3] &+ rowShift
                    guard ih >= 0 && ih < g.plane.inputHeight else {
                        zeroRun(target, count)
                        continue
                    }
                    let within = channelOffset &+ ih &* g.plane.inputWidth
                    let row = input + (entry[2] &+ within)
                    let iw0 = entry[4] &+ columnShift
                    if g.plane.strideWidth == 1 {
                        let lo = min(count, max(0, -iw0))
                        let hi = max(lo, min(count, g.plane.inputWidth &- iw0))
                        if lo == 0 && hi == count {
                            // Whole vectors, the last spilling past the run, when the reads
                            // stay inside this image's group of channels.
                            let vectors = (count &+ lanes &- 1) / lanes
                            if within &+ iw0 &+ vectors &* lanes <= groupExtent {
                                let source = row + iw0
                                var t = 0
                                while t < count {
                                    K.store(K.load(source + t), to: target + t)
                                    t &+= lanes
                                }
                                continue
                            }
                        }
                        zeroRun(target, lo)
                        copyRun(target + lo, row + (iw0 &+ lo), hi &- lo)
                        zeroRun(target + hi, count &- hi)
                    } else {
                        let step = g.plane.strideWidth
                        if step == 2 && iw0 >= 0 && iw0 &+ 2 &* (count &- 1) < g.plane.inputWidth {
                            // Every tap inside the input: two loads and the even lanes per
                            // vector, the last one spilling like the stride-1 copy.
                            let vectors = (count &+ lanes &- 1) / lanes
                            if within &+ iw0 &+ 2 &* vectors &* lanes <= groupExtent {
                                let source = row + iw0
                                var t = 0
                                while t < count {
                                    let pair = source + 2 &* t
                                    K.store(K.evenLanes(K.load(pair), K.load(pair + lanes)), to: target + t)
                                    t &+= lanes
                                }
                                continue
                            }
                        }
                        for t in 0..<count {
                            let iw = iw0 &+ t &* step
                            target[t] = iw >= 0 && iw < g.plane.inputWidth ? row[iw] : 0
                        }
                    }
                }
                kw &+= 1
                if kw == g.plane.kernelWidth {
                    kw = 0
                    kh &+= 1
                    if kh == g.plane.kernelHeight {
                        kh = 0
                        channel &+= 1
                    }
                }
            }
            if width < nr {
                for p in 0..<rows {
                    let out = panel + p &* nr
                    for t in width..<nr { out[t] = 0 }
                }
            }
            panelStart &+= nr
        }
    }

    /// Copies `count` elements: whole vectors, the last one overlapping the one before
    /// (no element outside the run is read or written), or one by one when the run is
    /// shorter than a vector.
    @inlinable @inline(__always)
    static func copyRun(_ out: UnsafeMutablePointer<Scalar>, _ source: UnsafePointer<Scalar>, _ count: Int) {
        let lanes = K.Vector.scalarCount
        guard count >= lanes else {
            for t in 0..<count { out[t] = source[t] }
            return
        }
        var t = 0
        while t &+ lanes <= count {
            K.store(K.load(source + t), to: out + t)
            t &+= lanes
        }
        if t < count { K.store(K.load(source + (count &- lanes)), to: out + (count &- lanes)) }
    }

    /// Zeroes `count` elements, whole vectors where they fit.
    @inlinable @inline(__always)
    static func zeroRun(_ out: UnsafeMutablePointer<Scalar>, _ count: Int) {
        let lanes = K.Vector.scalarCount
        guard count >= lanes else {
            for t in 0..<count { out[t] = 0 }
            return
        }
        var t = 0
        while t &+ lanes <= count {
            K.store(K.splat(0), to: out + t)
            t &+= lanes
        }
        if t < count { K.store(K.splat(0), to: out + (count &- lanes)) }
    }
}

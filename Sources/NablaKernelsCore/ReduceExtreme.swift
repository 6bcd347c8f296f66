extension ReduceEngine {
    /// Writes the largest (or smallest) of each output's inputs and its first position.
    ///
    /// The position is the row-major index within the reduced dims (build the plan with
    /// `keepOrder: true`). NaN counts as more extreme than any number, so a NaN input
    /// wins and the first NaN's position is reported; otherwise the first of equal
    /// extremes wins. `values` and `indices` (either may be nil) share the output strides
    /// of the plan. Every output must reduce at least one element.
    ///
    /// The result is exact, so any split of the work gives the same answer.
    @inlinable
    package static func extreme<V: FloatVector>(
        _ plan: ReductionPlan, largest: Bool,
        values: UnsafeMutablePointer<V.Scalar>?, indices: UnsafeMutablePointer<Int64>?,
        input: UnsafePointer<V.Scalar>, vector: V.Type
    ) {
        let outputs = plan.outputCount
        guard outputs > 0 else { return }
        ReducePlanning.requireElements(plan)
        if largest {
            extreme(plan, true, values, indices, input, V.self)
        } else {
            extreme(plan, false, values, indices, input, V.self)
        }
    }

    /// ``extreme(_:largest:values:indices:input:vector:)`` with `largest` a constant
    /// once inlined.
    @inlinable @inline(__always)
    static func extreme<V: FloatVector>(
        _ plan: ReductionPlan, _ largest: Bool,
        _ values: UnsafeMutablePointer<V.Scalar>?, _ indices: UnsafeMutablePointer<Int64>?,
        _ input: UnsafePointer<V.Scalar>, _: V.Type
    ) {
        typealias T = V.Scalar
        let outputs = plan.outputCount
        let n = plan.rowCount, s = plan.rowStride, offsets = plan.rowOffsets
        let so = plan.outer.innerStride(0), si = plan.outer.innerStride(1)
        let columnwise = si == 1 && s != 1 && offsets.count == 1 && plan.outer.innerExtent >= V.scalarCount
        let wantIndex = indices != nil

        @inline(__always) func write(_ o: Int, _ best: (T, Int)) {
            values?[o] = best.0
            indices?[o] = Int64(best.1)
        }
        /// The winner over rows `rows` of the output whose first input is `x`.
        @inline(__always) func reduceRows(_ x: UnsafePointer<T>, _ rows: Range<Int>) -> (T, Int) {
            var best = rowExtreme(x + offsets[rows.lowerBound], n, s, largest, wantIndex, V.self)
            best.1 += rows.lowerBound * n
            for q in rows.dropFirst() {
                var next = rowExtreme(x + offsets[q], n, s, largest, wantIndex, V.self)
                next.1 += q * n
                best = later(best, next, largest)
            }
            return best
        }
        let walk = { (range: Range<Int>) in
            plan.outer.forEachRun(in: range) { oo, oi, _, _, m in
                if columnwise {
                    columnExtremes(m, oo, so, input + oi, n, s, largest, values, indices, V.self)
                } else {
                    for j in 0..<m { write(oo + j * so, reduceRows(input + oi + j * si, 0..<offsets.count)) }
                }
            }
        }
        let tasks = Parallel.taskCount(work: outputs * plan.reducedCount, grain: grain)
        if tasks == 1 {
            walk(0..<outputs)
        } else if outputs >= tasks || columnwise {
            Parallel.run(tasks) { task in walk(Parallel.slice(outputs, tasks: tasks, task: task)) }
        } else {
            // Few outputs: split each output's inputs into pieces (whole rows, or pieces
            // of one row), then keep the first winner in order.
            let bases = ReducePlanning.outputBases(plan)
            let pieces = offsets.count > 1 ? offsets.count : Swift.min(tasks, Swift.max(1, n / rowLeaf))
            let partials = UnsafeMutableBufferPointer<(T, Int)>.allocate(capacity: outputs * pieces)
            defer { partials.deallocate() }
            Parallel.run(Swift.min(tasks, outputs * pieces)) { task in
                for k in Parallel.slice(outputs * pieces, tasks: Swift.min(tasks, outputs * pieces), task: task) {
                    let x = input + bases[k / pieces].input
                    if offsets.count > 1 {
                        partials[k] = reduceRows(x, (k % pieces)..<(k % pieces + 1))
                    } else {
                        let part = Parallel.slice(n, tasks: pieces, task: k % pieces)
                        var best = rowExtreme(x + part.lowerBound * s, part.count, s, largest, wantIndex, V.self)
                        best.1 += part.lowerBound
                        partials[k] = best
                    }
                }
            }
            for (o, base) in bases.enumerated() {
                var best = partials[o * pieces]
                for k in 1..<pieces { best = later(best, partials[o * pieces + k], largest) }
                write(base.output, best)
            }
        }
    }

    /// Of two (value, position) winners, `first` coming before `second`: the overall
    /// winner (NaN first, then the strictly more extreme, ties to `first`).
    @inlinable @inline(__always)
    static func later<T: FloatingPoint>(_ first: (T, Int), _ second: (T, Int), _ largest: Bool) -> (T, Int) {
        if first.0.isNaN { return first }
        if second.0.isNaN { return second }
        return (largest ? second.0 > first.0 : second.0 < first.0) ? second : first
    }

    /// The winner of `n >= 1` elements `s` apart and its position. Without `wantIndex`
    /// the position may be any, and contiguous rows take a faster path.
    @inlinable @inline(__always)
    static func rowExtreme<V: FloatVector>(
        _ x: UnsafePointer<V.Scalar>, _ n: Int, _ s: Int, _ largest: Bool, _ wantIndex: Bool, _: V.Type
    ) -> (V.Scalar, Int) {
        let w = V.scalarCount
        guard s == 1 && n >= 4 * w else { return scalarExtreme(x, n, s, largest) }
        if !wantIndex { return (rowExtremeValue(x, n, largest, V.self), 0) }
        // Per lane: the best value and the vector (chunk) it came from.
        var best = load(x, V.self)
        var chunks = V.MaskStorage()
        var nan = V()
        var i = w, chunk = 1
        while i + w <= n {
            let v = load(x + i, V.self)
            let better = largest ? V.lanesLess(best, v) : V.lanesLess(v, best)
            best = V.select(better, v, best)
            chunks = blend(better, splat(Int64(chunk), V.self), chunks)
            nan = V.select(V.lanesNotEqual(v, v), v, nan)
            i += w
            chunk += 1
        }
        nan = V.select(V.lanesNotEqual(best, best), best, nan)
        let chunkBits = chunks
        var result = (best[0], Int(chunkBits[0]) * w)
        for lane in 0..<w {
            if nan[lane].isNaN { return scalarExtreme(x, n, 1, largest) }
            let candidate = (best[lane], Int(chunkBits[lane]) * w + lane)
            if largest ? candidate.0 > result.0 : candidate.0 < result.0 {
                result = candidate
            } else if candidate.0 == result.0 && candidate.1 < result.1 {
                result = candidate
            }
        }
        for t in i..<n {
            let v = x[t]
            if v.isNaN { return (v, t) }
            if largest ? v > result.0 : v < result.0 { result = (v, t) }
        }
        return result
    }

    /// The winner of a contiguous row of `n >= 4w` elements, without its position.
    @inlinable @inline(__always)
    static func rowExtremeValue<V: FloatVector>(
        _ x: UnsafePointer<V.Scalar>, _ n: Int, _ largest: Bool, _: V.Type
    ) -> V.Scalar {
        let w = V.scalarCount
        var b0 = load(x, V.self), b1 = load(x + w, V.self), b2 = load(x + 2 * w, V.self), b3 = load(x + 3 * w, V.self)
        var n0 = V(), n1 = V()
        @inline(__always) func step(_ b: inout V, _ nan: inout V, _ v: V) {
            b = V.select(largest ? V.lanesLess(b, v) : V.lanesLess(v, b), v, b)
            nan = V.select(V.lanesNotEqual(v, v), v, nan)
        }
        var i = 4 * w
        while i + 4 * w <= n {
            step(&b0, &n0, load(x + i, V.self))
            step(&b1, &n1, load(x + i + w, V.self))
            step(&b2, &n0, load(x + i + 2 * w, V.self))
            step(&b3, &n1, load(x + i + 3 * w, V.self))
            i += 4 * w
        }
        while i + w <= n {
            step(&b0, &n0, load(x + i, V.self))
            i += w
        }
        if i < n { step(&b1, &n1, load(x + n - w, V.self)) }
        // The first vectors were never tested for NaN; the blends keep a NaN that was
        // loaded first.
        n0 = V.select(V.lanesNotEqual(b0, b0), b0, n0)
        n1 = V.select(V.lanesNotEqual(b1, b1), b1, n1)
        n0 = V.select(V.lanesNotEqual(b2, b2), b2, n0)
        n1 = V.select(V.lanesNotEqual(b3, b3), b3, n1)
        step(&b0, &n0, b1)
        step(&b2, &n1, b3)
        step(&b0, &n0, b2)
        let nan = V.select(V.lanesNotEqual(n1, n1), n1, n0)
        var result = b0[0]
        for lane in 0..<w {
            if nan[lane].isNaN { return nan[lane] }
            result = largest ? Swift.max(result, b0[lane]) : Swift.min(result, b0[lane])
        }
        return result
    }

    /// Integer lanes of `whereTrue` where `mask` is set, of `whereFalse` elsewhere, with
    /// bitwise operations (a mask lane is all ones or all zeros).
    @inlinable @inline(__always)
    static func blend<S: SIMD>(_ mask: SIMDMask<S>, _ whereTrue: S, _ whereFalse: S) -> S where S.Scalar: FixedWidthInteger {
        (whereTrue & mask._storage) | (whereFalse & ~mask._storage)
    }

    /// One element at a time: `n >= 1` elements `s` apart.
    @inlinable @inline(__always)
    static func scalarExtreme<T: FloatingPoint>(_ x: UnsafePointer<T>, _ n: Int, _ s: Int, _ largest: Bool) -> (T, Int) {
        var result = (x[0], 0)
        if result.0.isNaN { return result }
        for t in 1..<Swift.max(n, 1) {
            let v = x[t * s]
            if v.isNaN { return (v, t) }
            if largest ? v > result.0 : v < result.0 { result = (v, t) }
        }
        return result
    }

    /// Winners of `m` neighbouring columns (outputs at `first`, `so` apart), each `n`
    /// elements `s` apart, vectorised across the columns.
    @inlinable @inline(__always)
    static func columnExtremes<V: FloatVector>(
        _ m: Int, _ first: Int, _ so: Int, _ x: UnsafePointer<V.Scalar>, _ n: Int, _ s: Int, _ largest: Bool,
        _ values: UnsafeMutablePointer<V.Scalar>?, _ indices: UnsafeMutablePointer<Int64>?, _: V.Type
    ) {
        let w = V.scalarCount
        var j = 0
        while j < m {
            let k = Swift.min(w, m - j)
            @inline(__always) func row(_ r: Int) -> V {
                k == w ? load(x + j + r * s, V.self) : gather(x + j + r * s, 1, k, fill: 0, V.self)
            }
            var best = row(0)
            var rows = V.MaskStorage()
            var nan = V.select(V.lanesNotEqual(best, best), best, V())
            for r in 1..<n {
                let v = row(r)
                let better = largest ? V.lanesLess(best, v) : V.lanesLess(v, best)
                best = V.select(better, v, best)
                rows = blend(better, splat(Int64(r), V.self), rows)
                nan = V.select(V.lanesNotEqual(v, v), v, nan)
            }
            let rowBits = rows
            for lane in 0..<k {
                let result = nan[lane].isNaN
                    ? scalarExtreme(x + j + lane, n, s, largest)
                    : (best[lane], Int(rowBits[lane]))
                values?[first + (j + lane) * so] = result.0
                indices?[first + (j + lane) * so] = Int64(result.1)
            }
            j += k
        }
    }
}

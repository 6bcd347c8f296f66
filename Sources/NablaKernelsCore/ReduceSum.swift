/// Reductions over strided memory: generic SIMD bodies that the instruction-set targets
/// instantiate (see ``ReductionPlan`` for how a call is described).
///
/// Determinism: every output is computed by one fixed sequence of operations that
/// depends only on the plan, never on the thread count. Threads split either the outputs,
/// or (when there are fewer outputs than threads) the subtrees of the fixed summation tree
/// at some depth, whose sums are then added in the top of the same tree as on one thread.
///
/// `ISA` is the instruction-set target's own type (its multiply-add strategy): every
/// specialisation of the engine, its closures and its helpers is then named after that
/// target, so no two targets' copies can be merged by the linker (DESIGN.md's ISA rule).
@usableFromInline package enum ReduceEngine<ISA: MultiplyAddStrategy> {
    /// Elements per leaf of a row's summation tree. Each leaf is summed in SIMD lanes
    /// (each lane adds at most `rowLeaf / vector width` terms), and leaves are added
    /// pairwise, so the rounding error grows with the logarithm of the row length.
    @inlinable static var rowLeaf: Int { 2048 }

    /// Reduced elements per leaf of a column's summation tree (see ``sum(_:output:input:vector:)``).
    @inlinable static var columnLeaf: Int { 64 }

    /// Work (in elements) that justifies one more thread: about 100 microseconds.
    @inlinable static var grain: Int { 1 << 18 }

    // MARK: Sum

    /// Writes the sum of each output's inputs (0 for an empty reduction).
    ///
    /// Rows (the last reduced dim) are summed in SIMD lanes within leaves of
    /// `rowLeaf` elements and the leaves pairwise. When the output's innermost dim is
    /// contiguous in the input and the reduced elements are a single strided dim (the
    /// gradient of a bias: a sum over dim 0), the sum is vectorised across outputs
    /// instead: each lane accumulates one output's column, pairwise over blocks of
    /// `columnLeaf` elements.
    @inlinable
    package static func sum<V: FloatVector>(
        _ plan: ReductionPlan, output: UnsafeMutablePointer<V.Scalar>,
        input: UnsafePointer<V.Scalar>, vector: V.Type
    ) {
        let outputs = plan.outputCount
        guard outputs > 0 else { return }
        let rows = RowSummer<V>(plan)
        let so = plan.outer.innerStride(0), si = plan.outer.innerStride(1)
        let columnwise = si == 1 && plan.rowStride != 1 && plan.rowOffsets.count == 1
            && plan.outer.innerExtent >= V.scalarCount && plan.rowCount > 0
        let tasks = Parallel.taskCount(work: outputs * Swift.max(plan.reducedCount, 1), grain: grain)

        let walk = { (range: Range<Int>) in
            plan.outer.forEachRun(in: range) { oo, oi, _, _, m in
                if columnwise {
                    columnSums(m, output + oo, so, input + oi, plan.rowCount, plan.rowStride, V.self)
                } else {
                    for j in 0..<m { output[oo + j * so] = rows.sum(input + oi + j * si) }
                }
            }
        }
        if tasks == 1 {
            walk(0..<outputs)
        } else if outputs >= tasks || columnwise {
            Parallel.run(tasks) { task in walk(Parallel.slice(outputs, tasks: tasks, task: task)) }
        } else {
            // Fewer outputs than threads: cut each output's summation tree into subtrees
            // at a depth that gives every thread several, sum the subtrees in parallel
            // (each exactly as `rows.sum` does), then add their sums in the top of the same
            // tree. (Summing every leaf in parallel and adding all of them on the calling
            // thread cost about 4% of a two-thread 4M-element sum.)
            // At least one leaf: an empty reduction's work is one unit per output, so it
            // never gets more threads than outputs.
            let leaves = rows.leafCount
            assert(leaves > 0)
            let bases = ReducePlanning.outputBases(plan)
            var depth = 0
            while outputs << depth < 4 * tasks && 1 << depth < leaves { depth += 1 }
            let nodes = RowSummer<V>.subtrees(0, leaves, depth: depth)
            let units = outputs * nodes.count
            let partials = UnsafeMutableBufferPointer<V.Scalar>.allocate(capacity: units)
            defer { partials.deallocate() }
            let partialTasks = Swift.min(tasks, units)
            Parallel.run(partialTasks) { task in
                for k in Parallel.slice(units, tasks: partialTasks, task: task) {
                    let node = nodes[k % nodes.count]
                    partials[k] = rows.sum(input + bases[k / nodes.count].input, node.lowerBound, node.upperBound)
                }
            }
            for (o, base) in bases.enumerated() {
                var next = o * nodes.count
                output[base.output] = RowSummer<V>.top(UnsafePointer(partials.baseAddress!), &next, 0, leaves, depth: depth)
            }
        }
    }

    /// Sums of `m` neighbouring columns (outputs `so` apart), each `n` elements `s` apart,
    /// vectorised across the columns.
    @inlinable @inline(__always)
    static func columnSums<V: FloatVector>(
        _ m: Int, _ out: UnsafeMutablePointer<V.Scalar>, _ so: Int,
        _ x: UnsafePointer<V.Scalar>, _ n: Int, _ s: Int, _: V.Type
    ) {
        let w = V.scalarCount
        var j = 0
        while j + 4 * w <= m {
            let (a, b, c, d) = columnSum4(x + j, s, 0, n, V.self)
            put(a, out + j * so, so, w)
            put(b, out + (j + w) * so, so, w)
            put(c, out + (j + 2 * w) * so, so, w)
            put(d, out + (j + 3 * w) * so, so, w)
            j += 4 * w
        }
        while j < m {
            let k = Swift.min(w, m - j)
            put(columnSum1(x + j, k, s, 0, n, V.self), out + j * so, so, k)
            j += k
        }
    }

    /// Four vectors of column sums over reduced elements `lo..<hi`. The tree (halving
    /// down to `columnLeaf` elements, summed in order) is the same as
    /// ``columnSum1(_:_:_:_:_:_:)``'s, so a column's sum does not depend on which of the
    /// two computed it.
    @inlinable
    static func columnSum4<V: FloatVector>(
        _ x: UnsafePointer<V.Scalar>, _ s: Int, _ lo: Int, _ hi: Int, _: V.Type
    ) -> (V, V, V, V) {
        let w = V.scalarCount
        if hi - lo <= columnLeaf {
            var a = V(), b = V(), c = V(), d = V()
            for r in lo..<hi {
                let p = x + r * s
                a += load(p, V.self); b += load(p + w, V.self)
                c += load(p + 2 * w, V.self); d += load(p + 3 * w, V.self)
            }
            return (a, b, c, d)
        }
        let mid = lo + (hi - lo) / 2
        let l = columnSum4(x, s, lo, mid, V.self), r = columnSum4(x, s, mid, hi, V.self)
        return (l.0 + r.0, l.1 + r.1, l.2 + r.2, l.3 + r.3)
    }

    /// One vector of column sums (the first `k` lanes are columns; see ``columnSum4(_:_:_:_:_:)``).
    @inlinable
    static func columnSum1<V: FloatVector>(
        _ x: UnsafePointer<V.Scalar>, _ k: Int, _ s: Int, _ lo: Int, _ hi: Int, _: V.Type
    ) -> V {
        if hi - lo <= columnLeaf {
            var a = V()
            if k == V.scalarCount {
                for r in lo..<hi { a += load(x + r * s, V.self) }
            } else {
                for r in lo..<hi { a += gather(x + r * s, 1, k, fill: 0, V.self) }
            }
            return a
        }
        let mid = lo + (hi - lo) / 2
        return columnSum1(x, k, s, lo, mid, V.self) + columnSum1(x, k, s, mid, hi, V.self)
    }

    // MARK: Helpers

    /// The sum of the lanes, as a balanced tree (`SIMD.sum()` is a sequential chain).
    @inlinable @inline(__always)
    static func laneSum<V: SIMD>(_ v: V) -> V.Scalar where V.Scalar: FloatingPoint {
        var v = v
        var half = V.scalarCount / 2
        while half >= 1 {
            for i in 0..<half { v[i] += v[i + half] }
            half /= 2
        }
        return v[0]
    }

    @inlinable @inline(__always)
    static func load<V: SIMD & BitwiseCopyable>(_ p: UnsafePointer<V.Scalar>, _: V.Type) -> V {
        ISAMemory<ISA>.load(UnsafeRawPointer(p), as: V.self)
    }

    @inlinable @inline(__always)
    static func store<V: SIMD & BitwiseCopyable>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) {
        ISAMemory<ISA>.store(v, to: UnsafeMutableRawPointer(p))
    }

    /// `count` elements `stride` apart into the first lanes of a vector, `fill` elsewhere.
    @inlinable @inline(__always)
    static func gather<V: SIMD>(_ p: UnsafePointer<V.Scalar>, _ stride: Int, _ count: Int, fill: V.Scalar, _: V.Type) -> V {
        var v = V(repeating: fill)
        for j in 0..<count { v[j] = p[j * stride] }
        return v
    }

    /// Stores the first `count` lanes to elements `stride` apart (one vector store when
    /// they are a whole contiguous vector).
    @inlinable @inline(__always)
    static func put<V: SIMD & BitwiseCopyable>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>, _ stride: Int, _ count: Int) {
        if stride == 1 && count == V.scalarCount {
            store(v, p)
        } else {
            for j in 0..<count { p[j * stride] = v[j] }
        }
    }
}

extension ReduceEngine {
    /// The summation tree of one output's row-plan reduction: `leafCount` leaves (each row
    /// cut into pieces of ``ReduceEngine/rowLeaf`` elements, rows in order), added pairwise.
    @usableFromInline
    struct RowSummer<V: FloatVector> {
        @usableFromInline let count: Int
        @usableFromInline let stride: Int
        @usableFromInline let rowOffsets: [Int]
        @usableFromInline let leavesPerRow: Int

        @inlinable init(_ plan: ReductionPlan) {
            count = plan.rowCount
            stride = plan.rowStride
            rowOffsets = plan.rowOffsets
            leavesPerRow = Swift.max(1, (count + ReduceEngine<ISA>.rowLeaf - 1) / ReduceEngine<ISA>.rowLeaf)
        }

        /// The number of leaves (0 for an empty reduction).
        @inlinable var leafCount: Int { count == 0 ? 0 : rowOffsets.count * leavesPerRow }

        /// The sum of the inputs of the output whose first input is `x`.
        @inlinable func sum(_ x: UnsafePointer<V.Scalar>) -> V.Scalar {
            let leaves = leafCount
            return leaves == 0 ? 0 : sum(x, 0, leaves)
        }

        @inlinable func sum(_ x: UnsafePointer<V.Scalar>, _ lo: Int, _ hi: Int) -> V.Scalar {
            if hi - lo == 1 { return leaf(x, lo) }
            let mid = lo + (hi - lo) / 2
            return sum(x, lo, mid) + sum(x, mid, hi)
        }

        /// The leaf ranges of the nodes of ``sum(_:_:_:)``'s tree over `lo..<hi` that are
        /// `depth` levels down (or leaves, where the tree ends sooner), in order.
        @inlinable static func subtrees(_ lo: Int, _ hi: Int, depth: Int) -> [Range<Int>] {
            if depth == 0 || hi - lo == 1 { return [lo..<hi] }
            let mid = lo + (hi - lo) / 2
            return subtrees(lo, mid, depth: depth - 1) + subtrees(mid, hi, depth: depth - 1)
        }

        /// The sum over `lo..<hi` in ``sum(_:_:_:)``'s tree, from the sums of the nodes of
        /// ``subtrees(_:_:depth:)``, read from `partials[next...]` in order.
        @inlinable static func top(_ partials: UnsafePointer<V.Scalar>, _ next: inout Int, _ lo: Int, _ hi: Int, depth: Int) -> V.Scalar {
            if depth == 0 || hi - lo == 1 {
                defer { next += 1 }
                return partials[next]
            }
            let mid = lo + (hi - lo) / 2
            let left = top(partials, &next, lo, mid, depth: depth - 1)
            return left + top(partials, &next, mid, hi, depth: depth - 1)
        }

        /// The sum of leaf `index`.
        @inlinable func leaf(_ x: UnsafePointer<V.Scalar>, _ index: Int) -> V.Scalar {
            let start = (index % leavesPerRow) * ReduceEngine<ISA>.rowLeaf
            let n = Swift.min(ReduceEngine<ISA>.rowLeaf, count - start)
            let p = x + rowOffsets[index / leavesPerRow] + start * stride
            let w = V.scalarCount
            var i = 0
            if stride == 1 {
                var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                while i + 4 * w <= n {
                    a0 += ReduceEngine<ISA>.load(p + i, V.self)
                    a1 += ReduceEngine<ISA>.load(p + i + w, V.self)
                    a2 += ReduceEngine<ISA>.load(p + i + 2 * w, V.self)
                    a3 += ReduceEngine<ISA>.load(p + i + 3 * w, V.self)
                    i += 4 * w
                }
                while i + w <= n {
                    a0 += ReduceEngine<ISA>.load(p + i, V.self)
                    i += w
                }
                if i < n { a1 += ReduceEngine<ISA>.gather(p + i, 1, n - i, fill: 0, V.self) }
                return ReduceEngine<ISA>.laneSum((a0 + a1) + (a2 + a3))
            }
            var a = V()
            while i < n {
                let k = Swift.min(w, n - i)
                a += ReduceEngine<ISA>.gather(p + i * stride, stride, k, fill: 0, V.self)
                i += k
            }
            return ReduceEngine<ISA>.laneSum(a)
        }
    }
}

/// Plan-level helpers of ``ReduceEngine`` that are baseline code of this module (not
/// inlinable, so never compiled for an instruction-set target).
@usableFromInline package enum ReducePlanning {
    /// The output and input offsets of every output, in output order.
    @usableFromInline package static func outputBases(_ plan: ReductionPlan) -> [(output: Int, input: Int)] {
        let so = plan.outer.innerStride(0), si = plan.outer.innerStride(1)
        var bases: [(output: Int, input: Int)] = []
        bases.reserveCapacity(plan.outputCount)
        plan.outer.forEachRun(in: 0..<plan.outputCount) { oo, oi, _, _, m in
            for j in 0..<m { bases.append((oo + j * so, oi + j * si)) }
        }
        return bases
    }

    /// The plan of the rows of ``ReduceEngine/rowwise(_:shape:dim:output:outputStrides:input:inputStrides:vector:)``:
    /// every dim but `dim`, over the output (operand 0) and the input (operand 1).
    @usableFromInline package static func rowwiseOuterPlan(
        _ op: RowwiseOperation, shape: [Int], dim: Int, outputStrides: [Int], inputStrides: [Int]
    ) -> ElementwisePlan {
        nablaPrecondition(dim >= 0 && dim < shape.count, "\(op): dim \(dim) out of range for shape \(shape)")
        nablaPrecondition(inputStrides.count == shape.count && outputStrides.count == shape.count,
                          "\(op): strides \(inputStrides) and \(outputStrides) do not match shape \(shape)")
        let kept = (0..<shape.count).filter { $0 != dim }
        return ElementwisePlan(shape: kept.map { shape[$0] },
                               operandStrides: [kept.map { outputStrides[$0] }, kept.map { inputStrides[$0] }])
    }

    /// Traps unless every output of `plan` reduces at least one element (max and min).
    @usableFromInline package static func requireElements(_ plan: ReductionPlan) {
        nablaPrecondition(plan.reducedCount > 0, "reduce: max/min of an empty dim")
    }
}

/// The operations along one dim that ``Reduce``'s `rowwise` fuses into one kernel per row.
public enum RowwiseOperation: Sendable, Equatable {
    /// `exp(x - max) / sum(exp(x - max))`: each row becomes a probability distribution.
    case softmax
    /// `x - max - log(sum(exp(x - max)))`.
    case logSoftmax
    /// `max + log(sum(exp(x - max)))`, one value per row.
    case logSumExp
}

extension ReduceEngine {
    /// Applies a ``RowwiseOperation`` to every row along `dim`.
    ///
    /// The row maximum `m` is subtracted before `exp` when it is finite (0 is subtracted
    /// otherwise), so large logits never overflow: a softmax row sums to 1 up to
    /// rounding. Special values: a row of `-inf` gives NaN for softmax and log-softmax
    /// and `-inf` for log-sum-exp; a `+inf` element gives NaN where it is and 0 elsewhere
    /// (softmax), NaN (log-softmax) and `+inf` (log-sum-exp); a NaN makes the whole row
    /// NaN. An empty row's log-sum-exp is `-inf`.
    ///
    /// Contiguous rows (input and output stride 1 along `dim`) run three SIMD passes in
    /// place (max; `exp` and sum; scale); other rows are gathered into a scratch row
    /// first. Rows are split across threads; each row's arithmetic never depends on it.
    ///
    /// - Parameters:
    ///   - shape, dim: the input's shape and the dim the rows run along.
    ///   - outputStrides: the output's strides over `shape`; for ``RowwiseOperation/logSumExp``
    ///     the output has size 1 along `dim` and that entry is not read.
    @inlinable
    package static func rowwise<V: FloatVector>(
        _ op: RowwiseOperation, shape: [Int], dim: Int,
        output: UnsafeMutablePointer<V.Scalar>, outputStrides: [Int],
        input: UnsafePointer<V.Scalar>, inputStrides: [Int],
        vector: V.Type
    ) {
        typealias T = V.Scalar
        typealias M = ISA
        let outer = ReducePlanning.rowwiseOuterPlan(op, shape: shape, dim: dim, outputStrides: outputStrides, inputStrides: inputStrides)
        let rows = outer.count
        let n = shape[dim], sx = inputStrides[dim], sy = outputStrides[dim]
        guard rows > 0, n > 0 || op == .logSumExp else { return }
        let so = outer.innerStride(0), si = outer.innerStride(1)
        let contiguous = sx == 1 && (op == .logSumExp || sy == 1)
        let tasks = Parallel.taskCount(work: rows * Swift.max(n, 1) * 8, grain: grain)
        Parallel.run(tasks) { task in
            let scratch: UnsafeMutablePointer<T>? = contiguous ? nil : .allocate(capacity: 2 * n)
            defer { scratch?.deallocate() }
            outer.forEachRun(in: Parallel.slice(rows, tasks: tasks, task: task)) { oo, oi, _, _, m in
                for j in 0..<m {
                    let x = input + oi + j * si, y = output + oo + j * so
                    if let scratch {
                        for t in 0..<n { scratch[t] = x[t * sx] }
                        if op == .logSumExp {
                            y[0] = logSumExpRow(scratch, n, V.self, M.self)
                        } else {
                            rowRun(op, scratch, scratch + n, n, V.self, M.self)
                            for t in 0..<n { y[t * sy] = scratch[n + t] }
                        }
                    } else if op == .logSumExp {
                        y[0] = logSumExpRow(x, n, V.self, M.self)
                    } else {
                        rowRun(op, x, y, n, V.self, M.self)
                    }
                }
            }
        }
    }

    /// Softmax or log-softmax of one contiguous row (`y` may be `x`).
    @inlinable @inline(__always)
    static func rowRun<V: FloatVector, M: MultiplyAddStrategy>(
        _ op: RowwiseOperation, _ x: UnsafePointer<V.Scalar>, _ y: UnsafeMutablePointer<V.Scalar>, _ n: Int,
        _: V.Type, _: M.Type
    ) {
        let shift = shiftForExp(x, n, V.self)
        let w = V.scalarCount
        if op == .softmax {
            let total = expSum(x, n, shift, storingTo: y, V.self, M.self)
            let scale = V(repeating: 1 / total)
            var i = 0
            while i + w <= n {
                store(load(y + i, V.self) * scale, y + i)
                i += w
            }
            while i < n { y[i] *= scale[0]; i += 1 }
        } else {
            let total = expSum(x, n, shift, storingTo: nil, V.self, M.self)
            let offset = V(repeating: shift + V.Scalar._libm(.log, total))
            var i = 0
            while i + w <= n {
                store(load(x + i, V.self) - offset, y + i)
                i += w
            }
            while i < n { y[i] = x[i] - offset[0]; i += 1 }
        }
    }

    /// `log(sum(exp(x)))` of one contiguous row.
    @inlinable @inline(__always)
    static func logSumExpRow<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: UnsafePointer<V.Scalar>, _ n: Int, _: V.Type, _: M.Type
    ) -> V.Scalar {
        let shift = shiftForExp(x, n, V.self)
        return shift + V.Scalar._libm(.log, expSum(x, n, shift, storingTo: nil, V.self, M.self))
    }

    /// The row maximum when it is finite, else 0. NaN elements are skipped here: they
    /// reach the sum through `exp` and make it NaN.
    @inlinable @inline(__always)
    static func shiftForExp<V: FloatVector>(_ x: UnsafePointer<V.Scalar>, _ n: Int, _: V.Type) -> V.Scalar {
        let w = V.scalarCount
        let lowest = V(repeating: -.infinity)
        var b0 = lowest, b1 = lowest, b2 = lowest, b3 = lowest
        var i = 0
        while i + 4 * w <= n {
            b0 = lanesMax(b0, load(x + i, V.self))
            b1 = lanesMax(b1, load(x + i + w, V.self))
            b2 = lanesMax(b2, load(x + i + 2 * w, V.self))
            b3 = lanesMax(b3, load(x + i + 3 * w, V.self))
            i += 4 * w
        }
        while i + w <= n {
            b0 = lanesMax(b0, load(x + i, V.self))
            i += w
        }
        if i < n { b1 = lanesMax(b1, gather(x + i, 1, n - i, fill: -.infinity, V.self)) }
        let b = lanesMax(lanesMax(b0, b1), lanesMax(b2, b3))
        var top = b[0]
        for lane in 1..<w where b[lane] > top { top = b[lane] }
        return top.isFinite ? top : 0
    }

    /// `sum(exp(x - shift))` over a contiguous row, also storing each `exp` in `y` when
    /// given. Lanes accumulate separately.
    @inlinable @inline(__always)
    static func expSum<V: FloatVector, M: MultiplyAddStrategy>(
        _ x: UnsafePointer<V.Scalar>, _ n: Int, _ shift: V.Scalar, storingTo y: UnsafeMutablePointer<V.Scalar>?,
        _: V.Type, _: M.Type
    ) -> V.Scalar {
        let w = V.scalarCount
        let c = V(repeating: shift)
        var a0 = V(), a1 = V()
        var i = 0
        while i + 2 * w <= n {
            let e0 = VectorMath.exp(load(x + i, V.self) - c, M.self)
            let e1 = VectorMath.exp(load(x + i + w, V.self) - c, M.self)
            if let y {
                store(e0, y + i)
                store(e1, y + i + w)
            }
            a0 += e0
            a1 += e1
            i += 2 * w
        }
        while i < n {
            let k = Swift.min(w, n - i)
            // Lanes past the row hold -inf, whose exp is 0.
            let e = VectorMath.exp(gather(x + i, 1, k, fill: -.infinity, V.self) - c, M.self)
            if let y { put(e, y + i, 1, k) }
            a0 += e
            i += k
        }
        // In lane order: a row shorter than a vector is then summed in element order, as
        // PyTorch's scalar tail does, so small rows match its results bit for bit.
        let a = a0 + a1
        var total = a[0]
        for lane in 1..<w { total += a[lane] }
        return total
    }
}

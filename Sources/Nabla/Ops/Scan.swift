import NablaKernelsCore
// Scans along a dim: cumsum and cumprod. Each row (the dim moved last, copied once)
// accumulates in float64 for floating-point inputs and in int64, wrapping, for
// integers and bool, whose results are int64 as in PyTorch.

extension Tensor {
    /// The running sums along `dim`, like `torch.cumsum(x, dim)`: element `i` is the sum
    /// of elements `0...i`. Integer and bool inputs give int64; floating-point inputs
    /// keep their dtype (accumulated in float64).
    public func cumsum(dim: Int) -> Tensor {
        let d = normalizedDim(dim, operation: "cumsum")
        let out = scanned(d, product: false, operation: "cumsum")
        return out.recordingGradient("CumsumBackward0", inputs: [self]) { [self] g in
            // Each input element feeds every later output: the reversed running sum.
            ndim == 0 ? [g] : [g.flip([d]).cumsum(dim: d).flip([d])]
        }
    }

    /// The running products along `dim`, like `torch.cumprod(x, dim)`: element `i` is
    /// the product of elements `0...i`. Integer and bool inputs give int64. The gradient
    /// is exact when the input holds zeros (it never divides by the input).
    public func cumprod(dim: Int) -> Tensor {
        let d = normalizedDim(dim, operation: "cumprod")
        let out = scanned(d, product: true, operation: "cumprod")
        return out.recordingGradient("CumprodBackward0", inputs: [self], saving: [self]) { [self] g in
            [cumprodGradient(g, dim: d)]
        }
    }

    /// The input's rows along `d` (the dim moved last) in a contiguous tensor of `dtype`,
    /// and the row length and count.
    private func scanRows(_ d: Int, as dtype: DType, operation: String) -> (rows: Tensor, n: Int, outer: Int) {
        let base = ndim == 0 ? detach().reshape([1]) : detach()
        let last = base.ndim - 1
        let moved = base.transpose(d, last)
        let rows = Tensor(uninitializedShape: moved.shape, dtype: dtype, zeroed: false, operation: operation)
        StridedCopy.copy(moved, into: rows)
        let n = moved.shape[last]
        return (rows, n, n == 0 ? 0 : moved.numel / n)
    }

    /// Rows laid out like `scanRows`' back in this tensor's shape, contiguous.
    private func unscanned(_ rows: Tensor, _ d: Int) -> Tensor {
        if ndim == 0 { return rows.reshape([]) }
        return rows.transpose(d, ndim - 1).contiguous()
    }

    private func scanned(_ d: Int, product: Bool, operation: String) -> Tensor {
        if dtype.isFloatingPoint {
            let (rows, n, outer) = scanRows(d, as: .float64, operation: operation)
            let values = rows.pointer(as: Double.self)
            for row in 0..<outer {
                var running = values[row * n]
                for i in 1..<Swift.max(n, 1) {
                    running = product ? running * values[row * n + i] : running + values[row * n + i]
                    values[row * n + i] = running
                }
            }
            return unscanned(rows, d).to(dtype)
        }
        let (rows, n, outer) = scanRows(d, as: .int64, operation: operation)
        let values = rows.pointer(as: Int64.self)
        for row in 0..<outer {
            var running = values[row * n]
            for i in 1..<Swift.max(n, 1) {
                running = product ? running &* values[row * n + i] : running &+ values[row * n + i]
                values[row * n + i] = running
            }
        }
        return unscanned(rows, d)
    }

    /// The gradient of `cumprod` along `d` for the output gradient `g`, in O(n) per row
    /// and without division: with `P[k]` the product of `x[0..<k]` and
    /// `S[k] = g[k] + x[k+1] * S[k+1]` (the sum over later outputs of `g[i]` times the
    /// product of `x[k+1...i]`), the input gradient is `P[k] * S[k]`.
    private func cumprodGradient(_ g: Tensor, dim d: Int) -> Tensor {
        let (xRows, n, outer) = scanRows(d, as: .float64, operation: "cumprod")
        let (gRows, _, _) = g.scanRows(d, as: .float64, operation: "cumprod")
        let x = xRows.pointer(as: Double.self), grad = gRows.pointer(as: Double.self)
        var later = [Double](repeating: 0, count: n)
        for row in 0..<outer {
            let xs = x + row * n, gs = grad + row * n
            var sum = 0.0
            for k in Swift.stride(from: n - 1, through: 0, by: -1) {
                sum = gs[k] + (k + 1 < n ? xs[k + 1] * sum : 0)
                later[k] = sum
            }
            var prefix = 1.0
            for k in 0..<n {
                let value = xs[k]
                gs[k] = prefix * later[k]
                prefix *= value
            }
        }
        return unscanned(gRows, d).to(g.dtype)
    }
}

import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import NablaKernels

// Reductions over all or some dims, with `keepdim`, and their gradients. Each output
// element reduces its inputs in one fixed order, so results do not depend on threads.
// float32 and float64 run on the strided NablaKernels reductions (no copy of the input);
// integers, bool and float16 go through float64 or int64 rows.

extension Tensor {
    /// Sorted, deduplicated, non-negative dims to reduce (`nil` means all).
    func reductionDims(_ dims: [Int]?, operation: String) -> [Int] {
        guard let dims else { return Array(0..<ndim) }
        let normalized = dims.map { normalizedDim($0, operation: operation) }
        nablaPrecondition(Set(normalized).count == normalized.count, "\(operation): dim \(dims) appears more than once (shape \(shape))")
        return normalized.sorted()
    }

    /// The shape after reducing `dims`.
    func reducedShape(_ dims: [Int], keepdim: Bool) -> [Int] {
        if ndim == 0 { return [] }
        return shape.indices.compactMap { d in dims.contains(d) ? (keepdim ? 1 : nil) : shape[d] }
    }

    /// The input as a contiguous [outer, inner] matrix whose rows are what each output
    /// element reduces (the reduced dims moved last), in float64 or int64.
    func reductionRows(_ dims: [Int], as dtype: DType) -> (values: Tensor, outer: Int, inner: Int) {
        let kept = (0..<ndim).filter { !dims.contains($0) }
        let moved = ndim == 0 ? self : permute(kept + dims)
        let inner = dims.reduce(1) { $0 * shape[$1] }
        let outer = kept.reduce(1) { $0 * shape[$1] }
        let converted = Tensor(uninitializedShape: moved.shape, dtype: dtype, zeroed: false, operation: "reduce")
        StridedCopy.copy(moved.detach(), into: converted)
        return (converted, outer, inner)
    }

    /// Reduces each row of `reductionRows` with `body`, which sees `inner` values and
    /// returns one; the result has `dtype` and the reduced shape.
    private func reduceRows(_ dims: [Int], keepdim: Bool, dtype: DType, operation: String,
                            _ body: (UnsafeBufferPointer<Double>) -> Double) -> Tensor {
        let (rows, outer, inner) = reductionRows(dims, as: .float64)
        let base = rows.rawData.assumingMemoryBound(to: Double.self)
        var results = [Double](repeating: 0, count: outer)
        for row in 0..<outer {
            results[row] = body(UnsafeBufferPointer(start: base + row * inner, count: inner))
        }
        return Tensor(elements: results, shape: reducedShape(dims, keepdim: keepdim), dtype: dtype)
    }

    /// Reshapes a reduced gradient so that it broadcasts against the input.
    func unreduced(_ g: Tensor, dims: [Int], keepdim: Bool) -> Tensor {
        var shapeWithOnes = shape
        for d in dims { shapeWithOnes[d] = 1 }
        return (keepdim || ndim == 0 ? g : g.reshape(shapeWithOnes)).expand(shape)
    }

    /// The dtype sums and products give: int64 for integers and bool, as in PyTorch.
    private var accumulationType: DType { dtype.isFloatingPoint ? dtype : .int64 }

    /// Whether the reduction kernels take this dtype.
    var hasReductionKernels: Bool { dtype == .float32 || dtype == .float64 }

    /// The output strides the kernels expect: a contiguous output with the reduced dims
    /// kept as size 1.
    private func keptOutputStrides(_ dims: [Int]) -> [Int] {
        Tensor.contiguousStrides(for: reducedShape(dims, keepdim: true))
    }

    /// `sum` on the kernels (float32 and float64).
    private func kernelSum(_ dims: [Int], keepdim: Bool) -> Tensor {
        let out = Tensor(uninitializedShape: reducedShape(dims, keepdim: keepdim), dtype: dtype, zeroed: false, operation: "sum")
        let outputStrides = keptOutputStrides(dims)
        if dtype == .float32 {
            Reduce.sum(shape: shape, dims: dims, output: out.pointer(as: Float.self), outputStrides: outputStrides,
                       input: pointer(as: Float.self), inputStrides: strides)
        } else {
            Reduce.sum(shape: shape, dims: dims, output: out.pointer(as: Double.self), outputStrides: outputStrides,
                       input: pointer(as: Double.self), inputStrides: strides)
        }
        return out
    }

    // MARK: Sum, mean, product

    /// The sum of all elements (a 0-d tensor).
    public func sum() -> Tensor { sum(dims: nil, keepdim: false) }

    /// The sum over `dim`, like `torch.sum(x, dim, keepdim)`.
    public func sum(dim: Int, keepdim: Bool = false) -> Tensor { sum(dims: [dim], keepdim: keepdim) }

    /// The sum over several dims (all of them when nil).
    public func sum(dims: [Int]?, keepdim: Bool = false) -> Tensor {
        let reduced = reductionDims(dims, operation: "sum")
        let out: Tensor
        if hasReductionKernels {
            out = kernelSum(reduced, keepdim: keepdim)
        } else if accumulationType == .int64 {
            let (rows, outer, inner) = reductionRows(reduced, as: .int64)
            let base = rows.rawData.assumingMemoryBound(to: Int64.self)
            let sums = (0..<outer).map { row in (0..<inner).reduce(Int64(0)) { $0 &+ base[row * inner + $1] } }
            out = Tensor(elements: sums, shape: reducedShape(reduced, keepdim: keepdim), dtype: .int64)
        } else {
            out = reduceRows(reduced, keepdim: keepdim, dtype: accumulationType, operation: "sum") { row in
                Tensor.pairwiseSum(row)
            }
        }
        return out.recordingGradient("SumBackward1", inputs: [self]) { [self] g in [unreduced(g, dims: reduced, keepdim: keepdim).contiguous()] }
    }

    /// Pairwise summation: error grows with log(n) instead of n, like NumPy's.
    static func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
        if values.count <= 16 { return values.reduce(0, +) }
        let half = values.count / 2
        return pairwiseSum(UnsafeBufferPointer(rebasing: values[..<half])) + pairwiseSum(UnsafeBufferPointer(rebasing: values[half...]))
    }

    /// The mean of all elements (floating-point tensors only, as in PyTorch).
    public func mean() -> Tensor { mean(dims: nil, keepdim: false) }

    /// The mean over `dim`.
    public func mean(dim: Int, keepdim: Bool = false) -> Tensor { mean(dims: [dim], keepdim: keepdim) }

    /// The mean over several dims (all of them when nil).
    public func mean(dims: [Int]?, keepdim: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "mean: input dtype must be floating point, got \(dtype) (shape \(shape))")
        let reduced = reductionDims(dims, operation: "mean")
        let count = reduced.reduce(1) { $0 * shape[$1] }
        return sum(dims: reduced, keepdim: keepdim) / Double(count)
    }

    /// The product of all elements.
    public func prod() -> Tensor { prod(dims: nil, keepdim: false) }

    /// The product over `dim`.
    public func prod(dim: Int, keepdim: Bool = false) -> Tensor { prod(dims: [dim], keepdim: keepdim) }

    private func prod(dims: [Int]?, keepdim: Bool) -> Tensor {
        let reduced = reductionDims(dims, operation: "prod")
        let out = reduceRows(reduced, keepdim: keepdim, dtype: accumulationType, operation: "prod") { row in row.reduce(1, *) }
        return out.recordingGradient("ProdBackward0", inputs: [self], saving: [self]) { [self] g in
            // The product of all other elements, from prefix and suffix products: exact
            // also when some elements are zero.
            let (rows, outer, inner) = reductionRows(reduced, as: .float64)
            let base = rows.rawData.assumingMemoryBound(to: Double.self)
            var others = [Double](repeating: 0, count: outer * inner)
            for row in 0..<outer {
                var prefix = 1.0
                for i in 0..<inner { others[row * inner + i] = prefix; prefix *= base[row * inner + i] }
                var suffix = 1.0
                for i in Swift.stride(from: inner - 1, through: 0, by: -1) { others[row * inner + i] *= suffix; suffix *= base[row * inner + i] }
            }
            let kept = (0..<ndim).filter { !reduced.contains($0) }
            let movedShape = ndim == 0 ? [] : (kept + reduced).map { shape[$0] }
            var inverse = [Int](repeating: 0, count: ndim)
            for (i, d) in (kept + reduced).enumerated() { inverse[d] = i }
            let othersTensor = Tensor(elements: others, shape: movedShape, dtype: dtype)
            let aligned = ndim == 0 ? othersTensor : othersTensor.permute(inverse)
            return [unreduced(g, dims: reduced, keepdim: keepdim) * aligned]
        }
    }

    // MARK: Extremes

    /// The values and (first) indices of the maxima along `dim`, like
    /// `torch.max(x, dim, keepdim)`. NaN counts as the maximum.
    public func max(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extreme(dim: dim, keepdim: keepdim, largest: true)
    }

    /// The values and (first) indices of the minima along `dim`. NaN counts as the minimum.
    public func min(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extreme(dim: dim, keepdim: keepdim, largest: false)
    }

    /// The largest element (a 0-d tensor); NaN if any element is NaN.
    public func max() -> Tensor { extremeOfAll(largest: true) }

    /// The smallest element (a 0-d tensor); NaN if any element is NaN.
    public func min() -> Tensor { extremeOfAll(largest: false) }

    /// The index of the first maximum along `dim` (int64).
    public func argmax(dim: Int, keepdim: Bool = false) -> Tensor { max(dim: dim, keepdim: keepdim).indices }

    /// The index of the first minimum along `dim` (int64).
    public func argmin(dim: Int, keepdim: Bool = false) -> Tensor { min(dim: dim, keepdim: keepdim).indices }

    /// The flat index of the first maximum (a 0-d int64 tensor).
    public func argmax() -> Tensor { reshape(-1).argmax(dim: 0) }

    /// The flat index of the first minimum (a 0-d int64 tensor).
    public func argmin() -> Tensor { reshape(-1).argmin(dim: 0) }

    /// The position of the winner in each row: NaN wins, then the first strict extreme.
    private static func winner(_ row: UnsafeBufferPointer<Double>, largest: Bool) -> Int {
        var best = 0
        for i in row.indices.dropFirst() {
            let value = row[i], current = row[best]
            if current.isNaN { break }
            if value.isNaN || (largest ? value > current : value < current) { best = i }
        }
        return best
    }

    private func extreme(dim: Int, keepdim: Bool, largest: Bool) -> (values: Tensor, indices: Tensor) {
        let name = largest ? "max" : "min"
        let d = normalizedDim(dim, operation: name)
        let reduced = ndim == 0 ? [] : [d]
        nablaPrecondition(ndim == 0 || shape[d] > 0, "\(name): cannot reduce the empty dim \(dim) of shape \(shape)")
        let outShape = reducedShape(reduced, keepdim: keepdim)
        let indexTensor: Tensor, values: Tensor
        if hasReductionKernels {
            values = Tensor(uninitializedShape: outShape, dtype: dtype, zeroed: false, operation: name)
            indexTensor = Tensor(uninitializedShape: outShape, dtype: .int64, zeroed: false, operation: name)
            let outputStrides = keptOutputStrides(reduced)
            let indices = indexTensor.pointer(as: Int64.self)
            if dtype == .float32 {
                Reduce.extreme(largest: largest, shape: shape, dims: reduced, values: values.pointer(as: Float.self), indices: indices,
                               outputStrides: outputStrides, input: pointer(as: Float.self), inputStrides: strides)
            } else {
                Reduce.extreme(largest: largest, shape: shape, dims: reduced, values: values.pointer(as: Double.self), indices: indices,
                               outputStrides: outputStrides, input: pointer(as: Double.self), inputStrides: strides)
            }
        } else {
            let (rows, outer, inner) = reductionRows(reduced, as: .float64)
            let base = rows.rawData.assumingMemoryBound(to: Double.self)
            var winners = [Double](repeating: 0, count: outer), positions = [Int](repeating: 0, count: outer)
            for row in 0..<outer {
                let buffer = UnsafeBufferPointer(start: base + row * inner, count: inner)
                positions[row] = Tensor.winner(buffer, largest: largest)
                winners[row] = buffer[positions[row]]
            }
            indexTensor = Tensor(elements: positions, shape: outShape, dtype: .int64)
            values = Tensor(elements: winners, shape: outShape, dtype: dtype)
        }
        let valueTensor = values
            .recordingGradient(largest ? "MaxBackward0" : "MinBackward0", inputs: [self]) { [self] g in
                let expandedIndex = keepdim || ndim == 0 ? indexTensor : indexTensor.unsqueeze(d)
                let gradient = keepdim || ndim == 0 ? g : g.unsqueeze(d)
                return [Tensor.zeros(shape, dtype: g.dtype).scatterAdd(dim: ndim == 0 ? 0 : d, index: ndim == 0 ? expandedIndex.reshape(1) : expandedIndex,
                                                                      source: ndim == 0 ? gradient.reshape(1) : gradient).reshape(shape)]
            }
        return (valueTensor, indexTensor)
    }

    private func extremeOfAll(largest: Bool) -> Tensor {
        nablaPrecondition(numel > 0, "\(largest ? "max" : "min"): cannot reduce an empty tensor (shape \(shape))")
        let value: Double
        if hasReductionKernels {
            let all = Array(0..<ndim), outputStrides = [Int](repeating: 0, count: ndim)
            if dtype == .float32 {
                var result: Float = 0
                Reduce.extreme(largest: largest, shape: shape, dims: all, values: &result, indices: nil,
                               outputStrides: outputStrides, input: pointer(as: Float.self), inputStrides: strides)
                value = Double(result)
            } else {
                var result = 0.0
                Reduce.extreme(largest: largest, shape: shape, dims: all, values: &result, indices: nil,
                               outputStrides: outputStrides, input: pointer(as: Double.self), inputStrides: strides)
                value = result
            }
        } else {
            let flat = toArray(Double.self)
            value = flat[flat.withUnsafeBufferPointer { Tensor.winner($0, largest: largest) }]
        }
        return Tensor.scalar(value, dtype: dtype)
            .recordingGradient(largest ? "MaxBackward1" : "MinBackward1", inputs: [self], saving: [self]) { [self] g in
                // Ties share the gradient evenly, as in PyTorch.
                let ties = (self .== Tensor.scalar(value, dtype: dtype)).to(g.dtype)
                return [ties * (g / ties.sum())]
            }
    }

    // MARK: Statistics

    /// The variance over `dims` (all when nil) with Bessel's correction by default
    /// (`correction: 1`, PyTorch's `unbiased=True`); `correction: 0` gives the population
    /// variance.
    public func `var`(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "var: input dtype must be floating point, got \(dtype)")
        let reduced = reductionDims(dims, operation: "var")
        let count = reduced.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(dims: reduced, keepdim: true)
        return (centered * centered).sum(dims: reduced, keepdim: keepdim) / Double(Swift.max(0, count - correction))
    }

    /// The variance over one dim.
    public func `var`(dim: Int, correction: Int = 1, keepdim: Bool = false) -> Tensor {
        self.var(dims: [dim], correction: correction, keepdim: keepdim)
    }

    /// The standard deviation over `dims` (all when nil), with Bessel's correction by default.
    public func std(dims: [Int]? = nil, correction: Int = 1, keepdim: Bool = false) -> Tensor {
        self.var(dims: dims, correction: correction, keepdim: keepdim).sqrt()
    }

    /// The standard deviation over one dim.
    public func std(dim: Int, correction: Int = 1, keepdim: Bool = false) -> Tensor {
        std(dims: [dim], correction: correction, keepdim: keepdim)
    }

    /// `log(sum(exp(x)))` over `dims`, computed stably (the maximum is subtracted first).
    public func logsumexp(dims: [Int]?, keepdim: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "logsumexp: input dtype must be floating point, got \(dtype)")
        let reduced = reductionDims(dims, operation: "logsumexp")
        let out = hasReductionKernels ? kernelLogSumExp(reduced, keepdim: keepdim) : reduceRows(reduced, keepdim: keepdim, dtype: dtype, operation: "logsumexp") { row in
            guard let top = row.max(), top.isFinite else { return row.contains(where: \.isNaN) ? .nan : (row.max() ?? -.infinity) }
            var total = 0.0
            for value in row { total += Foundation_exp(value - top) }
            return top + Foundation_log(total)
        }
        let savedOut = out.detach()
        return out.recordingGradient("LogsumexpBackward0", inputs: [self], saving: [self, savedOut]) { [self] g in
            [unreduced(g, dims: reduced, keepdim: keepdim) * (self - unreduced(savedOut, dims: reduced, keepdim: keepdim)).exp()]
        }
    }

    /// `logsumexp` on the kernels: along the dim itself when one dim is reduced, else
    /// along the last dim of a copy with the reduced dims moved last.
    private func kernelLogSumExp(_ dims: [Int], keepdim: Bool) -> Tensor {
        let out = Tensor(uninitializedShape: reducedShape(dims, keepdim: keepdim), dtype: dtype, zeroed: false, operation: "logsumexp")
        let rows: Tensor, dim: Int, outputStrides: [Int]
        if dims.count == 1 {
            (rows, dim, outputStrides) = (self, dims[0], keptOutputStrides(dims))
        } else {
            let kept = (0..<ndim).filter { !dims.contains($0) }
            let inner = dims.reduce(1) { $0 * shape[$1] }
            let moved = ndim == 0 ? detach() : detach().permute(kept + dims)
            (rows, dim, outputStrides) = (moved.contiguous().reshape([out.numel, inner]), 1, [1, 1])
        }
        if dtype == .float32 {
            Reduce.rowwise(.logSumExp, shape: rows.shape, dim: dim, output: out.pointer(as: Float.self), outputStrides: outputStrides,
                           input: rows.pointer(as: Float.self), inputStrides: rows.strides)
        } else {
            Reduce.rowwise(.logSumExp, shape: rows.shape, dim: dim, output: out.pointer(as: Double.self), outputStrides: outputStrides,
                           input: rows.pointer(as: Double.self), inputStrides: rows.strides)
        }
        return out
    }

    /// `logsumexp` over one dim.
    public func logsumexp(dim: Int, keepdim: Bool = false) -> Tensor { logsumexp(dims: [dim], keepdim: keepdim) }

    /// The `p`-norm over `dims` (all when nil): `p = 2` (default) is the Euclidean norm,
    /// `.infinity` the largest magnitude, like `torch.linalg.vector_norm`.
    public func norm(p: Double = 2, dims: [Int]? = nil, keepdim: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "norm: input dtype must be floating point, got \(dtype)")
        let magnitude = abs()
        if p == .infinity {
            let reduced = reductionDims(dims, operation: "norm")
            if reduced.count == ndim && !keepdim { return magnitude.max() }
            return reduced.reversed().reduce(magnitude) { partial, d in partial.max(dim: d, keepdim: keepdim).values }
        }
        if p == 2 {
            let squared = (self * self).sum(dims: dims, keepdim: keepdim)
            let out = withNoGrad { squared.sqrt() }
            let reduced = reductionDims(dims, operation: "norm")
            let savedOut = out.detach()
            return out.recordingGradient("NormBackward1", inputs: [self], saving: [self, savedOut]) { [self] g in
                let safe = Tensor.where(savedOut .== 0.0, Tensor.scalar(1, dtype: savedOut.dtype), savedOut)
                let scale = Tensor.where(savedOut .== 0.0, Tensor.scalar(0, dtype: savedOut.dtype), g / safe)
                return [self * unreduced(scale, dims: reduced, keepdim: keepdim)]
            }
        }
        return magnitude.pow(p).sum(dims: dims, keepdim: keepdim).pow(1 / p)
    }

    // MARK: Boolean reductions

    /// Whether every element is nonzero (a 0-d bool tensor).
    public func all() -> Tensor { Tensor.scalar((self .!= 0.0).to(.int64).sum().item() == Double(numel) ? 1 : 0, dtype: .bool) }

    /// Whether any element is nonzero (a 0-d bool tensor).
    public func any() -> Tensor { Tensor.scalar((self .!= 0.0).to(.int64).sum().item() > 0 ? 1 : 0, dtype: .bool) }

    /// Whether every element along `dim` is nonzero.
    public func all(dim: Int, keepdim: Bool = false) -> Tensor {
        (self .!= 0.0).to(.int64).sum(dim: dim, keepdim: keepdim) .== Double(size(dim))
    }

    /// Whether any element along `dim` is nonzero.
    public func any(dim: Int, keepdim: Bool = false) -> Tensor {
        (self .!= 0.0).to(.int64).sum(dim: dim, keepdim: keepdim) .> 0.0
    }

    /// Sums over the dims that were broadcast to turn `target` into this tensor's shape:
    /// the gradient of a broadcast.
    func sumToShape(_ target: [Int]) -> Tensor {
        if target == shape { return self }
        let lead = ndim - target.count
        var dims = Array(0..<lead)
        for (i, size) in target.enumerated() where size == 1 && shape[i + lead] != 1 { dims.append(i + lead) }
        return sum(dims: dims, keepdim: true).reshape(target)
    }
}

@inline(__always) private func Foundation_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func Foundation_log(_ x: Double) -> Double { log(x) }

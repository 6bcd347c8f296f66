import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import NablaKernels

// softmax and logSoftmax along one dim, numerically stable for large logits. float32 and
// float64 run on the fused NablaKernels row kernels; float16 and 0-d tensors through
// float64 rows.

extension Tensor {
    /// Runs `body(row, output)` on each row along `dim` (as contiguous float64 buffers)
    /// and returns the outputs in this tensor's shape and dtype.
    private func mapRows(alongDim d: Int, operation: String, _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) -> Tensor {
        let (rows, outer, inner) = reductionRows(ndim == 0 ? [] : [d], as: .float64)
        let input = rows.rawData.assumingMemoryBound(to: Double.self)
        var results = [Double](repeating: 0, count: outer * inner)
        results.withUnsafeMutableBufferPointer { out in
            for row in 0..<outer {
                body(UnsafeBufferPointer(start: input + row * inner, count: inner),
                     UnsafeMutableBufferPointer(rebasing: out[(row * inner)..<((row + 1) * inner)]))
            }
        }
        guard ndim > 0 else { return Tensor(elements: results, shape: [], dtype: dtype) }
        let kept = (0..<ndim).filter { $0 != d }
        let moved = Tensor(elements: results, shape: (kept + [d]).map { shape[$0] }, dtype: dtype)
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, dim) in (kept + [d]).enumerated() { inverse[dim] = i }
        return moved.permute(inverse).contiguous()
    }

    /// A fused row kernel along `d`, into a new contiguous tensor of this shape.
    private func rowwiseKernel(_ op: RowwiseOperation, alongDim d: Int, operation: String) -> Tensor {
        let out = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: operation)
        if dtype == .float32 {
            Reduce.rowwise(op, shape: shape, dim: d, output: out.pointer(as: Float.self), outputStrides: out.strides,
                           input: pointer(as: Float.self), inputStrides: strides)
        } else {
            Reduce.rowwise(op, shape: shape, dim: d, output: out.pointer(as: Double.self), outputStrides: out.strides,
                           input: pointer(as: Double.self), inputStrides: strides)
        }
        return out
    }

    /// `exp(x) / sum(exp(x))` along `dim`: each slice along `dim` becomes a probability
    /// distribution. The maximum is subtracted first, so large logits do not overflow.
    public func softmax(dim: Int) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "softmax: input dtype must be floating point, got \(dtype)")
        let d = normalizedDim(dim, operation: "softmax")
        let out = hasReductionKernels && ndim > 0 ? rowwiseKernel(.softmax, alongDim: d, operation: "softmax") : mapRows(alongDim: d, operation: "softmax") { row, result in
            let top = row.max() ?? 0
            let shift = top.isFinite ? top : 0
            var total = 0.0
            for i in row.indices { result[i] = scalarExp(row[i] - shift); total += result[i] }
            for i in row.indices { result[i] /= total }
        }
        let savedOut = out.detach()
        return out.recordingGradient("SoftmaxBackward0", inputs: [self], saving: [savedOut]) { g in
            [savedOut * (g - (g * savedOut).sum(dim: d, keepdim: true))]
        }
    }

    /// `log(softmax(x))` along `dim`, computed directly as `x - max - log(sum(exp(x - max)))`
    /// so that it stays finite where softmax underflows.
    public func logSoftmax(dim: Int) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "logSoftmax: input dtype must be floating point, got \(dtype)")
        let d = normalizedDim(dim, operation: "logSoftmax")
        let out = hasReductionKernels && ndim > 0 ? rowwiseKernel(.logSoftmax, alongDim: d, operation: "logSoftmax") : mapRows(alongDim: d, operation: "logSoftmax") { row, result in
            let top = row.max() ?? 0
            let shift = top.isFinite ? top : 0
            var total = 0.0
            for value in row { total += scalarExp(value - shift) }
            let logTotal = scalarLog(total) + shift
            for i in row.indices { result[i] = row[i] - logTotal }
        }
        let savedOut = out.detach()
        return out.recordingGradient("LogSoftmaxBackward0", inputs: [self], saving: [savedOut]) { g in
            [g - savedOut.exp() * g.sum(dim: d, keepdim: true)]
        }
    }
}

@inline(__always) private func scalarExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func scalarLog(_ x: Double) -> Double { log(x) }

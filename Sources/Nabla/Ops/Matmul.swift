import NablaKernelsCore
import NablaKernels

// Matrix products: mm, bmm, matmul (PyTorch's rules) and addmm, on the GEMM kernels.
// Operands are passed with their strides (transposed and sliced views need no copy);
// the backward of a product is two more products with transposed strides.

extension Tensor {
    /// C = alpha * A @ B + beta * C for 2-d views of float32/float64 tensors of one dtype,
    /// written into `c` (whose strides may be any, as GEMM takes general strides).
    static func runGEMM(_ a: Tensor, _ b: Tensor, into c: Tensor, alpha: Double = 1, beta: Double = 0) {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        switch c.dtype {
        case .float32:
            gemm(m: m, n: n, k: k, alpha: Float(alpha),
                              a: UnsafePointer(a.pointer(as: Float.self)), rsA: a.strides[0], csA: a.strides[1],
                              b: UnsafePointer(b.pointer(as: Float.self)), rsB: b.strides[0], csB: b.strides[1],
                              beta: Float(beta), c: c.pointer(as: Float.self), rsC: c.strides[0], csC: c.strides[1])
        case .float64:
            gemm(m: m, n: n, k: k, alpha: alpha,
                              a: UnsafePointer(a.pointer(as: Double.self)), rsA: a.strides[0], csA: a.strides[1],
                              b: UnsafePointer(b.pointer(as: Double.self)), rsB: b.strides[0], csB: b.strides[1],
                              beta: beta, c: c.pointer(as: Double.self), rsC: c.strides[0], csC: c.strides[1])
        default:
            nablaPreconditionFailure("gemm: internal error, dtype \(c.dtype)")
        }
    }

    /// The dtype a product is computed in: float32 or float64 (integers compute in
    /// float64, exactly for values below 2^53, and convert back).
    private static func productTypes(_ a: Tensor, _ b: Tensor, operation: String) -> (result: DType, compute: DType) {
        nablaPrecondition(a.dtype != .bool && b.dtype != .bool, "\(operation): bool tensors are not supported, got \(a.dtype) and \(b.dtype)")
        nablaPrecondition(a.dtype == b.dtype,
                          "\(operation): expected both operands to have the same dtype, got \(a.dtype) (shape \(a.shape)) and \(b.dtype) (shape \(b.shape)); convert one with .to(_:)")
        let result = resultType(a, b)
        switch result {
        case .float32, .float64: return (result, result)
        case .float16: return (result, .float32)
        default: return (result, .float64)
        }
    }

    /// The matrix product of two 2-d tensors, like `torch.mm`: [n, k] @ [k, m] -> [n, m].
    public func mm(_ other: Tensor) -> Tensor {
        nablaPrecondition(ndim == 2 && other.ndim == 2, "mm: expects two 2-d tensors, got shapes \(shape) and \(other.shape)")
        nablaPrecondition(shape[1] == other.shape[0], "mm: shapes \(shape) and \(other.shape) cannot be multiplied (\(shape[1]) != \(other.shape[0]))")
        return Tensor.addmm(nil, self, other, beta: 0, alpha: 1, operation: "mm")
    }

    /// `beta * input + alpha * (a @ b)` in one GEMM call, like `torch.addmm`; `input`
    /// broadcasts to the product's shape.
    public static func addmm(_ input: Tensor, _ a: Tensor, _ b: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
        nablaPrecondition(a.ndim == 2 && b.ndim == 2, "addmm: expects 2-d matrices, got shapes \(a.shape) and \(b.shape)")
        nablaPrecondition(a.shape[1] == b.shape[0], "addmm: shapes \(a.shape) and \(b.shape) cannot be multiplied (\(a.shape[1]) != \(b.shape[0]))")
        nablaPrecondition(Tensor.broadcasts(input.shape, to: [a.shape[0], b.shape[1]]),
                     "addmm: input of shape \(input.shape) does not broadcast to the product's shape \([a.shape[0], b.shape[1]])")
        nablaPrecondition(input.dtype == a.dtype,
                          "addmm: expected input and matrices to have the same dtype, got \(input.dtype) (shape \(input.shape)) and \(a.dtype)")
        return addmm(input, a, b, beta: beta, alpha: alpha, operation: "addmm")
    }

    private static func addmm(_ input: Tensor?, _ a: Tensor, _ b: Tensor, beta: Double, alpha: Double, operation: String) -> Tensor {
        // The operands (and `input`, checked by the public addmm) share one dtype.
        let (result, compute) = productTypes(a, b, operation: operation)
        let ca = a.values(as: compute), cb = b.values(as: compute)
        let out = Tensor(uninitializedShape: [a.shape[0], b.shape[1]], dtype: compute, zeroed: false, operation: operation)
        if let input, beta != 0 {
            StridedCopy.copy(input.detach(), into: out)
            runGEMM(ca, cb, into: out, alpha: alpha, beta: beta)
        } else {
            runGEMM(ca, cb, into: out, alpha: alpha, beta: 0)
        }
        let product = compute == result ? out : out.to(result)
        let inputs = [a, b] + (input.map { [$0] } ?? [])
        return product.recordingGradient(input == nil ? "MmBackward0" : "AddmmBackward0", inputs: inputs, saving: [a, b]) { g in
            // dA = g @ B^T and dB = A^T @ g: GEMM reads the transposes through strides.
            let dA = a.requiresGrad ? Tensor.addmm(nil, g, b.T, beta: 0, alpha: alpha, operation: "mm").to(a.dtype) : nil
            let dB = b.requiresGrad ? Tensor.addmm(nil, a.T, g, beta: 0, alpha: alpha, operation: "mm").to(b.dtype) : nil
            var grads: [Tensor?] = [dA, dB]
            if let input { grads.append(input.requiresGrad ? (g * beta).sumToShape(input.shape).to(input.dtype) : nil) }
            return grads
        }
    }

    /// Batched matrix product of two 3-d tensors, like `torch.bmm`: [b, n, k] @ [b, k, m].
    public func bmm(_ other: Tensor) -> Tensor {
        nablaPrecondition(ndim == 3 && other.ndim == 3, "bmm: expects two 3-d tensors, got shapes \(shape) and \(other.shape)")
        nablaPrecondition(shape[0] == other.shape[0] && shape[2] == other.shape[1],
                     "bmm: shapes \(shape) and \(other.shape) cannot be multiplied")
        return Tensor.batchedProduct(self, other, operation: "bmm")
    }

    /// The product of stacks of matrices with equal batch dims ([..., n, k] @ [..., k, m],
    /// batch dims already broadcast), one GEMM call per matrix, on strided views.
    private static func batchedProduct(_ a: Tensor, _ b: Tensor, operation: String) -> Tensor {
        let (result, compute) = productTypes(a, b, operation: operation)
        let batchShape = Array(a.shape.dropLast(2))
        let n = a.shape[a.ndim - 2], m = b.shape[b.ndim - 1]
        let ca = a.values(as: compute), cb = b.values(as: compute)
        let out = Tensor(uninitializedShape: batchShape + [n, m], dtype: compute, zeroed: false, operation: operation)
        let batches = batchShape.reduce(1, *)
        let batchStridesA = Tensor.contiguousStrides(for: batchShape)
        for batch in 0..<batches {
            var offsetA = ca.storageOffset, offsetB = cb.storageOffset, offsetC = out.storageOffset
            var rest = batch
            for d in batchShape.indices {
                let i = rest / batchStridesA[d]
                rest %= batchStridesA[d]
                offsetA += i * ca.strides[d]; offsetB += i * cb.strides[d]; offsetC += i * out.strides[d]
            }
            runGEMM(ca.asStrided(shape: Array(ca.shape.suffix(2)), strides: Array(ca.strides.suffix(2)), storageOffset: offsetA),
                 cb.asStrided(shape: Array(cb.shape.suffix(2)), strides: Array(cb.strides.suffix(2)), storageOffset: offsetB),
                 into: out.asStrided(shape: [n, m], strides: Array(out.strides.suffix(2)), storageOffset: offsetC))
        }
        let product = compute == result ? out : out.to(result)
        return product.recordingGradient(operation == "bmm" ? "BmmBackward0" : "MatmulBackward0", inputs: [a, b], saving: [a, b]) { g in
            [a.requiresGrad ? batchedProduct(g, b.mT, operation: operation).to(a.dtype) : nil,
             b.requiresGrad ? batchedProduct(a.mT, g, operation: operation).to(b.dtype) : nil]
        }
    }

    /// The matrix product with PyTorch's `matmul` rules: 1-d @ 1-d is a dot product,
    /// 2-d @ 1-d a matrix-vector product, 1-d @ 2-d a vector-matrix product, 2-d @ 2-d
    /// `mm`, and anything with more dims a batched product whose batch dims broadcast.
    public func matmul(_ other: Tensor) -> Tensor {
        nablaPrecondition(ndim >= 1 && other.ndim >= 1, "matmul: both arguments need at least 1 dim, got shapes \(shape) and \(other.shape)")
        let k = shape[ndim - 1]
        let otherK = other.ndim == 1 ? other.shape[0] : other.shape[other.ndim - 2]
        nablaPrecondition(k == otherK, "matmul: shapes \(shape) and \(other.shape) cannot be multiplied (\(k) != \(otherK))")
        switch (ndim, other.ndim) {
        case (1, 1): return unsqueeze(0).mm(other.unsqueeze(1)).reshape([])
        case (2, 1): return mm(other.unsqueeze(1)).squeeze(1)
        case (1, 2): return unsqueeze(0).mm(other).squeeze(0)
        case (2, 2): return mm(other)
        default:
            // Fold a matrix's rows into one big product when the other side is 2-d.
            if other.ndim <= 2 && ndim > 2 {
                let right = other.ndim == 1 ? other.unsqueeze(1) : other
                let product = reshape(-1, k).mm(right)
                let outShape = Array(shape.dropLast()) + (other.ndim == 1 ? [] : [right.shape[1]])
                return product.reshape(outShape)
            }
            let left = ndim == 1 ? unsqueeze(0) : self
            let right = other.ndim == 1 ? other.unsqueeze(1) : other
            let batch = Tensor.broadcastShape(Array(left.shape.dropLast(2)), Array(right.shape.dropLast(2)), operation: "matmul")
            let a = left.expand(batch + Array(left.shape.suffix(2)))
            let b = right.expand(batch + Array(right.shape.suffix(2)))
            var product = Tensor.batchedProduct(a, b, operation: "matmul")
            if ndim == 1 { product = product.squeeze(-2) }
            if other.ndim == 1 { product = product.squeeze(-1) }
            return product
        }
    }
}

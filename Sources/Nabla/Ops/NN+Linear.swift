import NablaKernelsCore
// The affine map of a fully connected layer as one operation, PyTorch's
// `torch.nn.functional.linear`, for NablaNN's `Linear`.

extension Tensor {
    /// `self @ weight^T + bias` for an input of shape `[..., in]`, a weight of PyTorch's
    /// layout `[out, in]` and an optional bias `[out]` (PyTorch's `F.linear`).
    ///
    /// For a 2-d float32 or float64 input of the weight's dtype this is one GEMM call
    /// (the bias is the product's initial value) with a backward written for the layer:
    /// the weight's gradient `g^T @ x` is computed directly in the weight's `[out, in]`
    /// layout and the bias's gradient as a product with a ones vector, so no transposed
    /// copy or float64 reduction runs. Other inputs are computed with `matmul`.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        nablaPrecondition(weight.ndim == 2, "linear: weight must be 2-d [out, in], got shape \(weight.shape)")
        nablaPrecondition(ndim >= 1 && shape[ndim - 1] == weight.shape[1],
                     "linear: input of shape \(shape) does not end in in_features = \(weight.shape[1]) (weight shape \(weight.shape))")
        if let bias {
            nablaPrecondition(bias.shape == [weight.shape[0]], "linear: bias of shape \(bias.shape) does not match out_features = \(weight.shape[0])")
        }
        nablaPrecondition(weight.dtype == dtype && (bias?.dtype ?? dtype) == dtype,
                          "linear: input (\(dtype), shape \(shape)), weight (\(weight.dtype))\(bias.map { " and bias (\($0.dtype))" } ?? "") must have the same dtype; convert the input with .to(\(weight.dtype))")
        let fused = ndim == 2 && (dtype == .float32 || dtype == .float64)
        guard fused else {
            let product = matmul(weight.T)
            return bias.map { product + $0 } ?? product
        }
        let input = self
        let rows = shape[0], outFeatures = weight.shape[0]
        let out = Tensor(uninitializedShape: [rows, outFeatures], dtype: dtype, zeroed: false, operation: "linear")
        if let bias { StridedCopy.copy(bias.detach(), into: out) }
        Tensor.runGEMM(detach(), weight.detach().T, into: out, alpha: 1, beta: bias == nil ? 0 : 1)
        let inputs = [self, weight] + (bias.map { [$0] } ?? [])
        return out.recordingGradient("LinearBackward0", inputs: inputs, saving: [self, weight]) { g in
            let gradient = g.contiguous()
            var grads: [Tensor?] = []
            if input.requiresGrad {
                let dInput = Tensor(uninitializedShape: input.shape, dtype: input.dtype, zeroed: false, operation: "linear")
                Tensor.runGEMM(gradient, weight.detach(), into: dInput)
                grads.append(dInput)
            } else {
                grads.append(nil)
            }
            if weight.requiresGrad {
                let dWeight = Tensor(uninitializedShape: weight.shape, dtype: weight.dtype, zeroed: false, operation: "linear")
                Tensor.runGEMM(gradient.T, input.detach(), into: dWeight)
                grads.append(dWeight)
            } else {
                grads.append(nil)
            }
            if let bias {
                if bias.requiresGrad {
                    let dBias = Tensor(uninitializedShape: [1, outFeatures], dtype: bias.dtype, zeroed: false, operation: "linear")
                    Tensor.runGEMM(Tensor.ones([1, rows], dtype: gradient.dtype), gradient, into: dBias)
                    grads.append(dBias.view(outFeatures))
                } else {
                    grads.append(nil)
                }
            }
            return grads
        }
    }
}

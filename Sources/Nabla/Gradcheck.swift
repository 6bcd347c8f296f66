import NablaKernelsCore
/// The outcome of ``gradcheck(_:inputs:eps:atol:rtol:seed:)``.
public struct GradcheckResult: Sendable, CustomStringConvertible {
    /// Whether every analytical gradient matched its finite-difference estimate.
    public let passed: Bool
    /// The largest |analytical - numerical| over all checked elements.
    public let maxAbsoluteError: Double
    /// The first mismatch, as a sentence, or nil.
    public let firstMismatch: String?

    /// "passed" or the first mismatch.
    public var description: String {
        passed ? "gradcheck passed (max abs error \(maxAbsoluteError))" : "gradcheck failed: \(firstMismatch ?? "")"
    }
}

/// Checks the gradients autograd computes for `function` against central finite
/// differences, like `torch.autograd.gradcheck`.
///
/// The inputs should be float64 tensors with `requiresGrad` set (others are treated as
/// constants). The function's output is projected onto a fixed random direction `v`
/// (seeded, so results repeat), and `d(sum(f(x) * v))/dx` from `backward()` is compared
/// element by element with `(L(x + eps) - L(x - eps)) / (2 eps)`: a match within
/// `atol + rtol * |numerical|` everywhere passes.
public func gradcheck(_ function: ([Tensor]) -> Tensor, inputs: [Tensor], eps: Double = 1e-6,
                      atol: Double = 1e-5, rtol: Double = 1e-3, seed: UInt64 = 0) -> GradcheckResult {
    let output = function(inputs)
    let direction = Tensor.randn(output.shape, dtype: .float64, generator: Generator(seed: seed))
    func projected() -> Double { withNoGrad { (function(inputs).to(.float64) * direction).sum().item() } }

    for input in inputs where input.requiresGrad { input.grad = nil }
    let loss = (output.to(.float64) * direction).sum()
    if loss.requiresGrad { loss.backward() }

    var maxError = 0.0
    for (number, input) in inputs.enumerated() where input.requiresGrad {
        let analytical = input.grad?.toArray(Double.self) ?? [Double](repeating: 0, count: input.numel)
        let flat = withNoGrad { input.reshape(-1) }
        nablaPrecondition(flat.storage === input.storage, "gradcheck: input \(number) must be viewable as a flat tensor (use contiguous inputs)")
        for i in 0..<input.numel {
            let element = flat[i]
            let original = element.item()
            writeElement(element, original + eps)
            let plus = projected()
            writeElement(element, original - eps)
            let minus = projected()
            writeElement(element, original)
            let numerical = (plus - minus) / (2 * eps)
            let error = abs(analytical[i] - numerical)
            maxError = max(maxError, error)
            if !(error <= atol + rtol * abs(numerical)) {
                return GradcheckResult(passed: false, maxAbsoluteError: error,
                                       firstMismatch: "input \(number) (shape \(input.shape)), element \(i): analytical \(analytical[i]), numerical \(numerical)")
            }
        }
    }
    return GradcheckResult(passed: true, maxAbsoluteError: maxError, firstMismatch: nil)
}

/// Sets one element of a leaf that requires grad, outside the graph and without
/// counting as an in-place modification (the check perturbs and restores it).
private func writeElement(_ element: Tensor, _ value: Double) {
    let version = element.storage.version
    withNoGrad { element.copy(from: Tensor.scalar(value, dtype: element.dtype)) }
    element.storage.restoreVersion(version)
}

import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Adam update shared by ``Adam`` and ``AdamW``, in PyTorch's order of operations
/// (`torch.optim.adam._single_tensor_adam`), so that float32 results match PyTorch's to
/// rounding.
struct AdamAlgorithm {
    var beta1: Double
    var beta2: Double
    var epsilon: Double
    var weightDecay: Double
    var amsgrad: Bool
    /// Weight decay applied to the parameter (AdamW) rather than added to the gradient.
    let decoupled: Bool
    /// Per parameter: the step count and the moment tensors (first, second, max second).
    private var steps: [Int]
    private var moments: [[Tensor]?]

    init(count: Int, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, amsgrad: Bool, decoupled: Bool, operation: String) {
        nablaPrecondition(epsilon >= 0, "\(operation): invalid epsilon \(epsilon)")
        nablaPrecondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "\(operation): invalid betas (\(beta1), \(beta2)); each must be in 0..<1")
        nablaPrecondition(weightDecay >= 0, "\(operation): invalid weight decay \(weightDecay)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupled = decoupled
        steps = Array(repeating: 0, count: count)
        moments = Array(repeating: nil, count: count)
    }

    mutating func step(_ parameters: [Tensor], learningRate: Double, operation: String) {
        for (index, parameter) in parameters.enumerated() where parameter.grad != nil {
            if moments[index] == nil {
                moments[index] = (0..<(amsgrad ? 3 : 2)).map { _ in parameter.zerosLike() }
            }
            steps[index] += 1
            let step = Double(steps[index])
            FusedUpdate.run(parameter, state: moments[index]!, operation: operation,
                            rule: .adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                        weightDecay: weightDecay, decoupled: decoupled, amsgrad: amsgrad,
                                        biasCorrection1: 1 - pow(beta1, step),
                                        biasCorrection2Sqrt: (1 - pow(beta2, step)).squareRoot()))
        }
    }
}

/// Adam (Kingma and Ba, 2014) with PyTorch's update rule (`torch.optim.Adam`), and the
/// AMSGrad variant. For each parameter `p` with gradient `g`, at step `t`:
///
/// ```
/// g = g + weightDecay * p
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// vMax = max(vMax, v)                  (AMSGrad; then v = vMax below)
/// p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// ```
public final class Adam: Optimizer {
    /// The tensors updated.
    public let parameters: [Tensor]
    /// The learning rate.
    public var learningRate: Double
    private var algorithm: AdamAlgorithm

    /// An optimizer for `parameters` with PyTorch's defaults.
    ///
    /// - Parameters:
    ///   - parameters: The tensors to update (each must require gradients).
    ///   - lr: The learning rate.
    ///   - betas: The decay rates of the first and second moment estimates.
    ///   - eps: Added to the denominator for numerical stability.
    ///   - weightDecay: The L2 penalty added to the gradient (coupled, unlike ``AdamW``).
    ///   - amsgrad: Use the running maximum of the second moment (Reddi et al., 2018).
    public init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false) {
        nablaPrecondition(lr >= 0, "Adam: invalid learning rate \(lr)")
        self.parameters = parameters
        learningRate = lr
        algorithm = AdamAlgorithm(count: parameters.count, beta1: betas.0, beta2: betas.1, epsilon: eps, weightDecay: weightDecay,
                                  amsgrad: amsgrad, decoupled: false, operation: "Adam")
    }

    /// Updates every parameter that has a gradient.
    public func step() {
        algorithm.step(parameters, learningRate: learningRate, operation: "Adam.step")
    }
}

/// Adam with decoupled weight decay (Loshchilov and Hutter, 2019), PyTorch's
/// `torch.optim.AdamW`: the parameter shrinks by `lr * weightDecay` before the Adam
/// update, instead of the decay entering the gradient.
public final class AdamW: Optimizer {
    /// The tensors updated.
    public let parameters: [Tensor]
    /// The learning rate.
    public var learningRate: Double
    private var algorithm: AdamAlgorithm

    /// An optimizer for `parameters` with PyTorch's defaults (weight decay 0.01).
    ///
    /// - Parameters:
    ///   - parameters: The tensors to update (each must require gradients).
    ///   - lr: The learning rate.
    ///   - betas: The decay rates of the first and second moment estimates.
    ///   - eps: Added to the denominator for numerical stability.
    ///   - weightDecay: The decoupled weight decay coefficient.
    ///   - amsgrad: Use the running maximum of the second moment.
    public init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        nablaPrecondition(lr >= 0, "AdamW: invalid learning rate \(lr)")
        self.parameters = parameters
        learningRate = lr
        algorithm = AdamAlgorithm(count: parameters.count, beta1: betas.0, beta2: betas.1, epsilon: eps, weightDecay: weightDecay,
                                  amsgrad: amsgrad, decoupled: true, operation: "AdamW")
    }

    /// Updates every parameter that has a gradient.
    public func step() {
        algorithm.step(parameters, learningRate: learningRate, operation: "AdamW.step")
    }
}

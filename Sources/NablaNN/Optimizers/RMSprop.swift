import NablaKernelsCore
/// RMSprop (Hinton, 2012) with PyTorch's update rule (`torch.optim.RMSprop`), optionally
/// centered and with momentum. For each parameter `p` with gradient `g`:
///
/// ```
/// g = g + weightDecay * p
/// s = alpha * s + (1 - alpha) * g^2
/// a = alpha * a + (1 - alpha) * g              (centered)
/// d = sqrt(s - a^2) + eps   (centered)   or   sqrt(s) + eps
/// b = momentum * b + g / d;  p = p - lr * b     (momentum > 0)
/// p = p - lr * g / d                             (otherwise)
/// ```
public final class RMSprop: Optimizer {
    /// The tensors updated.
    public let parameters: [Tensor]
    /// The learning rate.
    public var learningRate: Double
    /// The smoothing constant of the squared-gradient average.
    public let alpha: Double
    /// Added to the denominator for numerical stability.
    public let epsilon: Double
    /// The L2 penalty added to the gradient.
    public let weightDecay: Double
    /// The momentum factor.
    public let momentum: Double
    /// Whether the squared average is centered by the gradient's running mean.
    public let centered: Bool
    /// Per parameter: the square average, then the momentum buffer and the gradient
    /// average when used.
    private var state: [[Tensor]?]

    /// An optimizer for `parameters` with PyTorch's defaults.
    public init(_ parameters: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                momentum: Double = 0, centered: Bool = false) {
        nablaPrecondition(lr >= 0, "RMSprop: invalid learning rate \(lr)")
        nablaPrecondition(alpha >= 0, "RMSprop: invalid alpha \(alpha)")
        nablaPrecondition(eps >= 0, "RMSprop: invalid epsilon \(eps)")
        nablaPrecondition(momentum >= 0, "RMSprop: invalid momentum \(momentum)")
        nablaPrecondition(weightDecay >= 0, "RMSprop: invalid weight decay \(weightDecay)")
        self.parameters = parameters
        learningRate = lr
        self.alpha = alpha
        epsilon = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        state = Array(repeating: nil, count: parameters.count)
    }

    /// Updates every parameter that has a gradient.
    public func step() {
        let buffers = 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0)
        for (index, parameter) in parameters.enumerated() where parameter.grad != nil {
            if state[index] == nil { state[index] = (0..<buffers).map { _ in parameter.zerosLike() } }
            FusedUpdate.run(parameter, state: state[index]!, operation: "RMSprop.step",
                            rule: .rmsprop(learningRate: learningRate, alpha: alpha, epsilon: epsilon,
                                           weightDecay: weightDecay, momentum: momentum, centered: centered))
        }
    }
}

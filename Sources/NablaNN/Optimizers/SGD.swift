import NablaKernelsCore
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight
/// decay, with PyTorch's update rule (`torch.optim.SGD`). For each parameter `p` with
/// gradient `g`:
///
/// ```
/// g = g + weightDecay * p
/// b = g                                       (first step)
/// b = momentum * b + (1 - dampening) * g      (later steps)
/// g = nesterov ? g + momentum * b : b         (when momentum != 0)
/// p = p - lr * g
/// ```
public final class SGD: Optimizer {
    /// The tensors updated.
    public let parameters: [Tensor]
    /// The learning rate.
    public var learningRate: Double
    /// The momentum factor (0 for plain SGD).
    public var momentum: Double
    /// The dampening of the gradient's contribution to the momentum buffer.
    public var dampening: Double
    /// The L2 penalty added to the gradient.
    public var weightDecay: Double
    /// Whether to use Nesterov momentum.
    public var nesterov: Bool
    /// The momentum buffers, created at each parameter's first update.
    private var momentumBuffers: [Tensor?]

    /// An optimizer for `parameters`.
    ///
    /// Nesterov momentum needs a positive momentum and no dampening, as in PyTorch.
    public init(_ parameters: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        nablaPrecondition(lr >= 0, "SGD: invalid learning rate \(lr)")
        nablaPrecondition(momentum >= 0, "SGD: invalid momentum \(momentum)")
        nablaPrecondition(weightDecay >= 0, "SGD: invalid weight decay \(weightDecay)")
        nablaPrecondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.parameters = parameters
        learningRate = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    /// Updates every parameter that has a gradient.
    public func step() {
        for (index, parameter) in parameters.enumerated() where parameter.grad != nil {
            var state: [Tensor] = []
            var isFirstStep = false
            if momentum != 0 {
                if momentumBuffers[index] == nil {
                    momentumBuffers[index] = parameter.zerosLike()
                    isFirstStep = true
                }
                state = [momentumBuffers[index]!]
            }
            FusedUpdate.run(parameter, state: state, operation: "SGD.step",
                            rule: .sgd(learningRate: learningRate, weightDecay: weightDecay, momentum: momentum,
                                       dampening: dampening, nesterov: nesterov, isFirstStep: isFirstStep))
        }
    }
}

import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Changes an optimizer's learning rate as training goes on (PyTorch's
/// `torch.optim.lr_scheduler.LRScheduler`). Call ``step()`` once per epoch, after the
/// optimizer's steps.
public protocol LRScheduler: AnyObject {
    /// The optimizer whose ``Optimizer/learningRate`` is set.
    var optimizer: any Optimizer { get }
    /// The number of ``step()`` calls so far (PyTorch's `last_epoch`).
    var epoch: Int { get }
    /// Advances one epoch and sets the optimizer's learning rate for it.
    func step()
}

extension LRScheduler {
    /// The learning rate set by the last ``step()`` (PyTorch's `get_last_lr()`).
    public var lastLearningRate: Double { optimizer.learningRate }
}

/// Multiplies the learning rate by `gamma` every `stepSize` epochs (PyTorch's `StepLR`):
/// `lr = initial * gamma^(epoch / stepSize)`.
public final class StepLR: LRScheduler {
    /// The optimizer whose learning rate is set.
    public let optimizer: any Optimizer
    /// The number of epochs between decays.
    public let stepSize: Int
    /// The factor applied at each decay.
    public let gamma: Double
    /// The number of ``step()`` calls so far.
    public private(set) var epoch = 0

    /// A schedule starting from the optimizer's current learning rate.
    public init(_ optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1) {
        nablaPrecondition(stepSize > 0, "StepLR: stepSize must be positive, got \(stepSize)")
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// Advances one epoch, decaying the learning rate when a period ends.
    public func step() {
        epoch += 1
        // PyTorch's recursive form: other changes to the rate between steps are kept.
        if epoch % stepSize == 0 { optimizer.learningRate *= gamma }
    }
}

/// Cosine annealing from the initial learning rate down to `etaMin` over `tMax` epochs
/// (PyTorch's `CosineAnnealingLR`, SGDR without restarts):
/// `lr = etaMin + (initial - etaMin) (1 + cos(pi epoch / tMax)) / 2`. Past `tMax` the
/// rate climbs back along the cosine, as PyTorch's does.
public final class CosineAnnealingLR: LRScheduler {
    /// The optimizer whose learning rate is set.
    public let optimizer: any Optimizer
    /// The number of epochs of a half period.
    public let tMax: Int
    /// The minimum learning rate.
    public let etaMin: Double
    /// The learning rate the schedule started from.
    public let initialLearningRate: Double
    /// The number of ``step()`` calls so far.
    public private(set) var epoch = 0

    /// A schedule starting from the optimizer's current learning rate.
    public init(_ optimizer: any Optimizer, tMax: Int, etaMin: Double = 0) {
        nablaPrecondition(tMax > 0, "CosineAnnealingLR: tMax must be positive, got \(tMax)")
        self.optimizer = optimizer
        self.tMax = tMax
        self.etaMin = etaMin
        initialLearningRate = optimizer.learningRate
    }

    /// Advances one epoch along the cosine.
    public func step() {
        epoch += 1
        // PyTorch's recursive form, which keeps changes made to the rate between steps.
        let t = Double(epoch), period = Double(tMax)
        let lr = optimizer.learningRate
        if (epoch - 1 - tMax) % (2 * tMax) == 0 {
            optimizer.learningRate = lr + (initialLearningRate - etaMin) * (1 - cos(Double.pi / period)) / 2
        } else {
            optimizer.learningRate = (1 + cos(Double.pi * t / period)) / (1 + cos(Double.pi * (t - 1) / period)) * (lr - etaMin) + etaMin
        }
    }
}

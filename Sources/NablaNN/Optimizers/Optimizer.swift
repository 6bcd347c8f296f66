import NablaKernels
import NablaKernelsCore
/// An algorithm that updates parameters from their gradients (PyTorch's
/// `torch.optim.Optimizer`).
///
/// The loop is PyTorch's:
///
/// ```swift
/// let optimizer = Adam(model.parameters(), lr: 1e-3)
/// for (x, y) in batches {
///     optimizer.zeroGrad()
///     let loss = CrossEntropyLoss()(model(x), y)
///     loss.backward()
///     optimizer.step()
/// }
/// ```
///
/// Parameters whose ``Nabla/Tensor/grad`` is nil (frozen ones, or ones the loss does not
/// reach) are skipped, as PyTorch skips them. Each update is one fused loop over the
/// parameter's memory, run without recording gradients, so it neither builds a graph
/// nor disturbs the next forward pass.
public protocol Optimizer: AnyObject {
    /// The tensors ``step()`` updates, in order.
    var parameters: [Tensor] { get }
    /// The learning rate the next ``step()`` uses; schedulers set it.
    var learningRate: Double { get set }
    /// Updates every parameter that has a gradient.
    func step()
}

extension Optimizer {
    /// Resets every parameter's gradient to nil (PyTorch's `zero_grad()`, which sets
    /// gradients to `None` by default).
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }
}

/// One parameter update as one fused kernel call (``OptimizerRule`` on the process's
/// instruction set, `FusedOptimizer` in NablaKernels): the parameter, its gradient and the
/// optimizer's state tensors are read and written once, with no temporary tensors.
enum FusedUpdate {
    /// Applies `rule` to `parameter` with its gradient and `state` (the rule's state
    /// tensors, in its order). Parameters without a gradient are skipped. Large
    /// parameters are split in contiguous slices over the threads, one per 2^17 elements
    /// read or written (some 15 microseconds); the update is element-wise, so the result
    /// does not depend on the split.
    static func run(_ parameter: Tensor, state: [Tensor], operation: String, rule: OptimizerRule) {
        guard let gradient = parameter.grad, parameter.numel > 0 else { return }
        withNoGrad {
            switch parameter.dtype {
            case .float32: withPointers(parameter, gradient.to(.float32), state, as: Float.self) { p, g, s, range in
                FusedOptimizer.update(rule, parameter: p + range.lowerBound, gradient: g + range.lowerBound,
                                      state: s.map { $0 + range.lowerBound }, count: range.count)
            }
            case .float64: withPointers(parameter, gradient.to(.float64), state, as: Double.self) { p, g, s, range in
                FusedOptimizer.update(rule, parameter: p + range.lowerBound, gradient: g + range.lowerBound,
                                      state: s.map { $0 + range.lowerBound }, count: range.count)
            }
            default: nablaPreconditionFailure("\(operation): parameters must be float32 or float64, got a \(parameter.dtype) tensor of shape \(parameter.shape)")
            }
        }
    }

    /// Calls `body` with the memory of the parameter, gradient and state tensors and one
    /// slice of the elements per task.
    private static func withPointers<T: TensorElement>(
        _ parameter: Tensor, _ gradient: Tensor, _ state: [Tensor], as _: T.Type,
        _ body: (UnsafeMutablePointer<T>, UnsafePointer<T>, [UnsafeMutablePointer<T>], Range<Int>) -> Void
    ) {
        parameter.withUnsafeMutableBufferPointer(as: T.self) { p in
            gradient.withUnsafeBufferPointer(as: T.self) { g in
                withStatePointers(state[...], collected: []) { (s: [UnsafeMutablePointer<T>]) in
                    let count = p.count
                    let tasks = Parallel.taskCount(work: count * (2 + s.count), grain: 1 << 17)
                    guard tasks > 1 else { return body(p.baseAddress!, g.baseAddress!, s, 0..<count) }
                    Parallel.run(tasks) { task in
                        body(p.baseAddress!, g.baseAddress!, s, Parallel.slice(count, tasks: tasks, task: task))
                    }
                }
            }
        }
    }

    /// Opens the state tensors' memory one inside the other, so every pointer stays
    /// valid while `body` runs.
    private static func withStatePointers<T: TensorElement>(_ rest: ArraySlice<Tensor>, collected: [UnsafeMutablePointer<T>],
                                                            _ body: ([UnsafeMutablePointer<T>]) -> Void) {
        guard let first = rest.first else { return body(collected) }
        first.withUnsafeMutableBufferPointer(as: T.self) { buffer in
            withStatePointers(rest.dropFirst(), collected: collected + [buffer.baseAddress!], body)
        }
    }
}

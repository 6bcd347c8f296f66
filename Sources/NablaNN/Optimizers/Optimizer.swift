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

/// The memory of one parameter update: the parameter, its gradient and the optimizer's
/// state tensors for it, as typed pointers, so that the update is one loop with no
/// temporary tensors.
enum FusedUpdate {
    /// Calls `float` or `double` (by the parameter's dtype) with the parameter's elements,
    /// its gradient's elements, one pointer per state tensor, and the element count.
    /// Parameters without a gradient are skipped. Runs in a no-grad scope.
    static func run(_ parameter: Tensor, state: [Tensor], operation: String,
                    float: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>], Int) -> Void,
                    double: (UnsafeMutablePointer<Double>, UnsafePointer<Double>, [UnsafeMutablePointer<Double>], Int) -> Void) {
        guard let gradient = parameter.grad, parameter.numel > 0 else { return }
        withNoGrad {
            switch parameter.dtype {
            case .float32: withPointers(parameter, gradient.to(.float32), state, as: Float.self, float)
            case .float64: withPointers(parameter, gradient.to(.float64), state, as: Double.self, double)
            default: nablaPreconditionFailure("\(operation): parameters must be float32 or float64, got a \(parameter.dtype) tensor of shape \(parameter.shape)")
            }
        }
    }

    private static func withPointers<T: TensorElement>(_ parameter: Tensor, _ gradient: Tensor, _ state: [Tensor], as _: T.Type,
                                                       _ body: (UnsafeMutablePointer<T>, UnsafePointer<T>, [UnsafeMutablePointer<T>], Int) -> Void) {
        parameter.withUnsafeMutableBufferPointer(as: T.self) { p in
            gradient.withUnsafeBufferPointer(as: T.self) { g in
                withStatePointers(state[...], collected: []) { (s: [UnsafeMutablePointer<T>]) in
                    // The update is element-wise: large parameters are split in contiguous
                    // slices over the threads, one per 2^17 elements read or written (some
                    // 15 microseconds).
                    let count = p.count
                    let tasks = Parallel.taskCount(work: count * (2 + s.count), grain: 1 << 17)
                    guard tasks > 1 else { return body(p.baseAddress!, g.baseAddress!, s, count) }
                    Parallel.run(tasks) { task in
                        let range = Parallel.slice(count, tasks: tasks, task: task)
                        body(p.baseAddress! + range.lowerBound, g.baseAddress! + range.lowerBound,
                             s.map { $0 + range.lowerBound }, range.count)
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

/// The element types the fused updates run on, with the vector they are computed in:
/// eight lanes, so that the baseline x86-64 build uses SSE registers in pairs and the
/// loops never fall back to scalar `sqrtf` calls.
typealias FusedScalar = BinaryFloatingPoint & SIMDScalar

extension FusedUpdate {
    /// Eight lanes of `T`.
    typealias Lanes<T: FusedScalar> = SIMD8<T>

    /// Runs `body(offset, lanes)` over `0..<count` eight elements at a time, the last call
    /// with the remaining `lanes < 8`.
    @inline(__always)
    static func forEachChunk(_ count: Int, _ body: (Int, Int) -> Void) {
        var offset = 0
        while offset + 8 <= count {
            body(offset, 8)
            offset += 8
        }
        if offset < count { body(offset, count - offset) }
    }

    /// The `lanes` elements at `pointer + offset` (zeros beyond them).
    @inline(__always)
    static func load<T: FusedScalar>(_ pointer: UnsafePointer<T>, _ offset: Int, _ lanes: Int) -> Lanes<T> {
        if lanes == 8 { return UnsafeRawPointer(pointer + offset).loadUnaligned(as: Lanes<T>.self) }
        var vector = Lanes<T>()
        for k in 0..<lanes { vector[k] = pointer[offset + k] }
        return vector
    }

    /// ``load(_:_:_:)`` from a mutable pointer.
    @inline(__always)
    static func load<T: FusedScalar>(_ pointer: UnsafeMutablePointer<T>, _ offset: Int, _ lanes: Int) -> Lanes<T> {
        load(UnsafePointer(pointer), offset, lanes)
    }

    /// Writes the first `lanes` elements of `vector` at `pointer + offset`.
    @inline(__always)
    static func store<T: FusedScalar>(_ vector: Lanes<T>, _ pointer: UnsafeMutablePointer<T>, _ offset: Int, _ lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(pointer + offset).storeBytes(of: vector, as: Lanes<T>.self)
            return
        }
        for k in 0..<lanes { pointer[offset + k] = vector[k] }
    }
}

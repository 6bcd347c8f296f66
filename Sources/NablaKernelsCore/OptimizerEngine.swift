/// One step of an optimizer's update rule, with the step's constants: what
/// ``OptimizerEngine`` applies to a parameter, its gradient and its state tensors in one
/// pass. The rules are PyTorch's (`torch.optim`), in its order of operations.
@usableFromInline package enum OptimizerRule: Sendable {
    /// SGD: `d = g + weightDecay * p`; with momentum, `b = d` on the first step and
    /// `b = momentum * b + (1 - dampening) * d` after, `d = d + momentum * b` (Nesterov) or
    /// `d = b`; then `p -= learningRate * d`. State: the momentum buffer when momentum is
    /// not 0.
    case sgd(learningRate: Double, weightDecay: Double, momentum: Double, dampening: Double,
             nesterov: Bool, isFirstStep: Bool)
    /// Adam and AdamW: state `m`, `v` and, with AMSGrad, the running maximum of `v`.
    /// `biasCorrection1` is `1 - beta1^t`, `biasCorrection2Sqrt` is `sqrt(1 - beta2^t)`.
    case adam(learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double,
              decoupled: Bool, amsgrad: Bool, biasCorrection1: Double, biasCorrection2Sqrt: Double)
    /// RMSprop: state the square average, then the momentum buffer (momentum > 0) and the
    /// gradient average (centered).
    case rmsprop(learningRate: Double, alpha: Double, epsilon: Double, weightDecay: Double,
                 momentum: Double, centered: Bool)

    /// The number of state tensors the rule reads and writes.
    @inlinable package var stateCount: Int {
        switch self {
        case let .sgd(_, _, momentum, _, _, _): momentum != 0 ? 1 : 0
        case let .adam(_, _, _, _, _, _, amsgrad, _, _): amsgrad ? 3 : 2
        case let .rmsprop(_, _, _, _, momentum, centered): 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0)
        }
    }
}

/// The fused optimizer updates on one instruction-set target's vectors: a parameter's
/// elements, its gradient's and its state's, read once and written once, in the
/// target's widest vectors (the optimizers' own module is compiled for the baseline CPU,
/// where Adam's square root and division ran four lanes at a time).
///
/// The result of every element depends only on that element, so a caller may split a
/// parameter into slices (and threads) freely. `ISA` names the specialisations after the
/// target (DESIGN.md's ISA rule).
@usableFromInline package enum OptimizerEngine<ISA: MultiplyAddStrategy> {
    /// Applies `rule` to `count` elements. `state` holds ``OptimizerRule/stateCount``
    /// pointers, in the order the rule documents.
    @inlinable
    package static func update<V: FloatVector>(
        _ rule: OptimizerRule, parameter p: UnsafeMutablePointer<V.Scalar>, gradient g: UnsafePointer<V.Scalar>,
        state: [UnsafeMutablePointer<V.Scalar>], count: Int, vector: V.Type
    ) {
        nablaPrecondition(state.count == rule.stateCount, "optimizer update: \(state.count) state tensors for a rule that needs \(rule.stateCount)")
        // The rule's pointers in one list: parameter, gradient, then its state in order.
        let pointers = [p, UnsafeMutablePointer(mutating: g)] + state
        switch rule {
        case let .sgd(learningRate, weightDecay, momentum, dampening, nesterov, isFirstStep):
            forEachVector(count, pointers, V.self) { a, vectors in
                sgdLoop(a[0], a[1], momentum != 0 ? a[2] : nil, vectors, V.self,
                        lr: V.Scalar(learningRate), decay: V.Scalar(weightDecay), momentum: V.Scalar(momentum),
                        keep: V.Scalar(1 - dampening), nesterov: nesterov, first: isFirstStep)
            }
        case let .adam(learningRate, beta1, beta2, epsilon, weightDecay, decoupled, amsgrad, correction1, correction2Sqrt):
            forEachVector(count, pointers, V.self) { a, vectors in
                adamLoop(a[0], a[1], a[2], a[3], amsgrad ? a[4] : nil, vectors, V.self,
                         beta1Complement: V.Scalar(1 - beta1), beta2: V.Scalar(beta2), beta2Complement: V.Scalar(1 - beta2),
                         decay: V.Scalar(weightDecay), shrink: V.Scalar(1 - learningRate * weightDecay), decoupled: decoupled,
                         stepSize: V.Scalar(learningRate / correction1), correction2: V.Scalar(correction2Sqrt),
                         eps: V.Scalar(epsilon))
            }
        case let .rmsprop(learningRate, alpha, epsilon, weightDecay, momentum, centered):
            forEachVector(count, pointers, V.self) { a, vectors in
                rmspropLoop(a[0], a[1], a[2], momentum > 0 ? a[3] : nil, centered ? a[momentum > 0 ? 4 : 3] : nil, vectors, V.self,
                            alpha: V.Scalar(alpha), complement: V.Scalar(1 - alpha), eps: V.Scalar(epsilon),
                            decay: V.Scalar(weightDecay), momentum: V.Scalar(momentum), lr: V.Scalar(learningRate))
            }
        }
    }

    /// Runs `loop(pointers, vectors)` over the whole vectors of `count` elements, then
    /// once more over vector-sized copies of the ragged end (zero-padded, copied back
    /// except the gradient, pointer 1, which the rules only read). `loop` is one
    /// out-of-line function whose body is full-vector code only: with partial loads in
    /// the same body, or the body as a closure called per vector, the compiler split the
    /// vectors and called the math out of line.
    @inlinable @inline(__always)
    static func forEachVector<V: FloatVector>(
        _ count: Int, _ pointers: [UnsafeMutablePointer<V.Scalar>], _: V.Type,
        _ loop: ([UnsafeMutablePointer<V.Scalar>], Int) -> Void
    ) {
        let w = V.scalarCount
        let vectors = count / w
        if vectors > 0 { loop(pointers, vectors) }
        let start = vectors &* w
        let rest = count &- start
        guard rest > 0 else { return }
        withUnsafeTemporaryAllocation(of: V.Scalar.self, capacity: w &* pointers.count) { scratch in
            let base = scratch.baseAddress!
            var copies: [UnsafeMutablePointer<V.Scalar>] = []
            for (k, pointer) in pointers.enumerated() {
                let copy = base + k &* w
                copy.initialize(repeating: 0, count: w)
                copy.update(from: pointer + start, count: rest)
                copies.append(copy)
            }
            loop(copies, 1)
            for (k, pointer) in pointers.enumerated() where k != 1 {
                pointer.advanced(by: start).update(from: copies[k], count: rest)
            }
        }
    }

    @inlinable @inline(__always)
    static func load<V: FloatVector>(_ p: UnsafeMutablePointer<V.Scalar>, _: V.Type) -> V {
        ISAMemory<ISA>.load(UnsafeRawPointer(p), as: V.self)
    }

    @inlinable @inline(__always)
    static func store<V: FloatVector>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) {
        ISAMemory<ISA>.store(v, to: UnsafeMutableRawPointer(p))
    }

    @inlinable @inline(never)
    static func sgdLoop<V: FloatVector>(
        _ p: UnsafeMutablePointer<V.Scalar>, _ g: UnsafeMutablePointer<V.Scalar>, _ buffer: UnsafeMutablePointer<V.Scalar>?,
        _ vectors: Int, _: V.Type,
        lr: V.Scalar, decay: V.Scalar, momentum: V.Scalar, keep: V.Scalar, nesterov: Bool, first: Bool
    ) {
        let w = V.scalarCount
        for k in 0..<vectors {
            let i = k &* w
            var d: V = load(g + i, V.self)
            if decay != 0 { d += decay * load(p + i, V.self) }
            var step = d
            if let buffer {
                let b = first ? d : momentum * load(buffer + i, V.self) + keep * d
                store(b, buffer + i)
                step = nesterov ? d + momentum * b : b
            }
            store(load(p + i, V.self) - lr * step, p + i)
        }
    }

    @inlinable @inline(never)
    static func adamLoop<V: FloatVector>(
        _ p: UnsafeMutablePointer<V.Scalar>, _ g: UnsafeMutablePointer<V.Scalar>,
        _ m: UnsafeMutablePointer<V.Scalar>, _ v: UnsafeMutablePointer<V.Scalar>, _ vMax: UnsafeMutablePointer<V.Scalar>?,
        _ vectors: Int, _: V.Type,
        beta1Complement: V.Scalar, beta2: V.Scalar, beta2Complement: V.Scalar, decay: V.Scalar, shrink: V.Scalar,
        decoupled: Bool, stepSize: V.Scalar, correction2: V.Scalar, eps: V.Scalar
    ) {
        let w = V.scalarCount
        for k in 0..<vectors {
            let i = k &* w
            var gradient: V = load(g + i, V.self)
            var parameter: V = load(p + i, V.self)
            if decay != 0 {
                if decoupled { parameter *= shrink } else { gradient += decay * parameter }
            }
            // lerp(m, g, 1 - beta1), as PyTorch writes it for weights below 0.5.
            var first: V = load(m + i, V.self)
            first += beta1Complement * (gradient - first)
            store(first, m + i)
            var second = load(v + i, V.self) * beta2 + beta2Complement * gradient * gradient
            store(second, v + i)
            if let vMax {
                // `maximum`'s rule: the larger lane, the new one where the old is NaN.
                let old: V = load(vMax + i, V.self)
                second = lanesMax(old, second).blended(with: second, where: V.lanesNotEqual(old, old))
                store(second, vMax + i)
            }
            let denominator = VectorMath.squareRoot(second, ISA.self) / correction2 + eps
            parameter -= stepSize * (first / denominator)
            store(parameter, p + i)
        }
    }

    @inlinable @inline(never)
    static func rmspropLoop<V: FloatVector>(
        _ p: UnsafeMutablePointer<V.Scalar>, _ g: UnsafeMutablePointer<V.Scalar>,
        _ square: UnsafeMutablePointer<V.Scalar>, _ buffer: UnsafeMutablePointer<V.Scalar>?,
        _ average: UnsafeMutablePointer<V.Scalar>?, _ vectors: Int, _: V.Type,
        alpha: V.Scalar, complement: V.Scalar, eps: V.Scalar, decay: V.Scalar, momentum: V.Scalar, lr: V.Scalar
    ) {
        let w = V.scalarCount
        for k in 0..<vectors {
            let i = k &* w
            var gradient: V = load(g + i, V.self)
            var parameter: V = load(p + i, V.self)
            if decay != 0 { gradient += decay * parameter }
            let squares = load(square + i, V.self) * alpha + complement * gradient * gradient
            store(squares, square + i)
            var denominator: V
            if let average {
                var mean: V = load(average + i, V.self)
                mean += complement * (gradient - mean)
                store(mean, average + i)
                denominator = VectorMath.squareRoot(squares - mean * mean, ISA.self)
            } else {
                denominator = VectorMath.squareRoot(squares, ISA.self)
            }
            denominator += eps
            if let buffer {
                let b = load(buffer + i, V.self) * momentum + gradient / denominator
                store(b, buffer + i)
                parameter -= lr * b
            } else {
                parameter -= lr * (gradient / denominator)
            }
            store(parameter, p + i)
        }
    }
}

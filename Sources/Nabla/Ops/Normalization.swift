import NablaKernels

// Batch, layer and group normalisation (PyTorch's `F.batch_norm`, `F.layer_norm` and
// `F.group_norm`) on fused kernels, written once for Float and Double.
//
// Every kernel sees a contiguous tensor as `[outer, channels, inner]`:
// - batch norm: `[N, C, H*W...]`, statistics per channel;
// - layer norm: `[rows, D, 1]`, statistics per row of `D = prod(normalizedShape)` elements;
// - group norm: `[N, C, H*W...]`, statistics per (sample, group), i.e. per row of
//   `C / G * H*W...` contiguous elements.
// Statistics are accumulated in Double, shifted by the group's first element (one pass,
// without the cancellation of raw sums of squares). Forward: one statistics pass, one
// normalising pass. Backward: one reduction pass, one pass writing the input's gradient
// from the closed-form expression, and (when the affine parameters need gradients) one
// per-channel reduction.

/// A contiguous tensor seen as `[outer, channels, inner]`.
private struct NormLayout {
    let outer: Int
    let channels: Int
    let inner: Int
    var numel: Int { outer * channels * inner }
}

/// The normalisation kernels. Work is split with ``Parallel`` over channels (reductions),
/// over rows (layer and group norm) or over `(n, c)` segments (element-wise passes).
private enum NormKernels {
    /// Elements per task below which a pass stays on one thread.
    static let grain = 1 << 15

    /// `(Σ (x - origin), Σ (x - origin)^2)` over `count` contiguous elements, in Double,
    /// with four independent accumulators so that the loop vectorises.
    @inline(__always)
    static func shiftedSums<T: FloatElement>(_ x: UnsafePointer<T>, count: Int, origin: Double) -> (Double, Double) {
        var a = SIMD4<Double>(repeating: 0), b = SIMD4<Double>(repeating: 0)
        let o = SIMD4<Double>(repeating: origin)
        var i = 0
        while i + 4 <= count {
            let d = SIMD4<Double>(Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3])) - o
            a += d
            b += d * d
            i += 4
        }
        var sa = a.sum(), sb = b.sum()
        while i < count {
            let d = Double(x[i]) - origin
            sa += d
            sb += d * d
            i += 1
        }
        return (sa, sb)
    }

    /// `(Σ g * w, Σ g * w * (x - mean))` over `count` contiguous elements, in Double, with
    /// `w` read element by element (1 when nil).
    @inline(__always)
    static func gradientSums<T: FloatElement>(_ g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>?,
                                              count: Int, mean: Double) -> (Double, Double) {
        var a = SIMD4<Double>(repeating: 0), b = SIMD4<Double>(repeating: 0)
        let m = SIMD4<Double>(repeating: mean)
        var i = 0
        if let w {
            while i + 4 <= count {
                let gw = SIMD4<Double>(Double(g[i]), Double(g[i + 1]), Double(g[i + 2]), Double(g[i + 3]))
                    * SIMD4<Double>(Double(w[i]), Double(w[i + 1]), Double(w[i + 2]), Double(w[i + 3]))
                a += gw
                b += gw * (SIMD4<Double>(Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3])) - m)
                i += 4
            }
        } else {
            while i + 4 <= count {
                let gv = SIMD4<Double>(Double(g[i]), Double(g[i + 1]), Double(g[i + 2]), Double(g[i + 3]))
                a += gv
                b += gv * (SIMD4<Double>(Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3])) - m)
                i += 4
            }
        }
        var sa = a.sum(), sb = b.sum()
        while i < count {
            let gi = Double(g[i]) * (w.map { Double($0[i]) } ?? 1)
            sa += gi
            sb += gi * (Double(x[i]) - mean)
            i += 1
        }
        return (sa, sb)
    }

    /// Per-channel mean and biased variance of `x` (batch norm's batch statistics).
    static func channelMoments<T: FloatElement>(_ x: UnsafePointer<T>, _ layout: NormLayout,
                                                mean: UnsafeMutablePointer<Double>, variance: UnsafeMutablePointer<Double>) {
        let channels = layout.channels, outer = layout.outer, inner = layout.inner
        let count = Double(outer * inner)
        let tasks = min(channels, Parallel.taskCount(work: layout.numel, grain: grain))
        Parallel.run(tasks) { task in
            let range = Parallel.slice(channels, tasks: tasks, task: task)
            let width = range.count
            guard width > 0 else { return }
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 3 * width)
            defer { scratch.deallocate() }
            let shift = scratch, s1 = scratch + width, s2 = scratch + 2 * width
            for k in 0..<width {
                shift[k] = Double(x[(range.lowerBound + k) * inner])
                s1[k] = 0
                s2[k] = 0
            }
            for n in 0..<outer {
                let rowStart = x + n * channels * inner + range.lowerBound * inner
                if inner == 1 {
                    for k in 0..<width {
                        let d = Double(rowStart[k]) - shift[k]
                        s1[k] += d
                        s2[k] += d * d
                    }
                    continue
                }
                for k in 0..<width {
                    let (a, b) = shiftedSums(rowStart + k * inner, count: inner, origin: shift[k])
                    s1[k] += a
                    s2[k] += b
                }
            }
            for k in 0..<width {
                let offset = s1[k] / count
                mean[range.lowerBound + k] = shift[k] + offset
                variance[range.lowerBound + k] = Swift.max(0, (s2[k] - s1[k] * offset) / count)
            }
        }
    }

    /// `out[n, c, i] = u[n, c, i] * a[c] + v[n, c, i] * b[c] + d[c]` (the `v` term only
    /// when `v` is given): the normalising pass forward and the input's gradient backward.
    static func channelAffine<T: FloatElement>(_ u: UnsafePointer<T>, _ v: UnsafePointer<T>?, _ layout: NormLayout,
                                               a: [T], b: [T], d: [T], into out: UnsafeMutablePointer<T>) {
        let channels = layout.channels, inner = layout.inner
        let segments = layout.outer * channels
        let tasks = min(segments, Parallel.taskCount(work: layout.numel, grain: grain))
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                d.withUnsafeBufferPointer { d in
                    Parallel.run(tasks) { task in
                        for segment in Parallel.slice(segments, tasks: tasks, task: task) {
                            let c = segment % channels, start = segment * inner
                            let ac = a[c], dc = d[c]
                            if let v {
                                let bc = b[c]
                                for i in start..<(start + inner) { out[i] = u[i] * ac + v[i] * bc + dc }
                            } else {
                                for i in start..<(start + inner) { out[i] = u[i] * ac + dc }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Per channel `c`: `sumG[c] = Σ g` and `sumGXHat[c] = Σ g * (x - mean[s]) * rstd[s]`
    /// over `n` and `i`, where the statistics index is
    /// `s = n * statsPerOuter + c / channelsPerStat` (batch norm: `0`, `1`; layer and
    /// group norm: their groups per sample and channels per group).
    static func channelGradientSums<T: FloatElement>(_ g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ layout: NormLayout,
                                                     mean: [Double], rstd: [Double], statsPerOuter: Int, channelsPerStat: Int,
                                                     sumG: UnsafeMutablePointer<Double>, sumGXHat: UnsafeMutablePointer<Double>) {
        let channels = layout.channels, outer = layout.outer, inner = layout.inner
        let tasks = min(channels, Parallel.taskCount(work: layout.numel, grain: grain))
        mean.withUnsafeBufferPointer { mean in
            rstd.withUnsafeBufferPointer { rstd in
                Parallel.run(tasks) { task in
                    let range = Parallel.slice(channels, tasks: tasks, task: task)
                    for c in range {
                        sumG[c] = 0
                        sumGXHat[c] = 0
                    }
                    for n in 0..<outer {
                        if inner == 1 && channelsPerStat == channels {
                            // Layer norm: one row of statistics per n, the channels contiguous.
                            let s = n * statsPerOuter, m = mean[s], rs = rstd[s]
                            let start = n * channels
                            for c in range {
                                let gi = Double(g[start + c])
                                sumG[c] += gi
                                sumGXHat[c] += gi * (Double(x[start + c]) - m) * rs
                            }
                            continue
                        }
                        for c in range {
                            let s = n * statsPerOuter + c / channelsPerStat
                            let start = (n * channels + c) * inner
                            let (a, b) = gradientSums(g + start, x + start, nil, count: inner, mean: mean[s])
                            sumG[c] += a
                            sumGXHat[c] += b * rstd[s]
                        }
                    }
                }
            }
        }
    }

    /// Layer and group norm forward: each of `rows` rows holds `channelsPerRow * inner`
    /// contiguous elements; row `r`'s channel `c` takes the affine parameters at
    /// `(r % groups) * channelsPerRow + c`. Writes the rows' means and `1 / sqrt(var + eps)`.
    static func rowForward<T: FloatElement>(_ x: UnsafePointer<T>, into out: UnsafeMutablePointer<T>, rows: Int,
                                            channelsPerRow: Int, inner: Int, groups: Int,
                                            weight: [T]?, bias: [T]?, eps: Double,
                                            mean: UnsafeMutablePointer<Double>, rstd: UnsafeMutablePointer<Double>) {
        let length = channelsPerRow * inner
        let count = Double(length)
        let tasks = min(rows, Parallel.taskCount(work: rows * length, grain: grain))
        withOptionalBuffers(weight, bias) { weight, bias in
            Parallel.run(tasks) { task in
                for r in Parallel.slice(rows, tasks: tasks, task: task) {
                    let row = x + r * length, result = out + r * length
                    guard length > 0 else {
                        mean[r] = .nan
                        rstd[r] = .nan
                        continue
                    }
                    let origin = Double(row[0])
                    let (s1, s2) = shiftedSums(row, count: length, origin: origin)
                    let offset = s1 / count
                    let m = origin + offset
                    let variance = Swift.max(0, (s2 - s1 * offset) / count)
                    let rs = 1 / (variance + eps).squareRoot()
                    mean[r] = m
                    rstd[r] = rs
                    let scale = T(rs), shift = T(-m * rs)
                    if weight == nil && bias == nil {
                        for i in 0..<length { result[i] = row[i] * scale + shift }
                        continue
                    }
                    let firstChannel = (r % groups) * channelsPerRow
                    if inner == 1 {
                        // Layer norm: a weight and a bias per element.
                        let w = weight?.baseAddress.map { $0 + firstChannel }, b = bias?.baseAddress.map { $0 + firstChannel }
                        if let w, let b {
                            for i in 0..<length { result[i] = (row[i] * scale + shift) * w[i] + b[i] }
                        } else if let w {
                            for i in 0..<length { result[i] = (row[i] * scale + shift) * w[i] }
                        } else if let b {
                            for i in 0..<length { result[i] = row[i] * scale + shift + b[i] }
                        }
                        continue
                    }
                    for c in 0..<channelsPerRow {
                        let w = weight?[firstChannel + c] ?? 1, b = bias?[firstChannel + c] ?? 0
                        let a = scale * w, d = shift * w + b
                        let start = c * inner
                        for i in start..<(start + inner) { result[i] = row[i] * a + d }
                    }
                }
            }
        }
    }

    /// Layer and group norm backward for the input, row by row (layout as in
    /// ``rowForward(_:into:rows:channelsPerRow:inner:groups:weight:bias:eps:mean:rstd:)``):
    /// `dx = rstd * (g*w - mean(g*w) - xhat * mean(g*w * xhat))`.
    static func rowBackward<T: FloatElement>(_ g: UnsafePointer<T>, _ x: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>,
                                             rows: Int, channelsPerRow: Int, inner: Int, groups: Int,
                                             weight: [T]?, mean: [Double], rstd: [Double]) {
        let length = channelsPerRow * inner
        let count = Double(length)
        let tasks = min(rows, Parallel.taskCount(work: rows * length, grain: grain))
        withOptionalBuffers(weight, nil) { weight, _ in
            Parallel.run(tasks) { task in
                for r in Parallel.slice(rows, tasks: tasks, task: task) where length > 0 {
                    let row = x + r * length, gradient = g + r * length, result = dx + r * length
                    let m = mean[r], rs = rstd[r]
                    let firstChannel = (r % groups) * channelsPerRow
                    var s1 = 0.0, s2 = 0.0
                    let w = weight?.baseAddress.map { $0 + firstChannel }
                    if inner == 1 {
                        (s1, s2) = gradientSums(gradient, row, w, count: length, mean: m)
                    } else {
                        for c in 0..<channelsPerRow {
                            let (a, b) = gradientSums(gradient + c * inner, row + c * inner, nil, count: inner, mean: m)
                            let wc = Double(w?[c] ?? 1)
                            s1 += a * wc
                            s2 += b * wc
                        }
                    }
                    let c2 = -rs * rs * rs * s2 / count
                    let c3 = -c2 * m - rs * s1 / count
                    let xCoefficient = T(c2), constant = T(c3), rsT = T(rs)
                    if inner == 1 {
                        if let w {
                            for i in 0..<length { result[i] = gradient[i] * w[i] * rsT + row[i] * xCoefficient + constant }
                        } else {
                            for i in 0..<length { result[i] = gradient[i] * rsT + row[i] * xCoefficient + constant }
                        }
                        continue
                    }
                    for c in 0..<channelsPerRow {
                        let gCoefficient = T(rs) * (weight?[firstChannel + c] ?? 1)
                        let start = c * inner
                        for i in start..<(start + inner) { result[i] = gradient[i] * gCoefficient + row[i] * xCoefficient + constant }
                    }
                }
            }
        }
    }

    /// Calls `body` with buffer pointers over the arrays that are present.
    private static func withOptionalBuffers<T, R>(_ a: [T]?, _ b: [T]?, _ body: (UnsafeBufferPointer<T>?, UnsafeBufferPointer<T>?) -> R) -> R {
        func withB(_ a: UnsafeBufferPointer<T>?) -> R {
            if let b { return b.withUnsafeBufferPointer { body(a, $0) } }
            return body(a, nil)
        }
        if let a { return a.withUnsafeBufferPointer { withB($0) } }
        return withB(nil)
    }
}

/// Traps with a message that names the operation; kept in release builds, unlike
/// `precondition`'s.
private func normalizationCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

extension Tensor {
    /// Checks that an optional per-channel parameter has `shape` and the input's dtype.
    private func checkNormParameter(_ parameter: Tensor?, _ name: String, shape expected: [Int], operation: String) {
        guard let parameter else { return }
        normalizationCheck(parameter.shape == expected,
                           "\(operation): \(name) of shape \(parameter.shape) does not match the expected shape \(expected) for an input of shape \(shape)")
        normalizationCheck(parameter.dtype == dtype,
                           "\(operation): \(name) has dtype \(parameter.dtype) but the input (shape \(shape)) has dtype \(dtype)")
    }

    /// The values of an optional parameter as a `T` array.
    private static func values<T: FloatElement>(of tensor: Tensor?, as _: T.Type) -> [T]? {
        tensor.map { $0.toArray(T.self) }
    }

    /// Batch normalisation over the channel dimension `1` of an input `[N, C]`,
    /// `[N, C, L]` or `[N, C, H, W]` (any `[N, C, ...]`), like PyTorch's `F.batch_norm`:
    /// `y = (x - mean) / sqrt(var + eps) * weight + bias`, with per-channel statistics over
    /// every dimension but `1`.
    ///
    /// In training the batch's mean and biased variance normalise the input, and the running
    /// statistics, when given, are updated in place (outside the graph):
    /// `running = (1 - momentum) * running + momentum * batch`, with the batch's unbiased
    /// variance for `runningVar`. In evaluation (`training: false`) the running statistics
    /// normalise the input and must be given.
    ///
    /// float32 and float64, on fused kernels (one statistics pass and one normalising pass;
    /// one reduction pass and one pass for the input's gradient backward). Gradients flow
    /// to the input, `weight` and `bias`.
    ///
    /// - Parameters:
    ///   - runningMean: The per-channel running mean `[C]`, or nil.
    ///   - runningVar: The per-channel running variance `[C]`, or nil.
    ///   - weight: The per-channel scale `[C]` (gamma), or nil for 1.
    ///   - bias: The per-channel shift `[C]` (beta), or nil for 0.
    ///   - training: Whether to normalise with the batch's statistics (and update the
    ///     running ones) rather than with the running statistics.
    ///   - momentum: The weight of the batch's statistics in the running update.
    ///   - eps: The value added to the variance for numerical stability.
    public func batchNorm(runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                          training: Bool, momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        let operation = "batchNorm"
        normalizationCheck(ndim >= 2, "\(operation): expected an input of shape [N, C, ...] with at least 2 dimensions, got shape \(shape)")
        normalizationCheck(dtype == .float32 || dtype == .float64, "\(operation): input dtype must be float32 or float64, got \(dtype) (shape \(shape))")
        let channels = shape[1]
        checkNormParameter(weight, "weight", shape: [channels], operation: operation)
        checkNormParameter(bias, "bias", shape: [channels], operation: operation)
        for (name, stat) in [("runningMean", runningMean), ("runningVar", runningVar)] {
            guard let stat else { continue }
            normalizationCheck(stat.shape == [channels],
                               "\(operation): \(name) of shape \(stat.shape) does not match the expected shape \([channels]) for an input of shape \(shape)")
            normalizationCheck(stat.dtype.isFloatingPoint, "\(operation): \(name) must be floating point, got \(stat.dtype) (shape \(stat.shape))")
        }
        let layout = NormLayout(outer: shape[0], channels: channels, inner: shape[2...].reduce(1, *))
        if training {
            normalizationCheck(layout.outer * layout.inner > 1,
                               "\(operation): expected more than 1 value per channel when training, got input shape \(shape)")
        } else {
            normalizationCheck(runningMean != nil && runningVar != nil,
                               "\(operation): runningMean and runningVar must be given in evaluation mode (training: false), input shape \(shape)")
        }
        return dtype == .float32
            ? batchNorm(Float.self, layout, runningMean, runningVar, weight, bias, training, momentum, eps)
            : batchNorm(Double.self, layout, runningMean, runningVar, weight, bias, training, momentum, eps)
    }

    private func batchNorm<T: FloatElement>(_: T.Type, _ layout: NormLayout, _ runningMean: Tensor?, _ runningVar: Tensor?,
                                            _ weight: Tensor?, _ bias: Tensor?, _ training: Bool, _ momentum: Double, _ eps: Double) -> Tensor {
        let channels = layout.channels
        let input = contiguous().detach()
        var mean = [Double](repeating: 0, count: channels)
        var variance = [Double](repeating: 0, count: channels)
        if training {
            mean.withUnsafeMutableBufferPointer { mean in
                variance.withUnsafeMutableBufferPointer { variance in
                    NormKernels.channelMoments(input.pointer(as: T.self), layout, mean: mean.baseAddress!, variance: variance.baseAddress!)
                }
            }
            let count = Double(layout.outer * layout.inner)
            withNoGrad {
                if let runningMean {
                    let updated = zip(runningMean.toArray(Double.self), mean).map { (1 - momentum) * $0 + momentum * $1 }
                    runningMean.copy(from: Tensor(elements: updated, shape: [channels], dtype: .float64))
                }
                if let runningVar {
                    let updated = zip(runningVar.toArray(Double.self), variance).map { (1 - momentum) * $0 + momentum * $1 * count / (count - 1) }
                    runningVar.copy(from: Tensor(elements: updated, shape: [channels], dtype: .float64))
                }
            }
        } else if let runningMean, let runningVar {
            mean = runningMean.toArray(Double.self)
            variance = runningVar.toArray(Double.self)
        }
        let rstd = variance.map { 1 / ($0 + eps).squareRoot() }
        let weights = weight?.toArray(Double.self) ?? [Double](repeating: 1, count: channels)
        let biases = bias?.toArray(Double.self) ?? [Double](repeating: 0, count: channels)
        let scale = (0..<channels).map { rstd[$0] * weights[$0] }
        let out = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "batchNorm")
        NormKernels.channelAffine(input.pointer(as: T.self), nil, layout, a: scale.map { T($0) }, b: [],
                                  d: (0..<channels).map { T(biases[$0] - mean[$0] * scale[$0]) }, into: out.pointer(as: T.self))

        let inputs = [self] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        let source = self
        return out.recordingGradient("NativeBatchNormBackward0", inputs: inputs,
                                     saving: [input] + (weight.map { [$0] } ?? [])) { g in
            let gradient = g.contiguous()
            let needsParameters = (weight?.requiresGrad ?? false) || (bias?.requiresGrad ?? false)
            var sumG = [Double](repeating: 0, count: channels), sumGXHat = [Double](repeating: 0, count: channels)
            if training || needsParameters {
                sumG.withUnsafeMutableBufferPointer { sumG in
                    sumGXHat.withUnsafeMutableBufferPointer { sumGXHat in
                        NormKernels.channelGradientSums(gradient.pointer(as: T.self), input.pointer(as: T.self), layout,
                                                        mean: mean, rstd: rstd, statsPerOuter: 0, channelsPerStat: 1,
                                                        sumG: sumG.baseAddress!, sumGXHat: sumGXHat.baseAddress!)
                    }
                }
            }
            var grads: [Tensor?] = []
            if source.requiresGrad {
                let dx = Tensor(uninitializedShape: source.shape, dtype: source.dtype, zeroed: false, operation: "batchNorm")
                if training {
                    let count = Double(layout.outer * layout.inner)
                    var a = [T](), b = [T](), d = [T]()
                    for c in 0..<channels {
                        let k = weights[c] * rstd[c], meanG = sumG[c] / count, meanGXHat = sumGXHat[c] / count
                        a.append(T(k))
                        b.append(T(-k * rstd[c] * meanGXHat))
                        d.append(T(-k * meanG + k * rstd[c] * mean[c] * meanGXHat))
                    }
                    NormKernels.channelAffine(gradient.pointer(as: T.self), input.pointer(as: T.self), layout, a: a, b: b, d: d,
                                              into: dx.pointer(as: T.self))
                } else {
                    NormKernels.channelAffine(gradient.pointer(as: T.self), nil, layout, a: scale.map { T($0) }, b: [],
                                              d: [T](repeating: 0, count: channels), into: dx.pointer(as: T.self))
                }
                grads.append(dx)
            } else {
                grads.append(nil)
            }
            if let weight { grads.append(weight.requiresGrad ? Tensor(elements: sumGXHat, shape: [channels], dtype: weight.dtype) : nil) }
            if let bias { grads.append(bias.requiresGrad ? Tensor(elements: sumG, shape: [channels], dtype: bias.dtype) : nil) }
            return grads
        }
    }

    /// Layer normalisation over the trailing dimensions `normalizedShape`, like PyTorch's
    /// `F.layer_norm`: each slice over those dimensions is normalised with its own mean and
    /// biased variance, `y = (x - mean) / sqrt(var + eps) * weight + bias`, with `weight`
    /// and `bias` of shape `normalizedShape` applied element-wise.
    ///
    /// float32 and float64, on fused row kernels. Gradients flow to the input, `weight`
    /// and `bias`.
    ///
    /// - Parameters:
    ///   - normalizedShape: The trailing dimensions of the input to normalise over.
    ///   - weight: The element-wise scale, of shape `normalizedShape`, or nil for 1.
    ///   - bias: The element-wise shift, of shape `normalizedShape`, or nil for 0.
    ///   - eps: The value added to the variance for numerical stability.
    public func layerNorm(normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) -> Tensor {
        let operation = "layerNorm"
        normalizationCheck(!normalizedShape.isEmpty && normalizedShape.count <= ndim && Array(shape.suffix(normalizedShape.count)) == normalizedShape,
                           "\(operation): normalizedShape \(normalizedShape) does not match the trailing dimensions of the input of shape \(shape)")
        normalizationCheck(dtype == .float32 || dtype == .float64, "\(operation): input dtype must be float32 or float64, got \(dtype) (shape \(shape))")
        checkNormParameter(weight, "weight", shape: normalizedShape, operation: operation)
        checkNormParameter(bias, "bias", shape: normalizedShape, operation: operation)
        let length = normalizedShape.reduce(1, *)
        let rows = shape.dropLast(normalizedShape.count).reduce(1, *)
        return rowNorm(name: "NativeLayerNormBackward0", rows: rows, channelsPerRow: length, inner: 1, groups: 1,
                       weight: weight, bias: bias, eps: eps)
    }

    /// Group normalisation of an input `[N, C, ...]`, like PyTorch's `F.group_norm`: the
    /// channels are split into `numGroups` groups of `C / numGroups` consecutive channels,
    /// and each sample's group is normalised with its own mean and biased variance, then
    /// scaled and shifted per channel: `y = (x - mean) / sqrt(var + eps) * weight + bias`.
    ///
    /// float32 and float64, on fused row kernels. Gradients flow to the input, `weight`
    /// and `bias`.
    ///
    /// - Parameters:
    ///   - numGroups: The number of groups; must divide the channel count `C`.
    ///   - weight: The per-channel scale `[C]`, or nil for 1.
    ///   - bias: The per-channel shift `[C]`, or nil for 0.
    ///   - eps: The value added to the variance for numerical stability.
    public func groupNorm(numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double = 1e-5) -> Tensor {
        let operation = "groupNorm"
        normalizationCheck(ndim >= 2, "\(operation): expected an input of shape [N, C, ...] with at least 2 dimensions, got shape \(shape)")
        normalizationCheck(numGroups > 0 && shape[1] % numGroups == 0,
                           "\(operation): the number of channels \(shape[1]) of the input of shape \(shape) is not divisible by numGroups = \(numGroups)")
        normalizationCheck(dtype == .float32 || dtype == .float64, "\(operation): input dtype must be float32 or float64, got \(dtype) (shape \(shape))")
        checkNormParameter(weight, "weight", shape: [shape[1]], operation: operation)
        checkNormParameter(bias, "bias", shape: [shape[1]], operation: operation)
        return rowNorm(name: "NativeGroupNormBackward0", rows: shape[0] * numGroups, channelsPerRow: shape[1] / numGroups,
                       inner: shape[2...].reduce(1, *), groups: numGroups, weight: weight, bias: bias, eps: eps)
    }

    /// Layer and group norm: dispatches on the dtype.
    private func rowNorm(name: String, rows: Int, channelsPerRow: Int, inner: Int, groups: Int,
                         weight: Tensor?, bias: Tensor?, eps: Double) -> Tensor {
        dtype == .float32
            ? rowNorm(Float.self, name: name, rows: rows, channelsPerRow: channelsPerRow, inner: inner, groups: groups, weight: weight, bias: bias, eps: eps)
            : rowNorm(Double.self, name: name, rows: rows, channelsPerRow: channelsPerRow, inner: inner, groups: groups, weight: weight, bias: bias, eps: eps)
    }

    private func rowNorm<T: FloatElement>(_: T.Type, name: String, rows: Int, channelsPerRow: Int, inner: Int, groups: Int,
                                          weight: Tensor?, bias: Tensor?, eps: Double) -> Tensor {
        let input = contiguous().detach()
        let weights = Tensor.values(of: weight, as: T.self), biases = Tensor.values(of: bias, as: T.self)
        var mean = [Double](repeating: 0, count: rows), rstd = [Double](repeating: 0, count: rows)
        let out = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: name)
        mean.withUnsafeMutableBufferPointer { mean in
            rstd.withUnsafeMutableBufferPointer { rstd in
                NormKernels.rowForward(input.pointer(as: T.self), into: out.pointer(as: T.self), rows: rows, channelsPerRow: channelsPerRow,
                                       inner: inner, groups: groups, weight: weights, bias: biases, eps: eps,
                                       mean: mean.baseAddress!, rstd: rstd.baseAddress!)
            }
        }
        let inputs = [self] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
        let source = self
        return out.recordingGradient(name, inputs: inputs, saving: [input] + (weight.map { [$0] } ?? [])) { g in
            let gradient = g.contiguous()
            var grads: [Tensor?] = []
            if source.requiresGrad {
                let dx = Tensor(uninitializedShape: source.shape, dtype: source.dtype, zeroed: false, operation: name)
                NormKernels.rowBackward(gradient.pointer(as: T.self), input.pointer(as: T.self), into: dx.pointer(as: T.self), rows: rows,
                                        channelsPerRow: channelsPerRow, inner: inner, groups: groups, weight: weights, mean: mean, rstd: rstd)
                grads.append(dx)
            } else {
                grads.append(nil)
            }
            guard (weight?.requiresGrad ?? false) || (bias?.requiresGrad ?? false) else {
                return grads + [Tensor?](repeating: nil, count: inputs.count - 1)
            }
            // The affine parameters' gradients: per channel of [rows / groups, groups * channelsPerRow, inner].
            let channels = groups * channelsPerRow
            var sumG = [Double](repeating: 0, count: channels), sumGXHat = [Double](repeating: 0, count: channels)
            sumG.withUnsafeMutableBufferPointer { sumG in
                sumGXHat.withUnsafeMutableBufferPointer { sumGXHat in
                    NormKernels.channelGradientSums(gradient.pointer(as: T.self), input.pointer(as: T.self),
                                                    NormLayout(outer: rows / groups, channels: channels, inner: inner),
                                                    mean: mean, rstd: rstd, statsPerOuter: groups, channelsPerStat: channelsPerRow,
                                                    sumG: sumG.baseAddress!, sumGXHat: sumGXHat.baseAddress!)
                }
            }
            if let weight { grads.append(weight.requiresGrad ? Tensor(elements: sumGXHat, shape: weight.shape, dtype: weight.dtype) : nil) }
            if let bias { grads.append(bias.requiresGrad ? Tensor(elements: sumG, shape: bias.shape, dtype: bias.dtype) : nil) }
            return grads
        }
    }
}

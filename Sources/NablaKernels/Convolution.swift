// Convolution on raw pointers: the forward pass and both gradients, for 1-d and 2-d
// convolutions (a 1-d one is a 2-d one of height 1), grouped and depthwise.
//
// Dense and grouped convolutions are GEMMs on the ISA's micro-kernels. The im2col gather
// never builds the full column matrix: each task gathers one chunk of output pixels (a
// K x chunk panel sized to stay in L2) and multiplies it at once, so the panel is still in
// cache when the GEMM packs it. A 1 x 1, stride-1, unpadded convolution needs no gather:
// its input plane is the GEMM's B operand as it lies. Depthwise convolutions (one input
// channel per group) have no reduction over channels to feed a GEMM: they run a direct
// kernel that walks output rows, vectorised along the width.

/// The geometry of a 2-d convolution in NCHW layout: the operands' sizes and how the
/// kernel walks the input.
///
/// The input is `batch x inChannels x inputHeight x inputWidth`, the weight
/// `outChannels x (inChannels / groups) x kernelHeight x kernelWidth` (PyTorch's layout),
/// the output `batch x outChannels x outputHeight x outputWidth`, all contiguous. Output
/// pixel `(oh, ow)` reads input rows `oh * strideHeight - padTop + kh * dilationHeight`
/// (likewise for columns); positions outside the input read zero. The output size is
/// stored, not derived, so asymmetric padding (PyTorch's `'same'` with an even kernel) is a
/// `padTop`/`padLeft` and a larger output. A 1-d convolution is one of height 1.
public struct ConvolutionShape: Sendable, Hashable, CustomStringConvertible {
    /// The number of images.
    public var batch: Int
    /// The input's channels, a multiple of `groups`.
    public var inChannels: Int
    /// The output's channels, a multiple of `groups`.
    public var outChannels: Int
    /// The number of groups: input and output channels split into `groups` independent
    /// convolutions (PyTorch's `groups`).
    public var groups: Int
    /// The input's height.
    public var inputHeight: Int
    /// The input's width.
    public var inputWidth: Int
    /// The kernel's height.
    public var kernelHeight: Int
    /// The kernel's width.
    public var kernelWidth: Int
    /// The step between output rows, in input rows.
    public var strideHeight: Int
    /// The step between output columns, in input columns.
    public var strideWidth: Int
    /// The implicit zero rows above the input.
    public var padTop: Int
    /// The implicit zero columns left of the input.
    public var padLeft: Int
    /// The spacing between kernel rows, in input rows.
    public var dilationHeight: Int
    /// The spacing between kernel columns, in input columns.
    public var dilationWidth: Int
    /// The output's height.
    public var outputHeight: Int
    /// The output's width.
    public var outputWidth: Int

    /// A geometry whose output size follows from symmetric padding, as `Conv2d` computes it:
    /// `(input + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1`, unless given.
    ///
    /// - Parameters:
    ///   - batch: The number of images.
    ///   - inChannels: The input's channels.
    ///   - outChannels: The output's channels.
    ///   - groups: The number of groups.
    ///   - inputSize: The input's height and width.
    ///   - kernelSize: The kernel's height and width.
    ///   - stride: The strides along height and width.
    ///   - padding: The implicit zeros above and left of the input (and, unless
    ///     `outputSize` says otherwise, below and right of it).
    ///   - dilation: The kernel's spacing along height and width.
    ///   - outputSize: The output's height and width, when not the symmetric default.
    public init(batch: Int, inChannels: Int, outChannels: Int, groups: Int = 1,
                inputSize: (height: Int, width: Int), kernelSize: (height: Int, width: Int),
                stride: (height: Int, width: Int) = (1, 1), padding: (top: Int, left: Int) = (0, 0),
                dilation: (height: Int, width: Int) = (1, 1), outputSize: (height: Int, width: Int)? = nil) {
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.groups = groups
        inputHeight = inputSize.height
        inputWidth = inputSize.width
        kernelHeight = kernelSize.height
        kernelWidth = kernelSize.width
        strideHeight = stride.height
        strideWidth = stride.width
        padTop = padding.top
        padLeft = padding.left
        dilationHeight = dilation.height
        dilationWidth = dilation.width
        let size = outputSize ?? (
            ConvolutionShape.outputLength(inputSize.height, kernel: kernelSize.height, stride: stride.height, padding: 2 * padding.top, dilation: dilation.height),
            ConvolutionShape.outputLength(inputSize.width, kernel: kernelSize.width, stride: stride.width, padding: 2 * padding.left, dilation: dilation.width))
        outputHeight = size.0
        outputWidth = size.1
    }

    /// The output length of a convolution along one dimension with `padding` zeros in all
    /// (both sides together): `(input + padding - dilation * (kernel - 1) - 1) / stride + 1`,
    /// or 0 when the kernel does not fit.
    ///
    /// - Parameters:
    ///   - input: The input's length.
    ///   - kernel: The kernel's length.
    ///   - stride: The step between outputs.
    ///   - padding: The zeros added on both sides together.
    ///   - dilation: The kernel's spacing.
    public static func outputLength(_ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int {
        let span = dilation * (kernel - 1) + 1
        let room = input + padding - span
        return room < 0 ? 0 : room / stride + 1
    }

    /// Rows of the GEMM's reduction: `inChannels / groups * kernelHeight * kernelWidth`.
    public var reductionLength: Int { inChannels / groups * kernelHeight * kernelWidth }

    /// The multiply-adds of the forward pass (each gradient costs the same).
    public var multiplyAdds: Int {
        batch * outChannels * outputHeight * outputWidth * reductionLength
    }

    /// Whether the convolution is depthwise: one input channel per group.
    public var isDepthwise: Bool { groups > 1 && groups == inChannels }

    /// Whether the input plane is the GEMM operand as it lies (1 x 1 kernel, stride 1, no padding).
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0 && padLeft == 0
            && outputHeight == inputHeight && outputWidth == inputWidth
    }

    /// The sizes and steps, for messages.
    public var description: String {
        "batch \(batch), \(inChannels) -> \(outChannels) channels in \(groups) groups, input \(inputHeight)x\(inputWidth), kernel \(kernelHeight)x\(kernelWidth), stride \(strideHeight)x\(strideWidth), padding \(padTop)x\(padLeft), dilation \(dilationHeight)x\(dilationWidth), output \(outputHeight)x\(outputWidth)"
    }

    /// Traps with the geometry when it is inconsistent.
    func validate(_ operation: StaticString) {
        let sizes = [batch, inChannels, outChannels, inputHeight, inputWidth, outputHeight, outputWidth]
        let steps = [groups, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth]
        guard sizes.allSatisfy({ $0 >= 0 }), steps.allSatisfy({ $0 > 0 }), padTop >= 0, padLeft >= 0,
              inChannels % groups == 0, outChannels % groups == 0
        else {
            fatalError("\(operation): invalid convolution geometry (\(self))")
        }
    }
}

/// Convolution kernels on raw pointers (``ConvolutionShape`` describes the operands):
/// the forward pass, the input gradient and the weight gradient, for `Float` and `Double`,
/// on ``Parallel/threadCount`` threads. A transposed convolution is the input gradient of
/// the convolution it transposes (and its gradients are that convolution's forward pass
/// and weight gradient).
public enum Convolution {
    /// `output = conv(input, weight) + bias` (the bias broadcast over each output plane).
    ///
    /// - Parameters:
    ///   - shape: The geometry.
    ///   - input: `batch x inChannels x inputHeight x inputWidth`, contiguous.
    ///   - weight: `outChannels x inChannels / groups x kernelHeight x kernelWidth`, contiguous.
    ///   - bias: `outChannels` values, or nil.
    ///   - output: `batch x outChannels x outputHeight x outputWidth`, overwritten.
    public static func forward(_ shape: ConvolutionShape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        ConvolutionEngine<Float>.forward(shape, input: input, weight: weight, bias: bias, output: output)
    }

    /// The `Double` form of the `Float` forward pass.
    ///
    /// - Parameters:
    ///   - shape: The geometry.
    ///   - input: `batch x inChannels x inputHeight x inputWidth`, contiguous.
    ///   - weight: `outChannels x inChannels / groups x kernelHeight x kernelWidth`, contiguous.
    ///   - bias: `outChannels` values, or nil.
    ///   - output: `batch x outChannels x outputHeight x outputWidth`, overwritten.
    public static func forward(_ shape: ConvolutionShape, input: UnsafePointer<Double>, weight: UnsafePointer<Double>,
                               bias: UnsafePointer<Double>?, output: UnsafeMutablePointer<Double>) {
        ConvolutionEngine<Double>.forward(shape, input: input, weight: weight, bias: bias, output: output)
    }

    /// The gradient with respect to the input: `inputGradient = conv^T(outputGradient, weight)`
    /// (the transposed convolution), overwriting `inputGradient`.
    ///
    /// - Parameters:
    ///   - shape: The geometry.
    ///   - outputGradient: `batch x outChannels x outputHeight x outputWidth`, contiguous.
    ///   - weight: `outChannels x inChannels / groups x kernelHeight x kernelWidth`, contiguous.
    ///   - inputGradient: `batch x inChannels x inputHeight x inputWidth`, overwritten.
    public static func backwardInput(_ shape: ConvolutionShape, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     inputGradient: UnsafeMutablePointer<Float>) {
        ConvolutionEngine<Float>.backwardInput(shape, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
    }

    /// The `Double` form of the `Float` input gradient.
    ///
    /// - Parameters:
    ///   - shape: The geometry.
    ///   - outputGradient: `batch x outChannels x outputHeight x outputWidth`, contiguous.
    ///   - weight: `outChannels x inChannels / groups x kernelHeight x kernelWidth`, contiguous.
    ///   - inputGradient: `batch x inChannels x inputHeight x inputWidth`, overwritten.
    public static func backwardInput(_ shape: ConvolutionShape, outputGradient: UnsafePointer<Double>, weight: UnsafePointer<Double>,
                                     inputGradient: UnsafeMutablePointer<Double>) {
        ConvolutionEngine<Double>.backwardInput(shape, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
    }

    /// The gradient with respect to the weight (summed over the batch), overwriting
    /// `weightGradient`.
    ///
    /// - Parameters:
    ///   - shape: The geometry.
    ///   - input: `batch x inChannels x inputHeight x inputWidth`, contiguous.
    ///   - outputGradient: `batch x outChannels x outputHeight x outputWidth`, contiguous.
    ///   - weightGradient: `outChannels x inChannels / groups x kernelHeight x kernelWidth`, overwritten.
    public static func backwardWeight(_ shape: ConvolutionShape, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                                      weightGradient: UnsafeMutablePointer<Float>) {
        ConvolutionEngine<Float>.backwardWeight(shape, input: input, outputGradient: outputGradient, weightGradient: weightGradient)
    }

    /// The `Double` form of the `Float` weight gradient.
    ///
    /// - Parameters:
    ///   - shape: The geometry.
    ///   - input: `batch x inChannels x inputHeight x inputWidth`, contiguous.
    ///   - outputGradient: `batch x outChannels x outputHeight x outputWidth`, contiguous.
    ///   - weightGradient: `outChannels x inChannels / groups x kernelHeight x kernelWidth`, overwritten.
    public static func backwardWeight(_ shape: ConvolutionShape, input: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>,
                                      weightGradient: UnsafeMutablePointer<Double>) {
        ConvolutionEngine<Double>.backwardWeight(shape, input: input, outputGradient: outputGradient, weightGradient: weightGradient)
    }
}

/// The convolution kernels, written once for both element types.
enum ConvolutionEngine<Scalar: KernelScalar & BinaryFloatingPoint> {
    /// Elements of one task's column panel: 64K (256 KiB of `Float`), which stays in L2
    /// while the GEMM packs it.
    static var panelElements: Int { 1 << 16 }

    /// Output pixels per column panel: as many as fit `panelElements` for a reduction of
    /// `rows`, a multiple of 32 (the widest micro-kernel), at least 32, at most `pixels`,
    /// and small enough that `planes` planes give every thread work.
    static func chunkLength(rows: Int, pixels: Int, planes: Int) -> Int {
        var chunk = max(32, panelElements / max(1, rows) / 32 * 32)
        let threads = Parallel.threadCount
        if planes < threads {
            let wanted = (threads + planes - 1) / planes
            chunk = min(chunk, max(32, (pixels + wanted - 1) / wanted))
        }
        return min(chunk, max(1, pixels))
    }

    /// Tasks for `work` multiply-adds spread over `items` independent items.
    static func taskCount(items: Int, work: Int) -> Int {
        min(items, Parallel.taskCount(work: work, grain: 1 << 18))
    }

    static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Scalar>, rsA: Int, csA: Int,
                     b: UnsafePointer<Scalar>, rsB: Int, csB: Int, beta: Scalar,
                     c: UnsafeMutablePointer<Scalar>, rsC: Int, csC: Int) {
        Scalar.kernels(on: KernelISA.current, for: "convolution").gemm(m, n, k, 1, a, rsA, csA, b, rsB, csB, beta, c, rsC, csC)
    }

    // MARK: Forward

    static func forward(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
                        bias: UnsafePointer<Scalar>?, output: UnsafeMutablePointer<Scalar>) {
        s.validate("convolution")
        let pixels = s.outputHeight * s.outputWidth
        guard s.batch > 0, s.outChannels > 0, pixels > 0 else { return }
        if s.isDepthwise {
            depthwiseForward(s, input: input, weight: weight, bias: bias, output: output)
            return
        }
        let m = s.outChannels / s.groups, k = s.reductionLength
        let inPlane = s.inputHeight * s.inputWidth
        let groupInput = s.inChannels / s.groups * inPlane, groupOutput = m * pixels
        let planes = s.batch * s.groups
        let chunk = chunkLength(rows: k, pixels: pixels, planes: planes)
        let chunks = (pixels + chunk - 1) / chunk
        let items = planes * chunks
        let tasks = taskCount(items: items, work: s.multiplyAdds)
        let pointwise = s.isPointwise
        Parallel.run(tasks) { task in
            let panel = pointwise || k == 0 ? nil : UnsafeMutablePointer<Scalar>.allocate(capacity: k * chunk)
            defer { panel?.deallocate() }
            for item in Parallel.slice(items, tasks: tasks, task: task) {
                let plane = item / chunks, first = (item % chunks) * chunk
                let length = min(chunk, pixels - first)
                let image = plane / s.groups, group = plane % s.groups
                let x = input + image * s.inChannels * inPlane + group * groupInput
                let y = output + image * s.outChannels * pixels + group * groupOutput + first
                let w = weight + group * m * k
                if k == 0 {
                    for row in 0..<m { (y + row * pixels).update(repeating: 0, count: length) }
                } else if let panel {
                    gather(s, input: x, first: first, length: length, into: panel)
                    gemm(m: m, n: length, k: k, a: w, rsA: k, csA: 1, b: panel, rsB: length, csB: 1,
                         beta: 0, c: y, rsC: pixels, csC: 1)
                } else {
                    gemm(m: m, n: length, k: k, a: w, rsA: k, csA: 1, b: x + first, rsB: inPlane, csB: 1,
                         beta: 0, c: y, rsC: pixels, csC: 1)
                }
                if let bias {
                    for row in 0..<m {
                        let value = bias[group * m + row]
                        let line = y + row * pixels
                        for j in 0..<length { line[j] += value }
                    }
                }
            }
        }
    }

    /// im2col for output pixels `first..<first + length` of one group of one image: row
    /// `(channel, kh, kw)` of `panel` holds the input value each pixel multiplies by that
    /// weight (zero in the padding).
    static func gather(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, first: Int, length: Int,
                       into panel: UnsafeMutablePointer<Scalar>) {
        let channels = s.inChannels / s.groups
        let inPlane = s.inputHeight * s.inputWidth
        var row = panel
        for channel in 0..<channels {
            let plane = input + channel * inPlane
            for kh in 0..<s.kernelHeight {
                for kw in 0..<s.kernelWidth {
                    walkRows(s, first: first, length: length, kh: kh, kw: kw) { j, count, ih, ow in
                        let out = row + j
                        guard let ih else {
                            out.update(repeating: 0, count: count)
                            return
                        }
                        let (lo, hi) = validColumns(s, kw: kw, from: ow, count: count)
                        let source = plane + ih * s.inputWidth
                        if lo > 0 { out.update(repeating: 0, count: lo) }
                        if hi > lo {
                            let start = (ow + lo) * s.strideWidth - s.padLeft + kw * s.dilationWidth
                            if s.strideWidth == 1 {
                                (out + lo).update(from: source + start, count: hi - lo)
                            } else {
                                let step = s.strideWidth
                                for t in lo..<hi { out[t] = source[start + (t - lo) * step] }
                            }
                        }
                        if hi < count { (out + hi).update(repeating: 0, count: count - hi) }
                    }
                    row += length
                }
            }
        }
    }

    /// col2im, the adjoint of ``gather(_:input:first:length:into:)``: adds each panel value
    /// to the input position it was gathered from.
    static func scatterAdd(_ s: ConvolutionShape, panel: UnsafePointer<Scalar>, first: Int, length: Int,
                           channels: Range<Int>, into input: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth
        let rowsPerChannel = s.kernelHeight * s.kernelWidth
        for channel in channels {
            let plane = input + channel * inPlane
            var row = panel + channel * rowsPerChannel * length
            for kh in 0..<s.kernelHeight {
                for kw in 0..<s.kernelWidth {
                    walkRows(s, first: first, length: length, kh: kh, kw: kw) { j, count, ih, ow in
                        guard let ih else { return }
                        let (lo, hi) = validColumns(s, kw: kw, from: ow, count: count)
                        guard hi > lo else { return }
                        let target = plane + ih * s.inputWidth + (ow + lo) * s.strideWidth - s.padLeft + kw * s.dilationWidth
                        let values = row + j + lo
                        let step = s.strideWidth
                        for t in 0..<(hi - lo) { target[t * step] += values[t] }
                    }
                    row += length
                }
            }
        }
    }

    /// Calls `body(j, count, inputRow, firstColumn)` for each output row's run of pixels in
    /// `first..<first + length`: `j` is the run's offset in the chunk, `inputRow` the input
    /// row kernel row `kh` reads there (nil in the padding), `firstColumn` the run's first
    /// output column.
    @inline(__always)
    static func walkRows(_ s: ConvolutionShape, first: Int, length: Int, kh: Int, kw: Int,
                         _ body: (_ j: Int, _ count: Int, _ inputRow: Int?, _ firstColumn: Int) -> Void) {
        var pixel = first, j = 0
        let end = first + length
        while pixel < end {
            let oh = pixel / s.outputWidth, ow = pixel - oh * s.outputWidth
            let count = min(s.outputWidth - ow, end - pixel)
            let ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight
            body(j, count, ih >= 0 && ih < s.inputHeight ? ih : nil, ow)
            pixel += count
            j += count
        }
    }

    /// The offsets `lo..<hi` within a run of `count` output columns starting at `ow` whose
    /// kernel column `kw` falls inside the input.
    @inline(__always)
    static func validColumns(_ s: ConvolutionShape, kw: Int, from ow: Int, count: Int) -> (Int, Int) {
        // iw = (ow + t) * stride - pad + kw * dilation must be in 0..<inputWidth.
        let base = ow * s.strideWidth - s.padLeft + kw * s.dilationWidth
        let step = s.strideWidth
        var lo = 0
        if base < 0 { lo = (-base + step - 1) / step }
        var hi = 0
        if base <= s.inputWidth - 1 { hi = (s.inputWidth - 1 - base) / step + 1 }
        lo = min(lo, count)
        hi = max(lo, min(hi, count))
        return (lo, hi)
    }

    // MARK: Input gradient

    static func backwardInput(_ s: ConvolutionShape, outputGradient: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
                              inputGradient: UnsafeMutablePointer<Scalar>) {
        s.validate("convolution backward")
        let inPlane = s.inputHeight * s.inputWidth
        let pixels = s.outputHeight * s.outputWidth
        guard s.batch > 0, s.inChannels > 0, inPlane > 0 else { return }
        if s.isDepthwise {
            depthwiseBackwardInput(s, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient)
            return
        }
        let m = s.outChannels / s.groups, k = s.reductionLength
        let channels = s.inChannels / s.groups
        let groupInput = channels * inPlane, groupOutput = m * pixels
        let planes = s.batch * s.groups
        if s.isPointwise {
            // dX[group] = W[group]^T dY[group]: one product per plane, no scatter.
            let tasks = taskCount(items: planes, work: s.multiplyAdds)
            Parallel.run(tasks) { task in
                for plane in Parallel.slice(planes, tasks: tasks, task: task) {
                    let image = plane / s.groups, group = plane % s.groups
                    gemm(m: k, n: pixels, k: m, a: weight + group * m * k, rsA: 1, csA: k,
                         b: outputGradient + image * s.outChannels * pixels + group * groupOutput, rsB: pixels, csB: 1,
                         beta: 0, c: inputGradient + image * s.inChannels * inPlane + group * groupInput, rsC: pixels, csC: 1)
                }
            }
            return
        }
        (inputGradient).update(repeating: 0, count: s.batch * s.inChannels * inPlane)
        guard pixels > 0, m > 0 else { return }
        if planes >= Parallel.threadCount || Parallel.taskCount(work: s.multiplyAdds, grain: 1 << 18) == 1 {
            // Each task owns whole planes (an image's group), so its scatters touch
            // memory no other task writes.
            let chunk = chunkLength(rows: k, pixels: pixels, planes: .max)
            let tasks = taskCount(items: planes, work: s.multiplyAdds)
            Parallel.run(tasks) { task in
                let panel = UnsafeMutablePointer<Scalar>.allocate(capacity: k * chunk)
                defer { panel.deallocate() }
                for plane in Parallel.slice(planes, tasks: tasks, task: task) {
                    let image = plane / s.groups, group = plane % s.groups
                    let dy = outputGradient + image * s.outChannels * pixels + group * groupOutput
                    let dx = inputGradient + image * s.inChannels * inPlane + group * groupInput
                    var first = 0
                    while first < pixels {
                        let length = min(chunk, pixels - first)
                        gemm(m: k, n: length, k: m, a: weight + group * m * k, rsA: 1, csA: k,
                             b: dy + first, rsB: pixels, csB: 1, beta: 0, c: panel, rsC: length, csC: 1)
                        scatterAdd(s, panel: panel, first: first, length: length, channels: 0..<channels, into: dx)
                        first += length
                    }
                }
            }
        } else {
            // Few planes: the product runs threaded, then the scatter splits by channel
            // (each channel's panel rows land in that channel's plane only).
            let chunk = min(pixels, max(32, (panelElements * 8) / max(1, k) / 32 * 32))
            let panel = UnsafeMutablePointer<Scalar>.allocate(capacity: k * chunk)
            defer { panel.deallocate() }
            for plane in 0..<planes {
                let image = plane / s.groups, group = plane % s.groups
                let dy = outputGradient + image * s.outChannels * pixels + group * groupOutput
                let dx = inputGradient + image * s.inChannels * inPlane + group * groupInput
                var first = 0
                while first < pixels {
                    let length = min(chunk, pixels - first)
                    gemm(m: k, n: length, k: m, a: weight + group * m * k, rsA: 1, csA: k,
                         b: dy + first, rsB: pixels, csB: 1, beta: 0, c: panel, rsC: length, csC: 1)
                    let tasks = min(channels, Parallel.threadCount)
                    Parallel.run(tasks) { task in
                        scatterAdd(s, panel: panel, first: first, length: length,
                                   channels: Parallel.slice(channels, tasks: tasks, task: task), into: dx)
                    }
                    first += length
                }
            }
        }
    }

    // MARK: Weight gradient

    static func backwardWeight(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
                               weightGradient: UnsafeMutablePointer<Scalar>) {
        s.validate("convolution backward")
        let m = s.outChannels / s.groups, k = s.reductionLength
        let weightCount = s.outChannels * k
        weightGradient.update(repeating: 0, count: weightCount)
        let pixels = s.outputHeight * s.outputWidth
        guard s.batch > 0, pixels > 0, weightCount > 0 else { return }
        if s.isDepthwise {
            depthwiseBackwardWeight(s, input: input, outputGradient: outputGradient, weightGradient: weightGradient)
            return
        }
        let inPlane = s.inputHeight * s.inputWidth
        let groupInput = s.inChannels / s.groups * inPlane, groupOutput = m * pixels
        let planes = s.batch * s.groups
        let chunk = chunkLength(rows: k, pixels: pixels, planes: planes)
        let chunks = (pixels + chunk - 1) / chunk
        let items = planes * chunks
        let tasks = taskCount(items: items, work: s.multiplyAdds)
        // Each task sums its items' products into its own copy of the gradient; the copies
        // are added at the end (the weight is small next to the activations).
        let partials = tasks > 1 ? UnsafeMutablePointer<Scalar>.allocate(capacity: tasks * weightCount) : nil
        defer { partials?.deallocate() }
        let pointwise = s.isPointwise
        Parallel.run(tasks) { task in
            let dw = partials.map { $0 + task * weightCount } ?? weightGradient
            if partials != nil { dw.update(repeating: 0, count: weightCount) }
            let panel = pointwise ? nil : UnsafeMutablePointer<Scalar>.allocate(capacity: k * chunk)
            defer { panel?.deallocate() }
            for item in Parallel.slice(items, tasks: tasks, task: task) {
                let plane = item / chunks, first = (item % chunks) * chunk
                let length = min(chunk, pixels - first)
                let image = plane / s.groups, group = plane % s.groups
                let x = input + image * s.inChannels * inPlane + group * groupInput
                let dy = outputGradient + image * s.outChannels * pixels + group * groupOutput + first
                // dW[group] += dY[:, chunk] * col[:, chunk]^T
                if let panel {
                    gather(s, input: x, first: first, length: length, into: panel)
                    gemm(m: m, n: k, k: length, a: dy, rsA: pixels, csA: 1, b: panel, rsB: 1, csB: length,
                         beta: 1, c: dw + group * m * k, rsC: k, csC: 1)
                } else {
                    gemm(m: m, n: k, k: length, a: dy, rsA: pixels, csA: 1, b: x + first, rsB: 1, csB: inPlane,
                         beta: 1, c: dw + group * m * k, rsC: k, csC: 1)
                }
            }
        }
        if let partials {
            for task in 0..<tasks {
                let part = partials + task * weightCount
                for i in 0..<weightCount { weightGradient[i] += part[i] }
            }
        }
    }

    // MARK: Depthwise

    /// The input channel of group `channel / multiplier` for output channel `channel`.
    @inline(__always)
    static func depthwiseSource(_ s: ConvolutionShape, _ channel: Int) -> Int { channel / (s.outChannels / s.groups) }

    /// Output channels in parallel; per output row, each kernel tap adds `w * input row`
    /// over the columns where the tap falls inside the input (a contiguous, vectorisable
    /// loop at stride 1).
    static func depthwiseForward(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
                                 bias: UnsafePointer<Scalar>?, output: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth, pixels = s.outputHeight * s.outputWidth
        let taps = s.kernelHeight * s.kernelWidth
        let planes = s.batch * s.outChannels
        let tasks = taskCount(items: planes, work: s.multiplyAdds)
        Parallel.run(tasks) { task in
            for plane in Parallel.slice(planes, tasks: tasks, task: task) {
                let image = plane / s.outChannels, channel = plane % s.outChannels
                let x = input + (image * s.inChannels + depthwiseSource(s, channel)) * inPlane
                let y = output + plane * pixels
                let w = weight + channel * taps
                y.update(repeating: bias?[channel] ?? 0, count: pixels)
                for oh in 0..<s.outputHeight {
                    let line = y + oh * s.outputWidth
                    for kh in 0..<s.kernelHeight {
                        let ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight
                        guard ih >= 0 && ih < s.inputHeight else { continue }
                        let row = x + ih * s.inputWidth
                        for kw in 0..<s.kernelWidth {
                            let value = w[kh * s.kernelWidth + kw]
                            let (lo, hi) = validColumns(s, kw: kw, from: 0, count: s.outputWidth)
                            guard hi > lo else { continue }
                            let start = lo * s.strideWidth - s.padLeft + kw * s.dilationWidth
                            if s.strideWidth == 1 {
                                let source = row + start - lo
                                for t in lo..<hi { line[t] += value * source[t] }
                            } else {
                                let step = s.strideWidth
                                for t in lo..<hi { line[t] += value * row[start + (t - lo) * step] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Input channels in parallel (each gathers from its output channels), the adjoint of
    /// the forward pass's row loops.
    static func depthwiseBackwardInput(_ s: ConvolutionShape, outputGradient: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
                                       inputGradient: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth, pixels = s.outputHeight * s.outputWidth
        let taps = s.kernelHeight * s.kernelWidth
        let multiplier = s.outChannels / s.groups
        let planes = s.batch * s.inChannels
        let tasks = taskCount(items: planes, work: s.multiplyAdds)
        Parallel.run(tasks) { task in
            for plane in Parallel.slice(planes, tasks: tasks, task: task) {
                let image = plane / s.inChannels, source = plane % s.inChannels
                let dx = inputGradient + plane * inPlane
                dx.update(repeating: 0, count: inPlane)
                for channel in (source * multiplier)..<((source + 1) * multiplier) {
                    let dy = outputGradient + (image * s.outChannels + channel) * pixels
                    let w = weight + channel * taps
                    for oh in 0..<s.outputHeight {
                        let line = dy + oh * s.outputWidth
                        for kh in 0..<s.kernelHeight {
                            let ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight
                            guard ih >= 0 && ih < s.inputHeight else { continue }
                            let row = dx + ih * s.inputWidth
                            for kw in 0..<s.kernelWidth {
                                let value = w[kh * s.kernelWidth + kw]
                                let (lo, hi) = validColumns(s, kw: kw, from: 0, count: s.outputWidth)
                                guard hi > lo else { continue }
                                let start = lo * s.strideWidth - s.padLeft + kw * s.dilationWidth
                                let step = s.strideWidth
                                if step == 1 {
                                    let target = row + start - lo
                                    for t in lo..<hi { target[t] += value * line[t] }
                                } else {
                                    for t in lo..<hi { row[start + (t - lo) * step] += value * line[t] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output channels in parallel: each tap's gradient is a dot product of the output
    /// gradient with the shifted input, summed over the batch.
    static func depthwiseBackwardWeight(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
                                        weightGradient: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth, pixels = s.outputHeight * s.outputWidth
        let taps = s.kernelHeight * s.kernelWidth
        let tasks = taskCount(items: s.outChannels, work: s.multiplyAdds)
        Parallel.run(tasks) { task in
            for channel in Parallel.slice(s.outChannels, tasks: tasks, task: task) {
                let dw = weightGradient + channel * taps
                for image in 0..<s.batch {
                    let x = input + (image * s.inChannels + depthwiseSource(s, channel)) * inPlane
                    let dy = outputGradient + (image * s.outChannels + channel) * pixels
                    for oh in 0..<s.outputHeight {
                        let line = dy + oh * s.outputWidth
                        for kh in 0..<s.kernelHeight {
                            let ih = oh * s.strideHeight - s.padTop + kh * s.dilationHeight
                            guard ih >= 0 && ih < s.inputHeight else { continue }
                            let row = x + ih * s.inputWidth
                            for kw in 0..<s.kernelWidth {
                                let (lo, hi) = validColumns(s, kw: kw, from: 0, count: s.outputWidth)
                                guard hi > lo else { continue }
                                let start = lo * s.strideWidth - s.padLeft + kw * s.dilationWidth
                                let step = s.strideWidth
                                var sum: Scalar = 0
                                if step == 1 {
                                    let source = row + start - lo
                                    for t in lo..<hi { sum += line[t] * source[t] }
                                } else {
                                    for t in lo..<hi { sum += line[t] * row[start + (t - lo) * step] }
                                }
                                dw[kh * s.kernelWidth + kw] += sum
                            }
                        }
                    }
                }
            }
        }
    }
}

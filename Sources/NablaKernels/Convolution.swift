// Convolution on raw pointers: the forward pass and both gradients, for 1-d and 2-d
// convolutions (a 1-d one is a 2-d one of height 1), grouped and depthwise.
//
// Dense and grouped convolutions are GEMMs on the ISA's micro-kernels. The forward pass is
// an implicit GEMM (`GEMM.implicitGEMM` in NablaKernelsCore): the im2col gather fills B's
// packed micro-panels straight from the input, so the column matrix is never built. The
// input gradient at stride 1 is the same forward pass with the filters transposed and
// flipped; at other strides, and for the weight gradient, each task gathers or scatters one
// block of columns (sized to stay in cache) around an ordinary `gemm`. Depthwise
// convolutions (one input channel per group) have no reduction over channels to feed a
// GEMM: they run a plane kernel that walks output rows, vectorised along the width.

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

    /// The convolution whose forward pass is this one's input gradient, at stride 1 (the
    /// output gradient as input, channels swapped, padding `dilation * (k - 1) - padding`),
    /// or nil when the stride is not 1 or the padding exceeds the kernel's span.
    var transposedForStrideOne: ConvolutionShape? {
        let top = dilationHeight * (kernelHeight - 1) - padTop, left = dilationWidth * (kernelWidth - 1) - padLeft
        guard strideHeight == 1, strideWidth == 1, top >= 0, left >= 0 else { return nil }
        return ConvolutionShape(
            batch: batch, inChannels: outChannels, outChannels: inChannels, groups: groups,
            inputSize: (outputHeight, outputWidth), kernelSize: (kernelHeight, kernelWidth), stride: (1, 1),
            padding: (top, left), dilation: (dilationHeight, dilationWidth), outputSize: (inputHeight, inputWidth))
    }

    /// How the kernel walks one plane, as the ISA kernels take it.
    var plane: ConvolutionPlane {
        ConvolutionPlane(input: (inputHeight, inputWidth), output: (outputHeight, outputWidth),
                         kernel: (kernelHeight, kernelWidth), stride: (strideHeight, strideWidth),
                         padding: (padTop, padLeft), dilation: (dilationHeight, dilationWidth))
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
///
/// The GEMM view of one group: `C[M x P] = W[M x K] * B[K x P]`, with `M` the group's output
/// channels, `K` = ``ConvolutionShape/reductionLength`` and `P` the output pixels of all
/// images side by side. The columns are cut into blocks of at most `chunk`; a block may span
/// images (small late-stage planes then still make long GEMMs), and its B panel is gathered
/// right before its product.
enum ConvolutionEngine<Scalar: KernelScalar & BinaryFloatingPoint> {
    /// Elements of one task's column panel: up to 1M (4 MiB of `Float`); the GEMM blocks
    /// it further for the caches.
    static var panelElements: Int { 1 << 20 }

    /// Columns per block: as many as fit `panelElements` for a reduction of `rows`, a
    /// multiple of 32 (the widest micro-kernel) between 256 and 4096, at most `columns`,
    /// and small enough that every thread gets a block.
    static func chunkLength(rows: Int, columns: Int) -> Int {
        var chunk = min(4096, max(256, panelElements / max(1, rows) / 32 * 32))
        let threads = Parallel.threadCount
        if columns < chunk * threads {
            chunk = min(chunk, max(32, (columns + threads - 1) / threads))
        }
        return max(1, min(chunk, columns))
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

    /// Calls `body(image, firstPixel, count, offset)` for each image's run of the columns
    /// `start..<start + length` (column `image * pixels + pixel`); `offset` is the run's
    /// position in the block.
    @inline(__always)
    static func segments(start: Int, length: Int, pixels: Int,
                         _ body: (_ image: Int, _ pixel: Int, _ count: Int, _ offset: Int) -> Void) {
        var column = start, offset = 0
        let end = start + length
        while column < end {
            let image = column / pixels, pixel = column - image * pixels
            let count = min(pixels - pixel, end - column)
            body(image, pixel, count, offset)
            column += count
            offset += count
        }
    }

    /// Per-task buffers: the column panel and, for blocks that span images, the block of
    /// output (or output-gradient) rows.
    final class Scratch {
        let panel: UnsafeMutablePointer<Scalar>
        let rows: UnsafeMutablePointer<Scalar>
        init(panel: Int, rows: Int) {
            self.panel = .allocate(capacity: max(1, panel))
            self.rows = .allocate(capacity: max(1, rows))
        }
        deinit {
            panel.deallocate()
            rows.deallocate()
        }
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
        let inPlane = s.inputHeight * s.inputWidth, channels = s.inChannels / s.groups
        let columns = s.batch * pixels
        let chunk = chunkLength(rows: k, columns: columns)
        let blocks = (columns + chunk - 1) / chunk
        let items = s.groups * blocks
        let tasks = taskCount(items: items, work: s.multiplyAdds)
        let implicitGEMM = Scalar.kernels(on: KernelISA.current, for: "convolution").implicitGEMM
        let geometry = ImplicitGEMMGeometry(channels: channels, imageStride: s.inChannels * inPlane, plane: s.plane)
        Parallel.run(tasks) { task in
            // Only blocks that span images need a buffer (the product's rows, copied out).
            var rows: UnsafeMutablePointer<Scalar>?
            defer { rows?.deallocate() }
            for item in Parallel.slice(items, tasks: tasks, task: task) {
                let group = item / blocks, start = (item % blocks) * chunk
                let length = min(chunk, columns - start)
                let w = weight + group * m * k
                let x = input + group * channels * inPlane
                func outputPlane(_ image: Int) -> UnsafeMutablePointer<Scalar> { output + (image * s.outChannels + group * m) * pixels }
                let firstImage = start / pixels
                if firstImage == (start + length - 1) / pixels {
                    // One image: the product lands in the output directly.
                    let pixel = start - firstImage * pixels
                    let y = outputPlane(firstImage) + pixel
                    implicitGEMM(m, length, w, k, geometry, x, start, y, pixels)
                    if let bias { addBias(bias + group * m, rows: m, length: length, to: y, rowStride: pixels) }
                } else {
                    // Several images: one product for all, then each image's columns copied out.
                    if rows == nil { rows = .allocate(capacity: m * chunk) }
                    let buffer = rows!
                    implicitGEMM(m, length, w, k, geometry, x, start, buffer, length)
                    segments(start: start, length: length, pixels: pixels) { image, pixel, count, offset in
                        let y = outputPlane(image) + pixel
                        for row in 0..<m { (y + row * pixels).update(from: buffer + row * length + offset, count: count) }
                        if let bias { addBias(bias + group * m, rows: m, length: count, to: y, rowStride: pixels) }
                    }
                }
            }
        }
    }

    /// Adds `bias[row]` to `length` values of each of `rows` rows.
    @inline(__always)
    static func addBias(_ bias: UnsafePointer<Scalar>, rows: Int, length: Int, to y: UnsafeMutablePointer<Scalar>, rowStride: Int) {
        for row in 0..<rows {
            let value = bias[row]
            let line = y + row * rowStride
            for j in 0..<length { line[j] += value }
        }
    }

    /// im2col for output pixels `first..<first + length` of one group of one image: row
    /// `(channel, kh, kw)` of `panel` (rows `rowStride` apart) holds the input value each
    /// pixel multiplies by that weight (zero in the padding).
    static func gather(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, first: Int, length: Int,
                       into panel: UnsafeMutablePointer<Scalar>, rowStride: Int) {
        let channels = s.inChannels / s.groups
        let inPlane = s.inputHeight * s.inputWidth
        var row = panel
        for channel in 0..<channels {
            let plane = input + channel * inPlane
            for kh in 0..<s.kernelHeight {
                for kw in 0..<s.kernelWidth {
                    walkRows(s, first: first, length: length, kh: kh) { j, count, ih, ow in
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
                    row += rowStride
                }
            }
        }
    }

    /// col2im, the adjoint of ``gather(_:input:first:length:into:rowStride:)``: adds each
    /// panel value of `channels` to the input position it was gathered from.
    static func scatterAdd(_ s: ConvolutionShape, panel: UnsafePointer<Scalar>, first: Int, length: Int, rowStride: Int,
                           channels: Range<Int>, into input: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth
        let rowsPerChannel = s.kernelHeight * s.kernelWidth
        for channel in channels {
            let plane = input + channel * inPlane
            var row = panel + channel * rowsPerChannel * rowStride
            for kh in 0..<s.kernelHeight {
                for kw in 0..<s.kernelWidth {
                    walkRows(s, first: first, length: length, kh: kh) { j, count, ih, ow in
                        guard let ih else { return }
                        let (lo, hi) = validColumns(s, kw: kw, from: ow, count: count)
                        guard hi > lo else { return }
                        let target = plane + ih * s.inputWidth + (ow + lo) * s.strideWidth - s.padLeft + kw * s.dilationWidth
                        let values = row + j + lo
                        if s.strideWidth == 1 {
                            for t in 0..<(hi - lo) { target[t] += values[t] }
                        } else {
                            let step = s.strideWidth
                            for t in 0..<(hi - lo) { target[t * step] += values[t] }
                        }
                    }
                    row += rowStride
                }
            }
        }
    }

    /// Calls `body(j, count, inputRow, firstColumn)` for each output row's run of pixels in
    /// `first..<first + length`: `j` is the run's offset in the chunk, `inputRow` the input
    /// row kernel row `kh` reads there (nil in the padding), `firstColumn` the run's first
    /// output column.
    @inline(__always)
    static func walkRows(_ s: ConvolutionShape, first: Int, length: Int, kh: Int,
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

    /// The output-gradient rows of a block as a GEMM operand: the gradient itself when the
    /// block lies in one image (rows `pixels` apart), else the runs copied side by side
    /// into `buffer` (rows `length` apart).
    static func gradientBlock(_ s: ConvolutionShape, outputGradient: UnsafePointer<Scalar>, group: Int, start: Int, length: Int,
                              buffer: UnsafeMutablePointer<Scalar>) -> (pointer: UnsafePointer<Scalar>, rowStride: Int) {
        let pixels = s.outputHeight * s.outputWidth, m = s.outChannels / s.groups
        func plane(_ image: Int) -> UnsafePointer<Scalar> { outputGradient + (image * s.outChannels + group * m) * pixels }
        let firstImage = start / pixels
        if firstImage == (start + length - 1) / pixels {
            return (plane(firstImage) + (start - firstImage * pixels), pixels)
        }
        segments(start: start, length: length, pixels: pixels) { image, pixel, count, offset in
            let dy = plane(image) + pixel
            for row in 0..<m { (buffer + row * length + offset).update(from: dy + row * pixels, count: count) }
        }
        return (UnsafePointer(buffer), length)
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
        if let transposed = s.transposedForStrideOne {
            // At stride 1 the input gradient is a forward convolution of the output gradient
            // with the filters transposed (input and output channels swapped) and flipped,
            // and the padding mirrored: the same long GEMMs as the forward pass, no scatter.
            let m = s.outChannels / s.groups, channels = s.inChannels / s.groups
            let taps = s.kernelHeight * s.kernelWidth
            let flipped = UnsafeMutablePointer<Scalar>.allocate(capacity: s.outChannels * channels * taps)
            defer { flipped.deallocate() }
            for group in 0..<s.groups {
                for o in 0..<m {
                    for c in 0..<channels {
                        let source = weight + ((group * m + o) * channels + c) * taps
                        let target = flipped + ((group * channels + c) * m + o) * taps
                        for tap in 0..<taps { target[tap] = source[taps - 1 - tap] }
                    }
                }
            }
            forward(transposed, input: outputGradient, weight: flipped, bias: nil, output: inputGradient)
            return
        }
        inputGradient.update(repeating: 0, count: s.batch * s.inChannels * inPlane)
        let m = s.outChannels / s.groups, k = s.reductionLength
        let channels = s.inChannels / s.groups
        guard pixels > 0, m > 0 else { return }
        func inputPlane(_ image: Int, _ group: Int) -> UnsafeMutablePointer<Scalar> {
            inputGradient + (image * s.inChannels + group * channels) * inPlane
        }
        let threads = Parallel.taskCount(work: s.multiplyAdds, grain: 1 << 18)
        let chunk = min(s.batch * pixels, 4096, max(32, panelElements / max(1, k) / 32 * 32))
        // For each block of the columns `columns` of `group`: `dCol = W[group]^T * dY[:, block]`
        // into the panel, then `scatter(start, length)` adds it back to the input planes.
        func blocks(_ columns: Range<Int>, group: Int, scratch: Scratch, _ scatter: (_ start: Int, _ length: Int) -> Void) {
            var start = columns.lowerBound
            while start < columns.upperBound {
                let length = min(chunk, columns.upperBound - start)
                let dy = gradientBlock(s, outputGradient: outputGradient, group: group, start: start, length: length, buffer: scratch.rows)
                gemm(m: k, n: length, k: m, a: weight + group * m * k, rsA: 1, csA: k,
                     b: dy.pointer, rsB: dy.rowStride, csB: 1, beta: 0, c: scratch.panel, rsC: length, csC: 1)
                scatter(start, length)
                start += length
            }
        }
        // col2im of the panel's `channels` for the block `start..<start + length` of `group`.
        func scatter(_ scratch: Scratch, group: Int, start: Int, length: Int, channels: Range<Int>) {
            segments(start: start, length: length, pixels: pixels) { image, pixel, count, offset in
                scatterAdd(s, panel: scratch.panel + offset, first: pixel, length: count, rowStride: length,
                           channels: channels, into: inputPlane(image, group))
            }
        }
        if threads <= 1 || s.batch >= threads {
            // Each task owns whole images, so its scatters touch memory no other task
            // writes; blocks stay inside the task's images.
            let tasks = min(threads, s.batch)
            Parallel.run(tasks) { task in
                let images = Parallel.slice(s.batch, tasks: tasks, task: task)
                let scratch = Scratch(panel: k * chunk, rows: m * chunk)
                for group in 0..<s.groups {
                    blocks((images.lowerBound * pixels)..<(images.upperBound * pixels), group: group, scratch: scratch) { start, length in
                        scatter(scratch, group: group, start: start, length: length, channels: 0..<channels)
                    }
                }
            }
        } else {
            // Fewer images than threads: the products run threaded, then the scatter
            // splits by channel (each channel's panel rows land in that channel's plane).
            let scratch = Scratch(panel: k * chunk, rows: m * chunk)
            let tasks = min(channels, threads)
            for group in 0..<s.groups {
                blocks(0..<(s.batch * pixels), group: group, scratch: scratch) { start, length in
                    Parallel.run(tasks) { task in
                        scatter(scratch, group: group, start: start, length: length,
                                channels: Parallel.slice(channels, tasks: tasks, task: task))
                    }
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
        let inPlane = s.inputHeight * s.inputWidth, channels = s.inChannels / s.groups
        let columns = s.batch * pixels
        let chunk = chunkLength(rows: k, columns: columns)
        let blocks = (columns + chunk - 1) / chunk
        let items = s.groups * blocks
        let tasks = taskCount(items: items, work: s.multiplyAdds)
        // Each task sums its blocks' products into its own copy of the gradient; the copies
        // are added at the end (the weight is small next to the activations).
        let partials = tasks > 1 ? UnsafeMutablePointer<Scalar>.allocate(capacity: tasks * weightCount) : nil
        defer { partials?.deallocate() }
        Parallel.run(tasks) { task in
            let dw = partials.map { $0 + task * weightCount } ?? weightGradient
            if partials != nil { dw.update(repeating: 0, count: weightCount) }
            let scratch = Scratch(panel: k * chunk, rows: m * chunk)
            for item in Parallel.slice(items, tasks: tasks, task: task) {
                let group = item / blocks, start = (item % blocks) * chunk
                let length = min(chunk, columns - start)
                segments(start: start, length: length, pixels: pixels) { image, pixel, count, offset in
                    gather(s, input: input + (image * s.inChannels + group * channels) * inPlane, first: pixel, length: count,
                           into: scratch.panel + offset, rowStride: length)
                }
                let dy = gradientBlock(s, outputGradient: outputGradient, group: group, start: start, length: length, buffer: scratch.rows)
                // dW[group] += dY[:, block] * panel^T
                gemm(m: m, n: k, k: length, a: dy.pointer, rsA: dy.rowStride, csA: 1, b: scratch.panel, rsB: 1, csB: length,
                     beta: 1, c: dw + group * m * k, rsC: k, csC: 1)
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

    /// Output planes in parallel, each by the ISA's vectorised plane kernel.
    static func depthwiseForward(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
                                 bias: UnsafePointer<Scalar>?, output: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth, pixels = s.outputHeight * s.outputWidth
        let taps = s.kernelHeight * s.kernelWidth
        let planes = s.batch * s.outChannels
        let plane = s.plane
        let kernel = Scalar.kernels(on: KernelISA.current, for: "convolution").depthwiseForward
        let tasks = taskCount(items: planes, work: s.multiplyAdds)
        Parallel.run(tasks) { task in
            for index in Parallel.slice(planes, tasks: tasks, task: task) {
                let image = index / s.outChannels, channel = index % s.outChannels
                kernel(plane, input + (image * s.inChannels + depthwiseSource(s, channel)) * inPlane, weight + channel * taps,
                       bias?[channel] ?? 0, false, output + index * pixels)
            }
        }
    }

    /// Input planes in parallel. At stride 1 the input gradient is the forward kernel run
    /// on the output gradient with the filter flipped and the padding mirrored
    /// (`dilation * (k - 1) - padding`); other strides scatter element by element.
    static func depthwiseBackwardInput(_ s: ConvolutionShape, outputGradient: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
                                       inputGradient: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth, pixels = s.outputHeight * s.outputWidth
        let taps = s.kernelHeight * s.kernelWidth
        let multiplier = s.outChannels / s.groups
        let planes = s.batch * s.inChannels
        let tasks = taskCount(items: planes, work: s.multiplyAdds)
        if let transposed = s.transposedForStrideOne {
            let flipped = UnsafeMutablePointer<Scalar>.allocate(capacity: s.outChannels * taps)
            defer { flipped.deallocate() }
            for channel in 0..<s.outChannels {
                for tap in 0..<taps { flipped[channel * taps + tap] = weight[channel * taps + taps - 1 - tap] }
            }
            let plane = transposed.plane
            let kernel = Scalar.kernels(on: KernelISA.current, for: "convolution").depthwiseForward
            Parallel.run(tasks) { task in
                for index in Parallel.slice(planes, tasks: tasks, task: task) {
                    let image = index / s.inChannels, source = index % s.inChannels
                    for (j, channel) in ((source * multiplier)..<((source + 1) * multiplier)).enumerated() {
                        kernel(plane, outputGradient + (image * s.outChannels + channel) * pixels, flipped + channel * taps,
                               0, j > 0, inputGradient + index * inPlane)
                    }
                }
            }
            return
        }
        Parallel.run(tasks) { task in
            for index in Parallel.slice(planes, tasks: tasks, task: task) {
                let image = index / s.inChannels, source = index % s.inChannels
                let dx = inputGradient + index * inPlane
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
                                for t in lo..<hi { row[start + (t - lo) * step] += value * line[t] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output channels in parallel: each filter's gradient summed over the batch by the
    /// ISA's vectorised plane kernel.
    static func depthwiseBackwardWeight(_ s: ConvolutionShape, input: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
                                        weightGradient: UnsafeMutablePointer<Scalar>) {
        let inPlane = s.inputHeight * s.inputWidth, pixels = s.outputHeight * s.outputWidth
        let taps = s.kernelHeight * s.kernelWidth
        let plane = s.plane
        let kernel = Scalar.kernels(on: KernelISA.current, for: "convolution").depthwiseWeightGradient
        let tasks = taskCount(items: s.outChannels, work: s.multiplyAdds)
        // 64 zeros, then 64 ones: the plane kernel's tail mask (wider than any vector).
        let mask = UnsafeMutablePointer<Scalar>.allocate(capacity: 128)
        defer { mask.deallocate() }
        mask.update(repeating: 0, count: 64)
        (mask + 64).update(repeating: 1, count: 64)
        Parallel.run(tasks) { task in
            for channel in Parallel.slice(s.outChannels, tasks: tasks, task: task) {
                for image in 0..<s.batch {
                    kernel(plane, input + (image * s.inChannels + depthwiseSource(s, channel)) * inPlane,
                           outputGradient + (image * s.outChannels + channel) * pixels, weightGradient + channel * taps, mask + 64)
                }
            }
        }
    }
}

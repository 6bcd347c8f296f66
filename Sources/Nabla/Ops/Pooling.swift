import NablaKernels

// Max, average and adaptive pooling over one or two spatial dimensions (PyTorch's
// `F.max_pool1d/2d`, `F.avg_pool1d/2d`, `F.adaptive_avg_pool1d/2d`,
// `F.adaptive_max_pool1d/2d`), with their backward passes.
//
// Every operation runs on `[planes, H, W]` (a batched `N x C x H x W` input has `N * C`
// planes, an unbatched `C x H x W` one `C`; a one-dimensional pooling is the same with
// `H == 1`). The kernels are generic loops over raw pointers, specialised for Float and
// Double at one dtype switch per operation, and split the planes over ``Parallel`` tasks
// when the work is large enough.

/// The shape of a sweep of pooling windows over `planes` planes of `inH x inW`.
struct PoolGeometry {
    var planes: Int
    var inH: Int, inW: Int
    var outH: Int, outW: Int
    var kernelH = 1, kernelW = 1
    var strideH = 1, strideW = 1
    var padH = 0, padW = 0
    var dilationH = 1, dilationW = 1

    var inPlane: Int { inH * inW }
    var outPlane: Int { outH * outW }
}

/// The pooling kernels: loops over raw pointers, generic over the element type.
enum PoolingKernels {
    /// Units of work (window elements visited) below which a sweep runs on one thread.
    static let grain = 1 << 15

    /// Runs `body` over ranges of planes, on several threads when `planes * workPerPlane`
    /// is large. Each plane is touched by exactly one task.
    static func forEachPlaneRange(_ planes: Int, workPerPlane: Int, _ body: (Range<Int>) -> Void) {
        guard planes > 0 else { return }
        let tasks = Swift.min(planes, Parallel.taskCount(work: planes * Swift.max(workPerPlane, 1), grain: grain))
        Parallel.run(tasks) { task in body(Parallel.slice(planes, tasks: tasks, task: task)) }
    }

    /// The adaptive window along one dimension: `floor(i * in / out) ..< ceil((i + 1) * in / out)`.
    @inline(__always)
    static func adaptiveRange(_ i: Int, input: Int, output: Int) -> Range<Int> {
        (i * input) / output ..< ((i + 1) * input + output - 1) / output
    }

    /// Max pooling: each output is the largest value of its (dilated) window, NaN winning
    /// as in PyTorch, and `indices` its flat position in the input plane.
    static func maxPoolForward<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
                                                       _ indices: UnsafeMutablePointer<Int64>, _ g: PoolGeometry) {
        forEachPlaneRange(g.planes, workPerPlane: g.outPlane * g.kernelH * g.kernelW) { planes in
            for plane in planes {
                let source = input + plane * g.inPlane
                let target = output + plane * g.outPlane
                let targetIndices = indices + plane * g.outPlane
                for oh in 0..<g.outH {
                    var h0 = oh * g.strideH - g.padH
                    let h1 = Swift.min(h0 + (g.kernelH - 1) * g.dilationH + 1, g.inH)
                    while h0 < 0 { h0 += g.dilationH }
                    for ow in 0..<g.outW {
                        var w0 = ow * g.strideW - g.padW
                        let w1 = Swift.min(w0 + (g.kernelW - 1) * g.dilationW + 1, g.inW)
                        while w0 < 0 { w0 += g.dilationW }
                        var best = -T.infinity
                        var bestIndex = h0 * g.inW + w0
                        var h = h0
                        while h < h1 {
                            var w = w0
                            while w < w1 {
                                let index = h * g.inW + w
                                let value = source[index]
                                if value > best || value.isNaN {
                                    best = value
                                    bestIndex = index
                                }
                                w += g.dilationW
                            }
                            h += g.dilationH
                        }
                        target[oh * g.outW + ow] = best
                        targetIndices[oh * g.outW + ow] = Int64(bestIndex)
                    }
                }
            }
        }
    }

    /// Max pooling without indices, for inference (nothing will need the backward pass),
    /// when the windows are not dilated: per output row, the valid input rows are reduced
    /// column by column with vector maxima, then each window takes the largest of its
    /// columns. A plane holding NaN goes through ``maxPoolForward(_:_:_:_:)``, whose
    /// comparisons propagate it as PyTorch does.
    static func maxPoolValues<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
                                                      _ g: PoolGeometry) {
        forEachPlaneRange(g.planes, workPerPlane: g.outPlane * g.kernelH * g.kernelW) { planes in
            let columns = UnsafeMutablePointer<T>.allocate(capacity: g.inW)
            let scratchIndices = UnsafeMutablePointer<Int64>.allocate(capacity: g.outPlane)
            defer { columns.deallocate(); scratchIndices.deallocate() }
            for plane in planes {
                let source = input + plane * g.inPlane
                let target = output + plane * g.outPlane
                // Plain loops over columns, which the compiler turns into vector selects;
                // NaN is counted on the side (`x != x`) without a branch.
                var nans = 0
                for oh in 0..<g.outH {
                    let h0 = Swift.max(oh * g.strideH - g.padH, 0)
                    let h1 = Swift.min(oh * g.strideH - g.padH + g.kernelH, g.inH)
                    for w in 0..<g.inW { columns[w] = -T.infinity }
                    for h in h0..<h1 {
                        let row = source + h * g.inW
                        for w in 0..<g.inW {
                            let value = row[w], best = columns[w]
                            columns[w] = value > best ? value : best
                            nans &+= value != value ? 1 : 0
                        }
                    }
                    let targetRow = target + oh * g.outW
                    for ow in 0..<g.outW {
                        let w0 = Swift.max(ow * g.strideW - g.padW, 0)
                        let w1 = Swift.min(ow * g.strideW - g.padW + g.kernelW, g.inW)
                        var best = -T.infinity
                        for column in w0..<w1 {
                            let value = columns[column]
                            best = value > best ? value : best
                        }
                        targetRow[ow] = best
                    }
                }
                if nans > 0 {
                    var one = g
                    one.planes = 1
                    maxPoolForward(source, target, scratchIndices, one)
                }
            }
        }
    }

    /// Adaptive max pooling: windows `floor(i * in / out) ..< ceil((i + 1) * in / out)`.
    static func adaptiveMaxPoolForward<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
                                                               _ indices: UnsafeMutablePointer<Int64>, _ g: PoolGeometry) {
        let windowArea = ((g.inH + g.outH - 1) / Swift.max(g.outH, 1) + 1) * ((g.inW + g.outW - 1) / Swift.max(g.outW, 1) + 1)
        forEachPlaneRange(g.planes, workPerPlane: g.outPlane * windowArea) { planes in
            for plane in planes {
                let source = input + plane * g.inPlane
                let target = output + plane * g.outPlane
                let targetIndices = indices + plane * g.outPlane
                for oh in 0..<g.outH {
                    let rows = adaptiveRange(oh, input: g.inH, output: g.outH)
                    for ow in 0..<g.outW {
                        let columns = adaptiveRange(ow, input: g.inW, output: g.outW)
                        var best = -T.infinity
                        var bestIndex = rows.lowerBound * g.inW + columns.lowerBound
                        for h in rows {
                            for w in columns {
                                let index = h * g.inW + w
                                let value = source[index]
                                if value > best || value.isNaN {
                                    best = value
                                    bestIndex = index
                                }
                            }
                        }
                        target[oh * g.outW + ow] = best
                        targetIndices[oh * g.outW + ow] = Int64(bestIndex)
                    }
                }
            }
        }
    }

    /// The backward of every max pooling: each output gradient is added to the input
    /// element its index names. A dilated window that falls entirely in the padding has
    /// no input element (its value is `-infinity` and its index, as in PyTorch, lies
    /// outside the plane): its gradient goes nowhere.
    static func maxPoolBackward<T: BinaryFloatingPoint>(_ gradOutput: UnsafePointer<T>, _ indices: UnsafePointer<Int64>,
                                                        _ gradInput: UnsafeMutablePointer<T>, _ g: PoolGeometry) {
        forEachPlaneRange(g.planes, workPerPlane: g.outPlane) { planes in
            for plane in planes {
                let source = gradOutput + plane * g.outPlane
                let sourceIndices = indices + plane * g.outPlane
                let target = gradInput + plane * g.inPlane
                for o in 0..<g.outPlane {
                    let index = Int(sourceIndices[o])
                    if index >= 0 && index < g.inPlane { target[index] += source[o] }
                }
            }
        }
    }

    /// The window of average pooling output `(oh, ow)` clipped to the input, and the
    /// number its sum is divided by (PyTorch's `count_include_pad` and
    /// `divisor_override` rules).
    @inline(__always)
    static func averageWindow(_ oh: Int, _ ow: Int, _ g: PoolGeometry, countIncludePad: Bool,
                              divisorOverride: Int?) -> (rows: Range<Int>, columns: Range<Int>, divisor: Int) {
        var h0 = oh * g.strideH - g.padH, w0 = ow * g.strideW - g.padW
        var h1 = Swift.min(h0 + g.kernelH, g.inH + g.padH), w1 = Swift.min(w0 + g.kernelW, g.inW + g.padW)
        let padded = (h1 - h0) * (w1 - w0)
        h0 = Swift.max(h0, 0); w0 = Swift.max(w0, 0)
        h1 = Swift.min(h1, g.inH); w1 = Swift.min(w1, g.inW)
        guard h0 < h1, w0 < w1 else { return (0..<0, 0..<0, 1) }
        let divisor = divisorOverride ?? (countIncludePad ? padded : (h1 - h0) * (w1 - w0))
        return (h0..<h1, w0..<w1, divisor)
    }

    /// Average pooling: the window's sum divided by its divisor (0 for a window entirely
    /// in the padding).
    static func avgPoolForward<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ g: PoolGeometry,
                                                       countIncludePad: Bool, divisorOverride: Int?) {
        forEachPlaneRange(g.planes, workPerPlane: g.outPlane * g.kernelH * g.kernelW) { planes in
            for plane in planes {
                let source = input + plane * g.inPlane
                let target = output + plane * g.outPlane
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let window = averageWindow(oh, ow, g, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
                        if window.rows.isEmpty {
                            target[oh * g.outW + ow] = 0
                            continue
                        }
                        var sum: T = 0
                        for h in window.rows {
                            for w in window.columns { sum += source[h * g.inW + w] }
                        }
                        target[oh * g.outW + ow] = sum / T(window.divisor)
                    }
                }
            }
        }
    }

    /// The backward of average pooling: each output gradient, divided by its window's
    /// divisor, is added to every input element of the window.
    static func avgPoolBackward<T: BinaryFloatingPoint>(_ gradOutput: UnsafePointer<T>, _ gradInput: UnsafeMutablePointer<T>, _ g: PoolGeometry,
                                                        countIncludePad: Bool, divisorOverride: Int?) {
        forEachPlaneRange(g.planes, workPerPlane: g.outPlane * g.kernelH * g.kernelW) { planes in
            for plane in planes {
                let source = gradOutput + plane * g.outPlane
                let target = gradInput + plane * g.inPlane
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let window = averageWindow(oh, ow, g, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
                        let share = source[oh * g.outW + ow] / T(window.divisor)
                        for h in window.rows {
                            for w in window.columns { target[h * g.inW + w] += share }
                        }
                    }
                }
            }
        }
    }

    /// Adaptive average pooling: the mean of each adaptive window.
    static func adaptiveAvgPoolForward<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ g: PoolGeometry) {
        forEachPlaneRange(g.planes, workPerPlane: g.inPlane + g.outPlane) { planes in
            for plane in planes {
                let source = input + plane * g.inPlane
                let target = output + plane * g.outPlane
                for oh in 0..<g.outH {
                    let rows = adaptiveRange(oh, input: g.inH, output: g.outH)
                    for ow in 0..<g.outW {
                        let columns = adaptiveRange(ow, input: g.inW, output: g.outW)
                        var sum: T = 0
                        for h in rows {
                            for w in columns { sum += source[h * g.inW + w] }
                        }
                        target[oh * g.outW + ow] = sum / T(rows.count * columns.count)
                    }
                }
            }
        }
    }

    /// The backward of adaptive average pooling: each output gradient, divided by its
    /// window's size, is added to every input element of the window.
    static func adaptiveAvgPoolBackward<T: BinaryFloatingPoint>(_ gradOutput: UnsafePointer<T>, _ gradInput: UnsafeMutablePointer<T>, _ g: PoolGeometry) {
        forEachPlaneRange(g.planes, workPerPlane: g.inPlane + g.outPlane) { planes in
            for plane in planes {
                let source = gradOutput + plane * g.outPlane
                let target = gradInput + plane * g.inPlane
                for oh in 0..<g.outH {
                    let rows = adaptiveRange(oh, input: g.inH, output: g.outH)
                    for ow in 0..<g.outW {
                        let columns = adaptiveRange(ow, input: g.inW, output: g.outW)
                        let share = source[oh * g.outW + ow] / T(rows.count * columns.count)
                        for h in rows {
                            for w in columns { target[h * g.inW + w] += share }
                        }
                    }
                }
            }
        }
    }
}

/// Floor division (PyTorch's `div_rtn`), for numerators that may be negative.
private func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

/// The number of windows along one dimension (PyTorch's `pooling_output_shape`): in
/// ceil mode a last, partial window counts when it starts inside the input or the
/// left padding.
func poolingOutputSize(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) -> Int {
    var size = floorDivide(input + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0), stride) + 1
    if ceilMode && (size - 1) * stride >= input + padding { size -= 1 }
    return size
}

extension Tensor {
    /// The arguments of a windowed pooling, checked and expanded to one value per
    /// spatial dimension.
    struct PoolArguments {
        var kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]
    }

    /// Checks the input's rank and dtype for a pooling over `spatialDims` dims, and
    /// returns the shape of its batch-and-channel prefix.
    func poolingPrefix(spatialDims: Int, operation: String, allowEmptySpatial: Bool = false) -> [Int] {
        guard ndim == spatialDims + 1 || ndim == spatialDims + 2 else {
            fatalError("\(operation): expected a \(spatialDims + 1)-d (unbatched) or \(spatialDims + 2)-d (batched) input, got shape \(shape)")
        }
        guard dtype == .float32 || dtype == .float64 else {
            fatalError("\(operation): input must be float32 or float64, got \(dtype) (shape \(shape))")
        }
        let firstChecked = ndim == spatialDims + 2 ? 1 : 0
        for d in firstChecked..<ndim where shape[d] == 0 {
            fatalError("\(operation): expected an input with non-zero sizes except for the batch dim, got shape \(shape)")
        }
        return Array(shape[0..<(ndim - spatialDims)])
    }

    /// Expands and checks kernel size, stride, padding and dilation.
    func poolArguments(spatialDims: Int, kernelSize: SpatialSize, stride: SpatialSize?, padding: SpatialSize,
                       dilation: SpatialSize, operation: String) -> PoolArguments {
        let kernel = kernelSize.expanded(to: spatialDims, argument: "kernelSize", operation: operation, minimum: 1)
        let strides = (stride ?? kernelSize).expanded(to: spatialDims, argument: "stride", operation: operation, minimum: 1)
        let pads = padding.expanded(to: spatialDims, argument: "padding", operation: operation, minimum: 0)
        let dilations = dilation.expanded(to: spatialDims, argument: "dilation", operation: operation, minimum: 1)
        for d in 0..<spatialDims where pads[d] > kernel[d] / 2 {
            fatalError("\(operation): padding \(pads) must be at most half of kernelSize \(kernel) (input shape \(shape))")
        }
        return PoolArguments(kernel: kernel, stride: strides, padding: pads, dilation: dilations)
    }

    /// The geometry of a windowed pooling of this (checked) input, trapping when the
    /// output would be empty.
    func windowGeometry(_ arguments: PoolArguments, spatialDims: Int, prefix: [Int], ceilMode: Bool, operation: String) -> PoolGeometry {
        let spatial = Array(shape[prefix.count...])
        var outputs: [Int] = []
        for d in 0..<spatialDims {
            outputs.append(poolingOutputSize(input: spatial[d], kernel: arguments.kernel[d], stride: arguments.stride[d],
                                             padding: arguments.padding[d], dilation: arguments.dilation[d], ceilMode: ceilMode))
        }
        if outputs.contains(where: { $0 < 1 }) {
            fatalError("\(operation): input of shape \(shape) is too small for kernelSize \(arguments.kernel), stride \(arguments.stride), padding \(arguments.padding) and dilation \(arguments.dilation): the output size would be \(outputs)")
        }
        let planes = prefix.reduce(1, *)
        if spatialDims == 1 {
            return PoolGeometry(planes: planes, inH: 1, inW: spatial[0], outH: 1, outW: outputs[0],
                                kernelW: arguments.kernel[0], strideW: arguments.stride[0],
                                padW: arguments.padding[0], dilationW: arguments.dilation[0])
        }
        return PoolGeometry(planes: planes, inH: spatial[0], inW: spatial[1], outH: outputs[0], outW: outputs[1],
                            kernelH: arguments.kernel[0], kernelW: arguments.kernel[1],
                            strideH: arguments.stride[0], strideW: arguments.stride[1],
                            padH: arguments.padding[0], padW: arguments.padding[1],
                            dilationH: arguments.dilation[0], dilationW: arguments.dilation[1])
    }

    /// The geometry of an adaptive pooling to `outputSize`.
    func adaptiveGeometry(outputSize: SpatialSize, spatialDims: Int, prefix: [Int], operation: String) -> PoolGeometry {
        let outputs = outputSize.expanded(to: spatialDims, argument: "outputSize", operation: operation, minimum: 0)
        let spatial = Array(shape[prefix.count...])
        let planes = prefix.reduce(1, *)
        if spatialDims == 1 {
            return PoolGeometry(planes: planes, inH: 1, inW: spatial[0], outH: 1, outW: outputs[0])
        }
        return PoolGeometry(planes: planes, inH: spatial[0], inW: spatial[1], outH: outputs[0], outW: outputs[1])
    }

    /// The output shape of a pooling: the prefix, then the output's spatial sizes.
    private static func pooledShape(_ prefix: [Int], _ g: PoolGeometry, spatialDims: Int) -> [Int] {
        spatialDims == 1 ? prefix + [g.outW] : prefix + [g.outH, g.outW]
    }

    /// Runs a max pooling kernel (`forward`) and records the shared backward.
    private func maxPooled(_ g: PoolGeometry, outputShape: [Int], name: String, operation: String,
                           forward: (Tensor, Tensor, Tensor) -> Void) -> (values: Tensor, indices: Tensor) {
        let input = contiguous()
        let values = Tensor(uninitializedShape: outputShape, dtype: dtype, zeroed: false, operation: operation)
        let indices = Tensor(uninitializedShape: outputShape, dtype: .int64, zeroed: false, operation: operation)
        forward(input, values, indices)
        let inputShape = input.shape, inputDType = input.dtype
        values.recordingGradient(name, inputs: [input], saving: [indices]) { gradient in
            let gradOutput = (gradient.dtype == inputDType ? gradient : gradient.to(inputDType)).contiguous()
            let gradInput = Tensor(uninitializedShape: inputShape, dtype: inputDType, zeroed: true, operation: operation)
            let positions = UnsafePointer(indices.pointer(as: Int64.self))
            if inputDType == .float32 {
                PoolingKernels.maxPoolBackward(UnsafePointer(gradOutput.pointer(as: Float.self)), positions, gradInput.pointer(as: Float.self), g)
            } else {
                PoolingKernels.maxPoolBackward(UnsafePointer(gradOutput.pointer(as: Double.self)), positions, gradInput.pointer(as: Double.self), g)
            }
            return [gradInput]
        }
        return (values, indices)
    }

    /// Max pooling over `spatialDims` (1 or 2) dims, with indices.
    /// Max pooling values (`maxPool1d`/`maxPool2d`): in inference, when no backward pass
    /// will read indices and windows are not dilated, a kernel that computes none;
    /// otherwise the path with indices.
    private func maxPoolValues(spatialDims: Int, kernelSize: SpatialSize, stride: SpatialSize?, padding: SpatialSize,
                               dilation: SpatialSize, ceilMode: Bool, operation: String) -> Tensor {
        let prefix = poolingPrefix(spatialDims: spatialDims, operation: operation)
        let arguments = poolArguments(spatialDims: spatialDims, kernelSize: kernelSize, stride: stride, padding: padding,
                                      dilation: dilation, operation: operation)
        let g = windowGeometry(arguments, spatialDims: spatialDims, prefix: prefix, ceilMode: ceilMode, operation: operation)
        guard !(GradMode.enabled && requiresGrad), g.dilationH == 1, g.dilationW == 1 else {
            return maxPoolWithIndices(spatialDims: spatialDims, kernelSize: kernelSize, stride: stride, padding: padding,
                                      dilation: dilation, ceilMode: ceilMode, operation: operation).values
        }
        let input = contiguous()
        let values = Tensor(uninitializedShape: Tensor.pooledShape(prefix, g, spatialDims: spatialDims), dtype: dtype,
                            zeroed: false, operation: operation)
        if dtype == .float32 {
            PoolingKernels.maxPoolValues(UnsafePointer(input.pointer(as: Float.self)), values.pointer(as: Float.self), g)
        } else {
            PoolingKernels.maxPoolValues(UnsafePointer(input.pointer(as: Double.self)), values.pointer(as: Double.self), g)
        }
        return values
    }

    private func maxPoolWithIndices(spatialDims: Int, kernelSize: SpatialSize, stride: SpatialSize?, padding: SpatialSize,
                                    dilation: SpatialSize, ceilMode: Bool, operation: String) -> (values: Tensor, indices: Tensor) {
        let prefix = poolingPrefix(spatialDims: spatialDims, operation: operation)
        let arguments = poolArguments(spatialDims: spatialDims, kernelSize: kernelSize, stride: stride, padding: padding,
                                      dilation: dilation, operation: operation)
        let g = windowGeometry(arguments, spatialDims: spatialDims, prefix: prefix, ceilMode: ceilMode, operation: operation)
        let name = spatialDims == 1 ? "MaxPool1DWithIndicesBackward0" : "MaxPool2DWithIndicesBackward0"
        return maxPooled(g, outputShape: Tensor.pooledShape(prefix, g, spatialDims: spatialDims), name: name, operation: operation) { input, values, indices in
            let positions = indices.pointer(as: Int64.self)
            if dtype == .float32 {
                PoolingKernels.maxPoolForward(UnsafePointer(input.pointer(as: Float.self)), values.pointer(as: Float.self), positions, g)
            } else {
                PoolingKernels.maxPoolForward(UnsafePointer(input.pointer(as: Double.self)), values.pointer(as: Double.self), positions, g)
            }
        }
    }

    /// Adaptive max pooling over `spatialDims` (1 or 2) dims, with indices.
    private func adaptiveMaxPoolWithIndices(spatialDims: Int, outputSize: SpatialSize, operation: String) -> (values: Tensor, indices: Tensor) {
        let prefix = poolingPrefix(spatialDims: spatialDims, operation: operation)
        let g = adaptiveGeometry(outputSize: outputSize, spatialDims: spatialDims, prefix: prefix, operation: operation)
        let name = spatialDims == 1 ? "AdaptiveMaxPool1DBackward0" : "AdaptiveMaxPool2DBackward0"
        return maxPooled(g, outputShape: Tensor.pooledShape(prefix, g, spatialDims: spatialDims), name: name, operation: operation) { input, values, indices in
            let positions = indices.pointer(as: Int64.self)
            if dtype == .float32 {
                PoolingKernels.adaptiveMaxPoolForward(UnsafePointer(input.pointer(as: Float.self)), values.pointer(as: Float.self), positions, g)
            } else {
                PoolingKernels.adaptiveMaxPoolForward(UnsafePointer(input.pointer(as: Double.self)), values.pointer(as: Double.self), positions, g)
            }
        }
    }

    /// Average pooling over `spatialDims` (1 or 2) dims.
    private func avgPool(spatialDims: Int, kernelSize: SpatialSize, stride: SpatialSize?, padding: SpatialSize, ceilMode: Bool,
                         countIncludePad: Bool, divisorOverride: Int?, operation: String) -> Tensor {
        let prefix = poolingPrefix(spatialDims: spatialDims, operation: operation)
        if let divisorOverride, divisorOverride == 0 {
            fatalError("\(operation): divisorOverride must be non-zero (input shape \(shape))")
        }
        let arguments = poolArguments(spatialDims: spatialDims, kernelSize: kernelSize, stride: stride, padding: padding,
                                      dilation: 1, operation: operation)
        let g = windowGeometry(arguments, spatialDims: spatialDims, prefix: prefix, ceilMode: ceilMode, operation: operation)
        let input = contiguous()
        let out = Tensor(uninitializedShape: Tensor.pooledShape(prefix, g, spatialDims: spatialDims), dtype: dtype, zeroed: false, operation: operation)
        if dtype == .float32 {
            PoolingKernels.avgPoolForward(UnsafePointer(input.pointer(as: Float.self)), out.pointer(as: Float.self), g,
                                          countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        } else {
            PoolingKernels.avgPoolForward(UnsafePointer(input.pointer(as: Double.self)), out.pointer(as: Double.self), g,
                                          countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        }
        let inputShape = input.shape, inputDType = input.dtype
        let name = spatialDims == 1 ? "AvgPool1DBackward0" : "AvgPool2DBackward0"
        return out.recordingGradient(name, inputs: [input]) { gradient in
            let gradOutput = (gradient.dtype == inputDType ? gradient : gradient.to(inputDType)).contiguous()
            let gradInput = Tensor(uninitializedShape: inputShape, dtype: inputDType, zeroed: true, operation: operation)
            if inputDType == .float32 {
                PoolingKernels.avgPoolBackward(UnsafePointer(gradOutput.pointer(as: Float.self)), gradInput.pointer(as: Float.self), g,
                                               countIncludePad: countIncludePad, divisorOverride: divisorOverride)
            } else {
                PoolingKernels.avgPoolBackward(UnsafePointer(gradOutput.pointer(as: Double.self)), gradInput.pointer(as: Double.self), g,
                                               countIncludePad: countIncludePad, divisorOverride: divisorOverride)
            }
            return [gradInput]
        }
    }

    /// Adaptive average pooling over `spatialDims` (1 or 2) dims.
    private func adaptiveAvgPool(spatialDims: Int, outputSize: SpatialSize, operation: String) -> Tensor {
        let prefix = poolingPrefix(spatialDims: spatialDims, operation: operation)
        let g = adaptiveGeometry(outputSize: outputSize, spatialDims: spatialDims, prefix: prefix, operation: operation)
        let input = contiguous()
        let out = Tensor(uninitializedShape: Tensor.pooledShape(prefix, g, spatialDims: spatialDims), dtype: dtype, zeroed: false, operation: operation)
        if dtype == .float32 {
            PoolingKernels.adaptiveAvgPoolForward(UnsafePointer(input.pointer(as: Float.self)), out.pointer(as: Float.self), g)
        } else {
            PoolingKernels.adaptiveAvgPoolForward(UnsafePointer(input.pointer(as: Double.self)), out.pointer(as: Double.self), g)
        }
        let inputShape = input.shape, inputDType = input.dtype
        let name = spatialDims == 1 ? "AdaptiveAvgPool1DBackward0" : "AdaptiveAvgPool2DBackward0"
        return out.recordingGradient(name, inputs: [input]) { gradient in
            let gradOutput = (gradient.dtype == inputDType ? gradient : gradient.to(inputDType)).contiguous()
            let gradInput = Tensor(uninitializedShape: inputShape, dtype: inputDType, zeroed: true, operation: operation)
            if inputDType == .float32 {
                PoolingKernels.adaptiveAvgPoolBackward(UnsafePointer(gradOutput.pointer(as: Float.self)), gradInput.pointer(as: Float.self), g)
            } else {
                PoolingKernels.adaptiveAvgPoolBackward(UnsafePointer(gradOutput.pointer(as: Double.self)), gradInput.pointer(as: Double.self), g)
            }
            return [gradInput]
        }
    }

    // MARK: Max pooling

    /// The largest value of each window over the last two dims of an `N x C x H x W` or
    /// `C x H x W` input (PyTorch's `F.max_pool2d`).
    ///
    /// The output has `floor((H + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1`
    /// rows (and likewise columns); with `ceilMode` the division rounds up, but a last
    /// window must start inside the input or the left padding. Padding is `-infinity`, so
    /// it is never the maximum; a NaN in a window is its maximum. The gradient flows to the
    /// position of each maximum.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output size up instead of down.
    /// - Returns: A tensor of the input's dtype, `N x C x outH x outW` (or `C x outH x outW`).
    public func maxPool2d(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                          dilation: SpatialSize = 1, ceilMode: Bool = false) -> Tensor {
        maxPoolValues(spatialDims: 2, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                      ceilMode: ceilMode, operation: "maxPool2d")
    }

    /// ``maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)`` that also returns where
    /// each maximum was found (PyTorch's `return_indices=True`).
    ///
    /// - Parameters:
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output size up instead of down.
    /// - Returns: The maxima, and their int64 flat positions `h * W + w` in each input plane.
    public func maxPool2dWithIndices(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                                     dilation: SpatialSize = 1, ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
        maxPoolWithIndices(spatialDims: 2, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                           ceilMode: ceilMode, operation: "maxPool2dWithIndices")
    }

    /// The largest value of each window over the last dim of an `N x C x L` or `C x L`
    /// input (PyTorch's `F.max_pool1d`); see
    /// ``maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)`` for the rules.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output length up instead of down.
    /// - Returns: A tensor of the input's dtype, `N x C x outL` (or `C x outL`).
    public func maxPool1d(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                          dilation: SpatialSize = 1, ceilMode: Bool = false) -> Tensor {
        maxPoolValues(spatialDims: 1, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                      ceilMode: ceilMode, operation: "maxPool1d")
    }

    /// ``maxPool1d(kernelSize:stride:padding:dilation:ceilMode:)`` that also returns where
    /// each maximum was found.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit padding on both sides, at most half the kernel size.
    ///   - dilation: The step between a window's elements.
    ///   - ceilMode: Round the output length up instead of down.
    /// - Returns: The maxima, and their int64 positions along the last dim.
    public func maxPool1dWithIndices(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0,
                                     dilation: SpatialSize = 1, ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
        maxPoolWithIndices(spatialDims: 1, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                           ceilMode: ceilMode, operation: "maxPool1dWithIndices")
    }

    // MARK: Average pooling

    /// The mean of each window over the last two dims of an `N x C x H x W` or
    /// `C x H x W` input (PyTorch's `F.avg_pool2d`).
    ///
    /// The output size follows the rules of
    /// ``maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)`` (without dilation).
    /// Each window's sum is divided by `divisorOverride` when given; otherwise by the
    /// window's size including the zero padding (but not the part of a ceil-mode window
    /// beyond the padding) when `countIncludePad`, or by the number of input elements in
    /// it when not.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's size, one value or `[height, width]`.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit zero padding on both sides, at most half the kernel size.
    ///   - ceilMode: Round the output size up instead of down.
    ///   - countIncludePad: Whether padding elements count in the mean's divisor.
    ///   - divisorOverride: A fixed divisor for every window (non-zero), or nil.
    /// - Returns: A tensor of the input's dtype, `N x C x outH x outW` (or `C x outH x outW`).
    public func avgPool2d(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
        avgPool(spatialDims: 2, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                countIncludePad: countIncludePad, divisorOverride: divisorOverride, operation: "avgPool2d")
    }

    /// The mean of each window over the last dim of an `N x C x L` or `C x L` input
    /// (PyTorch's `F.avg_pool1d`); see
    /// ``avgPool2d(kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)``.
    ///
    /// - Parameters:
    ///   - kernelSize: The window's length.
    ///   - stride: The step between windows; the kernel size when nil.
    ///   - padding: The implicit zero padding on both sides, at most half the kernel size.
    ///   - ceilMode: Round the output length up instead of down.
    ///   - countIncludePad: Whether padding elements count in the mean's divisor.
    /// - Returns: A tensor of the input's dtype, `N x C x outL` (or `C x outL`).
    public func avgPool1d(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: SpatialSize = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true) -> Tensor {
        avgPool(spatialDims: 1, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                countIncludePad: countIncludePad, divisorOverride: nil, operation: "avgPool1d")
    }

    // MARK: Adaptive pooling

    /// The mean of `outputSize` windows over the last two dims of an `N x C x H x W` or
    /// `C x H x W` input (PyTorch's `F.adaptive_avg_pool2d`): output row `i` averages
    /// input rows `floor(i * H / outH) ..< ceil((i + 1) * H / outH)`, and likewise for
    /// columns.
    ///
    /// - Parameters:
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    /// - Returns: A tensor of the input's dtype, `N x C x outH x outW` (or `C x outH x outW`).
    public func adaptiveAvgPool2d(outputSize: SpatialSize) -> Tensor {
        adaptiveAvgPool(spatialDims: 2, outputSize: outputSize, operation: "adaptiveAvgPool2d")
    }

    /// The mean of `outputSize` windows over the last dim of an `N x C x L` or `C x L`
    /// input (PyTorch's `F.adaptive_avg_pool1d`); see ``adaptiveAvgPool2d(outputSize:)``.
    ///
    /// - Parameters:
    ///   - outputSize: The output's length.
    /// - Returns: A tensor of the input's dtype, `N x C x outL` (or `C x outL`).
    public func adaptiveAvgPool1d(outputSize: SpatialSize) -> Tensor {
        adaptiveAvgPool(spatialDims: 1, outputSize: outputSize, operation: "adaptiveAvgPool1d")
    }

    /// The maximum of `outputSize` windows over the last two dims of an `N x C x H x W` or
    /// `C x H x W` input (PyTorch's `F.adaptive_max_pool2d`), with the windows of
    /// ``adaptiveAvgPool2d(outputSize:)``. A NaN in a window is its maximum.
    ///
    /// - Parameters:
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    /// - Returns: A tensor of the input's dtype, `N x C x outH x outW` (or `C x outH x outW`).
    public func adaptiveMaxPool2d(outputSize: SpatialSize) -> Tensor {
        adaptiveMaxPoolWithIndices(spatialDims: 2, outputSize: outputSize, operation: "adaptiveMaxPool2d").values
    }

    /// ``adaptiveMaxPool2d(outputSize:)`` that also returns where each maximum was found.
    ///
    /// - Parameters:
    ///   - outputSize: The output's spatial size, one value or `[height, width]`.
    /// - Returns: The maxima, and their int64 flat positions `h * W + w` in each input plane.
    public func adaptiveMaxPool2dWithIndices(outputSize: SpatialSize) -> (values: Tensor, indices: Tensor) {
        adaptiveMaxPoolWithIndices(spatialDims: 2, outputSize: outputSize, operation: "adaptiveMaxPool2dWithIndices")
    }

    /// The maximum of `outputSize` windows over the last dim of an `N x C x L` or `C x L`
    /// input (PyTorch's `F.adaptive_max_pool1d`); see ``adaptiveMaxPool2d(outputSize:)``.
    ///
    /// - Parameters:
    ///   - outputSize: The output's length.
    /// - Returns: A tensor of the input's dtype, `N x C x outL` (or `C x outL`).
    public func adaptiveMaxPool1d(outputSize: SpatialSize) -> Tensor {
        adaptiveMaxPoolWithIndices(spatialDims: 1, outputSize: outputSize, operation: "adaptiveMaxPool1d").values
    }

    /// ``adaptiveMaxPool1d(outputSize:)`` that also returns where each maximum was found.
    ///
    /// - Parameters:
    ///   - outputSize: The output's length.
    /// - Returns: The maxima, and their int64 positions along the last dim.
    public func adaptiveMaxPool1dWithIndices(outputSize: SpatialSize) -> (values: Tensor, indices: Tensor) {
        adaptiveMaxPoolWithIndices(spatialDims: 1, outputSize: outputSize, operation: "adaptiveMaxPool1dWithIndices")
    }
}

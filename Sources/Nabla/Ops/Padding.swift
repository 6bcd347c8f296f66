import NablaKernels

// `pad`, PyTorch's `F.pad`: constant, reflect, replicate and circular padding of the last
// dims, with its backward. Every mode is one gather: along each padded dim, output
// position `i` reads input position `map[i]` (or the constant, where `map[i] < 0`); the
// backward scatters the gradient back through the same maps.

/// The index maps of a padding and the layout they work on.
struct PaddingPlan {
    /// Product of the dims before the padded ones.
    var outer: Int
    /// Elements per outer slice in the input and in the output.
    var inPlane: Int, outPlane: Int
    /// For each row of the output plane (every padded dim but the last), the offset of the
    /// source row in the input plane, or -1 where the row is all padding.
    var rowOffsets: [Int]
    /// For each position along the last dim, the source position, or -1.
    var columnMap: [Int]
}

/// The padding kernels: generic gathers and scatters over raw pointers.
enum PaddingKernels {
    /// Runs `body` over ranges of outer slices, on several threads when the work is large.
    static func forEachOuterRange(_ outer: Int, workPerSlice: Int, _ body: (Range<Int>) -> Void) {
        guard outer > 0 else { return }
        let tasks = Swift.min(outer, Parallel.taskCount(work: outer * Swift.max(workPerSlice, 1), grain: 1 << 16))
        Parallel.run(tasks) { task in body(Parallel.slice(outer, tasks: tasks, task: task)) }
    }

    /// `output[o, row, j] = input[o, rowOffsets[row] + columnMap[j]]`, or `fill` where
    /// either is negative.
    static func gather<T>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, _ plan: PaddingPlan, fill: T) {
        let width = plan.columnMap.count
        plan.rowOffsets.withUnsafeBufferPointer { rows in
            plan.columnMap.withUnsafeBufferPointer { columns in
                forEachOuterRange(plan.outer, workPerSlice: plan.outPlane) { slices in
                    for o in slices {
                        let source = input + o * plan.inPlane
                        var target = output + o * plan.outPlane
                        for row in rows {
                            if row < 0 {
                                target.update(repeating: fill, count: width)
                            } else {
                                let sourceRow = source + row
                                for j in 0..<width {
                                    let column = columns[j]
                                    target[j] = column < 0 ? fill : sourceRow[column]
                                }
                            }
                            target += width
                        }
                    }
                }
            }
        }
    }

    /// The backward of ``gather(_:_:_:fill:)``: each output gradient is added to the
    /// input element it was read from.
    static func scatterAdd<T: BinaryFloatingPoint>(_ gradOutput: UnsafePointer<T>, _ gradInput: UnsafeMutablePointer<T>, _ plan: PaddingPlan) {
        let width = plan.columnMap.count
        plan.rowOffsets.withUnsafeBufferPointer { rows in
            plan.columnMap.withUnsafeBufferPointer { columns in
                forEachOuterRange(plan.outer, workPerSlice: plan.outPlane) { slices in
                    for o in slices {
                        let target = gradInput + o * plan.inPlane
                        var source = gradOutput + o * plan.outPlane
                        for row in rows {
                            if row >= 0 {
                                let targetRow = target + row
                                for j in 0..<width {
                                    let column = columns[j]
                                    if column >= 0 { targetRow[column] += source[j] }
                                }
                            }
                            source += width
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// The source position of output position `i` along a dim of `size` padded by
    /// `before` and `after` elements in `mode`, or -1 for a constant.
    private static func paddingSource(_ i: Int, size: Int, before: Int, after: Int, mode: PaddingMode) -> Int {
        let j = i - before
        switch mode {
        case .zeros:
            return j >= 0 && j < size ? j : -1
        case .replicate:
            return Swift.min(Swift.max(j, 0), size - 1)
        case .circular:
            // As PyTorch: negative amounts crop first, positive ones wrap the cropped part.
            let cropBefore = Swift.max(-before, 0)
            let kept = size - cropBefore - Swift.max(-after, 0)
            let k = i - Swift.max(before, 0)
            return cropBefore + ((k % kept) + kept) % kept
        case .reflect:
            if size == 1 { return 0 }
            let period = 2 * (size - 1)
            let k = ((j % period) + period) % period
            return k < size ? k : period - k
        }
    }

    /// Pads the last dims with `amounts` given in PyTorch's `F.pad` order: pairs from the
    /// last dimension backwards, `[left, right, top, bottom, front, back]`.
    ///
    /// - `.zeros` (PyTorch's `'constant'`) fills with `value`; it pads any number of
    ///   dims, and negative amounts remove elements instead.
    /// - `.reflect` mirrors the input without repeating the edge (`[a b c]` padded by 2 on
    ///   the left is `c b a b c`); each amount must be less than the dim's size.
    /// - `.replicate` repeats the edge value.
    /// - `.circular` wraps around; negative amounts remove elements first (as in PyTorch,
    ///   the positive amounts then wrap what is left), and each positive amount must be
    ///   at most the number of elements left.
    ///
    /// The non-constant modes pad the last 1, 2 or 3 dims of an input with one or two
    /// more dims (an optional batch and a channel dim), as PyTorch requires. Negative
    /// amounts remove elements in every mode (`.reflect` and `.replicate` still mirror
    /// or repeat the input's original edges, as PyTorch's kernels do); only `.zeros` and
    /// `.circular` may leave a dim empty. The gradient of the padded elements flows back
    /// to the elements they were copied from.
    ///
    /// - Parameters:
    ///   - amounts: An even number of amounts, at most two per dim.
    ///   - mode: How the new elements are made up.
    ///   - value: The fill value of `.zeros` mode (must be 0 for the other modes).
    /// - Returns: A new tensor of the input's dtype.
    public func pad(_ amounts: [Int], mode: PaddingMode = .zeros, value: Double = 0) -> Tensor {
        let operation = "pad"
        guard amounts.count % 2 == 0 else {
            fatalError("\(operation): the amounts must come in pairs (before, after), got \(amounts) for input shape \(shape)")
        }
        let padded = amounts.count / 2
        guard padded <= ndim else {
            fatalError("\(operation): \(amounts) pads \(padded) dims, but the input of shape \(shape) has only \(ndim)")
        }
        if mode != .zeros {
            guard (1...3).contains(padded) && (ndim == padded + 1 || ndim == padded + 2) else {
                fatalError("\(operation): \(mode) padding with \(amounts.count) amounts \(amounts) needs a \(padded + 1)-d or \(padded + 2)-d input (padding the last 1, 2 or 3 dims), got shape \(shape)")
            }
            guard value == 0 else {
                fatalError("\(operation): \(mode) padding takes no value, got value \(value) (input shape \(shape))")
            }
        }
        // Per padded dim in natural order: before, after, input size, output size.
        let first = ndim - padded
        var before = [Int](), after = [Int](), outputShape = shape
        for d in first..<ndim {
            let pair = ndim - 1 - d
            let (left, right) = (amounts[2 * pair], amounts[2 * pair + 1])
            let size = shape[d]
            switch mode {
            case .zeros:
                break
            case .reflect:
                guard left < size && right < size else {
                    fatalError("\(operation): reflect padding \(amounts) must be less than the size of the padded dim (\(size) in input shape \(shape))")
                }
            case .replicate:
                guard size > 0 else {
                    fatalError("\(operation): replicate padding \(amounts) of an empty dim (input shape \(shape))")
                }
            case .circular:
                let kept = size - Swift.max(-left, 0) - Swift.max(-right, 0)
                guard size + left + right <= 0 || (left <= kept && right <= kept) else {
                    fatalError("\(operation): circular padding \(amounts) must be at most the size of the padded dim (\(size) in input shape \(shape), less what negative amounts remove): it would wrap around more than once")
                }
            }
            let newSize = size + left + right
            guard newSize >= (mode == .zeros || mode == .circular ? 0 : 1) else {
                fatalError("\(operation): padding \(amounts) of dim \(d) (size \(size)) in input shape \(shape) gives a negative or empty size \(newSize)")
            }
            before.append(left)
            after.append(right)
            outputShape[d] = newSize
        }
        if padded == 0 { return clone() }
        if !dtype.isFloatingPoint && value != value.rounded() {
            fatalError("\(operation): value \(value) is not representable in the input's dtype \(dtype) (shape \(shape))")
        }

        // The row offsets of the output plane (every padded dim except the last).
        let inSpatial = Array(shape[first...]), outSpatial = Array(outputShape[first...])
        let inStrides = Tensor.contiguousStrides(for: inSpatial)
        var rowOffsets = [0]
        for k in 0..<(padded - 1) {
            var next: [Int] = []
            next.reserveCapacity(rowOffsets.count * outSpatial[k])
            for base in rowOffsets {
                for i in 0..<outSpatial[k] {
                    let source = Tensor.paddingSource(i, size: inSpatial[k], before: before[k], after: after[k], mode: mode)
                    next.append(base < 0 || source < 0 ? -1 : base + source * inStrides[k])
                }
            }
            rowOffsets = next
        }
        let last = padded - 1
        let columnMap = (0..<outSpatial[last]).map {
            Tensor.paddingSource($0, size: inSpatial[last], before: before[last], after: after[last], mode: mode)
        }
        let plan = PaddingPlan(outer: shape[0..<first].reduce(1, *), inPlane: inSpatial.reduce(1, *),
                               outPlane: outSpatial.reduce(1, *), rowOffsets: rowOffsets, columnMap: columnMap)

        let input = contiguous()
        let out = Tensor(uninitializedShape: outputShape, dtype: dtype, zeroed: false, operation: operation)
        Tensor.withElementType(dtype, GatherPadding(input: input, out: out, plan: plan, fill: value))

        let inputShape = input.shape, inputDType = input.dtype
        let name: String
        switch mode {
        case .zeros: name = "ConstantPadNdBackward0"
        case .reflect: name = "ReflectionPad\(padded)DBackward0"
        case .replicate: name = "ReplicationPad\(padded)DBackward0"
        case .circular: name = "CircularPad\(padded)DBackward0"
        }
        return out.recordingGradient(name, inputs: [input]) { gradient in
            // float16 gradients are accumulated in float64.
            let gradientDType: DType = inputDType == .float32 ? .float32 : .float64
            let gradOutput = (gradient.dtype == gradientDType ? gradient : gradient.to(gradientDType)).contiguous()
            let gradInput = Tensor(uninitializedShape: inputShape, dtype: gradientDType, zeroed: true, operation: operation)
            if gradientDType == .float32 {
                PaddingKernels.scatterAdd(UnsafePointer(gradOutput.pointer(as: Float.self)), gradInput.pointer(as: Float.self), plan)
            } else {
                PaddingKernels.scatterAdd(UnsafePointer(gradOutput.pointer(as: Double.self)), gradInput.pointer(as: Double.self), plan)
            }
            return [gradientDType == inputDType ? gradInput : gradInput.to(inputDType)]
        }
    }

    /// Runs the padding gather, specialised for each element type.
    private struct GatherPadding: TensorElementBody {
        let input: Tensor, out: Tensor, plan: PaddingPlan, fill: Double
        func run<T: TensorElement>(_: T.Type) {
            PaddingKernels.gather(UnsafePointer(input.pointer(as: T.self)), out.pointer(as: T.self), plan, fill: T(nablaDouble: fill))
        }
    }
}

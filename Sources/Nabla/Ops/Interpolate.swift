import NablaKernels

// `interpolate`, PyTorch's `F.interpolate` for 3-d (N, C, L) and 4-d (N, C, H, W) inputs:
// nearest (PyTorch's legacy rule and `'nearest-exact'`), linear and bilinear resampling,
// with their backward passes. The source positions are computed once per output row and
// column, as PyTorch's CPU kernels compute them, then every plane is a gather (nearest) or
// a weighted sum of four neighbours (bilinear) over raw pointers.

/// How ``Tensor/interpolate(size:scaleFactor:mode:alignCorners:)`` computes new values
/// (PyTorch's `mode` strings are the raw values).
public enum InterpolationMode: String, Sendable, Hashable, CaseIterable {
    /// The value at `floor(dst * in / out)` (PyTorch's `'nearest'`, whose rounding is not
    /// symmetric, kept for compatibility).
    case nearest
    /// The value at `floor((dst + 0.5) * in / out)` (PyTorch's `'nearest-exact'`, which
    /// matches image libraries).
    case nearestExact = "nearest-exact"
    /// Linear interpolation along the last dim of a 3-d input.
    case linear
    /// Bilinear interpolation over the last two dims of a 4-d input.
    case bilinear
}

/// Where each output position along one dim reads: two source positions and their
/// weights (`second == first` and `secondWeight == 0` for nearest).
struct InterpolationAxis<T: BinaryFloatingPoint> {
    var first: [Int] = []
    var second: [Int] = []
    var firstWeight: [T] = []
    var secondWeight: [T] = []

    /// PyTorch's `compute_scales_value`: `1 / scale` when a scale factor was given,
    /// `input / output` otherwise.
    static func scaleValue(_ scale: Double?, input: Int, output: Int) -> T {
        if let scale, scale > 0 { return T(1.0 / scale) }
        return T(input) / T(output)
    }

    /// The nearest-neighbour sources (PyTorch's `nearest_idx` and `nearest_exact_idx`,
    /// computed in Float as PyTorch computes them).
    static func nearest(input: Int, output: Int, scale: Double?, exact: Bool) -> [Int] {
        let factor = InterpolationAxis<Float>.scaleValue(scale, input: input, output: output)
        return (0..<output).map { i in
            if !exact {
                if output == input { return i }
                if output == 2 * input { return i >> 1 }
                return Swift.min(Int((Float(i) * factor).rounded(.down)), input - 1)
            }
            return Swift.min(Int(((Float(i) + 0.5) * factor).rounded(.down)), input - 1)
        }
    }

    /// The linear sources and weights (PyTorch's `area_pixel_compute_scale`,
    /// `area_pixel_compute_source_index` and `compute_indices_weights_linear`).
    static func linear(input: Int, output: Int, scale: Double?, alignCorners: Bool) -> InterpolationAxis {
        let factor: T
        if alignCorners {
            factor = output > 1 ? T(input - 1) / T(output - 1) : 0
        } else {
            factor = scaleValue(scale, input: input, output: output)
        }
        var axis = InterpolationAxis()
        for i in 0..<output {
            var source: T
            if alignCorners {
                source = factor * T(i)
            } else {
                source = factor * (T(i) + 0.5) - 0.5
                if source < 0 { source = 0 }
            }
            let index = Swift.min(Int(source.rounded(.down)), input - 1)
            let lambda = Swift.min(Swift.max(source - T(index), 0), 1)
            axis.first.append(index)
            axis.second.append(index + (index < input - 1 ? 1 : 0))
            axis.firstWeight.append(1 - lambda)
            axis.secondWeight.append(lambda)
        }
        return axis
    }
}

/// The resampling kernels, generic over the element type; `H == 1` for 3-d inputs.
enum InterpolationKernels {
    /// Runs `body` over ranges of planes, on several threads when the work is large.
    static func forEachPlaneRange(_ planes: Int, workPerPlane: Int, _ body: (Range<Int>) -> Void) {
        PoolingKernels.forEachPlaneRange(planes, workPerPlane: workPerPlane, body)
    }

    /// `output[p, i, j] = input[p, rows[i], columns[j]]`.
    static func nearestForward<T>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, planes: Int, inH: Int, inW: Int,
                                  rows: [Int], columns: [Int]) {
        let outH = rows.count, outW = columns.count
        forEachPlaneRange(planes, workPerPlane: outH * outW) { range in
            for plane in range {
                let source = input + plane * inH * inW
                let target = output + plane * outH * outW
                for i in 0..<outH {
                    let sourceRow = source + rows[i] * inW
                    for j in 0..<outW { target[i * outW + j] = sourceRow[columns[j]] }
                }
            }
        }
    }

    /// The backward of ``nearestForward(_:_:planes:inH:inW:rows:columns:)``.
    static func nearestBackward<T: BinaryFloatingPoint>(_ gradOutput: UnsafePointer<T>, _ gradInput: UnsafeMutablePointer<T>, planes: Int,
                                                        inH: Int, inW: Int, rows: [Int], columns: [Int]) {
        let outH = rows.count, outW = columns.count
        forEachPlaneRange(planes, workPerPlane: outH * outW) { range in
            for plane in range {
                let source = gradOutput + plane * outH * outW
                let target = gradInput + plane * inH * inW
                for i in 0..<outH {
                    let targetRow = target + rows[i] * inW
                    for j in 0..<outW { targetRow[columns[j]] += source[i * outW + j] }
                }
            }
        }
    }

    /// Linear (`rows == nil`, one row per plane) or bilinear interpolation, with
    /// PyTorch's order of operations: along the width first, then the height.
    static func linearForward<T: BinaryFloatingPoint>(_ input: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>, planes: Int,
                                                      inH: Int, inW: Int, rows: InterpolationAxis<T>?, columns: InterpolationAxis<T>) {
        let outH = rows?.first.count ?? 1, outW = columns.first.count
        forEachPlaneRange(planes, workPerPlane: 4 * outH * outW) { range in
            for plane in range {
                let source = input + plane * inH * inW
                let target = output + plane * outH * outW
                guard let rows else {
                    for j in 0..<outW {
                        target[j] = source[columns.first[j]] * columns.firstWeight[j] + source[columns.second[j]] * columns.secondWeight[j]
                    }
                    continue
                }
                for i in 0..<outH {
                    let top = source + rows.first[i] * inW, bottom = source + rows.second[i] * inW
                    let topWeight = rows.firstWeight[i], bottomWeight = rows.secondWeight[i]
                    for j in 0..<outW {
                        let (c0, c1) = (columns.first[j], columns.second[j])
                        let (w0, w1) = (columns.firstWeight[j], columns.secondWeight[j])
                        let upper = top[c0] * w0 + top[c1] * w1
                        let lower = bottom[c0] * w0 + bottom[c1] * w1
                        target[i * outW + j] = upper * topWeight + lower * bottomWeight
                    }
                }
            }
        }
    }

    /// The backward of ``linearForward(_:_:planes:inH:inW:rows:columns:)``: each output
    /// gradient is spread over its two (or four) sources by their weights.
    static func linearBackward<T: BinaryFloatingPoint>(_ gradOutput: UnsafePointer<T>, _ gradInput: UnsafeMutablePointer<T>, planes: Int,
                                                       inH: Int, inW: Int, rows: InterpolationAxis<T>?, columns: InterpolationAxis<T>) {
        let outH = rows?.first.count ?? 1, outW = columns.first.count
        forEachPlaneRange(planes, workPerPlane: 4 * outH * outW) { range in
            for plane in range {
                let source = gradOutput + plane * outH * outW
                let target = gradInput + plane * inH * inW
                guard let rows else {
                    for j in 0..<outW {
                        let g = source[j]
                        target[columns.first[j]] += g * columns.firstWeight[j]
                        target[columns.second[j]] += g * columns.secondWeight[j]
                    }
                    continue
                }
                for i in 0..<outH {
                    let top = target + rows.first[i] * inW, bottom = target + rows.second[i] * inW
                    let topWeight = rows.firstWeight[i], bottomWeight = rows.secondWeight[i]
                    for j in 0..<outW {
                        let g = source[i * outW + j]
                        let (c0, c1) = (columns.first[j], columns.second[j])
                        let (w0, w1) = (columns.firstWeight[j], columns.secondWeight[j])
                        top[c0] += g * topWeight * w0
                        top[c1] += g * topWeight * w1
                        bottom[c0] += g * bottomWeight * w0
                        bottom[c1] += g * bottomWeight * w1
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Resamples the last dim of an `N x C x L` input or the last two dims of an
    /// `N x C x H x W` input (PyTorch's `F.interpolate`).
    ///
    /// Give either `size` or `scaleFactor`. With a scale factor the output size is
    /// `floor(in * scaleFactor)` and, as in PyTorch, the factor itself (`1 / scaleFactor`)
    /// maps output positions back to the input; with a size the ratio `in / out` does.
    ///
    /// - `.nearest` reads `src = min(floor(dst * scale), in - 1)` (PyTorch's legacy
    ///   rule); `.nearestExact` reads `floor((dst + 0.5) * scale)`.
    /// - `.linear` (3-d) and `.bilinear` (4-d) weight the two nearest sources of
    ///   `src = scale * (dst + 0.5) - 0.5` (clamped at 0), or, with `alignCorners`,
    ///   `src = dst * (in - 1) / (out - 1)`, which keeps the corner values.
    ///
    /// The gradient of each output flows back to the inputs it was computed from.
    ///
    /// - Parameters:
    ///   - size: The output's spatial size, one value or one per spatial dim.
    ///   - scaleFactor: The multiplier of the spatial size, one value or one per spatial dim.
    ///   - mode: The resampling rule.
    ///   - alignCorners: For `.linear` and `.bilinear`: whether the corner pixels' centres
    ///     of input and output coincide (false when nil); must be nil for nearest modes.
    /// - Returns: A tensor of the input's dtype, `N x C x outL` or `N x C x outH x outW`.
    public func interpolate(size: SpatialSize? = nil, scaleFactor: [Double]? = nil, mode: InterpolationMode = .nearest,
                            alignCorners: Bool? = nil) -> Tensor {
        let operation = "interpolate"
        guard ndim == 3 || ndim == 4 else {
            fatalError("\(operation): expected a 3-d (N, C, L) or 4-d (N, C, H, W) input, got shape \(shape)")
        }
        guard dtype == .float32 || dtype == .float64 else {
            fatalError("\(operation): input must be float32 or float64, got \(dtype) (shape \(shape))")
        }
        let spatialDims = ndim - 2
        switch mode {
        case .linear where ndim != 3:
            fatalError("\(operation): mode linear needs a 3-d input, got shape \(shape) (use bilinear for 4-d inputs)")
        case .bilinear where ndim != 4:
            fatalError("\(operation): mode bilinear needs a 4-d input, got shape \(shape) (use linear for 3-d inputs)")
        case .nearest, .nearestExact:
            if alignCorners != nil {
                fatalError("\(operation): alignCorners can only be set with the interpolating modes linear and bilinear, got mode \(mode.rawValue) (input shape \(shape))")
            }
        default:
            break
        }
        let inputSizes = Array(shape[2...])
        if inputSizes.contains(0) {
            fatalError("\(operation): input of shape \(shape) has an empty spatial dim")
        }
        var outputSizes: [Int]
        var scales: [Double?] = Array(repeating: nil, count: spatialDims)
        switch (size, scaleFactor) {
        case (let size?, nil):
            outputSizes = size.expanded(to: spatialDims, argument: "size", operation: operation, minimum: 1)
        case (nil, let factors?):
            guard factors.count == 1 || factors.count == spatialDims else {
                fatalError("\(operation): scaleFactor must be one value or \(spatialDims) values, got \(factors) (input shape \(shape))")
            }
            let expanded = factors.count == 1 ? Array(repeating: factors[0], count: spatialDims) : factors
            guard expanded.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                fatalError("\(operation): scaleFactor must be positive and finite, got \(factors) (input shape \(shape))")
            }
            outputSizes = zip(inputSizes, expanded).map { Int((Double($0) * $1).rounded(.down)) }
            guard outputSizes.allSatisfy({ $0 > 0 }) else {
                fatalError("\(operation): scaleFactor \(factors) gives an empty output of spatial size \(outputSizes) for input shape \(shape)")
            }
            scales = expanded
        case (nil, nil):
            fatalError("\(operation): give either size or scaleFactor (input shape \(shape))")
        case (.some, .some):
            fatalError("\(operation): give only one of size and scaleFactor (input shape \(shape))")
        }

        let planes = shape[0] * shape[1]
        let (inH, inW) = spatialDims == 1 ? (1, inputSizes[0]) : (inputSizes[0], inputSizes[1])
        let input = contiguous()
        let out = Tensor(uninitializedShape: Array(shape[0..<2]) + outputSizes, dtype: dtype, zeroed: false, operation: operation)
        let inputShape = input.shape, inputDType = input.dtype
        let name: String
        let backward: (Tensor) -> [Tensor?]
        switch mode {
        case .nearest, .nearestExact:
            let exact = mode == .nearestExact
            let columns = InterpolationAxis<Float>.nearest(input: inW, output: outputSizes[spatialDims - 1], scale: scales[spatialDims - 1], exact: exact)
            let rows = spatialDims == 1 ? [0] : InterpolationAxis<Float>.nearest(input: inH, output: outputSizes[0], scale: scales[0], exact: exact)
            Tensor.withElementType(dtype, ResampleNearest(input: input, out: out, planes: planes, inH: inH, inW: inW,
                                                          rows: rows, columns: columns))
            name = "Upsample\(exact ? "NearestExact" : "Nearest")\(spatialDims)DBackward0"
            backward = { gradient in
                let gradOutput = (gradient.dtype == inputDType ? gradient : gradient.to(inputDType)).contiguous()
                let gradInput = Tensor(uninitializedShape: inputShape, dtype: inputDType, zeroed: true, operation: operation)
                if inputDType == .float32 {
                    InterpolationKernels.nearestBackward(UnsafePointer(gradOutput.pointer(as: Float.self)), gradInput.pointer(as: Float.self),
                                                         planes: planes, inH: inH, inW: inW, rows: rows, columns: columns)
                } else {
                    InterpolationKernels.nearestBackward(UnsafePointer(gradOutput.pointer(as: Double.self)), gradInput.pointer(as: Double.self),
                                                         planes: planes, inH: inH, inW: inW, rows: rows, columns: columns)
                }
                return [gradInput]
            }
        case .linear, .bilinear:
            let align = alignCorners ?? false
            name = spatialDims == 1 ? "UpsampleLinear1DBackward0" : "UpsampleBilinear2DBackward0"
            if dtype == .float32 {
                backward = input.resampleLinear(into: out, as: Float.self, planes: planes, inH: inH, inW: inW,
                                                outputSizes: outputSizes, scales: scales, alignCorners: align)
            } else {
                backward = input.resampleLinear(into: out, as: Double.self, planes: planes, inH: inH, inW: inW,
                                                outputSizes: outputSizes, scales: scales, alignCorners: align)
            }
        }
        return out.recordingGradient(name, inputs: [input], backward: backward)
    }

    /// Runs the nearest-neighbour gather for element type `T`.
    /// Nearest-neighbour resampling, specialised for each element type.
    private struct ResampleNearest: TensorElementBody {
        let input: Tensor, out: Tensor, planes: Int, inH: Int, inW: Int, rows: [Int], columns: [Int]
        func run<T: TensorElement>(_: T.Type) {
            InterpolationKernels.nearestForward(UnsafePointer(input.pointer(as: T.self)), out.pointer(as: T.self), planes: planes,
                                                inH: inH, inW: inW, rows: rows, columns: columns)
        }
    }

    /// Runs (bi)linear interpolation for element type `T` and returns its backward.
    private func resampleLinear<T: TensorElement & BinaryFloatingPoint>(into out: Tensor, as _: T.Type, planes: Int, inH: Int, inW: Int,
                                                                        outputSizes: [Int], scales: [Double?], alignCorners: Bool) -> (Tensor) -> [Tensor?] {
        let last = outputSizes.count - 1
        let columns = InterpolationAxis<T>.linear(input: inW, output: outputSizes[last], scale: scales[last], alignCorners: alignCorners)
        let rows = last == 0 ? nil : InterpolationAxis<T>.linear(input: inH, output: outputSizes[0], scale: scales[0], alignCorners: alignCorners)
        InterpolationKernels.linearForward(UnsafePointer(pointer(as: T.self)), out.pointer(as: T.self), planes: planes,
                                           inH: inH, inW: inW, rows: rows, columns: columns)
        let inputShape = shape
        return { gradient in
            let gradOutput = (gradient.dtype == T.dtype ? gradient : gradient.to(T.dtype)).contiguous()
            let gradInput = Tensor(uninitializedShape: inputShape, dtype: T.dtype, zeroed: true, operation: "interpolate")
            InterpolationKernels.linearBackward(UnsafePointer(gradOutput.pointer(as: T.self)), gradInput.pointer(as: T.self), planes: planes,
                                                inH: inH, inW: inW, rows: rows, columns: columns)
            return [gradInput]
        }
    }
}

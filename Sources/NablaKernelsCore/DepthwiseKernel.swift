/// Depthwise convolution of one plane, vectorised along the width with an ISA's vector
/// type (the GEMM config's): the ISA targets instantiate it behind non-inlinable entry
/// points, and NablaKernels spreads planes over threads.
///
/// Generic over the config, never over a bare SIMD type, so each ISA's specialisation has
/// its own symbol (see ``GEMMKernelConfig``).
@usableFromInline package enum DepthwiseKernel<K: GEMMKernelConfig> {
    /// `output = base + sum over taps of weight[tap] * shifted input`, where `base` is
    /// `bias` or, with `accumulate`, the output's current values. At stride 1 and 2 the
    /// interior columns (every tap inside the input) run `Vector.scalarCount` outputs at a
    /// time with all taps accumulated in a register (at stride 2 each input vector is the
    /// even lanes of two loads); borders and other strides run lane by lane.
    ///
    /// - Parameters:
    ///   - p: The plane geometry.
    ///   - input: The input plane, `inputHeight x inputWidth`.
    ///   - weight: The filter, `kernelHeight x kernelWidth`.
    ///   - bias: The value every output starts from (ignored with `accumulate`).
    ///   - accumulate: Add to the output instead of overwriting it.
    ///   - output: The output plane, `outputHeight x outputWidth`.
    @inlinable @inline(__always)
    package static func forward(_ p: ConvolutionPlane, input: UnsafePointer<K.Scalar>, weight: UnsafePointer<K.Scalar>,
                               bias: K.Scalar, accumulate: Bool, output: UnsafeMutablePointer<K.Scalar>) {
        let lanes = K.Vector.scalarCount
        // Columns whose every tap is inside the input: iw = ow * stride - padLeft + kw * dilation.
        // At stride 2 a vector's two loads read one element past its last tap, which must
        // be inside the row too.
        var interiorLow = 0, interiorHigh = 0
        let strideTwo = p.strideWidth == 2
        if p.strideWidth == 1 {
            interiorLow = min(p.padLeft, p.outputWidth)
            interiorHigh = max(interiorLow, min(p.outputWidth, p.inputWidth - (p.kernelWidth - 1) * p.dilationWidth + p.padLeft))
        } else if strideTwo {
            interiorLow = min((p.padLeft + 1) / 2, p.outputWidth)
            let lastInside = p.inputWidth - 2 - (p.kernelWidth - 1) * p.dilationWidth + p.padLeft
            interiorHigh = lastInside < 0 ? interiorLow : max(interiorLow, min(p.outputWidth, lastInside / 2 + 1))
        }
        /// The `lanes` inputs of the outputs from column `q` on, for a tap whose column 0 is at `source`.
        @inline(__always) func inputs(_ source: UnsafePointer<K.Scalar>, _ q: Int) -> K.Vector {
            strideTwo ? K.evenLanes(K.load(source + 2 &* q), K.load(source + (2 &* q &+ lanes))) : K.load(source + q)
        }
        if (p.strideWidth == 1 || strideTwo) && interiorHigh &- interiorLow < lanes {
            // A plane too narrow for one interior vector (MobileNet's 14 x 14 and 7 x 7):
            // copy it into a zero-padded scratch plane wide enough that every output column
            // is interior, and compute whole vectors into a scratch row.
            let chunks = (p.outputWidth &+ lanes &- 1) / lanes
            let paddedWidth = p.strideWidth &* chunks &* lanes &+ (p.kernelWidth &- 1) &* p.dilationWidth &+ lanes
            let paddedHeight = (p.outputHeight &- 1) &* p.strideHeight &+ (p.kernelHeight &- 1) &* p.dilationHeight &+ 1
            let planeCount = paddedWidth &* paddedHeight
            let scratch = UnsafeMutablePointer<K.Scalar>.allocate(capacity: planeCount &+ chunks &* lanes)
            defer { scratch.deallocate() }
            let row = scratch + planeCount
            var index = 0
            while index < planeCount {
                scratch[index] = 0
                index &+= 1
            }
            for ih in 0..<p.inputHeight {
                let ph = ih &+ p.padTop
                guard ph >= 0 && ph < paddedHeight else { continue }
                for iw in 0..<p.inputWidth {
                    let pw = iw &+ p.padLeft
                    guard pw >= 0 && pw < paddedWidth else { continue }
                    scratch[ph &* paddedWidth &+ pw] = input[ih &* p.inputWidth &+ iw]
                }
            }
            for oh in 0..<p.outputHeight {
                let line = output + oh &* p.outputWidth
                for column in 0..<(chunks &* lanes) {
                    row[column] = accumulate ? (column < p.outputWidth ? line[column] : 0) : bias
                }
                for chunk in 0..<chunks {
                    let q = chunk &* lanes
                    var sum = K.load(row + q)
                    for kh in 0..<p.kernelHeight {
                        let base = scratch + (oh &* p.strideHeight &+ kh &* p.dilationHeight) &* paddedWidth
                        for kw in 0..<p.kernelWidth {
                            K.multiplyAdd(&sum, K.splat(weight[kh &* p.kernelWidth &+ kw]), inputs(base + kw &* p.dilationWidth, q))
                        }
                    }
                    K.store(sum, to: row + q)
                }
                for column in 0..<p.outputWidth { line[column] = row[column] }
            }
            return
        }
        for oh in 0..<p.outputHeight {
            let line = output + oh &* p.outputWidth
            var ow = 0
            while ow < p.outputWidth {
                if ow == interiorLow && interiorHigh &- interiorLow >= lanes {
                    // Full vectors from the interior's start, then (unless accumulating) one
                    // last vector ending at the interior's end, overlapping the one before
                    // instead of a scalar tail. Four vectors at a time, so that four FMA
                    // chains are in flight.
                    let vectors = (interiorHigh &- interiorLow) / lanes
                    let tail = !accumulate && vectors &* lanes < interiorHigh &- interiorLow
                    let count = vectors &+ (tail ? 1 : 0)
                    @inline(__always) func position(_ i: Int) -> Int {
                        i < vectors ? interiorLow &+ i &* lanes : interiorHigh &- lanes
                    }
                    var i = 0
                    while i < count {
                        let q0 = position(i), q1 = position(min(i &+ 1, count &- 1))
                        let q2 = position(min(i &+ 2, count &- 1)), q3 = position(min(i &+ 3, count &- 1))
                        var a0 = accumulate ? K.load(line + q0) : K.splat(bias)
                        var a1 = accumulate ? K.load(line + q1) : K.splat(bias)
                        var a2 = accumulate ? K.load(line + q2) : K.splat(bias)
                        var a3 = accumulate ? K.load(line + q3) : K.splat(bias)
                        for kh in 0..<p.kernelHeight {
                            let ih = oh &* p.strideHeight &- p.padTop &+ kh &* p.dilationHeight
                            guard ih >= 0 && ih < p.inputHeight else { continue }
                            let row = input + (ih &* p.inputWidth &- p.padLeft)
                            let taps = weight + kh &* p.kernelWidth
                            for kw in 0..<p.kernelWidth {
                                let w = K.splat(taps[kw])
                                let source = row + kw &* p.dilationWidth
                                K.multiplyAdd(&a0, w, inputs(source, q0))
                                K.multiplyAdd(&a1, w, inputs(source, q1))
                                K.multiplyAdd(&a2, w, inputs(source, q2))
                                K.multiplyAdd(&a3, w, inputs(source, q3))
                            }
                        }
                        K.store(a3, to: line + q3)
                        K.store(a2, to: line + q2)
                        K.store(a1, to: line + q1)
                        K.store(a0, to: line + q0)
                        i &+= 4
                    }
                    ow = interiorLow &+ (tail ? interiorHigh &- interiorLow : vectors &* lanes)
                    continue
                }
                line[ow] = element(p, input: input, weight: weight, oh: oh, ow: ow, base: accumulate ? line[ow] : bias)
                ow &+= 1
            }
        }
    }

    /// One output element with bounds checks on every tap.
    @inlinable @inline(__always)
    static func element(_ p: ConvolutionPlane, input: UnsafePointer<K.Scalar>, weight: UnsafePointer<K.Scalar>,
                        oh: Int, ow: Int, base: K.Scalar) -> K.Scalar {
        var sum = base
        for kh in 0..<p.kernelHeight {
            let ih = oh &* p.strideHeight &- p.padTop &+ kh &* p.dilationHeight
            guard ih >= 0 && ih < p.inputHeight else { continue }
            let row = input + ih &* p.inputWidth
            for kw in 0..<p.kernelWidth {
                let iw = ow &* p.strideWidth &- p.padLeft &+ kw &* p.dilationWidth
                guard iw >= 0 && iw < p.inputWidth else { continue }
                sum += weight[kh &* p.kernelWidth &+ kw] * row[iw]
            }
        }
        return sum
    }

    /// Adds to `weightGradient[tap]` the dot product of the output gradient with the input
    /// each tap saw (zero in the padding), vectorised along the width at stride 1.
    ///
    /// - Parameters:
    ///   - p: The plane geometry.
    ///   - input: The input plane, `inputHeight x inputWidth`.
    ///   - outputGradient: The output plane's gradient, `outputHeight x outputWidth`.
    ///   - weightGradient: The filter's gradient, `kernelHeight x kernelWidth`, added to.
    ///   - mask: A pointer with at least `Vector.scalarCount` zeros before it and as many
    ///     ones from it on: the last, overlapping vector of a row is multiplied by
    ///     `mask - overlap` so that the columns it shares with the one before count once.
    @inlinable @inline(__always)
    package static func weightGradient(_ p: ConvolutionPlane, input: UnsafePointer<K.Scalar>, outputGradient: UnsafePointer<K.Scalar>,
                                      weightGradient: UnsafeMutablePointer<K.Scalar>, mask: UnsafePointer<K.Scalar>) {
        let lanes = K.Vector.scalarCount
        for kh in 0..<p.kernelHeight {
            for kw in 0..<p.kernelWidth {
                var acc = K.splat(0), acc2 = K.splat(0)
                var sum: K.Scalar = 0
                // Output columns whose tap falls inside the input.
                let base = kw &* p.dilationWidth &- p.padLeft
                let step = p.strideWidth
                let low = base < 0 ? min(p.outputWidth, (-base + step - 1) / step) : 0
                let high = base <= p.inputWidth - 1 ? max(low, min(p.outputWidth, (p.inputWidth - 1 - base) / step + 1)) : low
                for oh in 0..<p.outputHeight {
                    let ih = oh &* p.strideHeight &- p.padTop &+ kh &* p.dilationHeight
                    guard ih >= 0 && ih < p.inputHeight else { continue }
                    let dy = outputGradient + oh &* p.outputWidth
                    let row = input + ih &* p.inputWidth
                    var t = low
                    if step == 1 && high &- low >= lanes {
                        while t &+ 2 &* lanes <= high {
                            K.multiplyAdd(&acc, K.load(dy + t), K.load(row + (t &+ base)))
                            K.multiplyAdd(&acc2, K.load(dy + (t &+ lanes)), K.load(row + (t &+ lanes &+ base)))
                            t &+= 2 &* lanes
                        }
                        while t &+ lanes <= high {
                            K.multiplyAdd(&acc, K.load(dy + t), K.load(row + (t &+ base)))
                            t &+= lanes
                        }
                        if t < high {
                            let overlap = t &- (high &- lanes)
                            let masked = K.multiply(K.load(dy + (high &- lanes)), K.load(mask - overlap))
                            K.multiplyAdd(&acc, masked, K.load(row + (high &- lanes &+ base)))
                            t = high
                        }
                    }
                    while t < high {
                        sum += dy[t] * row[t &* step &+ base]
                        t &+= 1
                    }
                }
                for lane in 0..<lanes { sum += acc[lane] + acc2[lane] }
                weightGradient[kh &* p.kernelWidth &+ kw] += sum
            }
        }
    }
}

@testable import NablaKernels
import Testing

/// The depthwise plane kernels of every instruction set this CPU runs (up to the one
/// `NABLA_ISA` forces, so that an emulated CPU without AVX-512 runs only its own paths),
/// against a direct loop: the vector interior, the borders, strides, dilations and the
/// accumulate mode.
@Suite struct DepthwiseKernelTests {
    static let instructionSets = testedISAs

    /// (input h, w, kernel h, w, stride h, w, padding top, left, dilation h, w)
    static let planes: [(Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
        (9, 9, 3, 3, 1, 1, 1, 1, 1, 1),
        (12, 57, 3, 3, 1, 1, 1, 1, 1, 1),
        (7, 70, 5, 5, 1, 1, 2, 2, 2, 2),
        (10, 41, 3, 3, 2, 2, 1, 1, 1, 1),
        (6, 80, 3, 3, 2, 2, 1, 1, 1, 1),
        (5, 67, 5, 5, 2, 2, 2, 2, 1, 1),
        (4, 100, 3, 3, 2, 2, 0, 0, 2, 2),
        (3, 66, 3, 3, 2, 2, 0, 0, 1, 1),
        (3, 35, 3, 3, 2, 2, 1, 1, 1, 1),
        (2, 131, 1, 1, 2, 2, 0, 0, 1, 1),
        (14, 14, 3, 3, 1, 1, 1, 1, 1, 1),
        (7, 7, 3, 3, 1, 1, 1, 1, 1, 1),
        (14, 14, 3, 3, 2, 2, 1, 1, 1, 1),
        (9, 11, 5, 5, 1, 1, 2, 2, 1, 1),
        (8, 13, 3, 3, 2, 2, 0, 0, 2, 2),
        (3, 5, 3, 3, 1, 1, 0, 1, 1, 1),
        (6, 33, 1, 7, 1, 1, 0, 3, 1, 1),
        (4, 37, 3, 3, 1, 1, 1, 1, 1, 1),
        (3, 18, 3, 3, 1, 1, 1, 1, 1, 1),
        (5, 20, 3, 3, 1, 1, 0, 0, 1, 1),
    ]

    private func plane(_ c: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)) -> ConvolutionPlane {
        let oh = (c.0 + 2 * c.6 - c.8 * (c.2 - 1) - 1) / c.4 + 1
        let ow = (c.1 + 2 * c.7 - c.9 * (c.3 - 1) - 1) / c.5 + 1
        return ConvolutionPlane(input: (c.0, c.1), output: (oh, ow), kernel: (c.2, c.3), stride: (c.4, c.5),
                              padding: (c.6, c.7), dilation: (c.8, c.9))
    }

    private func reference(_ p: ConvolutionPlane, _ x: [Double], _ w: [Double], base: [Double]) -> [Double] {
        var out = base
        for oh in 0..<p.outputHeight {
            for ow in 0..<p.outputWidth {
                for kh in 0..<p.kernelHeight {
                    for kw in 0..<p.kernelWidth {
                        let ih = oh * p.strideHeight - p.padTop + kh * p.dilationHeight
                        let iw = ow * p.strideWidth - p.padLeft + kw * p.dilationWidth
                        guard ih >= 0, ih < p.inputHeight, iw >= 0, iw < p.inputWidth else { continue }
                        out[oh * p.outputWidth + ow] += w[kh * p.kernelWidth + kw] * x[ih * p.inputWidth + iw]
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: instructionSets)
    func forwardAndWeightGradientMatchTheDirectLoop(isa: KernelISA) {
        var state: UInt64 = 12345
        func random() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        let table = Double.kernelTable(isa)!
        let floatTable = Float.kernelTable(isa)!
        for c in Self.planes {
            let p = plane(c)
            let x = (0..<(p.inputHeight * p.inputWidth)).map { _ in random() }
            let w = (0..<(p.kernelHeight * p.kernelWidth)).map { _ in random() }
            let base = (0..<(p.outputHeight * p.outputWidth)).map { _ in random() }
            for accumulate in [false, true] {
                var out = accumulate ? base : [Double](repeating: .nan, count: base.count)
                table.depthwiseForward(p, x, w, 0.25, accumulate, &out)
                let expected = reference(p, x, w, base: accumulate ? base : [Double](repeating: 0.25, count: base.count))
                for i in out.indices {
                    #expect(abs(out[i] - expected[i]) <= 1e-12, "\(isa) \(c) accumulate \(accumulate) at \(i): \(out[i]) vs \(expected[i])")
                }
                var floats = accumulate ? base.map(Float.init) : [Float](repeating: .nan, count: base.count)
                floatTable.depthwiseForward(p, x.map(Float.init), w.map(Float.init), 0.25, accumulate, &floats)
                for i in floats.indices {
                    #expect(abs(Double(floats[i]) - expected[i]) <= 1e-5, "\(isa) float \(c) at \(i)")
                }
            }
            // The weight gradient: dW[tap] = sum over outputs of g * the input the tap saw.
            let g = base
            var dw = [Double](repeating: 1, count: w.count)
            let mask = [Double](repeating: 0, count: 64) + [Double](repeating: 1, count: 64)
            mask.withUnsafeBufferPointer { table.depthwiseWeightGradient(p, x, g, &dw, $0.baseAddress! + 64) }
            for tap in w.indices {
                var unit = [Double](repeating: 0, count: w.count)
                unit[tap] = 1
                let response = reference(p, x, unit, base: [Double](repeating: 0, count: g.count))
                let expected = 1 + zip(response, g).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(dw[tap] - expected) <= 1e-11, "\(isa) \(c) tap \(tap): \(dw[tap]) vs \(expected)")
            }
        }
    }
}

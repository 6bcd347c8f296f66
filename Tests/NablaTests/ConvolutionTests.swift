import Foundation
import Testing
@testable import Nabla

/// Loads `Fixtures/cnn/<case>/<name>.npy`, written by PyTorch 2.15 through NumPy.
func cnnFixture(_ caseName: String, _ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("cnn/\(caseName)/\(name).npy").path)
}

/// A direct 2-d convolution in float64 by its definition: the reference every kernel path
/// is checked against (input [N, C, H, W], weight [O, C / groups, kH, kW]).
func referenceConv2d(_ x: Tensor, _ w: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int),
                     dilation: (Int, Int), groups: Int, outputSize: (Int, Int)? = nil) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = outputSize?.0 ?? (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = outputSize?.1 ?? (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    let xs = x.toArray(Double.self), ws = w.toArray(Double.self), bs = bias?.toArray(Double.self)
    let cg = c / groups, og = o / groups
    var out = [Double](repeating: 0, count: n * o * oh * ow)
    for b in 0..<n {
        for oc in 0..<o {
            let g = oc / og
            for y in 0..<oh {
                for xx in 0..<ow {
                    var sum = bs?[oc] ?? 0
                    for ci in 0..<cg {
                        for i in 0..<kh {
                            let iy = y * stride.0 - padding.0 + i * dilation.0
                            guard iy >= 0 && iy < h else { continue }
                            for j in 0..<kw {
                                let ix = xx * stride.1 - padding.1 + j * dilation.1
                                guard ix >= 0 && ix < wd else { continue }
                                sum += xs[((b * c + g * cg + ci) * h + iy) * wd + ix] * ws[((oc * cg + ci) * kh + i) * kw + j]
                            }
                        }
                    }
                    out[((b * o + oc) * oh + y) * ow + xx] = sum
                }
            }
        }
    }
    return try! Tensor(out, shape: [n, o, oh, ow], dtype: .float64)
}

@Suite struct ConvolutionTests {
    /// Runs a fixture case: forward values and the gradients of sum(y * g).
    private func check(_ name: String, bias hasBias: Bool, _ f: (Tensor, Tensor, Tensor?) -> Tensor) throws {
        let x = try cnnFixture("conv", "\(name)_x").requiringGrad()
        let w = try cnnFixture("conv", "\(name)_weight").requiringGrad()
        let b = hasBias ? try cnnFixture("conv", "\(name)_bias").requiringGrad() : nil
        let y = f(x, w, b)
        expectClose(y, try cnnFixture("conv", "\(name)_y"), rtol: 1e-10, atol: 1e-12, "\(name) forward")
        (y * (try cnnFixture("conv", "\(name)_g"))).sum().backward()
        expectClose(x.grad!, try cnnFixture("conv", "\(name)_dx"), rtol: 1e-10, atol: 1e-12, "\(name) input gradient")
        expectClose(w.grad!, try cnnFixture("conv", "\(name)_dweight"), rtol: 1e-10, atol: 1e-12, "\(name) weight gradient")
        if let b { expectClose(b.grad!, try cnnFixture("conv", "\(name)_dbias"), rtol: 1e-10, atol: 1e-12, "\(name) bias gradient") }
    }

    @Test func fixturesMatchPyTorch() throws {
        try check("c1", bias: true) { $0.conv2d(weight: $1, bias: $2, padding: 1) }
        try check("c2", bias: false) { $0.conv2d(weight: $1, bias: $2, stride: [2, 1], padding: [1, 2], dilation: [1, 2]) }
        try check("c3", bias: true) { $0.conv2d(weight: $1, bias: $2, stride: 2, groups: 2) }
        try check("c4", bias: true) { $0.conv2d(weight: $1, bias: $2, padding: 1, groups: 6) }
        try check("c5", bias: true) { $0.conv2d(weight: $1, bias: $2, stride: 2) }
        try check("c6", bias: true) { $0.conv2d(weight: $1, bias: $2, padding: .same, dilation: 2) }
        try check("c7", bias: true) { $0.pad([2, 2, 2, 2], mode: .reflect).conv2d(weight: $1, bias: $2) }
        try check("c8", bias: true) { $0.conv1d(weight: $1, bias: $2, stride: 2, padding: 2) }
        try check("t1", bias: true) { $0.convTranspose2d(weight: $1, bias: $2, stride: 2, padding: 1, outputPadding: 1) }
        try check("t2", bias: false) { $0.convTranspose2d(weight: $1, bias: $2, stride: [2, 1], groups: 2) }
    }

    /// Random geometries (odd sizes and strides, dilation, groups, depthwise with a channel
    /// multiplier, 1 x 1 kernels, images larger than one column panel) in float32 and
    /// float64 against the direct reference.
    @Test func randomShapesMatchTheReference() {
        let generator = Generator(seed: 7)
        // (n, c, h, w, o, kh, kw, stride, padding, dilation, groups)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, (Int, Int), (Int, Int), (Int, Int), Int)] = [
            (1, 1, 5, 5, 1, 3, 3, (1, 1), (0, 0), (1, 1), 1),
            (2, 3, 7, 11, 5, 3, 3, (1, 1), (1, 1), (1, 1), 1),
            (3, 4, 13, 9, 6, 5, 3, (2, 3), (2, 1), (1, 2), 2),
            (1, 8, 9, 9, 8, 3, 3, (1, 1), (1, 1), (1, 1), 8),
            (2, 4, 10, 7, 12, 3, 2, (2, 1), (1, 0), (2, 1), 4),
            (2, 6, 8, 8, 10, 1, 1, (1, 1), (0, 0), (1, 1), 1),
            (2, 6, 9, 8, 10, 1, 1, (2, 2), (0, 0), (1, 1), 2),
            (1, 3, 40, 45, 7, 7, 7, (2, 2), (3, 3), (1, 1), 1),
            (1, 16, 32, 32, 24, 3, 3, (1, 1), (1, 1), (1, 1), 1),
            (5, 2, 6, 6, 3, 6, 6, (1, 1), (0, 0), (1, 1), 1),
            (2, 6, 21, 45, 12, 3, 3, (1, 1), (1, 1), (1, 1), 6),
            // Depth above one depth block (1170 > 1024) and more columns than one B block.
            (4, 130, 30, 30, 4, 3, 3, (1, 1), (1, 1), (1, 1), 1),
            (1, 4, 19, 50, 4, 5, 5, (1, 1), (2, 2), (2, 2), 4),
            (1, 4, 20, 41, 4, 3, 3, (2, 2), (1, 1), (1, 1), 4),
        ]
        for dtype in [DType.float32, .float64] {
            for (n, c, h, w, o, kh, kw, stride, padding, dilation, groups) in cases {
                let x = Tensor.randn([n, c, h, w], dtype: dtype, generator: generator)
                let weight = Tensor.randn([o, c / groups, kh, kw], dtype: dtype, generator: generator)
                let bias = Tensor.randn([o], dtype: dtype, generator: generator)
                let y = x.conv2d(weight: weight, bias: bias, stride: [stride.0, stride.1], padding: [padding.0, padding.1],
                                 dilation: [dilation.0, dilation.1], groups: groups)
                let expected = referenceConv2d(x, weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
                let tolerance = dtype == .float32 ? 1e-4 : 1e-12
                expectClose(y, expected, rtol: tolerance, atol: tolerance, "\(dtype) \(n)x\(c)x\(h)x\(w) -> \(o) k\(kh)x\(kw) g\(groups)")
            }
        }
    }

    /// Both gradients of large and strided cases (the threaded and the per-plane paths)
    /// against products with the reference: <dL/dx, v> for a random direction is the
    /// forward pass of the reference differentiated numerically in float64.
    @Test func gradientsOfLargeCasesMatchAutogradIdentities() {
        let generator = Generator(seed: 11)
        // (n, c, h, w, o, k, stride, padding, groups)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (1, 16, 32, 32, 24, 3, 1, 1, 1),
            (4, 8, 17, 19, 8, 3, 2, 1, 1),
            (1, 12, 20, 20, 12, 3, 1, 1, 12),
            (3, 6, 12, 12, 12, 1, 1, 0, 2),
            (2, 6, 20, 50, 12, 3, 1, 1, 6),
            (2, 4, 21, 40, 4, 5, 1, 2, 4),
            (1, 4, 15, 37, 8, 3, 2, 1, 4),
        ]
        for (n, c, h, w, o, k, stride, padding, groups) in cases {
            let x = Tensor.randn([n, c, h, w], dtype: .float64, generator: generator).requiringGrad()
            let weight = Tensor.randn([o, c / groups, k, k], dtype: .float64, generator: generator).requiringGrad()
            let y = x.conv2d(weight: weight, stride: SpatialSize(stride), padding: .explicit(SpatialSize(padding)), groups: groups)
            let g = Tensor.randn(y.shape, dtype: .float64, generator: generator)
            (y * g).sum().backward()
            // The convolution is bilinear: <g, conv(dx, w)> = <dL/dx, dx> and <g, conv(x, dw)> = <dL/dw, dw>.
            let dx = Tensor.randn(x.shape, dtype: .float64, generator: generator)
            let dw = Tensor.randn(weight.shape, dtype: .float64, generator: generator)
            let lhsX = (g * referenceConv2d(dx, weight.detach(), bias: nil, stride: (stride, stride), padding: (padding, padding), dilation: (1, 1), groups: groups)).sum().item(Double.self)
            let rhsX = (x.grad! * dx).sum().item(Double.self)
            let lhsW = (g * referenceConv2d(x.detach(), dw, bias: nil, stride: (stride, stride), padding: (padding, padding), dilation: (1, 1), groups: groups)).sum().item(Double.self)
            let rhsW = (weight.grad! * dw).sum().item(Double.self)
            #expect(abs(lhsX - rhsX) <= 1e-9 * max(1, abs(lhsX)), "input gradient \(n)x\(c)x\(h)x\(w) g\(groups): \(rhsX) vs \(lhsX)")
            #expect(abs(lhsW - rhsW) <= 1e-9 * max(1, abs(lhsW)), "weight gradient \(n)x\(c)x\(h)x\(w) g\(groups): \(rhsW) vs \(lhsW)")
        }
    }

    @Test func gradcheckEveryConvolution() {
        let generator = Generator(seed: 3)
        func leaf(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, generator: generator).requiringGrad() }
        let cases: [(String, [Tensor], ([Tensor]) -> Tensor)] = [
            ("conv2d", [leaf([2, 4, 6, 5]), leaf([6, 2, 3, 2]), leaf([6])],
             { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2) }),
            ("conv2d same", [leaf([1, 2, 5, 6]), leaf([3, 2, 4, 3])], { $0[0].conv2d(weight: $0[1], padding: .same) }),
            ("depthwise", [leaf([2, 3, 5, 5]), leaf([6, 1, 3, 3]), leaf([6])],
             { $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, groups: 3) }),
            ("conv1d", [leaf([2, 3, 9]), leaf([4, 3, 3]), leaf([4])], { $0[0].conv1d(weight: $0[1], bias: $0[2], stride: 2, padding: 1, dilation: 2) }),
            ("unbatched conv2d", [leaf([2, 5, 5]), leaf([3, 2, 3, 3])], { $0[0].conv2d(weight: $0[1], padding: .valid) }),
            ("convTranspose2d", [leaf([2, 4, 3, 4]), leaf([4, 3, 3, 2]), leaf([6])],
             { $0[0].convTranspose2d(weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 0], outputPadding: [1, 0], groups: 2, dilation: [1, 2]) }),
            ("convTranspose1d", [leaf([1, 2, 5]), leaf([2, 3, 3])], { $0[0].convTranspose1d(weight: $0[1], stride: 3, padding: 1, outputPadding: 2) }),
        ]
        for (name, inputs, f) in cases {
            let result = gradcheck(f, inputs: inputs)
            #expect(result.passed, "\(name): \(result)")
        }
    }

    @Test func shapesFollowPyTorch() {
        let x = Tensor.zeros([2, 3, 10, 11])
        #expect(x.conv2d(weight: Tensor.zeros([4, 3, 3, 3]), stride: 2, padding: 1).shape == [2, 4, 5, 6])
        #expect(x.conv2d(weight: Tensor.zeros([4, 3, 4, 4]), padding: .same).shape == [2, 4, 10, 11])
        #expect(x.conv2d(weight: Tensor.zeros([4, 3, 4, 4]), padding: .valid).shape == [2, 4, 7, 8])
        #expect(x.convTranspose2d(weight: Tensor.zeros([3, 2, 3, 3]), stride: 2, padding: 1, outputPadding: 1).shape == [2, 2, 20, 22])
        #expect(Tensor.zeros([3, 17]).conv1d(weight: Tensor.zeros([5, 3, 5]), stride: 2, padding: 2).shape == [5, 9])
    }

    @Test func dtypeMismatchTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([1, 3, 8, 8], dtype: .float64).conv2d(weight: Tensor.zeros([4, 3, 3, 3]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("conv2d: input (float64), weight (float32)"), "\(message)")
    }

    @Test func channelMismatchTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([1, 3, 8, 8]).conv2d(weight: Tensor.zeros([4, 2, 3, 3]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("conv2d: input of shape [1, 3, 8, 8]"), "\(message)")
    }
}

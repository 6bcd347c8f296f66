import Foundation
import Testing
import NablaNN

/// Loads `Fixtures/cnn/conv/<name>.npy`, written by PyTorch 2.15 through NumPy.
private func convFixture(_ name: String) throws -> Tensor {
    try Tensor.load(npy: fixturesURL.appendingPathComponent("cnn/conv/\(name).npy").path)
}

@Suite struct ConvolutionModuleTests {
    @Test func layersPrintLikePyTorch() {
        #expect(Conv2d(1, 8, kernelSize: 3, padding: 1).description == "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))")
        #expect(Conv2d(3, 6, kernelSize: [3, 5], stride: [2, 1], padding: [1, 2], dilation: [1, 2], bias: false).description
            == "Conv2d(3, 6, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2), bias=False)")
        #expect(Conv2d(4, 8, kernelSize: 3, stride: 2, groups: 2).description == "Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), groups=2)")
        #expect(Conv2d(3, 4, kernelSize: 4, padding: .same, dilation: 2).description
            == "Conv2d(3, 4, kernel_size=(4, 4), stride=(1, 1), padding=same, dilation=(2, 2))")
        #expect(Conv2d(2, 3, kernelSize: 3, padding: 2, paddingMode: .reflect).description
            == "Conv2d(2, 3, kernel_size=(3, 3), stride=(1, 1), padding=(2, 2), padding_mode=reflect)")
        #expect(Conv1d(3, 5, kernelSize: 5, stride: 2, padding: 2).description == "Conv1d(3, 5, kernel_size=(5,), stride=(2,), padding=(2,))")
        #expect(ConvTranspose2d(4, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1).description
            == "ConvTranspose2d(4, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))")
    }

    @Test func parametersHavePyTorchsShapesAndInitialisation() {
        let conv = Conv2d(6, 12, kernelSize: [3, 2], groups: 3, generator: Generator(seed: 1))
        #expect(conv.weight.shape == [12, 2, 3, 2])
        #expect(conv.bias?.shape == [12])
        #expect(conv.namedParameters().map(\.name) == ["weight", "bias"])
        // Kaiming-uniform with a = sqrt(5): uniform in +-1/sqrt(fanIn), fanIn = 2 * 3 * 2.
        let bound = 1 / Double(12).squareRoot()
        let values = conv.weight.toArray(Double.self) + conv.bias!.toArray(Double.self)
        #expect(values.allSatisfy { abs($0) <= bound })
        #expect(values.contains { abs($0) > bound / 2 })
        let transposed = ConvTranspose2d(4, 6, kernelSize: [2, 3], stride: [2, 1], groups: 2, bias: false)
        #expect(transposed.weight.shape == [4, 3, 2, 3])
        #expect(transposed.bias == nil)
        #expect(Conv1d(3, 5, kernelSize: 5).weight.shape == [5, 3, 5])
    }

    /// Loads a fixture's weights into a layer and checks the forward pass and gradients.
    private func check(_ name: String, _ layer: ConvolutionLayer) throws {
        try layer.loadStateDict(StateDict([("weight", try convFixture("\(name)_weight")), ("bias", try convFixture("\(name)_bias"))]))
        let x = try convFixture("\(name)_x").requiringGrad()
        let y = layer(x)
        expectClose(y, try convFixture("\(name)_y"), rtol: 1e-10, atol: 1e-12, "\(name) forward")
        (y * (try convFixture("\(name)_g"))).sum().backward()
        expectClose(x.grad!, try convFixture("\(name)_dx"), rtol: 1e-10, atol: 1e-12, "\(name) input gradient")
        expectClose(layer.weight.grad!, try convFixture("\(name)_dweight"), rtol: 1e-10, atol: 1e-12, "\(name) weight gradient")
        expectClose(layer.bias!.grad!, try convFixture("\(name)_dbias"), rtol: 1e-10, atol: 1e-12, "\(name) bias gradient")
    }

    @Test func layersMatchPyTorchFixtures() throws {
        try check("c6", Conv2d(3, 4, kernelSize: 4, padding: .same, dilation: 2, dtype: .float64))
        try check("c7", Conv2d(2, 3, kernelSize: 3, padding: 2, paddingMode: .reflect, dtype: .float64))
        try check("c8", Conv1d(3, 5, kernelSize: 5, stride: 2, padding: 2, dtype: .float64))
        try check("t1", ConvTranspose2d(4, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dtype: .float64))
    }

    /// A padding mode is `pad` with that mode, then an unpadded convolution; with `.same`
    /// and an even kernel the extra element goes after, as in PyTorch.
    @Test func paddingModesPadThenConvolve() {
        let generator = Generator(seed: 5)
        let x = Tensor.randn([2, 3, 7, 6], dtype: .float64, generator: generator)
        for mode in [PaddingMode.reflect, .replicate, .circular] {
            let conv = Conv2d(3, 4, kernelSize: [3, 2], padding: [1, 2], paddingMode: mode, dtype: .float64, generator: generator)
            let expected = x.pad([2, 2, 1, 1], mode: mode).conv2d(weight: conv.weight, bias: conv.bias)
            expectClose(conv(x), expected, rtol: 0, atol: 0, "\(mode)")
            let same = Conv2d(3, 4, kernelSize: 4, padding: .same, paddingMode: mode, dtype: .float64, generator: generator)
            let expectedSame = x.pad([1, 2, 1, 2], mode: mode).conv2d(weight: same.weight, bias: same.bias)
            #expect(same(x).shape == [2, 4, 7, 6])
            expectClose(same(x), expectedSame, rtol: 0, atol: 0, "\(mode) same")
        }
    }

    @Test func functionalFormsMatchTheLayers() {
        let generator = Generator(seed: 9)
        let conv = Conv2d(2, 4, kernelSize: 3, stride: 2, padding: 1, generator: generator)
        let x = Tensor.randn([3, 2, 9, 9], generator: generator)
        expectClose(conv(x), Functional.conv2d(x, weight: conv.weight, bias: conv.bias, stride: 2, padding: 1), rtol: 0, atol: 0)
        let up = ConvTranspose2d(2, 3, kernelSize: 2, stride: 2, generator: generator)
        expectClose(up(x), Functional.convTranspose2d(x, weight: up.weight, bias: up.bias, stride: 2), rtol: 0, atol: 0)
        #expect(up(x).shape == [3, 3, 18, 18])
    }
}

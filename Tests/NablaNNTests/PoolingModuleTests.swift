import NablaNN
import Testing

@Suite struct PoolingModuleTests {
    @Test func modulesPrintLikePyTorch() {
        #expect(MaxPool2d(kernelSize: 2).description == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
        #expect(MaxPool2d(kernelSize: 3, stride: 2, padding: 1).description == "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)")
        #expect(MaxPool2d(kernelSize: [3, 2], dilation: [1, 2], ceilMode: true).description
            == "MaxPool2d(kernel_size=(3, 2), stride=(3, 2), padding=0, dilation=(1, 2), ceil_mode=True)")
        #expect(MaxPool1d(kernelSize: 3).description == "MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)")
        #expect(AvgPool2d(kernelSize: 3, stride: 2, padding: 1).description == "AvgPool2d(kernel_size=3, stride=2, padding=1)")
        #expect(AvgPool2d(kernelSize: 2).description == "AvgPool2d(kernel_size=2, stride=2, padding=0)")
        #expect(AvgPool1d(kernelSize: 3, stride: 2).description == "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))")
        #expect(AdaptiveAvgPool2d(outputSize: 1).description == "AdaptiveAvgPool2d(output_size=1)")
        #expect(AdaptiveAvgPool2d(outputSize: [7, 7]).description == "AdaptiveAvgPool2d(output_size=(7, 7))")
        #expect(AdaptiveMaxPool2d(outputSize: 2).description == "AdaptiveMaxPool2d(output_size=2)")
        #expect(Upsample(scaleFactor: [2], mode: .nearest).description == "Upsample(scale_factor=2.0, mode='nearest')")
        #expect(Upsample(scaleFactor: [2, 1.5], mode: .bilinear, alignCorners: true).description
            == "Upsample(scale_factor=(2.0, 1.5), mode='bilinear')")
        #expect(Upsample(size: [4, 4], mode: .bilinear).description == "Upsample(size=(4, 4), mode='bilinear')")
        #expect(Dropout2d().description == "Dropout2d(p=0.5, inplace=False)")
        #expect(Dropout2d(p: 0.2).description == "Dropout2d(p=0.2, inplace=False)")
        let model = Sequential(MaxPool2d(kernelSize: 2), AdaptiveAvgPool2d(outputSize: 1), Flatten())
        #expect(model.description == """
            Sequential(
              (0): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (1): AdaptiveAvgPool2d(output_size=1)
              (2): Flatten(start_dim=1, end_dim=-1)
            )
            """)
        #expect(model.parameters().isEmpty)
    }

    @Test func modulesComputeTheirFunctions() {
        let x = Tensor.randn([2, 3, 8, 6], dtype: .float64, generator: Generator(seed: 11))
        expectClose(MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(x), x.maxPool2d(kernelSize: 3, stride: 2, padding: 1), rtol: 0, atol: 0)
        expectClose(AvgPool2d(kernelSize: 2, countIncludePad: false, divisorOverride: 3)(x),
                    Functional.avgPool2d(x, kernelSize: 2, divisorOverride: 3), rtol: 0, atol: 0)
        expectClose(AdaptiveAvgPool2d(outputSize: 1)(x), x.mean(dims: [2, 3], keepdim: true), rtol: 1e-14, atol: 1e-14)
        expectClose(AdaptiveMaxPool2d(outputSize: [4, 3])(x), x.maxPool2d(kernelSize: 2), rtol: 0, atol: 0)
        let rows = x.view(2, 3, 48)
        expectClose(MaxPool1d(kernelSize: 4, stride: 2)(rows), Functional.maxPool1d(rows, kernelSize: 4, stride: 2), rtol: 0, atol: 0)
        expectClose(AvgPool1d(kernelSize: 4, padding: 2, countIncludePad: false)(rows),
                    Functional.avgPool1d(rows, kernelSize: 4, padding: 2, countIncludePad: false), rtol: 0, atol: 0)
        let up = Upsample(scaleFactor: [2], mode: .bilinear)(x)
        #expect(up.shape == [2, 3, 16, 12])
        expectClose(up, Functional.interpolate(x, scaleFactor: [2], mode: .bilinear), rtol: 0, atol: 0)
        #expect(Upsample(size: 5)(rows).shape == [2, 3, 5])
        expectClose(Functional.pad(x, [1, 1, 2, 0], mode: .replicate), x.pad([1, 1, 2, 0], mode: .replicate), rtol: 0, atol: 0)
    }

    @Test func dropout2dZeroesWholeChannelsInTrainingOnly() {
        let x = Tensor.ones([8, 16, 3, 3], dtype: .float64)
        let layer = Dropout2d(p: 0.25, generator: Generator(seed: 5))
        let y = layer(x)
        let values = y.toArray(Double.self)
        var dropped = 0
        for channel in 0..<(8 * 16) {
            let slice = values[(channel * 9)..<((channel + 1) * 9)]
            let first = slice.first!
            #expect(slice.allSatisfy { $0 == first }, "channel \(channel) is not uniform")
            #expect(first == 0 || abs(first - 1 / 0.75) < 1e-15)
            if first == 0 { dropped += 1 }
        }
        #expect(dropped > 10 && dropped < 55, "dropped \(dropped) of 128 channels at p = 0.25")
        // The same seed gives the same mask.
        expectClose(Dropout2d(p: 0.25, generator: Generator(seed: 5))(x), y, rtol: 0, atol: 0)
        // Evaluation mode, p = 0 and p = 1.
        layer.eval()
        #expect(layer(x) === x)
        #expect(Dropout2d(p: 0)(x) === x)
        #expect(Dropout2d(p: 1)(x).toArray(Double.self).allSatisfy { $0 == 0 })
        #expect(Functional.dropout2d(x, training: false) === x)
        // Gradients are masked and scaled like the values.
        let leaf = Tensor.ones([2, 4, 2, 2], dtype: .float64, requiresGrad: true)
        let out = Functional.dropout2d(leaf, p: 0.5, generator: Generator(seed: 9))
        out.sum().backward()
        expectClose(leaf.grad!, out.detach(), rtol: 0, atol: 0)
    }
}

import Foundation
import Testing
@testable import Nabla

/// `pad` against NumPy's `np.pad` (whose `reflect`, `edge` and `wrap` modes are PyTorch's
/// reflect, replicate and circular) and hand-computed cases.
@Suite struct PaddingTests {
    /// `[1, 3, 4]`: 1 ... 12.
    let x = Tensor.arange(1.0, 13.0, dtype: .float64).view(1, 3, 4)

    @Test func modesMatchNumPyPad() {
        let reflect1 = x.pad([2, 1], mode: .reflect)
        #expect(reflect1.shape == [1, 3, 7])
        #expect(reflect1.toArray(Double.self) == [3, 2, 1, 2, 3, 4, 3, 7, 6, 5, 6, 7, 8, 7, 11, 10, 9, 10, 11, 12, 11])
        let reflect2 = x.pad([1, 2, 2, 1], mode: .reflect)
        #expect(reflect2.shape == [1, 6, 7])
        #expect(reflect2.toArray(Double.self) == [10, 9, 10, 11, 12, 11, 10, 6, 5, 6, 7, 8, 7, 6, 2, 1, 2, 3, 4, 3, 2, 6, 5, 6, 7, 8, 7, 6,
                                                  10, 9, 10, 11, 12, 11, 10, 6, 5, 6, 7, 8, 7, 6])
        let replicate = x.pad([3, 1, 0, 2], mode: .replicate)
        #expect(replicate.shape == [1, 5, 8])
        #expect(replicate.toArray(Double.self) == [1, 1, 1, 1, 2, 3, 4, 4, 5, 5, 5, 5, 6, 7, 8, 8, 9, 9, 9, 9, 10, 11, 12, 12,
                                                   9, 9, 9, 9, 10, 11, 12, 12, 9, 9, 9, 9, 10, 11, 12, 12])
        let circular = x.pad([1, 2, 2, 0], mode: .circular)
        #expect(circular.shape == [1, 5, 7])
        #expect(circular.toArray(Double.self) == [8, 5, 6, 7, 8, 5, 6, 12, 9, 10, 11, 12, 9, 10, 4, 1, 2, 3, 4, 1, 2, 8, 5, 6, 7, 8, 5, 6,
                                                  12, 9, 10, 11, 12, 9, 10])
    }

    @Test func constantPaddingFillsAndNegativeAmountsCrop() throws {
        let constant = x.pad([1, -1, 0, 2], value: 7)
        #expect(constant.shape == [1, 5, 4])
        #expect(constant.toArray(Double.self) == [7, 1, 2, 3, 7, 5, 6, 7, 7, 9, 10, 11, 7, 7, 7, 7, 7, 7, 7, 7])
        // Every dim, including the leading one.
        let all = x.pad([0, 0, 0, 0, 1, 0])
        #expect(all.shape == [2, 3, 4])
        #expect(all.toArray(Double.self) == [Double](repeating: 0, count: 12) + x.toArray(Double.self))
        // Circular padding may crop too: PyTorch crops first, then wraps what is left.
        let cropped = x.pad([-1, 1], mode: .circular)
        #expect(cropped.toArray(Double.self) == [2, 3, 4, 2, 6, 7, 8, 6, 10, 11, 12, 10])
        #expect(x.pad([2, -1], mode: .circular).toArray(Double.self) == [2, 3, 1, 2, 3, 6, 7, 5, 6, 7, 10, 11, 9, 10, 11])
        #expect(x.pad([-4, 0], mode: .circular).shape == [1, 3, 0])
        // Reflect and replicate crop too, mirroring and repeating the original edges.
        #expect(x.pad([-1, 2], mode: .reflect).toArray(Double.self).prefix(5) == [2, 3, 4, 3, 2])
        #expect(x.pad([-1, 2], mode: .replicate).toArray(Double.self).prefix(5) == [2, 3, 4, 4, 4])
        #expect(x.pad([2, -3], mode: .reflect).toArray(Double.self).prefix(3) == [3, 2, 1])
        // Integer tensors, non-contiguous inputs.
        let labels = try Tensor([Int64(1), 2, 3], shape: [3]).pad([1, 2], value: 5)
        #expect(labels.dtype == .int64 && labels.toArray(Int64.self) == [5, 1, 2, 3, 5, 5])
        let transposed = x.transpose(1, 2)
        expectClose(transposed.pad([1, 1, 2, 0], mode: .reflect), transposed.contiguous().pad([1, 1, 2, 0], mode: .reflect), rtol: 0, atol: 0)
        #expect(x.pad([]).toArray(Double.self) == x.toArray(Double.self))
        #expect(Tensor.zeros(2, 3).pad([0, 0, -2, 0]).shape == [0, 3])
    }

    @Test func gradientsCountEveryUse() {
        let leaf = Tensor([[1.0, 2, 3, 4]], dtype: .float64).requiringGrad()
        leaf.pad([2, 1], mode: .reflect).sum().backward()
        #expect(leaf.grad!.toArray(Double.self) == [1, 2, 3, 1])
        leaf.grad = nil
        leaf.pad([3, 2], mode: .replicate).sum().backward()
        #expect(leaf.grad!.toArray(Double.self) == [4, 1, 1, 3])
        leaf.grad = nil
        leaf.pad([4, 1], mode: .circular).sum().backward()
        #expect(leaf.grad!.toArray(Double.self) == [3, 2, 2, 2])
        leaf.grad = nil
        leaf.pad([-1, 2], value: 3).sum().backward()
        #expect(leaf.grad!.toArray(Double.self) == [0, 1, 1, 1])
    }

    @Test func gradchecksPassForEveryMode() {
        for mode in PaddingMode.allCases {
            expectGradcheck([2, 5], "\(mode) 1-d") { $0.pad([2, 3], mode: mode) }
            expectGradcheck([2, 3, 5], "\(mode) 1-d batched") { $0.pad([1, 2], mode: mode) }
            expectGradcheck([2, 3, 4], "\(mode) 2-d") { $0.pad([1, 2, 2, 1], mode: mode) }
            expectGradcheck([1, 2, 3, 3, 4], "\(mode) 3-d") { $0.pad([1, 2, 0, 2, 2, 1], mode: mode) }
        }
        expectGradcheck([2, 3, 4], "constant cropping") { $0.pad([-1, 2, 1, -2, 1, 0], value: 0.5) }
        expectGradcheck([2, 3, 4], "circular cropping") { $0.pad([-1, 2, 1, -2], mode: .circular) }
        expectGradcheck([2, 3, 4], "reflect cropping") { $0.pad([-1, 2, 1, -1], mode: .reflect) }
        expectGradcheck([2, 3, 4], "replicate cropping") { $0.pad([3, -2, -1, 2], mode: .replicate) }
    }
}

/// `interpolate` against values computed by hand from PyTorch's formulas (and the
/// examples of PyTorch's `nn.Upsample` documentation).
@Suite struct InterpolateTests {
    let square = Tensor([[[[1.0, 2], [3, 4]]]], dtype: .float64)

    @Test func upsamplingAsPyTorchDocumentsIt() {
        #expect(square.interpolate(scaleFactor: [2]).toArray(Double.self) == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let bilinear = square.interpolate(scaleFactor: [2], mode: .bilinear)
        #expect(bilinear.shape == [1, 1, 4, 4])
        expectClose(bilinear.toArray(Double.self), [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4],
                    rtol: 1e-14, atol: 1e-14)
        let aligned = square.interpolate(size: 4, mode: .bilinear, alignCorners: true)
        let third = 1.0 / 3
        expectClose(aligned.toArray(Double.self), [1, 1 + third, 1 + 2 * third, 2, 1 + 2 * third, 2, 2 + third, 2 + 2 * third,
                                                   2 + third, 2 + 2 * third, 3, 3 + third, 3, 3 + third, 3 + 2 * third, 4],
                    rtol: 1e-14, atol: 1e-14)
        let wide = square.interpolate(scaleFactor: [2, 3])
        #expect(wide.shape == [1, 1, 4, 6])
        #expect(wide.toArray(Double.self).prefix(6) == [1, 1, 1, 2, 2, 2])
        let float32 = square.to(.float32).interpolate(size: [3, 5], mode: .bilinear)
        #expect(float32.dtype == .float32)
        expectClose(float32, square.interpolate(size: [3, 5], mode: .bilinear), rtol: 1e-6, atol: 1e-6)
    }

    @Test func nearestUsesTheLegacyRuleAndTheScaleFactor() {
        let row = Tensor([[[10.0, 20, 30]]], dtype: .float64)
        #expect(row.interpolate(size: 5).toArray(Double.self) == [10, 10, 20, 20, 30])
        #expect(row.interpolate(size: 5, mode: .nearestExact).toArray(Double.self) == [10, 10, 20, 30, 30])
        #expect(row.interpolate(size: 2).toArray(Double.self) == [10, 20])
        let ramp = Tensor.arange(0.0, 5.0, dtype: .float64).view(1, 1, 5)
        // A scale factor maps back with 1 / scaleFactor (1.43), a size with in / out (1.67).
        #expect(ramp.interpolate(scaleFactor: [0.7]).toArray(Double.self) == [0, 1, 2])
        #expect(ramp.interpolate(size: 3).toArray(Double.self) == [0, 1, 3])
        let factor = 1 / 0.7
        expectClose(ramp.interpolate(scaleFactor: [0.7], mode: .linear).toArray(Double.self),
                    [factor * 0.5 - 0.5, factor * 1.5 - 0.5, factor * 2.5 - 0.5], rtol: 1e-14, atol: 1e-14)
        expectClose(ramp.interpolate(size: 3, mode: .linear).toArray(Double.self), [1.0 / 3, 5.0 * 1.5 / 3 - 0.5, 5.0 * 2.5 / 3 - 0.5], rtol: 1e-14, atol: 1e-14)
    }

    @Test func linearWithAndWithoutAlignedCorners() {
        let row = Tensor([[[0.0, 10, 20]]], dtype: .float64)
        expectClose(row.interpolate(size: 5, mode: .linear).toArray(Double.self), [0, 4, 10, 16, 20], rtol: 1e-14, atol: 1e-13)
        expectClose(row.interpolate(size: 5, mode: .linear, alignCorners: true).toArray(Double.self), [0, 5, 10, 15, 20], rtol: 1e-14, atol: 1e-13)
        let ramp = Tensor.arange(0.0, 10.0, dtype: .float64).view(1, 1, 10)
        expectClose(ramp.interpolate(scaleFactor: [0.5], mode: .linear).toArray(Double.self), [0.5, 2.5, 4.5, 6.5, 8.5], rtol: 1e-14, atol: 1e-14)
        expectClose(ramp.interpolate(size: 1, mode: .linear, alignCorners: true).toArray(Double.self), [0], rtol: 0, atol: 0)
        // A constant image stays constant.
        let constant = Tensor.full([2, 3, 4, 5], 2.5, dtype: .float64)
        expectClose(constant.interpolate(size: [7, 3], mode: .bilinear), Tensor.full([2, 3, 7, 3], 2.5, dtype: .float64), rtol: 1e-14, atol: 1e-14)
    }

    @Test func gradientsFlowToTheSources() {
        let leaf = square.clone().detach().requiringGrad()
        leaf.interpolate(scaleFactor: [2]).sum().backward()
        #expect(leaf.grad!.toArray(Double.self) == [4, 4, 4, 4])
        leaf.grad = nil
        // Bilinear weights of each output sum to one, so the gradients of a sum add to the output count.
        leaf.interpolate(size: [3, 5], mode: .bilinear).sum().backward()
        expectClose([leaf.grad!.sum().item()], [15], rtol: 1e-14, atol: 1e-14)
    }

    @Test func gradchecksPassForEveryMode() {
        expectGradcheck([2, 2, 3, 4], "nearest size") { $0.interpolate(size: [5, 7]) }
        expectGradcheck([2, 2, 3, 4], "nearest scale") { $0.interpolate(scaleFactor: [1.5, 0.75]) }
        expectGradcheck([2, 2, 3, 4], "nearest-exact") { $0.interpolate(size: [5, 3], mode: .nearestExact) }
        expectGradcheck([2, 2, 3, 4], "bilinear") { $0.interpolate(size: [5, 7], mode: .bilinear) }
        expectGradcheck([2, 2, 3, 4], "bilinear aligned") { $0.interpolate(size: [5, 7], mode: .bilinear, alignCorners: true) }
        expectGradcheck([2, 2, 5, 6], "bilinear down") { $0.interpolate(scaleFactor: [0.6], mode: .bilinear) }
        expectGradcheck([2, 3, 4], "nearest 1-d") { $0.interpolate(size: 9) }
        expectGradcheck([2, 3, 4], "linear") { $0.interpolate(scaleFactor: [2.5], mode: .linear) }
        expectGradcheck([2, 3, 4], "linear aligned") { $0.interpolate(size: 7, mode: .linear, alignCorners: true) }
    }

    @Test func nonContiguousInputs() {
        let x = Tensor.randn([2, 3, 4, 5], dtype: .float64, generator: Generator(seed: 7)).transpose(2, 3)
        expectClose(x.interpolate(size: [7, 9], mode: .bilinear), x.contiguous().interpolate(size: [7, 9], mode: .bilinear), rtol: 0, atol: 0)
        expectClose(x.interpolate(scaleFactor: [2]), x.contiguous().interpolate(scaleFactor: [2]), rtol: 0, atol: 0)
    }
}

/// Misuse of pooling, padding and resampling traps with a message naming the operation,
/// the argument and the input's shape.
@Suite struct PoolingTrapTests {
    func expectMessage(_ result: ExitTest.Result?, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        for fragment in fragments {
            #expect(stderr.contains(fragment), "stderr lacks \"\(fragment)\": \(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func paddingLargerThanHalfTheKernelTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 1, 4, 4).maxPool2d(kernelSize: 2, padding: 2)
        }
        expectMessage(r, ["maxPool2d", "padding [2, 2]", "kernelSize [2, 2]", "[1, 1, 4, 4]"])
    }

    @Test func wrongRankTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(4, 4).avgPool2d(kernelSize: 2)
        }
        expectMessage(r, ["avgPool2d", "3-d", "4-d", "[4, 4]"])
    }

    @Test func tooSmallInputTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 1, 3, 3).maxPool2d(kernelSize: 5)
        }
        expectMessage(r, ["maxPool2d", "[1, 1, 3, 3]", "too small"])
    }

    @Test func zeroDivisorTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 1, 3, 3).avgPool2d(kernelSize: 2, divisorOverride: 0)
        }
        expectMessage(r, ["avgPool2d", "divisorOverride"])
    }

    @Test func reflectPaddingAsLargeAsTheInputTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 1, 3).pad([3, 0], mode: .reflect)
        }
        expectMessage(r, ["pad", "reflect", "[3, 0]", "[1, 1, 3]"])
    }

    @Test func circularPaddingWrappingTwiceTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 1, 2).pad([-1, 2], mode: .circular)
        }
        expectMessage(r, ["pad", "circular", "[-1, 2]", "[1, 1, 2]", "more than once"])
    }

    @Test func oddPaddingAmountsTrap() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(2, 3).pad([1, 2, 3])
        }
        expectMessage(r, ["pad", "[1, 2, 3]", "pairs"])
    }

    @Test func bilinearOfThreeDimensionalInputTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 2, 3).interpolate(size: 4, mode: .bilinear)
        }
        expectMessage(r, ["interpolate", "bilinear", "[1, 2, 3]"])
    }

    @Test func alignCornersWithNearestTraps() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 2, 3).interpolate(size: 4, alignCorners: true)
        }
        expectMessage(r, ["interpolate", "alignCorners", "nearest"])
    }

    @Test func sizeAndScaleFactorTogetherTrap() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros(1, 2, 3).interpolate(size: 4, scaleFactor: [2])
        }
        expectMessage(r, ["interpolate", "size", "scaleFactor"])
    }
}

import Nabla
import NablaKernels

/// One convolution layer of the suite: ResNet-18's layer shapes and MobileNetV2's
/// depthwise layer, the same cases `Benchmarks/compare.py` runs in PyTorch.
struct ConvCase: Sendable {
    var name: String
    var channels: Int
    var size: Int
    var outChannels: Int
    var kernel: Int
    var stride: Int
    var padding: Int
    var groups = 1

    /// ResNet-18's distinct layer shapes (stem, the four 3x3 stages, the 1x1 downsample)
    /// and MobileNetV2's 3x3 depthwise layer at 144 x 56 x 56.
    static let all = [
        ConvCase(name: "7x7s2-3x224", channels: 3, size: 224, outChannels: 64, kernel: 7, stride: 2, padding: 3),
        ConvCase(name: "3x3-64x56", channels: 64, size: 56, outChannels: 64, kernel: 3, stride: 1, padding: 1),
        ConvCase(name: "3x3-128x28", channels: 128, size: 28, outChannels: 128, kernel: 3, stride: 1, padding: 1),
        ConvCase(name: "3x3-256x14", channels: 256, size: 14, outChannels: 256, kernel: 3, stride: 1, padding: 1),
        ConvCase(name: "3x3-512x7", channels: 512, size: 7, outChannels: 512, kernel: 3, stride: 1, padding: 1),
        ConvCase(name: "1x1s2-256x14", channels: 256, size: 14, outChannels: 512, kernel: 1, stride: 2, padding: 0),
        ConvCase(name: "dw3x3-144x56", channels: 144, size: 56, outChannels: 144, kernel: 3, stride: 1, padding: 1, groups: 144),
    ]

    /// The output's side.
    var outputSize: Int { (size + 2 * padding - kernel) / stride + 1 }

    /// Floating-point operations of the forward pass for `batch` images (each gradient
    /// costs as much again).
    func flops(batch: Int) -> Double {
        2 * Double(batch * outChannels * outputSize * outputSize * channels / groups * kernel * kernel)
    }
}

extension Suite {
    /// GFLOP/s of convolution layers, forward and forward + backward (input and weight
    /// gradients), batch 1 and 16, float32; BatchNorm2d's forward pass in GB/s.
    static let conv = Suite(
        name: "conv",
        description: "ResNet-18's conv layers and a depthwise 3x3, batch 1 and 16, forward and forward+backward (GFLOP/s); BatchNorm2d forward (GB/s)"
    ) { options, reporter in
        let generator = Generator(seed: 3)
        for convCase in ConvCase.all {
            for batch in [1, 16] {
                for pass in ["fwd", "fwdbwd"] {
                    let name = "\(convCase.name)-b\(batch)-\(pass)"
                    guard options.wants(name) else { continue }
                    reporter.progress("conv \(name)")
                    let x = Tensor.randn([batch, convCase.channels, convCase.size, convCase.size], generator: generator)
                    let w = Tensor.randn([convCase.outChannels, convCase.channels / convCase.groups, convCase.kernel, convCase.kernel],
                                         generator: generator) * 0.05
                    let b = Tensor.randn([convCase.outChannels], generator: generator)
                    let forward = { (x: Tensor, w: Tensor, b: Tensor) in
                        x.conv2d(weight: w, bias: b, stride: SpatialSize(convCase.stride),
                                 padding: .explicit(SpatialSize(convCase.padding)), groups: convCase.groups)
                    }
                    let seconds: Double
                    if pass == "fwd" {
                        seconds = medianTime(repeats: options.repeats) { _ = withNoGrad { forward(x, w, b) } }
                    } else {
                        let xg = x.requiringGrad(), wg = w.detach().requiringGrad(), bg = b.requiringGrad()
                        let g = Tensor.ones([batch, convCase.outChannels, convCase.outputSize, convCase.outputSize])
                        seconds = medianTime(repeats: options.repeats) {
                            xg.grad = nil; wg.grad = nil; bg.grad = nil
                            forward(xg, wg, bg).backward(gradient: g)
                        }
                    }
                    let flops = convCase.flops(batch: batch) * (pass == "fwd" ? 1 : 3)
                    reporter.report(Measurement(
                        suite: "conv", name: name, dtype: "float32", m: convCase.outChannels,
                        n: batch * convCase.outputSize * convCase.outputSize, k: convCase.channels / convCase.groups * convCase.kernel * convCase.kernel,
                        threads: options.threads, isa: NablaKernels.isa.description, medianSeconds: seconds,
                        gflops: flops / seconds / 1e9))
                }
            }
        }
        // ResNet's stem max pool (3x3, stride 2, padding 1) on 64 x 112 x 112, inference:
        // the input read once and the output written once.
        for batch in [1, 16] {
            let poolName = "maxpool3x3s2-64x112-b\(batch)"
            guard options.wants(poolName) else { continue }
            reporter.progress("conv \(poolName)")
            let x = Tensor.randn([batch, 64, 112, 112], generator: generator)
            let seconds = medianTime(repeats: options.repeats) {
                _ = withNoGrad { x.maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
            }
            reporter.report(Measurement(
                suite: "conv", name: poolName, dtype: "float32", m: batch * 64, n: 112 * 112, threads: options.threads,
                isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0,
                gbps: Double(4 * x.numel * 5 / 4) / seconds / 1e9))
        }
        // BatchNorm2d forward in training mode (statistics, normalisation, running-stat
        // update) on 16 x 64 x 56 x 56: input read and output written once each.
        let name = "bn2d-16x64x56-fwd"
        if options.wants(name) {
            reporter.progress("conv \(name)")
            let x = Tensor.randn([16, 64, 56, 56], generator: generator)
            let runningMean = Tensor.zeros([64]), runningVar = Tensor.ones([64])
            let weight = Tensor.ones([64]), bias = Tensor.zeros([64])
            let seconds = medianTime(repeats: options.repeats) {
                _ = withNoGrad { x.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: true) }
            }
            reporter.report(Measurement(
                suite: "conv", name: name, dtype: "float32", m: 16 * 64, n: 56 * 56, threads: options.threads,
                isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0,
                gbps: Double(2 * 4 * x.numel) / seconds / 1e9))
        }
    }
}

import Foundation
import NablaKernels
import NablaVision

extension Suite {
    /// Images per second: decoding china.jpg (640 x 427, baseline 4:2:0) and a PNG of it,
    /// and torchvision's ImageNet evaluation transform on the decoded image.
    ///
    /// The files come from `$NABLA_BENCH_IMAGES` (default `../shared/data`, relative to
    /// the working directory): `china.jpg`, and `china.png` when present (compare.py
    /// writes it with Pillow, so that both decode the same bytes); without it the PNG is
    /// encoded by Nabla.
    static let images = Suite(
        name: "images",
        description: "decode china.jpg (640x427) and a PNG of it; Resize(256)/CenterCrop(224)/ToTensor/Normalize (images/s)"
    ) { options, reporter in
        let folder = ProcessInfo.processInfo.environment["NABLA_BENCH_IMAGES"] ?? "../shared/data"
        guard let jpeg = FileManager.default.contents(atPath: folder + "/china.jpg").map({ [UInt8]($0) }) else {
            writeStandardError("images: no \(folder)/china.jpg (set NABLA_BENCH_IMAGES to the folder holding it); suite skipped\n")
            return
        }
        let decoded: Tensor
        do {
            decoded = try Tensor.decodeImage(jpeg)
        } catch {
            writeStandardError("images: cannot decode \(folder)/china.jpg: \(error)\n")
            return
        }
        let png = FileManager.default.contents(atPath: folder + "/china.png").map { [UInt8]($0) } ?? decoded.pngData()
        let transform = Compose([
            Resize(256), CenterCrop(224), ToTensor(),
            Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
        ])
        let cases: [(String, () -> Void)] = [
            ("decode-jpeg-640x427", { _ = try? Tensor.decodeImage(jpeg) }),
            ("decode-png-640x427", { _ = try? Tensor.decodeImage(png) }),
            ("imagenet-transform-640x427", { _ = transform(decoded) }),
        ]
        for (name, body) in cases where options.wants(name) {
            reporter.progress("images \(name)")
            let seconds = medianTime(repeats: options.repeats, body)
            reporter.report(Measurement(
                suite: "images", name: name, dtype: "uint8", m: decoded.shape[0], n: decoded.shape[1], k: decoded.shape[2],
                threads: options.threads, isa: NablaKernels.isa.description, medianSeconds: seconds, gflops: 0,
                imagesPerSecond: 1 / seconds))
        }
    }
}

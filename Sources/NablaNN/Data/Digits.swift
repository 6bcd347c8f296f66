import Foundation

/// The 8x8 handwritten digits bundled with NablaNN (UCI "Optical Recognition of
/// Handwritten Digits", the reduced version scikit-learn ships as `load_digits`;
/// CC BY 4.0, attribution in the resource folder's README): 1,797 images of the digits
/// 0 to 9, about 180 per class.
public enum Digits {
    /// The images, float32 `[1797, 8, 8]` with pixel values 0 to 16, and the labels, int64
    /// `[1797]`.
    ///
    /// - Throws: ``NablaNNError`` if the bundled files cannot be read (a broken install).
    public static func load() throws(NablaNNError) -> (images: Tensor, labels: Tensor) {
        let images = try loadResource("digits-images")
        let labels = try loadResource("digits-labels")
        return (images.to(.float32), labels.to(.int64))
    }

    private static func loadResource(_ name: String) throws(NablaNNError) -> Tensor {
        guard let url = Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Resources/digits") else {
            throw .fileSystem(path: "Resources/digits/\(name).npy", reason: "the file is missing from NablaNN's resource bundle")
        }
        do {
            return try Tensor.load(npy: url.path)
        } catch {
            throw .numpy(error)
        }
    }
}

import NablaKernelsCore
/// Zeroes each element with probability `p` during training and scales the others by
/// `1 / (1 - p)`, so that the expected value is unchanged (PyTorch's `nn.Dropout`). In
/// evaluation mode (``Module/eval()``) it passes the input through.
public final class Dropout: Module {
    /// The probability of zeroing an element, in `0...1`.
    public let p: Double
    /// The generator the masks are drawn from (the default one when nil).
    public let generator: Generator?

    /// Dropout with probability `p` (PyTorch's default 0.5).
    public init(p: Double = 0.5, generator: Generator? = nil) {
        nablaPrecondition((0...1).contains(p), "Dropout: p must be in 0...1, got \(p)")
        self.p = p
        self.generator = generator
        super.init()
    }

    /// The input with a fresh random mask applied in training mode; the input itself in
    /// evaluation mode.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.dropout(input, p: p, training: isTraining, generator: generator)
    }

    /// `p=...`.
    public override var extraDescription: String { "p=\(p), inplace=False" }
}

import NablaKernelsCore
/// A fully connected layer, `y = x W^T + b` (PyTorch's `nn.Linear`).
///
/// `weight` has PyTorch's layout, `[outFeatures, inFeatures]`, so weights exported from
/// PyTorch load unchanged. Both are initialised as PyTorch initialises them: uniform in
/// `[-1/sqrt(inFeatures), 1/sqrt(inFeatures)]` (Kaiming-uniform with `a = sqrt(5)` for
/// the weight, the same bound for the bias).
public final class Linear: Module {
    /// The size of each input sample.
    public let inFeatures: Int
    /// The size of each output sample.
    public let outFeatures: Int
    /// The weights, `[outFeatures, inFeatures]`.
    public var weight: Tensor
    /// The bias, `[outFeatures]`, or nil for a layer without one.
    public var bias: Tensor?

    /// A layer mapping `inFeatures` to `outFeatures`, with PyTorch's initialisation.
    ///
    /// - Parameters:
    ///   - inFeatures: The size of each input sample.
    ///   - outFeatures: The size of each output sample.
    ///   - bias: Whether the layer adds a learned bias.
    ///   - dtype: The parameters' dtype (float32 or float64).
    ///   - generator: The random generator for the initial values (the default one when nil).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32, generator: Generator? = nil) {
        nablaPrecondition(inFeatures > 0 && outFeatures >= 0, "Linear: inFeatures must be positive and outFeatures non-negative, got \(inFeatures) and \(outFeatures)")
        nablaPrecondition(dtype == .float32 || dtype == .float64, "Linear: dtype must be float32 or float64, got \(dtype)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Tensor.empty([outFeatures, inFeatures], dtype: dtype, requiresGrad: true)
        Init.kaimingUniform(weight, nonlinearity: .leakyRelu(negativeSlope: 5.0.squareRoot()), generator: generator)
        if bias {
            let bound = 1 / Double(inFeatures).squareRoot()
            self.bias = Init.uniform(Tensor.empty([outFeatures], dtype: dtype, requiresGrad: true), low: -bound, high: bound, generator: generator)
        } else {
            self.bias = nil
        }
        super.init()
    }

    /// `input @ weight^T + bias` for an input of shape `[..., inFeatures]`.
    public override func forward(_ input: Tensor) -> Tensor {
        Functional.linear(input, weight: weight, bias: bias)
    }

    /// `weight` and `bias`.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// None.
    public override func namedChildren() -> [(name: String, module: Module)] { [] }

    /// `in_features=..., out_features=..., bias=...`, as PyTorch prints it.
    public override var extraDescription: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True")"
    }
}

/// Modules applied one after the other (PyTorch's `nn.Sequential`), named `0`, `1`, ...
///
/// ```swift
/// let model = Sequential(Linear(64, 32), ReLU(), Linear(32, 10))
/// let same = Sequential {
///     Linear(64, 32)
///     ReLU()
///     Linear(32, 10)
/// }
/// model[2] = Linear(32, 5)      // swap the head
/// ```
public final class Sequential: Module {
    /// The modules, in the order they run.
    public private(set) var layers: [Module]

    /// The modules in `layers`, run in order.
    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    /// The modules given, run in order.
    public convenience init(_ layers: Module...) {
        self.init(layers)
    }

    /// The modules listed in the closure, run in order.
    public convenience init(@ModuleBuilder _ build: () -> [Module]) {
        self.init(build())
    }

    /// The number of modules.
    public var count: Int { layers.count }

    /// The module at `index`; setting it replaces the module (its parameters' names stay
    /// `index.weight`, ...).
    public subscript(index: Int) -> Module {
        get { layers[index] }
        set { layers[index] = newValue }
    }

    /// Adds a module at the end.
    public func append(_ module: Module) {
        layers.append(module)
    }

    /// Each module applied to the previous one's output.
    public override func forward(_ input: Tensor) -> Tensor {
        layers.reduce(input) { x, layer in layer(x) }
    }

    /// None: the parameters belong to the layers.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// The layers named by their index.
    public override func namedChildren() -> [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }
}

/// Builds an array of modules from statements, one module per line, with `if`, `if`-`else`
/// and `for` allowed: the block form of ``Sequential``.
@resultBuilder
public enum ModuleBuilder {
    /// A module as a one-element list.
    public static func buildExpression(_ module: Module) -> [Module] { [module] }
    /// Several modules as a list.
    public static func buildExpression(_ modules: [Module]) -> [Module] { modules }
    /// The lines of a block, concatenated.
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    /// An `if` without `else`: nothing when the condition is false.
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    /// The `if` branch of an `if`-`else`.
    public static func buildEither(first part: [Module]) -> [Module] { part }
    /// The `else` branch of an `if`-`else`.
    public static func buildEither(second part: [Module]) -> [Module] { part }
    /// The modules of every iteration of a `for` loop.
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
}

import NablaKernelsCore
/// Modules applied one after the other (PyTorch's `nn.Sequential`), named `0`, `1`, ...,
/// or by the names given (PyTorch's `OrderedDict` form), which the state dict uses.
///
/// ```swift
/// let model = Sequential(Linear(64, 32), ReLU(), Linear(32, 10))
/// let same = Sequential {
///     Linear(64, 32)
///     ReLU()
///     Linear(32, 10)
/// }
/// model[2] = Linear(32, 5)      // swap the head
/// let named = Sequential(["conv": Conv2d(1, 8, kernelSize: 3), "relu": ReLU()])
/// let conv = named["conv"]       // state dict keys: conv.weight, conv.bias
/// ```
///
/// The class is open so that a model zoo can mirror PyTorch's `Sequential` subclasses
/// (torchvision's `Conv2dNormActivation`) with their own printed names.
open class Sequential: Module {
    /// The modules, in the order they run.
    public private(set) var layers: [Module]

    /// The layers' names, `nil` for the default `0`, `1`, ...
    private var names: [String]?

    /// The modules in `layers`, run in order.
    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    /// The modules in the order given, named by their keys (PyTorch's
    /// `nn.Sequential(OrderedDict(...))`). Names must be unique, non-empty and free of dots.
    public init(_ named: KeyValuePairs<String, Module>) {
        layers = named.map(\.value)
        names = named.map(\.key)
        let unique = Set(names!)
        nablaPrecondition(unique.count == layers.count && !unique.contains("") && !unique.contains { $0.contains(".") },
                     "Sequential: layer names must be unique, non-empty and without dots, got \(names!)")
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

    /// The module named `name`; setting it replaces the module, keeping its name.
    public subscript(name: String) -> Module? {
        get { namedChildren().first { $0.name == name }?.module }
        set {
            guard let index = namedChildren().firstIndex(where: { $0.name == name }) else {
                nablaPreconditionFailure("Sequential: no layer named '\(name)' (layers: \(namedChildren().map(\.name)))")
            }
            guard let newValue else { nablaPreconditionFailure("Sequential: cannot set layer '\(name)' to nil") }
            layers[index] = newValue
        }
    }

    /// The module at `index` as the type `type`, or `nil` when it is another type: typed
    /// access without a force cast, such as `model.layer(2, as: Linear.self)?.weight`.
    public func layer<M: Module>(_ index: Int, as type: M.Type) -> M? {
        layers[index] as? M
    }

    /// The module named `name` as the type `type`, or `nil` when there is no such layer or
    /// it is another type: `model.layer("fc", as: Linear.self)?.weight`.
    public func layer<M: Module>(_ name: String, as type: M.Type) -> M? {
        self[name] as? M
    }

    /// Adds a module at the end, named by its index (or by `name` when the layers are named).
    public func append(_ module: Module, named name: String? = nil) {
        if names != nil || name != nil {
            var current = names ?? layers.indices.map(String.init)
            let newName = name ?? String(layers.count)
            nablaPrecondition(!current.contains(newName) && !newName.isEmpty && !newName.contains("."),
                         "Sequential.append: the name '\(newName)' is empty, has a dot or is taken")
            current.append(newName)
            names = current
        }
        layers.append(module)
    }

    /// Each module applied to the previous one's output.
    open override func forward(_ input: Tensor) -> Tensor {
        layers.reduce(input) { x, layer in layer(x) }
    }

    /// None: the parameters belong to the layers.
    public override func namedDirectParameters() -> [(name: String, tensor: Tensor)] { [] }

    /// The layers named by their index, or by the names given.
    public override func namedChildren() -> [(name: String, module: Module)] {
        if let names { return Array(zip(names, layers)) }
        return layers.enumerated().map { (String($0.offset), $0.element) }
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

import NablaKernelsCore
/// A layer or a model: PyTorch's `nn.Module`.
///
/// Subclass it, store parameters (``Nabla/Tensor``s) and sub-modules in properties, and
/// override ``forward(_:)``; calling the module runs `forward`:
///
/// ```swift
/// final class Net: Module {
///     var fc1 = Linear(784, 256)
///     var fc2 = Linear(256, 10)
///     override func forward(_ x: Tensor) -> Tensor { fc2(fc1(x).relu()) }
/// }
/// let net = Net()
/// let logits = net(x)
/// net.namedParameters().map(\.name)   // ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
/// ```
///
/// ## How parameters and children are found
///
/// Swift has no `__setattr__` hook, so a module discovers its members with `Mirror`,
/// reading its stored properties in declaration order (superclass properties first), as
/// PyTorch reads attributes in assignment order:
///
/// - a `Tensor` (or `Tensor?` holding one) is a parameter named after the property;
/// - a `Module` (or `Module?`) is a child, whose members get the property name as prefix;
/// - an array of modules or of tensors is numbered like `nn.ModuleList`/`nn.ParameterList`
///   (`blocks.0.weight`);
/// - properties whose name starts with an underscore are skipped, so a module can keep
///   tensors that are not parameters (caches, constants) in `_`-prefixed properties.
///
/// Built-in modules override ``namedDirectParameters()`` and ``namedChildren()`` instead
/// of reflecting, and a subclass may do the same to name its members explicitly. State
/// that is saved but not trained (a batch norm's running statistics) is listed by
/// ``namedDirectBuffers()``, never found by reflection.
///
/// Replacing a child is assigning the property (`net.fc2 = Linear(256, 5)`), or, for a
/// ``Sequential``, its subscript: the names always follow the current members.
///
/// A module is a reference type that is not `Sendable`: its training flag and
/// parameters change in place, so share it between tasks only under your own lock.
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (PyTorch's `training`): ``Dropout`` is
    /// active only then. Set with ``train(_:)`` and ``eval()``.
    public private(set) var isTraining = true

    /// A module in training mode.
    public init() {}

    /// Computes the module's output. Subclasses override it; the base implementation
    /// traps, as PyTorch's raises `NotImplementedError`.
    open func forward(_ input: Tensor) -> Tensor {
        nablaPreconditionFailure("\(typeName).forward(_:): the module does not override forward(_:)")
    }

    /// Runs ``forward(_:)``: `module(x)`.
    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input) }

    // MARK: Members

    /// The module's own parameters, not its children's, in order. The default reads the
    /// stored properties with `Mirror` (see the type's documentation).
    open func namedDirectParameters() -> [(name: String, tensor: Tensor)] {
        reflectedMembers().parameters
    }

    /// The direct sub-modules, in order (PyTorch's `named_children()`). The default reads
    /// the stored properties with `Mirror` (see the type's documentation).
    open func namedChildren() -> [(name: String, module: Module)] {
        reflectedMembers().children
    }

    /// The module's own buffers, not its children's, in order: state that is saved in the
    /// state dict but is not a parameter, such as a batch norm's `running_mean` (PyTorch's
    /// `register_buffer`). Buffers are not returned by ``parameters(recurse:)``, so
    /// optimizers leave them alone. None by default; modules with buffers override it.
    open func namedDirectBuffers() -> [(name: String, tensor: Tensor)] { [] }

    /// The stored properties that are parameters or children, superclass first.
    private func reflectedMembers() -> (parameters: [(name: String, tensor: Tensor)], children: [(name: String, module: Module)]) {
        var mirrors: [Mirror] = []
        var current: Mirror? = Mirror(reflecting: self)
        while let mirror = current {
            mirrors.append(mirror)
            current = mirror.superclassMirror
        }
        var parameters: [(name: String, tensor: Tensor)] = []
        var children: [(name: String, module: Module)] = []
        for mirror in mirrors.reversed() {
            for case let (label?, value) in mirror.children where !label.hasPrefix("_") && !label.hasPrefix("$") {
                switch value {
                case let tensor as Tensor: parameters.append((label, tensor))
                case let module as Module: children.append((label, module))
                case let modules as [Module]:
                    for (i, module) in modules.enumerated() { children.append(("\(label).\(i)", module)) }
                case let tensors as [Tensor]:
                    for (i, tensor) in tensors.enumerated() { parameters.append(("\(label).\(i)", tensor)) }
                default: break
                }
            }
        }
        return (parameters, children)
    }

    /// Every module in the tree, this one first (named `""`), depth first, each once
    /// (PyTorch's `named_modules()`).
    public func namedModules() -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = []
        var seen: Set<ObjectIdentifier> = []
        collectModules(prefix: "", into: &result, seen: &seen)
        return result
    }

    private func collectModules(prefix: String, into result: inout [(name: String, module: Module)], seen: inout Set<ObjectIdentifier>) {
        guard seen.insert(ObjectIdentifier(self)).inserted else { return }
        result.append((prefix, self))
        for (name, child) in namedChildren() {
            child.collectModules(prefix: prefix.isEmpty ? name : "\(prefix).\(name)", into: &result, seen: &seen)
        }
    }

    /// Every module in the tree, this one first.
    public func modules() -> [Module] { namedModules().map(\.module) }

    /// The direct sub-modules, in order.
    public func children() -> [Module] { namedChildren().map(\.module) }

    /// The parameters with PyTorch's dotted names (`0.weight`, `fc.bias`), each tensor
    /// once even if shared between modules (PyTorch's `named_parameters()`).
    ///
    /// - Parameter recurse: Include the children's parameters (the default).
    public func namedParameters(recurse: Bool = true) -> [(name: String, tensor: Tensor)] {
        guard recurse else { return namedDirectParameters() }
        var result: [(name: String, tensor: Tensor)] = []
        var seen: Set<ObjectIdentifier> = []
        for (prefix, module) in namedModules() {
            for (name, tensor) in module.namedDirectParameters() where seen.insert(ObjectIdentifier(tensor)).inserted {
                result.append((prefix.isEmpty ? name : "\(prefix).\(name)", tensor))
            }
        }
        return result
    }

    /// The parameters, in the order of ``namedParameters(recurse:)``: what an optimizer takes.
    public func parameters(recurse: Bool = true) -> [Tensor] { namedParameters(recurse: recurse).map(\.tensor) }

    /// The buffers with PyTorch's dotted names (`bn.running_mean`), each tensor once
    /// (PyTorch's `named_buffers()`).
    ///
    /// - Parameter recurse: Include the children's buffers (the default).
    public func namedBuffers(recurse: Bool = true) -> [(name: String, tensor: Tensor)] {
        guard recurse else { return namedDirectBuffers() }
        var result: [(name: String, tensor: Tensor)] = []
        var seen: Set<ObjectIdentifier> = []
        for (prefix, module) in namedModules() {
            for (name, tensor) in module.namedDirectBuffers() where seen.insert(ObjectIdentifier(tensor)).inserted {
                result.append((prefix.isEmpty ? name : "\(prefix).\(name)", tensor))
            }
        }
        return result
    }

    /// The buffers, in the order of ``namedBuffers(recurse:)``.
    ///
    /// - Parameter recurse: Include the children's buffers (the default).
    public func buffers(recurse: Bool = true) -> [Tensor] { namedBuffers(recurse: recurse).map(\.tensor) }

    // MARK: Modes and gradients

    /// Sets training mode on this module and every descendant (PyTorch's `train()`).
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        for module in modules() { module.isTraining = mode }
        return self
    }

    /// Sets evaluation mode on this module and every descendant (PyTorch's `eval()`).
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Resets every parameter's gradient to nil (PyTorch's `zero_grad()`).
    public func zeroGrad() {
        for parameter in parameters() { parameter.zeroGrad() }
    }

    /// Sets ``Nabla/Tensor/requiresGrad`` on every parameter and returns the module (PyTorch's
    /// `requires_grad_()`): `requiringGrad(false)` freezes the module, so `backward()`
    /// computes no gradient for it and optimizers leave it unchanged.
    @discardableResult
    public func requiringGrad(_ value: Bool = true) -> Self {
        for parameter in parameters() { parameter.requiresGrad = value }
        return self
    }

    /// The number of parameter elements (shared tensors counted once).
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.numel } }

    /// The number of parameter elements that require gradients.
    public var trainableParameterCount: Int { parameters().filter(\.requiresGrad).reduce(0) { $0 + $1.numel } }

    // MARK: Printing

    /// The text printed inside the module's parentheses (PyTorch's `extra_repr()`), such
    /// as `in_features=4, out_features=2, bias=True`; empty by default.
    open var extraDescription: String { "" }

    /// The type name printed for the module and used in its error messages: the Swift
    /// class name by default. A module that mirrors a PyTorch class of another name
    /// (torchvision's `_DenseBlock`, say) overrides it so that printing matches PyTorch.
    open var typeName: String { String(describing: type(of: self)) }

    /// The tree of modules as PyTorch prints it:
    ///
    /// ```
    /// Sequential(
    ///   (0): Linear(in_features=64, out_features=32, bias=True)
    ///   (1): ReLU()
    /// )
    /// ```
    public var description: String {
        let children = namedChildren()
        guard !children.isEmpty else { return "\(typeName)(\(extraDescription))" }
        var lines = ["\(typeName)(" + (extraDescription.isEmpty ? "" : extraDescription)]
        for (name, child) in children {
            let nested = child.description.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("  (\(name)): " + nested[0])
            lines.append(contentsOf: nested.dropFirst().map { "  " + $0 })
        }
        lines.append(")")
        return lines.joined(separator: "\n")
    }
}

import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A step of the recorded computation: how to turn the gradient of an operation's output
/// into gradients of its inputs. This is the whole autograd engine's data model: a node,
/// its inputs, a backward closure; ``Tensor/backward(gradient:retainGraph:)`` walks the
/// nodes in reverse topological order.
final class Node {
    /// The name printed as the tensor's ``Tensor/gradFn``, such as `MulBackward0`.
    let name: String
    /// The operation's inputs, as the operation listed them (the first two inline:
    /// recording a one- or two-operand operation allocates no array). Inputs that need no
    /// gradient are held too, until the graph is freed.
    @exclusivity(unchecked) private var inputs: SmallTensorList
    /// Which inputs required gradients when the operation ran; the others get none.
    private let needsGradient: InputMask
    /// Tensors the backward reads, with the storage version each had when saved; when
    /// `savesInputs`, the inputs themselves (a product's operands) and `saved` is empty.
    @exclusivity(unchecked) private var saved: SmallTensorList
    private let savesInputs: Bool
    private let savedVersions: SavedVersions
    /// Maps the output's gradient to one gradient per input (nil: no contribution).
    /// Released after a backward pass unless the graph is retained.
    @exclusivity(unchecked) private var backwardFunction: ((Tensor) -> [Tensor?])?
    /// Where the output's gradient goes when `retainGrad()` was called on it (shared with
    /// the output tensor, so the node needs no reference to the output itself).
    @exclusivity(unchecked) var retainedGrad: GradHolder?

    init(name: String, inputs: SmallTensorList, needsGradient: InputMask, saved: SmallTensorList, savesInputs: Bool,
         savedVersions: SavedVersions, backward: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.needsGradient = needsGradient
        self.savedVersions = savedVersions
        self.inputs = inputs
        self.saved = saved
        self.savesInputs = savesInputs
        backwardFunction = backward
    }

    /// The number of inputs.
    var inputCount: Int { inputs.count }

    /// Input `index` (retained: for the rare uses that keep it).
    func input(_ index: Int) -> Tensor { inputs[index] }

    /// The node that produced input `index`, nil for a leaf, read without reference
    /// counting (the backward pass's traversal; the graph outlives it).
    func inputGradFn(_ index: Int) -> Unmanaged<Node>? {
        withUnsafeMutablePointer(to: &inputs) { $0.pointee.unmanagedTensor(index) }?
            ._withUnsafeGuaranteedRef { $0.unmanagedGradFn }
    }

    /// Whether input `index` receives a gradient.
    func needsGradient(_ index: Int) -> Bool { needsGradient[index] }

    /// Releases the graph behind this node iteratively: dropping the last reference to a
    /// long chain would otherwise free it recursively, one stack frame per node. Only
    /// tensors that would take a node down with them are collected; the pending list is
    /// one array for the whole chain.
    deinit {
        var pending: [Tensor] = []
        takeEdges(into: &pending)
        while var tensor = pending.popLast() {
            guard isKnownUniquelyReferenced(&tensor), var node = tensor.gradFnNode else { continue }
            tensor.gradFnNode = nil
            if isKnownUniquelyReferenced(&node) { node.takeEdges(into: &pending) }
        }
    }

    /// Empties the node, handing over the tensors whose release could free another node.
    private func takeEdges(into pending: inout [Tensor]) {
        // The lists are moved out, and their tensors moved on: no reference-count traffic
        // beyond dropping the ones that hold no node.
        var taken = SmallTensorList()
        swap(&taken, &inputs)
        taken.drain(into: &pending)
        swap(&taken, &saved)
        taken.drain(into: &pending)
        backwardFunction = nil
    }

    /// Runs the backward closure, after checking that nothing it reads was modified.
    func apply(_ gradient: Tensor, retainGraph: Bool) -> [Tensor?] {
        // Moved out of the node when the graph is not retained: no reference-count round trip.
        guard let backward = retainGraph ? backwardFunction : backwardFunction.take() else {
            nablaPreconditionFailure("backward: trying to backward through \(name) a second time, after its saved tensors were freed; pass retainGraph: true to the first backward() call")
        }
        if savesInputs {
            withUnsafeMutablePointer(to: &inputs) { checkVersions($0) }
        } else {
            withUnsafeMutablePointer(to: &saved) { checkVersions($0) }
        }
        return backward(gradient)
    }

    /// Traps if a saved tensor was modified in place since it was saved. The list is read
    /// through a pointer to the node's field: a copy would retain every tensor in it.
    private func checkVersions(_ list: UnsafeMutablePointer<SmallTensorList>) {
        for index in 0..<list.pointee.count
        where list.pointee.unmanagedTensor(index)?._withUnsafeGuaranteedRef({ $0.storage.version }) != savedVersions[index] {
            let tensor = list.pointee[index]
            nablaPreconditionFailure("backward: a tensor of shape \(tensor.shape) that \(name) needs for its gradient was modified by an in-place operation (its storage is at version \(tensor.storage.version), expected version \(savedVersions[index])); use an out-of-place operation or clone() it before modifying")
        }
    }

    /// One bit per input (the first 64 inline, so that recording allocates nothing).
    struct InputMask {
        private let bits: UInt64
        private let more: [Bool]

        init(_ inputs: [Tensor]) {
            var bits: UInt64 = 0
            for (index, input) in inputs.prefix(64).enumerated() where input.requiresGrad { bits |= 1 << UInt64(index) }
            self.bits = bits
            more = inputs.count > 64 ? inputs.dropFirst(64).map(\.requiresGrad) : []
        }

        init(_ a: Tensor, _ b: Tensor?) {
            bits = (a.requiresGrad ? 1 : 0) | (b?.requiresGrad == true ? 2 : 0)
            more = []
        }

        subscript(index: Int) -> Bool { index < 64 ? bits & (1 << UInt64(index)) != 0 : more[index - 64] }
    }

    /// The saved tensors' versions (the first two inline).
    struct SavedVersions {
        private let first: Int, second: Int
        private let more: [Int]

        init(_ saved: [Tensor]) {
            first = saved.count > 0 ? saved[0].storage.version : 0
            second = saved.count > 1 ? saved[1].storage.version : 0
            more = saved.count > 2 ? saved.dropFirst(2).map(\.storage.version) : []
        }

        init(_ a: Tensor?, _ b: Tensor?) {
            first = a?.storage.version ?? 0
            second = b?.storage.version ?? 0
            more = []
        }

        subscript(index: Int) -> Int { index == 0 ? first : (index == 1 ? second : more[index - 2]) }
    }
}

/// A node's inputs or saved tensors: the first two inline, the rest in an array, so that
/// the common one- and two-operand operations record without allocating one.
struct SmallTensorList {
    private(set) var count: Int
    private var first: Tensor?
    private var second: Tensor?
    private var rest: [Tensor]

    init() {
        count = 0
        rest = []
    }

    init(_ a: Tensor, _ b: Tensor? = nil) {
        count = b == nil ? 1 : 2
        first = a
        second = b
        rest = []
    }

    init(_ tensors: [Tensor]) {
        count = tensors.count
        first = tensors.first
        second = tensors.count > 1 ? tensors[1] : nil
        rest = tensors.count > 2 ? Array(tensors[2...]) : []
    }

    subscript(index: Int) -> Tensor {
        switch index {
        case 0: first!
        case 1: second!
        default: rest[index - 2]
        }
    }

    /// Tensor `index` as an unretained reference, read in place (`self` must be a stable
    /// location, such as a class's stored property reached through a pointer). Only
    /// reads: several threads may run backward passes through one retained graph.
    mutating func unmanagedTensor(_ index: Int) -> Unmanaged<Tensor>? {
        switch index {
        case 0: return Unmanaged.unretained(&first)
        case 1: return Unmanaged.unretained(&second)
        default:
            // `withUnsafeBufferPointer`, not the mutable variant: that one moves the array
            // out of `self` while its closure runs, which a concurrent reader would see.
            return rest.withUnsafeBufferPointer { Unmanaged.passUnretained($0[index - 2]) }
        }
    }

    /// Empties the list, moving the tensors that hold a node into `pending` and dropping
    /// the others.
    mutating func drain(into pending: inout [Tensor]) {
        if let tensor = first.take(), tensor.unmanagedGradFn != nil { pending.append(tensor) }
        if let tensor = second.take(), tensor.unmanagedGradFn != nil { pending.append(tensor) }
        while let tensor = rest.popLast() { if tensor.unmanagedGradFn != nil { pending.append(tensor) } }
        count = 0
    }
}

/// The locks that serialise reading and accumulating leaves' gradients: 64 mutexes, one
/// picked per tensor by its address, so that a tensor carries no lock of its own (tensors
/// are created per operation; parameters, which are shared, are few).
///
/// They are pthread mutexes rather than `Synchronization.Mutex`: ThreadSanitizer
/// intercepts pthread locks, so `.ci/sanitizers` sees the ordering they establish, while
/// `Mutex`'s lock lives in the uninstrumented runtime and TSan reports the gradient it
/// protects as a race. The body never takes another gradient lock (accumulation runs in
/// no-grad mode), so two stripes are never held at once.
enum GradientLocks {
    static let count = 64

    // nonisolated(unsafe): the pointer is written once, here, and never changed; the
    // mutexes it points at are only ever passed to pthread_mutex_lock/unlock.
    nonisolated(unsafe) private static let mutexes: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutexes = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: count)
        for index in 0..<count { pthread_mutex_init(mutexes + index, nil) }
        return mutexes
    }()

    /// Runs `body` holding the lock of `tensor`'s stripe.
    static func withLock<R>(for tensor: Tensor, _ body: () throws -> R) rethrows -> R {
        let address = UInt(bitPattern: ObjectIdentifier(tensor))
        let mutex = mutexes + Int((address >> 4) % UInt(count))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// The gradient of a non-leaf tensor that asked to keep it (``Tensor/retainGrad()``).
final class GradHolder {
    var grad: Tensor?
}

/// Whether operations record the graph that `backward()` needs, like PyTorch's grad
/// mode. The setting is task-local (PyTorch's is thread-local): a no-grad scope affects
/// the code it runs, including child tasks, and nothing else.
public enum GradMode {
    @TaskLocal static var enabled = true

    /// Whether operations currently record gradients.
    public static var isEnabled: Bool { enabled }
}

/// Whether operations currently record the graph for `backward()` (PyTorch's
/// `torch.is_grad_enabled()`).
public var isGradEnabled: Bool { GradMode.enabled }

/// Runs `body` without recording gradients, like `with torch.no_grad():`. Use it for
/// inference and for updating parameters by hand.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$enabled.withValue(false, operation: body)
}

/// Runs the async `body` without recording gradients.
public func withNoGrad<R>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> R) async rethrows -> R {
    try await GradMode.$enabled.withValue(false, operation: body, isolation: isolation)
}

/// Runs `body` with gradient recording switched on or off, like `torch.set_grad_enabled`.
public func withGradEnabled<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
    try GradMode.$enabled.withValue(enabled, operation: body)
}

extension Tensor {
    /// Whether gradients are computed for this tensor. Settable on leaf tensors of a
    /// floating-point dtype (the parameters and inputs you differentiate with respect to);
    /// results of operations on such tensors require gradients automatically.
    public var requiresGrad: Bool {
        get { requiresGradStorage || gradFnNode != nil }
        set {
            nablaPrecondition(isLeaf, "requiresGrad: only leaf tensors can change requiresGrad; this tensor (shape \(shape)) is the result of \(gradFnNode?.name ?? "an operation"). Use detach() to make a new leaf")
            nablaPrecondition(!newValue || dtype.isFloatingPoint, "requiresGrad: only floating-point tensors can require gradients, got \(dtype) (shape \(shape))")
            requiresGradStorage = newValue
        }
    }

    /// Sets ``requiresGrad`` and returns the tensor, for chaining like PyTorch's
    /// `requires_grad_()`.
    @discardableResult
    public func requiringGrad(_ value: Bool = true) -> Tensor {
        requiresGrad = value
        return self
    }

    /// Whether the tensor was created by the user rather than by a recorded operation.
    /// Gradients are stored (in ``grad``) for leaves that require them.
    public var isLeaf: Bool { gradFnNode == nil }

    /// The gradient accumulated by `backward()` calls, or nil. Gradients add up across
    /// calls until you reset them (`grad = nil`, or ``zeroGrad()``).
    public var grad: Tensor? {
        get {
            if let holder = retainedGradHolder { return holder.grad }
            return GradientLocks.withLock(for: self) { gradStorage }
        }
        set {
            if let newValue {
                nablaPrecondition(newValue.shape == shape, "grad: assigned gradient of shape \(newValue.shape) to a tensor of shape \(shape)")
            }
            if let holder = retainedGradHolder { holder.grad = newValue } else { GradientLocks.withLock(for: self) { gradStorage = newValue } }
        }
    }

    /// Resets the gradient to nil, like `x.grad = None`.
    public func zeroGrad() { grad = nil }

    /// The name of the operation that produced this tensor (such as `MulBackward0`), for
    /// debugging; nil for leaves.
    public var gradFn: String? { gradFnNode?.name }

    /// Asks `backward()` to store this non-leaf tensor's gradient in ``grad`` too.
    public func retainGrad() {
        nablaPrecondition(requiresGrad, "retainGrad: the tensor (shape \(shape)) does not require grad")
        guard let node = gradFnNode, retainedGradHolder == nil else { return }
        let holder = GradHolder()
        retainedGradHolder = holder
        node.retainedGrad = holder
    }

    /// Whether ``retainGrad()`` was called on this non-leaf tensor.
    public var retainsGrad: Bool { retainedGradHolder != nil }

    /// A new leaf tensor over the same storage that is not part of the graph, like
    /// PyTorch's `detach()`.
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, storageOffset: storageOffset, dtype: dtype)
    }

    /// Makes `self` (an operation's fresh output) a node in the graph when grad mode is on
    /// and any input requires gradients. `backward` maps the output's gradient to one
    /// gradient per input, each of the input's shape (nil for no contribution); it runs
    /// in no-grad mode. `saving` lists the tensors whose values it reads, so that an
    /// in-place change to them is reported at `backward()`. A backward that needs the
    /// output must capture `detach()` of it, never the output itself: the output holds
    /// the node, so the node holding the output would be a reference cycle.
    @discardableResult
    func recordingGradient(_ name: String, inputs: [Tensor], saving: [Tensor] = [],
                           backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        // The inputs first: reading them is cheaper than the task-local grad mode.
        guard inputs.contains(where: { $0.requiresGrad }), GradMode.enabled else { return self }
        gradFnNode = Node(name: name, inputs: SmallTensorList(inputs), needsGradient: Node.InputMask(inputs),
                          saved: SmallTensorList(saving), savesInputs: false, savedVersions: Node.SavedVersions(saving),
                          backward: backward)
        return self
    }

    /// ``recordingGradient(_:inputs:saving:backward:)`` for one or two operands, without
    /// arrays: `savingInputs` saves the operands themselves (a product's backward reads
    /// both), `saving` saves one other tensor (an output's `detach()`).
    @discardableResult
    func recordingGradient(_ name: String, input a: Tensor, _ b: Tensor? = nil, savingInputs: Bool = false,
                           saving: Tensor? = nil, backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard Tensor.recordsGradient(a, b) else { return self }
        return recordingGradientUnchecked(name, input: a, b, savingInputs: savingInputs, saving: saving, backward: backward)
    }

    /// ``recordingGradient(_:input:_:savingInputs:saving:backward:)`` for an operation
    /// that has checked ``recordsGradient(_:_:)`` itself (before building its closure and
    /// saved tensors), so that the check, a task-local lookup, is made once.
    @discardableResult
    func recordingGradientUnchecked(_ name: String, input a: Tensor, _ b: Tensor? = nil, savingInputs: Bool = false,
                                    saving: Tensor? = nil, backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        gradFnNode = Node(name: name, inputs: SmallTensorList(a, b), needsGradient: Node.InputMask(a, b),
                          saved: saving.map { SmallTensorList($0) } ?? SmallTensorList(), savesInputs: savingInputs,
                          savedVersions: savingInputs ? Node.SavedVersions(a, b) : Node.SavedVersions(saving, nil),
                          backward: backward)
        return self
    }

    /// Whether an operation on these operands records a graph node (grad mode on and an
    /// operand requires gradients). Hot operations check it before building the arrays
    /// and closure that ``recordingGradient(_:inputs:saving:backward:)`` takes, which
    /// otherwise are allocated, and freed, for every call that records nothing (every
    /// operation of a backward pass, every inference step).
    @inline(__always)
    static func recordsGradient(_ a: Tensor, _ b: Tensor? = nil) -> Bool {
        (a.requiresGrad || (b?.requiresGrad ?? false)) && GradMode.enabled
    }

    /// Computes the gradients of this tensor with respect to every leaf that requires
    /// them, adding them to those leaves' ``grad``.
    ///
    /// - Parameters:
    ///   - gradient: The gradient of some final scalar with respect to this tensor, of
    ///     this tensor's shape. May be omitted for a single-element tensor (it is then 1).
    ///   - retainGraph: Keep the graph so that `backward()` can run through it again.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) {
        nablaPrecondition(requiresGrad, "backward: the tensor (shape \(shape)) does not require grad and has no gradFn; set requiresGrad on the leaves it is computed from")
        let seed: Tensor
        if let gradient {
            nablaPrecondition(gradient.shape == shape, "backward: gradient of shape \(gradient.shape) does not match the tensor's shape \(shape)")
            seed = gradient.dtype == dtype ? gradient : gradient.to(dtype)
        } else {
            nablaPrecondition(numel == 1, "backward: a gradient can be implied only for single-element outputs; this tensor has shape \(shape), pass backward(gradient:)")
            seed = onesLike()
        }
        withNoGrad {
            guard let root = gradFnNode else {
                accumulateGrad(seed)
                return
            }
            // Nodes in post-order (each node before the nodes that use its output, the
            // root last), walked from the end: the root first, and every node only after
            // all the nodes that feed it a gradient.
            // The nodes are unretained references: `self` holds the root, and every node
            // holds its inputs (a pass frees only the backward closures), so the whole
            // graph outlives the loop. Reference counting on every visit would be a
            // large part of a tiny operation's cost.
            let (order, positions) = Tensor.postOrder(from: root)
            var gradients = [Tensor?](repeating: nil, count: order.count)
            gradients[order.count - 1] = seed
            for position in order.indices.reversed() {
                guard let gradient = gradients[position].take() else { continue }
                order[position]._withUnsafeGuaranteedRef { node in
                    if let holder = node.retainedGrad { holder.grad = Tensor.accumulated(holder.grad, gradient, dtype: gradient.dtype, layoutOf: gradient) }
                    var inputGradients = node.apply(gradient, retainGraph: retainGraph)
                    let count = node.inputCount
                    assert(inputGradients.count == count, "\(node.name) returned \(inputGradients.count) gradients for \(count) inputs")
                    for index in 0..<count {
                        // Taken out of the array, so that a leaf can keep a gradient nothing
                        // else holds (see `accumulateGrad`).
                        guard node.needsGradient(index), let inputGradient = inputGradients[index].take() else { continue }
                        assert(inputGradient.shape == node.input(index).shape, "\(node.name) returned a gradient of shape \(inputGradient.shape) for an input of shape \(node.input(index).shape)")
                        if let source = node.inputGradFn(index) {
                            let slot = positions[source]
                            if let existing = gradients[slot].take() {
                                gradients[slot] = existing + inputGradient
                            } else {
                                gradients[slot] = inputGradient
                            }
                        } else {
                            let input = node.input(index)
                            if input.requiresGradStorage { input.accumulateGrad(consume inputGradient) }
                        }
                    }
                }
            }
        }
    }

    /// Adds `gradient` to ``grad``, creating it the first time. Serialised per tensor:
    /// concurrent `backward()` calls through a shared leaf each add their contribution
    /// exactly once, as PyTorch's AccumulateGrad does under its mutex.
    ///
    /// The first gradient is kept as it is, not copied, when nothing else can see it (as
    /// PyTorch's AccumulateGrad steals it): the tensor and its storage are referenced only
    /// here, and it is laid out as a copy would be (row-major, like the leaf, in the
    /// leaf's dtype). A weight's gradient straight from its matrix product then costs no
    /// copy. Anything else (a caller's seed, a view of another gradient, one tensor
    /// returned for two inputs) is copied, so a gradient never aliases other memory.
    private func accumulateGrad(_ gradient: consuming Tensor) {
        let keep = gradient.dtype == dtype && gradient.storageOffset == 0 && gradient.gradFnNode == nil
            && hasRowMajorStrides && gradient.hasRowMajorStrides
            && isKnownUniquelyReferenced(&gradient) && isKnownUniquelyReferenced(&gradient.storage)
        GradientLocks.withLock(for: self) {
            if keep, gradStorage == nil {
                gradStorage = gradient
            } else {
                gradStorage = Tensor.accumulated(gradStorage, gradient, dtype: dtype, layoutOf: self)
            }
        }
    }

    /// `existing + gradient` in `dtype`, or, when there is none yet, a copy of `gradient`
    /// laid out like `model` (PyTorch's gradient layout contract: a leaf's gradient is
    /// strided like the leaf when the leaf is dense, row-major otherwise).
    static func accumulated(_ existing: Tensor?, _ gradient: Tensor, dtype: DType, layoutOf model: Tensor) -> Tensor {
        let converted = gradient.dtype == dtype ? gradient : gradient.to(dtype)
        if let existing { return existing + converted }
        let copy = elementwiseOutput(shape: converted.shape, dtype: dtype, like: model, operation: "backward")
        StridedCopy.copy(converted, into: copy)
        return copy
    }

    /// The nodes reachable from `root` in post-order (each node before every node that
    /// uses its output, `root` last), and each node's position in that order.
    /// The nodes are unretained (see `backward`): the graph behind `root` outlives the pass.
    private static func postOrder(from root: Node) -> (order: [Unmanaged<Node>], positions: NodePositions) {
        var order: [Unmanaged<Node>] = []
        var positions = NodePositions()
        _ = positions.insert(root)
        // Iterative depth-first search, so that long chains do not overflow the stack.
        var stack: [(node: Unmanaged<Node>, nextInput: Int)] = [(Unmanaged.passUnretained(root), 0)]
        while let (entry, nextInput) = stack.popLast() {
            let child: Unmanaged<Node>? = entry._withUnsafeGuaranteedRef { node in
                var index = nextInput
                while index < node.inputCount {
                    let child = node.inputGradFn(index)
                    index += 1
                    if let child, positions.insert(child) {
                        stack.append((entry, index))
                        return child
                    }
                }
                return nil
            }
            if let child {
                stack.append((child, 0))
            } else {
                positions[entry] = order.count
                order.append(entry)
            }
        }
        return (order, positions)
    }
}

/// Graph nodes by identity, for one backward pass: open addressing over the nodes'
/// addresses with a multiplicative hash. (`Set` and `Dictionary` hash with SipHash, which
/// cost about a tenth of a tiny operation's backward pass.) The table holds no reference:
/// the nodes are kept alive by the graph for the whole pass.
struct NodePositions {
    private var keys: [UInt]
    private var values: [Int]
    private var count = 0

    init() {
        keys = Array(repeating: 0, count: 64)
        values = Array(repeating: -1, count: 64)
    }

    private func slot(of key: UInt) -> Int {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: ((key >> 4) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
        return slot
    }

    /// Adds `node` (with no position yet); false if it was there already.
    mutating func insert(_ node: Node) -> Bool { insert(Unmanaged.passUnretained(node)) }

    /// Adds `node` (with no position yet); false if it was there already.
    mutating func insert(_ node: Unmanaged<Node>) -> Bool {
        let key = UInt(bitPattern: node.toOpaque())
        let slot = slot(of: key)
        if keys[slot] == key { return false }
        keys[slot] = key
        count += 1
        if count * 2 > keys.count { grow() }
        return true
    }

    /// The position of a node that was inserted.
    subscript(node: Unmanaged<Node>) -> Int {
        get {
            let slot = slot(of: UInt(bitPattern: node.toOpaque()))
            assert(keys[slot] != 0, "backward: a node missing from the traversal")
            return values[slot]
        }
        set { values[slot(of: UInt(bitPattern: node.toOpaque()))] = newValue }
    }


    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: -1, count: oldKeys.count * 2)
        for (key, value) in zip(oldKeys, oldValues) where key != 0 {
            let slot = slot(of: key)
            keys[slot] = key
            values[slot] = value
        }
    }
}

extension Unmanaged {
    /// The reference stored at `field`, without retaining it: its bits, loaded in place
    /// (loading it as a strong reference would retain and release it). The caller keeps
    /// the referent alive.
    static func unretained(_ field: UnsafeMutablePointer<Instance?>) -> Unmanaged? {
        UnsafeRawPointer(field).load(as: UnsafeRawPointer?.self).map { Unmanaged.fromOpaque($0) }
    }
}

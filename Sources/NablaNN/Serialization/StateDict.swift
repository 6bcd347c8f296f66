import NablaKernelsCore
/// A model's parameters and buffers by name, in order (PyTorch's `state_dict()`): what is
/// saved to and loaded from `.npz` and `.safetensors` files.
///
/// Names are PyTorch's dotted names, so a dict exported from PyTorch with
///
/// ```python
/// np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})
/// ```
///
/// loads into the same architecture built with NablaNN:
///
/// ```swift
/// try model.loadStateDict(StateDict(loadingNPZ: path))
/// ```
public struct StateDict: Sendable, ExpressibleByDictionaryLiteral {
    /// The names and tensors, in order.
    public private(set) var entries: [(name: String, tensor: Tensor)]

    /// A dict holding `entries` in order. Repeating a name is a programmer error and traps.
    public init(_ entries: [(name: String, tensor: Tensor)] = []) {
        self.entries = []
        for (name, tensor) in entries {
            nablaPrecondition(self[name] == nil, "StateDict: the name '\(name)' appears twice")
            self.entries.append((name, tensor))
        }
    }

    /// A dict holding the literal's pairs in order.
    public init(dictionaryLiteral elements: (String, Tensor)...) {
        self.init(elements.map { (name: $0.0, tensor: $0.1) })
    }

    /// The names, in order.
    public var names: [String] { entries.map(\.name) }

    /// The number of tensors.
    public var count: Int { entries.count }

    /// The tensor stored under `name`; setting replaces it, appends a new name, or (with
    /// nil) removes it.
    public subscript(name: String) -> Tensor? {
        get { entries.first { $0.name == name }?.tensor }
        set {
            let index = entries.firstIndex { $0.name == name }
            switch (index, newValue) {
            case let (index?, tensor?): entries[index].tensor = tensor
            case let (index?, nil): entries.remove(at: index)
            case let (nil, tensor?): entries.append((name, tensor))
            case (nil, nil): break
            }
        }
    }

    // MARK: .npz

    /// Reads a `.npz` archive (as written by `np.savez` or ``save(npz:)``), one entry per
    /// array, in archive order.
    ///
    /// - Throws: ``NablaNNError/numpy(_:)`` for a file that is not a valid archive.
    public init(loadingNPZ path: String) throws(NablaNNError) {
        let archive: NPZArchive
        do {
            archive = try Tensor.loadNPZ(path)
        } catch {
            throw .numpy(error)
        }
        self.init(archive.entries)
    }

    /// Writes the dict as an uncompressed `.npz` archive that `np.load` reads, one array
    /// per name.
    ///
    /// - Throws: ``NablaNNError/numpy(_:)`` when the file cannot be written.
    public func save(npz path: String) throws(NablaNNError) {
        do {
            try Tensor.saveNPZ(NPZArchive(entries), to: path)
        } catch {
            throw .numpy(error)
        }
    }
}

extension Module {
    /// Every parameter and buffer under every name it has (a tensor shared by two modules
    /// appears under both names, as in PyTorch's state dicts): per module, its parameters,
    /// then its buffers, then its children's entries, in PyTorch's order.
    private func stateEntries(prefix: String) -> [(name: String, tensor: Tensor)] {
        let own = (namedDirectParameters() + namedDirectBuffers()).map { (name: prefix + $0.name, tensor: $0.tensor) }
        return own + namedChildren().flatMap { $0.module.stateEntries(prefix: prefix + $0.name + ".") }
    }

    /// The parameters and buffers by PyTorch's dotted names, sharing memory with the model
    /// (PyTorch's `state_dict()`): save it with ``StateDict/save(npz:)`` or
    /// ``StateDict/save(safetensors:metadata:)``.
    public func stateDict() -> StateDict {
        StateDict(stateEntries(prefix: "").map { (name: $0.name, tensor: $0.tensor.detach()) })
    }

    /// Copies the dict's tensors into the parameters and buffers of the same names, in
    /// place (PyTorch's `load_state_dict`), converting dtypes as needed.
    ///
    /// Nothing is copied unless every check passes: every name must match and every shape
    /// agree. With `strict: false`, missing and unexpected names are allowed (the
    /// parameters and buffers present are loaded), but shapes must still agree.
    ///
    /// - Throws: ``NablaNNError/stateDictMismatch(missing:unexpected:shapeMismatches:)``
    ///   listing every missing name, unexpected name and shape mismatch.
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws(NablaNNError) {
        let expected = stateEntries(prefix: "")
        let expectedNames = Set(expected.map(\.name))
        var missing: [String] = []
        var mismatches: [NablaNNError.ShapeMismatch] = []
        var pairs: [(parameter: Tensor, value: Tensor)] = []
        for (name, parameter) in expected {
            guard let value = stateDict[name] else {
                missing.append(name)
                continue
            }
            if value.shape != parameter.shape {
                mismatches.append(.init(name: name, expected: parameter.shape, found: value.shape))
            } else {
                pairs.append((parameter, value))
            }
        }
        let unexpected = stateDict.names.filter { !expectedNames.contains($0) }
        if !mismatches.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
            throw .stateDictMismatch(missing: missing, unexpected: unexpected, shapeMismatches: mismatches)
        }
        withNoGrad {
            for (parameter, value) in pairs { parameter.copy(from: value) }
        }
    }
}

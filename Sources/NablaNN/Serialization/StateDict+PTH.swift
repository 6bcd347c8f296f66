extension StateDict {
    /// Reads a state dict saved by PyTorch with `torch.save(model.state_dict(), path)`
    /// (a torchvision checkpoint, say), or by ``save(pth:)``.
    ///
    /// Tensors are memory-mapped from the file where its layout allows (see
    /// ``Nabla/Tensor/loadPTH(_:)``); `loadStateDict` then copies them into a model. For a
    /// training checkpoint that nests the state dict (`{'model': ..., 'epoch': 3}`), name
    /// the entry with `key`.
    ///
    /// ```swift
    /// let model = resnet18()
    /// try model.loadStateDict(StateDict(loadingPTH: "resnet18-f37072fd.pth"))
    /// ```
    ///
    /// - Throws: ``NablaNNError/pytorch(_:)`` for a file that is not a readable
    ///   checkpoint, or ``NablaNNError/invalidFile(path:format:reason:)`` when the file (or
    ///   its entry `key`) is not a dictionary of tensors.
    public init(loadingPTH path: String, key: String? = nil) throws(NablaNNError) {
        var value: TorchValue
        do { value = try Tensor.loadPTH(path) } catch { throw .pytorch(error) }
        if let key {
            guard let nested = value[key] else {
                throw .invalidFile(path: path, format: "PyTorch checkpoint", reason: "it has no entry '\(key)'")
            }
            value = nested
        }
        guard case let .dictionary(entries) = value, let tensors = value.namedTensors, tensors.count == entries.count else {
            throw .invalidFile(path: path, format: "PyTorch state dict",
                               reason: "it holds \(value.description.prefix(200)), not a dictionary of names and tensors"
                                   + (key == nil ? " (for a training checkpoint, pass the key of its state dict)" : ""))
        }
        self.init(tensors)
    }

    /// Writes the dict as a PyTorch checkpoint that `torch.load(path, weights_only=True)`
    /// reads and `model.load_state_dict` accepts.
    ///
    /// - Throws: ``NablaNNError/pytorch(_:)`` when the file cannot be written.
    public func save(pth path: String) throws(NablaNNError) {
        do {
            try Tensor.savePTH(torchValue, to: path)
        } catch {
            throw .pytorch(error)
        }
    }

    /// The dict as a ``Nabla/TorchValue`` dictionary of names and tensors, to nest in a
    /// training checkpoint written with ``Nabla/Tensor/savePTH(_:to:)``.
    public var torchValue: TorchValue {
        .dictionary(entries.map { (key: .string($0.name), value: .tensor($0.tensor)) })
    }
}

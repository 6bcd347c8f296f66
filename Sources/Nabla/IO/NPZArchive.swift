import NablaKernelsCore
/// Named tensors in a fixed order: the contents of a NumPy `.npz` archive.
///
/// Write one as a dictionary literal, whose order is kept:
///
/// ```swift
/// try Tensor.saveNPZ(["weights": w, "bias": b], to: "model.npz")
/// let archive = try Tensor.loadNPZ("model.npz")
/// let w2 = archive["weights"]
/// ```
public struct NPZArchive: Sendable, ExpressibleByDictionaryLiteral {
    /// The names and tensors in order.
    public private(set) var entries: [(name: String, tensor: Tensor)] = []

    /// An empty archive.
    public init() {}

    /// An archive holding `entries` in order. Repeating a name is a programmer error and traps.
    public init(_ entries: [(name: String, tensor: Tensor)]) {
        for (name, tensor) in entries {
            nablaPrecondition(self[name] == nil, "NPZArchive: the name '\(name)' appears twice")
            self.entries.append((name, tensor))
        }
    }

    /// An archive holding the literal's pairs in order.
    public init(dictionaryLiteral elements: (String, Tensor)...) {
        self.init(elements.map { (name: $0.0, tensor: $0.1) })
    }

    /// The names in order.
    public var names: [String] { entries.map(\.name) }

    /// The number of tensors.
    public var count: Int { entries.count }

    /// The tensor stored under `name`; setting replaces it in place, appends a new name at
    /// the end, or removes the entry when set to `nil`.
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
}

extension Tensor {
    /// Loads every array of a `.npz` archive written by `np.savez`, `np.savez_compressed`
    /// or ``saveNPZ(_:to:)-(NPZArchive,_)``, in archive order, named as NumPy names them (the member name
    /// without its `.npy` suffix; positional arrays are `arr_0`, `arr_1`, ...).
    ///
    /// Stored and deflate-compressed members are read (deflate by a pure-Swift decoder),
    /// zip64 records included; every member's CRC-32 is checked. Each member is converted
    /// as ``load(npy:)`` converts a file.
    ///
    /// - Throws: ``NumPyFormatError`` for a malformed archive or member.
    public static func loadNPZ(_ path: String) throws(NumPyFormatError) -> NPZArchive {
        // Mapped, not read: only the directory and the members' bytes are ever touched.
        let file: MappedFile
        do {
            file = try MappedFile(path: path, sharing: .readOnly)
        } catch .emptyFile {
            throw .malformedZip(reason: "the file is empty")
        }
        let bytes = UnsafeRawBufferPointer(start: file.base, count: file.length)
        var archive = NPZArchive()
        try withExtendedLifetime(file) { () throws(NumPyFormatError) in
            for entry in try ZipReader.entries(bytes) {
                let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
                guard archive[name] == nil else {
                    throw .malformedZip(reason: "two members are both named '\(name)'")
                }
                if entry.method == 0 {
                    // A stored member is converted straight from the mapped file.
                    archive[name] = try ZipReader.withContents(of: entry, in: bytes) { (member) throws(NumPyFormatError) in
                        try Tensor.decodeNPY(member)
                    }
                } else {
                    archive[name] = try Tensor.decodeDeflatedNPY(entry, in: bytes)
                }
            }
        }
        return archive
    }

    /// Inflates a deflated `.npy` member straight into the storage of the tensor it
    /// becomes, so that loading it takes its decoded size once, not twice: the tensor views
    /// the data after the header in place. Data that needs conversion (big-endian, or a
    /// type a tensor does not hold) is converted into a second buffer.
    static func decodeDeflatedNPY(_ entry: ZipEntry, in bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) -> Tensor {
        let storage = Storage.allocate(byteCount: entry.uncompressedSize, zeroed: false)
        let member = UnsafeMutableRawBufferPointer(start: storage.data, count: entry.uncompressedSize)
        try ZipReader.decode(entry, in: bytes, into: member)
        let image = UnsafeRawBufferPointer(member)
        let (header, dataOffset) = try NPYHeader.parseImage(image)
        let dtype = header.descriptor.scalarType.tensorDType
        guard header.isNative, dataOffset % dtype.itemSize == 0 else { return try decodeNPY(image) }
        if header.descriptor.scalarType == .bool {
            NPYConversion.normalizeBools(storage.data + dataOffset, count: header.elementCount)
        }
        return Tensor(storage: storage, shape: header.shape, strides: header.tensorStrides,
                      storageOffset: dataOffset / dtype.itemSize, dtype: dtype)
    }

    /// Saves the tensors as an uncompressed `.npz` archive that `np.load` reads, like
    /// `np.savez(path, **archive)`, replacing any file at `path`. Each tensor is written as
    /// ``save(npy:)`` writes it, in a member named `name.npy`; members are zip64-ready as
    /// NumPy's are, so archives above 4 GiB work.
    ///
    /// - Throws: ``NumPyFormatError/invalidMemberName(_:)`` for an empty name, or
    ///   ``NumPyFormatError/fileSystem(path:operation:errno:)`` when the file cannot be written.
    public static func saveNPZ(_ archive: NPZArchive, to path: String) throws(NumPyFormatError) {
        for (name, _) in archive.entries where name.isEmpty { throw .invalidMemberName(name) }
        var writer = ZipWriter(sink: FileSink(file: try BinaryFile(path: path, access: .createOrTruncate)))
        for (name, tensor) in archive.entries {
            try tensor.withNPYImage { (header, data) throws(NumPyFormatError) in
                try header.withRawBytes { (headerBytes) throws(NumPyFormatError) in
                    try writer.addStoredMember(name: name + ".npy", parts: [headerBytes, data])
                }
            }
        }
        try writer.finish()
    }

    /// Saves the tensors as `arr_0`, `arr_1`, ... in an uncompressed `.npz` archive, like
    /// `np.savez(path, *tensors)`.
    ///
    /// - Throws: ``NumPyFormatError/fileSystem(path:operation:errno:)`` when the file
    ///   cannot be written.
    public static func saveNPZ(_ tensors: [Tensor], to path: String) throws(NumPyFormatError) {
        try saveNPZ(NPZArchive(tensors.enumerated().map { (name: "arr_\($0.offset)", tensor: $0.element) }), to: path)
    }
}

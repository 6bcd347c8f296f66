/// How a memory-mapped `.npy` file is opened: NumPy's `mmap_mode` `'r'`, `'r+'` and `'c'`.
public enum MemoryMapMode: Sendable, Hashable {
    /// Read-only: writing through the tensor traps with a message (never a page fault).
    case readOnly
    /// Read-write: writes change the file (call ``Tensor/flush()`` to wait for them to
    /// reach the disk), and other processes mapping the file see them.
    case readWrite
    /// Copy-on-write: writes change this process's copy only; the file is never modified.
    case copyOnWrite
}

extension Tensor {
    /// A tensor over the data of a `.npy` file mapped into memory, like
    /// `np.load(path, mmap_mode:)`: nothing is read up front, so opening takes the same
    /// time and memory whatever the file's size, and pages are loaded as they are touched.
    ///
    /// The mapping lives as long as any tensor viewing it (views, slices and reshapes
    /// included) and is unmapped when the last one goes away. A `fortran_order` file maps
    /// as a column-major tensor.
    ///
    /// Only data a tensor stores natively can be mapped: little-endian `float16`,
    /// `float32`, `float64`, `int32`, `int64`, `uint8` and `bool`. For other files use
    /// ``load(npy:)``, which converts. A `bool` file is checked to hold only 0s and 1s
    /// (the one case where mapping reads the data).
    ///
    /// - Throws: ``NumPyFormatError`` for a malformed file, or
    ///   ``NumPyFormatError/cannotMap(reason:)`` for data that needs conversion.
    public convenience init(mappingNPY path: String, mode: MemoryMapMode = .readOnly) throws(NumPyFormatError) {
        let sharing: MappedFile.Sharing
        switch mode {
        case .readOnly: sharing = .readOnly
        case .readWrite: sharing = .shared
        case .copyOnWrite: sharing = .privateCopy
        }
        let file = try MappedFile(path: path, sharing: sharing)
        let bytes = UnsafeRawBufferPointer(start: file.base, count: file.length)
        let (header, dataOffset) = try NPYHeader.parseImage(bytes)
        guard header.isNative else {
            let reason = header.descriptor.byteOrder == .big
                ? "'\(header.descriptor.descr)' data is big-endian; Tensor.load(npy:) converts it"
                : "'\(header.descriptor.descr)' is not a tensor dtype; Tensor.load(npy:) converts it to \(header.descriptor.scalarType.tensorDType)"
            throw .cannotMap(reason: reason)
        }
        let data = file.base + dataOffset
        if header.descriptor.scalarType == .bool {
            // A byte other than 0 or 1 read as a Swift `Bool` is undefined behaviour.
            for index in 0..<header.elementCount where data.load(fromByteOffset: index, as: UInt8.self) > 1 {
                throw .cannotMap(reason: "the bool array holds the byte \(data.load(fromByteOffset: index, as: UInt8.self)) at flat index \(index)")
            }
        }
        let storage = Storage.wrapping(data, byteCount: header.byteCount, isWritable: mode != .readOnly, release: .owner(file))
        self.init(storage: storage, shape: header.shape, strides: header.tensorStrides, storageOffset: 0,
                  dtype: header.descriptor.scalarType.tensorDType)
    }

    /// Writes changes made through a ``MemoryMapMode/readWrite`` mapping back to the file
    /// and waits until they are there, like NumPy's `memmap.flush()`.
    ///
    /// Does nothing for tensors that do not view a mapped file, and for copy-on-write
    /// mappings, whose changes never reach the file.
    ///
    /// - Throws: ``NumPyFormatError/fileSystem(path:operation:errno:)`` if the system
    ///   reports a write error.
    public func flush() throws(NumPyFormatError) {
        guard case let .owner(owner) = storage.release, let file = owner as? MappedFile else { return }
        try file.sync()
    }
}

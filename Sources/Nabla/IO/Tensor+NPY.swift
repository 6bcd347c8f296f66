import NablaKernelsCore
// Reading and writing NumPy's `.npy` format (numpy.lib.format, versions 1.0, 2.0, 3.0).

extension NPYScalarType {
    /// The tensor dtype that stores this NumPy type once loaded (see ``NPYScalarType/loadedType``).
    var tensorDType: DType {
        switch loadedType {
        case .float32: return .float32
        case .float64: return .float64
        case .float16: return .float16
        case .int64: return .int64
        case .int32: return .int32
        case .uint8: return .uint8
        case .bool: return .bool
        case .int8, .int16, .uint16, .uint32, .uint64:
            nablaPreconditionFailure("NPYScalarType.loadedType never returns \(loadedType)")
        }
    }

    /// The NumPy type a tensor of `dtype` is saved as.
    init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .float32
        case .float64: self = .float64
        case .float16: self = .float16
        case .int64: self = .int64
        case .int32: self = .int32
        case .uint8: self = .uint8
        case .bool: self = .bool
        }
    }
}

extension NPYHeader {
    /// Whether the data can be used in place: little-endian and of a type a tensor stores
    /// without conversion.
    var isNative: Bool {
        descriptor.byteOrder == .little && descriptor.scalarType.loadedType == descriptor.scalarType
    }

    /// Shape and strides of a tensor over this data laid out as on disk: row-major, or
    /// column-major for `fortran_order` (the tensor is then a transposed view, as NumPy's
    /// F-contiguous array is, and no data moves).
    var tensorStrides: [Int] {
        fortranOrder ? Array(Tensor.contiguousStrides(for: shape.reversed()).reversed()) : Tensor.contiguousStrides(for: shape)
    }
}

extension Tensor {
    /// Loads a `.npy` file written by NumPy (`np.save`) or by ``save(npy:)``.
    ///
    /// Versions 1.0, 2.0 and 3.0 of the format, both byte orders (big-endian data is
    /// converted) and `fortran_order` files (loaded as a column-major tensor, a transposed
    /// view, as NumPy does) are read. NumPy types a tensor cannot hold are widened to the
    /// smallest tensor dtype that holds every value exactly: `int8`, `int16` and `uint16`
    /// load as ``DType/int32``; `uint32` and `uint64` as ``DType/int64`` (a `uint64` value
    /// above `Int64.max` throws). Complex, object, string and structured dtypes throw.
    ///
    /// The file is never trusted: the header is parsed by a strict, bounded parser and the
    /// data size is checked against the file size before any memory is allocated.
    ///
    /// - Throws: ``NumPyFormatError`` describing what is wrong with the file.
    public static func load(npy path: String) throws(NumPyFormatError) -> Tensor {
        let file = try BinaryFile(path: path, access: .read)
        let fileSize = try file.size()
        var headerBytes = try file.read(count: Swift.min(fileSize, 4096), at: 0)
        let preamble = try headerBytes.withRawBytes { (raw) throws(NumPyFormatError) in try NPYPreamble(raw) }
        guard preamble.dataOffset <= fileSize else {
            throw .truncated(section: "header", needed: preamble.dataOffset, available: fileSize)
        }
        if preamble.dataOffset > headerBytes.count {
            headerBytes = try file.read(count: preamble.dataOffset, at: 0)
        }
        let header = try headerBytes.withRawBytes { (raw) throws(NumPyFormatError) in try NPYHeader.parse(raw).header }
        try header.checkData(fileSize: fileSize, dataOffset: preamble.dataOffset)

        let tensor = Tensor(npyHeader: header)
        if header.isNative {
            try file.read(into: UnsafeMutableRawBufferPointer(start: tensor.storage.data, count: header.byteCount),
                          at: preamble.dataOffset)
            if header.descriptor.scalarType == .bool {
                NPYConversion.normalizeBools(tensor.storage.data, count: header.elementCount)
            }
        } else {
            let raw = try file.read(count: header.byteCount, at: preamble.dataOffset)
            try raw.withRawBytes { (source) throws(NumPyFormatError) in
                try NPYConversion.decode(source, descriptor: header.descriptor, count: header.elementCount, into: tensor.storage.data)
            }
        }
        return tensor
    }

    /// Decodes a whole `.npy` image held in memory (an `.npz` member).
    static func decodeNPY(_ bytes: UnsafeRawBufferPointer) throws(NumPyFormatError) -> Tensor {
        let (header, dataOffset) = try NPYHeader.parseImage(bytes)
        let tensor = Tensor(npyHeader: header)
        let data = UnsafeRawBufferPointer(rebasing: bytes[dataOffset...])
        try NPYConversion.decode(data, descriptor: header.descriptor, count: header.elementCount, into: tensor.storage.data)
        return tensor
    }

    /// A tensor with fresh, uninitialised storage laid out as the header describes.
    private convenience init(npyHeader header: NPYHeader) {
        let dtype = header.descriptor.scalarType.tensorDType
        self.init(storage: Storage.allocate(byteCount: header.elementCount * dtype.itemSize, zeroed: false),
                  shape: header.shape, strides: header.tensorStrides, storageOffset: 0, dtype: dtype)
    }

    /// Saves the tensor as a `.npy` file that `np.load` reads, replacing any file at `path`.
    ///
    /// The header is byte for byte what NumPy writes (the oldest format version that holds
    /// it, padded so the data starts at a multiple of 64 bytes). A row-major tensor is
    /// written as it is, a column-major one (such as the transpose of a row-major matrix)
    /// with `fortran_order: True`, as NumPy does; any other layout is copied into row-major
    /// order first. Data is written little-endian.
    ///
    /// - Throws: ``NumPyFormatError/fileSystem(path:operation:errno:)`` when the file
    ///   cannot be written.
    public func save(npy path: String) throws(NumPyFormatError) {
        let file = try BinaryFile(path: path, access: .createOrTruncate)
        try withNPYImage { (header, data) throws(NumPyFormatError) in
            try header.withRawBytes { (raw) throws(NumPyFormatError) in try file.write(raw) }
            try file.write(data)
        }
    }

    /// Calls `body` with the `.npy` header bytes for this tensor and its data bytes in the
    /// order the header describes.
    func withNPYImage<R>(_ body: ([UInt8], UnsafeRawBufferPointer) throws(NumPyFormatError) -> R) throws(NumPyFormatError) -> R {
        let fortranOrder = !isContiguous && ndim > 1 && isColumnMajor
        let source = isContiguous || fortranOrder ? self : rowMajorCopy()
        // The header cannot fail to encode: the shape of a tensor that exists fits any version.
        guard let header = try? NPYHeader(descriptor: NPYDescriptor(NPYScalarType(dtype)), fortranOrder: fortranOrder, shape: shape),
              let headerBytes = header.encoded() else {
            nablaPreconditionFailure("save(npy:): no .npy header can describe shape \(shape)")
        }
        let data = UnsafeRawBufferPointer(start: source.rawData, count: header.byteCount)
        return try withExtendedLifetime(source) { () throws(NumPyFormatError) in try body(headerBytes, data) }
    }

    /// Whether the elements are laid out in column-major order without gaps.
    private var isColumnMajor: Bool {
        var expected = 1
        for d in 0..<ndim where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }

    /// A row-major copy outside the autograd graph.
    func rowMajorCopy() -> Tensor {
        let copy = Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: "save")
        StridedCopy.copy(self, into: copy)
        return copy
    }
}

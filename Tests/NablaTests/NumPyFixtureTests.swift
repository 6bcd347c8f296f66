import Foundation
import Testing
@testable import Nabla

/// The path of a NumPy fixture (written by NumPy 2.4.6; see Fixtures/numpy/CASES.md).
func numpyFixture(_ name: String) -> String {
    fixturesURL.appendingPathComponent("numpy/\(name)").path
}

/// arange(24).reshape(2, 3, 4), minus 5 for signed and float types.
private let signedValues = (0..<24).map { Double($0 - 5) }
private let unsignedValues = (0..<24).map(Double.init)

@Suite struct NumPyFixtureTests {
    @Test(arguments: [
        ("arange_float16.npy", DType.float16, signedValues),
        ("arange_float32.npy", .float32, signedValues),
        ("arange_float64.npy", .float64, signedValues),
        ("arange_int8.npy", .int32, signedValues),
        ("arange_int16.npy", .int32, signedValues),
        ("arange_int32.npy", .int32, signedValues),
        ("arange_int64.npy", .int64, signedValues),
        ("arange_uint8.npy", .uint8, unsignedValues),
        ("arange_uint16.npy", .int32, unsignedValues),
        ("arange_uint32.npy", .int64, unsignedValues),
        ("arange_uint64.npy", .int64, unsignedValues),
        ("arange_bool.npy", .bool, (0..<24).map { $0 % 2 == 0 ? 1.0 : 0.0 }),
        ("big_endian_f4.npy", .float32, signedValues),
        ("big_endian_i8.npy", .int64, signedValues),
        ("fortran_f8.npy", .float64, signedValues),
    ])
    func loadsEveryNumericDType(name: String, dtype: DType, values: [Double]) throws {
        let tensor = try Tensor.load(npy: numpyFixture(name))
        #expect(tensor.dtype == dtype, "\(name)")
        #expect(tensor.shape == [2, 3, 4], "\(name)")
        expectClose(tensor.toArray(Double.self), values, rtol: 0, atol: 0, name)
    }

    @Test func fortranOrderLoadsAsColumnMajorView() throws {
        let tensor = try Tensor.load(npy: numpyFixture("fortran_f8.npy"))
        #expect(tensor.strides == [1, 2, 6])
        #expect(!tensor.isContiguous)
    }

    @Test func loadsZeroDimensionalAndEmptyArrays() throws {
        let scalar = try Tensor.load(npy: numpyFixture("scalar_0d.npy"))
        #expect(scalar.shape == [] && scalar.dtype == .float32)
        #expect(scalar.item() == 3.5)
        let empty = try Tensor.load(npy: numpyFixture("empty_0.npy"))
        #expect(empty.shape == [0] && empty.dtype == .float32 && empty.numel == 0)
        let empty2 = try Tensor.load(npy: numpyFixture("empty_3x0.npy"))
        #expect(empty2.shape == [3, 0] && empty2.dtype == .float64)
    }

    @Test(arguments: ["version2_f4.npy", "version3_f4.npy"])
    func loadsFormatVersions2And3(name: String) throws {
        let tensor = try Tensor.load(npy: numpyFixture(name))
        #expect(tensor.shape == [10] && tensor.dtype == .float32)
        #expect(tensor.toArray(Double.self) == (0..<10).map(Double.init))
    }

    @Test func loadsLargeRandomArray() throws {
        let tensor = try Tensor.load(npy: numpyFixture("random_1000x257_f4.npy"))
        #expect(tensor.shape == [1000, 257] && tensor.dtype == .float32)
        let values = tensor.toArray(Float.self)
        let mean = values.reduce(0, +) / Float(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
        #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.05, "standard normal samples: mean \(mean), variance \(variance)")
    }

    @Test(arguments: [
        ("arange_complex64.npy", NumPyFormatError.unsupportedDType(descr: "<c8", reason: "complex dtypes are not supported")),
        ("arange_complex128.npy", .unsupportedDType(descr: "<c16", reason: "complex dtypes are not supported")),
        ("bad_magic.npy", .badMagic),
        ("bad_truncated_header.npy", .truncated(section: "header", needed: 128, available: 40)),
        ("bad_truncated_data.npy", .truncatedData(expectedBytes: 96, availableBytes: 86)),
        ("bad_header_len_overflow.npy", .truncated(section: "header", needed: 65545, available: 224)),
        ("bad_version_9.npy", .unsupportedVersion(major: 9, minor: 0)),
        ("bad_descr_object.npy", .unsupportedDType(descr: "|O", reason: "object arrays hold pickled Python objects and are never read")),
        ("bad_descr_unknown.npy", .unsupportedDType(descr: "<q9", reason: "unknown type character or item size")),
        ("bad_shape_negative.npy", .invalidShape(reason: "the dimension -3 is negative")),
        ("bad_missing_key.npy", .missingHeaderKey("fortran_order")),
        ("bad_not_a_dict.npy", .headerNotADictionary),
        ("empty_file.npy", .emptyFile),
        ("bad_shape_product_overflow.npy", .shapeOverflow(shape: "(4611686018427387904, 4)")),
        ("bad_shape_huge_claims.npy", .truncatedData(expectedBytes: 800_000_000_000, availableBytes: 64)),
        ("bad_fortran_not_bool.npy", .invalidFortranOrder),
    ])
    func rejectsMalformedFilesWithTypedErrors(name: String, expected: NumPyFormatError) {
        #expect(throws: expected, "\(name)") { try Tensor.load(npy: numpyFixture(name)) }
        #expect(throws: NumPyFormatError.self, "\(name) mapped") { try Tensor(mappingNPY: numpyFixture(name)) }
    }

    /// The header of bad_shape_overflow.npy is cut off inside the dictionary (its shape
    /// (2**62, 4) would overflow too); the parser reports the first problem it meets.
    @Test func rejectsUnterminatedHeaderWithOverflowingShape() throws {
        #expect(throws: NumPyFormatError.malformedHeader(reason: "the dictionary is not closed at offset 118")) {
            try Tensor.load(npy: numpyFixture("bad_shape_overflow.npy"))
        }
    }

    @Test func errorsDescribeTheProblem() {
        #expect(NumPyFormatError.badMagic.description.contains("magic string"))
        #expect(NumPyFormatError.truncatedData(expectedBytes: 96, availableBytes: 86).description
            == "the data section is truncated: the header promises 96 bytes, the file holds 86")
        #expect(NumPyFormatError.fileSystem(path: "/x", operation: "open", errno: ENOENT).description.contains("No such file"))
    }

    @Test(arguments: ["stored.npz", "compressed.npz"])
    func loadsNamedArchives(name: String) throws {
        let archive = try Tensor.loadNPZ(numpyFixture(name))
        #expect(archive.names == ["x", "labels"])
        let x = try #require(archive["x"])
        #expect(x.shape == [2, 3, 4] && x.dtype == .float32)
        #expect(x.toArray(Double.self) == signedValues)
        let labels = try #require(archive["labels"])
        #expect(labels.dtype == .int64 && labels.toArray(Int.self) == [0, 1, 2, 3, 4])
    }

    @Test func loadsPositionalArchive() throws {
        let archive = try Tensor.loadNPZ(numpyFixture("positional.npz"))
        #expect(archive.names == ["arr_0", "arr_1"])
        #expect(archive["arr_0"]?.dtype == .float64 && archive["arr_0"]?.toArray(Double.self) == [1, 1, 1])
        #expect(archive["arr_1"]?.shape == [2, 2] && archive["arr_1"]?.dtype == .float32)
        #expect(archive["arr_1"]?.toArray(Double.self) == [0, 0, 0, 0])
    }

    @Test func missingFileThrowsFileSystemError() {
        #expect(throws: NumPyFormatError.fileSystem(path: "/nonexistent/a.npy", operation: "open", errno: ENOENT)) {
            try Tensor.load(npy: "/nonexistent/a.npy")
        }
    }
}

import Foundation
import Testing
@testable import Nabla

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `.npy`/`.npz` findings of issue 18 (hostile files), one test per reproduction.
@Suite struct HostileFileTests {
    /// A version 1.0 `.npy` image with `literal` as its header dictionary.
    static func npyImage(_ literal: String, data: [UInt8]) -> [UInt8] {
        var dictionary = Array(literal.utf8)
        let unpadded = 10 + dictionary.count + 1
        dictionary += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64)
        dictionary.append(0x0A)
        let length = UInt16(dictionary.count)
        return NPYHeader.magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + dictionary + data
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A zip archive whose central directory lists `names`, every entry pointing at the one
    /// stored member written first (named `names[0]` in its local header).
    static func zipWithAliasedEntries(member: [UInt8], names: [String]) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16 & 0xFFFF) }
        let crc = member.withUnsafeBytes { Int(CRC32.checksum($0)) }
        let localName = Array(names[0].utf8)
        var zip = u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc)
            + u32(member.count) + u32(member.count) + u16(localName.count) + u16(0) + localName + member
        let directoryOffset = zip.count
        for name in names {
            let nameBytes = Array(name.utf8)
            zip += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc)
                + u32(member.count) + u32(member.count) + u16(nameBytes.count) + u16(0) + u16(0)
                + u16(0) + u16(0) + u32(0) + u32(0) + nameBytes
        }
        let directorySize = zip.count - directoryOffset
        zip += u32(0x0605_4B50) + u16(0) + u16(0) + u16(names.count) + u16(names.count)
            + u32(directorySize) + u32(directoryOffset) + u16(0)
        return zip
    }

    /// Issue 18, finding 1: a zero-size dimension beside huge ones must throw, not trap in
    /// `contiguousStrides`, in every loader.
    @Test func zeroSizeDimensionBesideHugeOnesThrowsEverywhere() throws {
        for shape in ["(0, 10000000000, 10000000000)", "(10000000000, 10000000000, 0)"] {
            let image = Self.npyImage("{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }", data: [])
            let path = try Self.write(image, "zero.npy")
            let expected = NumPyFormatError.shapeOverflow(shape: shape)
            #expect(throws: expected) { try Tensor.load(npy: path) }
            for mode in [MemoryMapMode.readOnly, .readWrite, .copyOnWrite] {
                #expect(throws: expected) { try Tensor(mappingNPY: path, mode: mode) }
            }
            let npz = try Self.write(Self.zipWithAliasedEntries(member: image, names: ["x.npy"]), "zero.npz")
            #expect(throws: expected) { try Tensor.loadNPZ(npz) }
        }
        // The loaded type's size counts too: int8 loads as int32, four times larger.
        let widening = Self.npyImage("{'descr': '|i1', 'fortran_order': False, 'shape': (0, 3000000000000000000), }", data: [])
        #expect(throws: NumPyFormatError.shapeOverflow(shape: "(0, 3000000000000000000)")) {
            try Tensor.load(npy: try Self.write(widening, "widening.npy"))
        }
    }

    @Test func zeroSizeShapeBesideHugeOnesTrapsWithAMessageInCreation() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([0, 1 << 40, 1 << 40])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("has too many elements"), "\(message)")
    }

    /// Finding 2: bool bytes other than 0 and 1 load as valid `Bool`s through `load(npy:)`.
    @Test func boolBytesOtherThanZeroAndOneAreNormalised() throws {
        let image = Self.npyImage("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", data: [2, 255, 1, 0])
        let tensor = try Tensor.load(npy: try Self.write(image, "bool.npy"))
        let bytes = tensor.withUnsafeBytes { Array($0) }
        #expect(bytes == [1, 1, 1, 0])
        #expect(tensor.description == "tensor([ True,  True,  True, False])")
        // The .npz path, stored and deflated, agrees.
        let archive = try Tensor.loadNPZ(try Self.write(Self.zipWithAliasedEntries(member: image, names: ["b.npy"]), "bool.npz"))
        #expect(archive["b"]?.withUnsafeBytes { Array($0) } == [1, 1, 1, 0])
    }

    /// Finding 3: a central directory pointing many entries at one member is refused.
    @Test func directoryEntriesAliasingOneMemberAreRefused() throws {
        let member = Self.npyImage("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: [UInt8](repeating: 0, count: 16))
        let names = (0..<100).map { "a\($0).npy" }
        let path = try Self.write(Self.zipWithAliasedEntries(member: member, names: names), "alias.npz")
        #expect(throws: NumPyFormatError.malformedZip(reason: "the local header at offset 0 does not name the member 'a1.npy' that the central directory places there")) {
            try Tensor.loadNPZ(path)
        }
    }

    /// Members whose bytes overlap are refused even when the names agree, and the total
    /// decoded size is bounded.
    @Test func overlappingMembersAndOversizedTotalsAreRefused() throws {
        let archive = try Array(Data(contentsOf: URL(fileURLWithPath: numpyFixture("positional.npz"))))
        try archive.withUnsafeBytes { bytes in
            let entries = try ZipReader.entries(bytes)
            #expect(entries.count >= 2)
            let total = entries.reduce(0) { $0 + $1.uncompressedSize }
            #expect(throws: NumPyFormatError.malformedZip(reason: "the members decode to more than \(total - 1) bytes in all")) {
                _ = try ZipReader.entries(bytes, maximumTotalSize: total - 1)
            }
            #expect(try ZipReader.entries(bytes, maximumTotalSize: total).count == entries.count)
        }
    }

    /// Finding 5: a FIFO is refused up front instead of blocking `open()` forever.
    @Test func fifoIsRefusedUpFront() throws {
        let path = temporaryPath("fifo.npy")
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect(throws: NumPyFormatError.notARegularFile(path: path)) { try Tensor.load(npy: path) }
        for mode in [MemoryMapMode.readOnly, .readWrite, .copyOnWrite] {
            #expect(throws: NumPyFormatError.notARegularFile(path: path)) { try Tensor(mappingNPY: path, mode: mode) }
        }
        #expect(throws: NumPyFormatError.notARegularFile(path: path)) { try Tensor.loadNPZ(path) }
        let folder = temporaryPath("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(throws: NumPyFormatError.notARegularFile(path: folder)) { try Tensor.load(npy: folder) }
    }

    /// Finding 7: an empty `.npz` is described as an empty archive, not as a `.npy`.
    @Test func emptyArchiveSaysSo() throws {
        let path = try Self.write([], "empty.npz")
        #expect(throws: NumPyFormatError.malformedZip(reason: "the file is empty")) { try Tensor.loadNPZ(path) }
    }

    /// Finding 6: a deflated member is inflated into the tensor's own storage (one buffer
    /// of the member's size, viewed after the header), not into a temporary then copied.
    @Test func deflatedMemberIsDecodedInPlace() throws {
        let archive = try Tensor.loadNPZ(numpyFixture("compressed.npz"))
        for (name, tensor) in archive.entries {
            let expected = try Tensor.loadNPZ(numpyFixture("stored.npz"))[name]
            if let expected { expectClose(tensor, expected, name) }
            #expect(tensor.storageOffset > 0, "\(name) should view the member's data after its header")
        }
    }
}

/// Values from files that the printer must survive (found by the `npy` fuzz target).
@Suite struct PrintingExtremeValuesTests {
    @Test func subnormalsAndInt64ExtremesPrint() {
        let subnormal = Tensor([Double(bitPattern: 0x8000_0000_0000_00BF), 2.31598589e+077, 6.01347002e-154], dtype: .float64)  // -9.4367e-322
        #expect(subnormal.description == "tensor([-9.4367e-322,   2.3160e+77,  6.0135e-154], dtype=float64)")  // PyTorch 2.x prints the same
        let extremes = Tensor.zeros([2], dtype: .int64)
        extremes.withUnsafeMutableBufferPointer(as: Int64.self) { $0[0] = .max; $0[1] = .min }
        #expect(extremes.description == "tensor([ 9223372036854775807, -9223372036854775808])")
    }
}

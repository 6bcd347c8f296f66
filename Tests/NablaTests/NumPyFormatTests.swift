import Foundation
import Testing
@testable import Nabla

/// Byte-level checks of the format layer: hostile archives, deflate, CRC-32, headers.
@Suite struct NumPyFormatTests {
    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: numpyFixture(name))))
    }

    private func loadArchive(_ bytes: [UInt8]) throws -> NPZArchive {
        let path = temporaryPath("h.npz")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try Tensor.loadNPZ(path)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
    }

    @Test func inflateDecodesStoredBlocks() throws {
        let payload: [UInt8] = Array("stored block".utf8)
        let stream: [UInt8] = [0x01, UInt8(payload.count), 0, ~UInt8(payload.count), 0xFF] + payload
        var output = [UInt8](repeating: 0, count: payload.count)
        let written = try stream.withUnsafeBytes { input in try output.withUnsafeMutableBytes { try Inflate.decode(input, into: $0) } }
        #expect(written == payload.count && output == payload)
    }

    @Test func inflateRejectsOutputBeyondTheRecordedSize() throws {
        let archive = try fixtureBytes("compressed.npz")
        let entries = try archive.withUnsafeBytes { try ZipReader.entries($0) }
        let entry = entries[0]
        var small = [UInt8](repeating: 0, count: entry.uncompressedSize - 1)
        #expect(throws: NumPyFormatError.corruptDeflateStream(reason: "more output than the recorded size")) {
            try archive.withUnsafeBytes { bytes in
                try small.withUnsafeMutableBytes { output in
                    _ = try Inflate.decode(UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)]), into: output)
                }
            }
        }
    }

    @Test func corruptedMemberFailsItsChecksum() throws {
        var archive = try fixtureBytes("stored.npz")
        let entries = try archive.withUnsafeBytes { try ZipReader.entries($0) }
        archive[entries[0].dataOffset + 130] ^= 0xFF
        #expect(throws: NumPyFormatError.checksumMismatch(member: "x.npy", expected: entries[0].crc32,
                                                          actual: archive.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[entries[0].dataOffset..<(entries[0].dataOffset + entries[0].compressedSize)])) })) {
            try loadArchive(archive)
        }
    }

    @Test func everyTruncationOfAnArchiveThrows() throws {
        for name in ["stored.npz", "compressed.npz", "positional.npz"] {
            let archive = try fixtureBytes(name)
            for length in 0..<archive.count {
                #expect(throws: NumPyFormatError.self, "\(name) cut at \(length)") {
                    try Array(archive.prefix(length)).withUnsafeBytes { bytes in
                        for entry in try ZipReader.entries(bytes) {
                            _ = try ZipReader.withContents(of: entry, in: bytes) { member throws(NumPyFormatError) in try Tensor.decodeNPY(member) }
                        }
                    }
                }
            }
        }
    }

    @Test func everySingleByteCorruptionOfCompressedArchiveIsHandled() throws {
        let archive = try fixtureBytes("compressed.npz")
        for index in archive.indices {
            var corrupted = archive
            corrupted[index] ^= 0x5A
            // Either a typed error or (for bytes no check covers, like timestamps) a clean load.
            _ = try? corrupted.withUnsafeBytes { bytes in
                for entry in try ZipReader.entries(bytes) {
                    _ = try ZipReader.withContents(of: entry, in: bytes) { member throws(NumPyFormatError) in try Tensor.decodeNPY(member) }
                }
            }
        }
    }

    @Test func badZipRecordsThrowDescriptiveErrors() throws {
        let archive = try fixtureBytes("stored.npz")
        let end = archive.count - 22
        var badOffset = archive
        badOffset.replaceSubrange((end + 16)..<(end + 20), with: [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: NumPyFormatError.malformedZip(reason: "the central directory (offset 2147483647, 107 bytes) lies outside the archive")) {
            try loadArchive(badOffset)
        }
        var manyEntries = archive
        manyEntries.replaceSubrange((end + 10)..<(end + 12), with: [0xFF, 0x00])
        #expect(throws: NumPyFormatError.malformedZip(reason: "255 members cannot fit in a central directory of 107 bytes")) {
            try loadArchive(manyEntries)
        }
        #expect(throws: NumPyFormatError.malformedZip(reason: "no end of central directory record")) {
            try loadArchive(Array(repeating: 0, count: 100))
        }
    }

    @Test func memberClaimingAnImpossibleSizeIsRejectedBeforeAllocating() throws {
        var archive = try fixtureBytes("compressed.npz")
        let entries = try archive.withUnsafeBytes { try ZipReader.entries($0) }
        let directory = archive.count - 22 - entries.count * 46 - entries.map { $0.name.utf8.count }.reduce(0, +)
        // The first central entry's uncompressed size: 4 GB from a few hundred bytes.
        archive.replaceSubrange((directory + 24)..<(directory + 28), with: [0x00, 0x00, 0x00, 0xF0])
        #expect(throws: NumPyFormatError.self) { try loadArchive(archive) }
        do {
            _ = try loadArchive(archive)
        } catch {
            #expect("\(error)".contains("claims 4026531840 bytes"), "\(error)")
        }
    }

    @Test func unsupportedCompressionMethodIsNamed() throws {
        var archive = try fixtureBytes("stored.npz")
        let entries = try archive.withUnsafeBytes { try ZipReader.entries($0) }
        let directory = archive.count - 22 - entries.count * 46 - entries.map { $0.name.utf8.count }.reduce(0, +)
        archive[directory + 10] = 12  // bzip2
        #expect(throws: NumPyFormatError.unsupportedCompression(member: "x.npy", method: 12)) { try loadArchive(archive) }
    }

    @Test func headerParserRejectsHostileLiterals() {
        func parse(_ text: String) throws(NumPyFormatError) -> NPYHeader { try NPYHeader.parse(literal: Array(text.utf8)) }
        let deep = "{'descr': " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: NumPyFormatError.malformedHeader(reason: "nesting deeper than 32 levels at offset 41")) { try parse(deep) }
        #expect(throws: NumPyFormatError.shapeOverflow(shape: "(99999999999999999999999,)")) {
            try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }")
        }
        #expect(throws: NumPyFormatError.duplicateHeaderKey("shape")) {
            try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (2,)}")
        }
        #expect(throws: NumPyFormatError.unexpectedHeaderKey("extra")) {
            try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}")
        }
        #expect(throws: NumPyFormatError.unsupportedDType(descr: "[('a', '<f4')]", reason: "structured dtypes are not supported")) {
            try parse("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}")
        }
        #expect(throws: NumPyFormatError.invalidShape(reason: "'3' is not an integer")) {
            try parse("{'descr': '<f4', 'fortran_order': False, 'shape': ('3',)}")
        }
        #expect(throws: NumPyFormatError.malformedHeader(reason: "a parenthesised value without a comma is not a tuple at offset 53")) {
            try parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}")
        }
    }

    @Test func writtenHeadersAreAlignedForEveryShape() throws {
        for rank in 0..<40 {
            // Dimensions of many widths; one that would make the non-zero dimensions'
            // product overflow (a shape NumPy refuses as "array is too big") becomes 1.
            var extent = 8
            let shape = (0..<rank).map { index -> Int in
                let dimension = index * 1_234_567 % 100_003
                guard dimension > 0 else { return 0 }
                let (product, overflow) = extent.multipliedReportingOverflow(by: dimension)
                if overflow { return 1 }
                extent = product
                return dimension
            }
            let header = try NPYHeader(descriptor: NPYDescriptor(.float64), fortranOrder: rank % 2 == 0, shape: shape)
            let bytes = try #require(header.encoded())
            #expect(bytes.count % 64 == 0 && bytes.last == 0x0A)
            let parsed = try bytes.withUnsafeBytes { try NPYHeader.parse($0) }
            #expect(parsed.header == header && parsed.preamble.dataOffset == bytes.count)
        }
        let tooBig = [0, 34531, 69062, 3590, 38121, 72652]
        #expect(throws: NumPyFormatError.shapeOverflow(shape: NPYHeader.shapeRepr(tooBig))) {
            try NPYHeader(descriptor: NPYDescriptor(.float64), fortranOrder: false, shape: tooBig)
        }
    }
}

import Foundation
@testable import NablaNN
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The safetensors and IDX findings of issue 18 (hostile files).
@Suite struct HostileNNFileTests {
    private func safetensors(_ header: String, data: [UInt8]) throws -> String {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        let path = temporaryPath("h.safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func idx(typeCode: UInt8, shape: [UInt32]) throws -> String {
        var bytes: [UInt8] = [0, 0, typeCode, UInt8(shape.count)]
        for size in shape { withUnsafeBytes(of: size.bigEndian) { bytes += $0 } }
        let path = temporaryPath("h.idx")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func expectInvalid(_ path: String, format: String, _ load: (String) throws(NablaNNError) -> Void,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try load(path)
            Issue.record("loading \(path) did not throw", sourceLocation: sourceLocation)
        } catch {
            guard case let .invalidFile(_, found, _) = error, found == format else {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Finding 1: a zero-size dimension beside huge ones throws instead of trapping.
    @Test func zeroSizeDimensionBesideHugeOnesThrows() throws {
        for shape in ["[0,10000000000,10000000000]", "[10000000000,10000000000,0]"] {
            let path = try safetensors(#"{"a":{"dtype":"F64","shape":\#(shape),"data_offsets":[0,0]}}"#, data: [])
            expectInvalid(path, format: "safetensors") { (path) throws(NablaNNError) in _ = try StateDict(loadingSafetensors: path) }
        }
        // I8 loads as int32: the loaded size must lay out too.
        let widening = try safetensors(#"{"a":{"dtype":"I8","shape":[0,3000000000000000000],"data_offsets":[0,0]}}"#, data: [])
        expectInvalid(widening, format: "safetensors") { (path) throws(NablaNNError) in _ = try StateDict(loadingSafetensors: path) }
        for shape: [UInt32] in [[0, .max, .max, .max], [.max, .max, .max, 0]] {
            let path = try idx(typeCode: 0x0E, shape: shape)
            expectInvalid(path, format: "IDX") { (path) throws(NablaNNError) in _ = try IDX.load(path) }
        }
        // A zero-size tensor whose shape lays out still loads.
        let empty = try safetensors(#"{"a":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}"#, data: [])
        #expect(try StateDict(loadingSafetensors: empty)["a"]?.shape == [0, 3])
    }

    /// Finding 2: BOOL bytes other than 0 and 1 load as valid `Bool`s.
    @Test func safetensorsBoolBytesAreNormalised() throws {
        let path = try safetensors(#"{"m":{"dtype":"BOOL","shape":[4],"data_offsets":[0,4]}}"#, data: [2, 255, 1, 0])
        let mask = try #require(try StateDict(loadingSafetensors: path)["m"])
        #expect(mask.withUnsafeBytes { Array($0) } == [1, 1, 1, 0])
        #expect(mask.description == "tensor([ True,  True,  True, False])")
    }

    /// Finding 5: FIFOs and directories are refused before any read.
    @Test func nonRegularFilesAreRefused() throws {
        let fifo = temporaryPath("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let folder = FileManager.default.temporaryDirectory.path
        for path in [fifo, folder] {
            #expect(throws: NablaNNError.fileSystem(path: path, reason: "not a regular file (a FIFO, device, socket or directory); only regular files are read")) {
                try StateDict(loadingSafetensors: path)
            }
            #expect(throws: NablaNNError.self) { try StateDict.safetensorsMetadata(path) }
            #expect(throws: NablaNNError.self) { try IDX.load(path) }
        }
    }

    /// The widening types are converted in bounded chunks; values cross chunk boundaries.
    @Test func widenedTypesConvertAcrossChunks() throws {
        let count = (1 << 16) + 3
        var data: [UInt8] = []
        for i in 0..<count { let v = Int16(truncatingIfNeeded: i * 7 - 5000); withUnsafeBytes(of: v.littleEndian) { data += $0 } }
        let path = try safetensors(#"{"w":{"dtype":"I16","shape":[\#(count)],"data_offsets":[0,\#(2 * count)]}}"#, data: data)
        let values = try #require(try StateDict(loadingSafetensors: path)["w"]).toArray(Int.self)
        #expect(values == (0..<count).map { Int(Int16(truncatingIfNeeded: $0 * 7 - 5000)) })
    }
}

/// A zero-size IDX array whose zero is not the first dimension (found by the `idx` fuzz
/// target: `isContiguous` rejected the strides of `[2, 0]`, so filling it trapped).
@Suite struct ZeroSizeIDXTests {
    @Test func zeroSizeArraysLoadWhereverTheZeroIs() throws {
        for shape: [UInt32] in [[2, 0], [0, 2], [3, 0, 4]] {
            var bytes: [UInt8] = [0, 0, 0x0E, UInt8(shape.count)]
            for size in shape { withUnsafeBytes(of: size.bigEndian) { bytes += $0 } }
            let path = temporaryPath("zero.idx")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let tensor = try IDX.load(path)
            #expect(tensor.shape == shape.map(Int.init) && tensor.isContiguous)
        }
    }
}

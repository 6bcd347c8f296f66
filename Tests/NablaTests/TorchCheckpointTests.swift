import Foundation
import Testing
@testable import Nabla

/// The path of `Fixtures/cnn/checkpoints/<file>` (written by PyTorch 2.15's `torch.save`).
private func checkpointPath(_ file: String) -> String {
    fixturesURL.appendingPathComponent("cnn/checkpoints/\(file)").path
}

private func checkpointArray(_ name: String) throws -> Tensor {
    try Tensor.load(npy: checkpointPath(name + ".npy"))
}

/// Whether `python3 -c "import torch"` works; the PyTorch round trip is skipped otherwise.
let torchAvailable: Bool = runPython("import torch")?.status == 0

@Suite struct TorchCheckpointTests {
    @Test func trainingCheckpointReadsAsNestedValues() throws {
        let checkpoint = try Tensor.loadPTH(checkpointPath("training_checkpoint.pth"))
        #expect(checkpoint["epoch"]?.int == 3)
        let model = try #require(checkpoint["model"]?.namedTensors)
        #expect(model.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        for (name, tensor) in model {
            let expected = try checkpointArray(name.replacingOccurrences(of: ".", with: "_"))
            #expect(tensor.dtype == .float32)
            #expect(tensor.shape == expected.shape)
            #expect(tensor.toArray(Float.self) == expected.toArray(Float.self), "\(name)")
        }
        let groups = try #require(checkpoint["optimizer"]?["param_groups"]?.elements)
        #expect(groups.count == 1)
        #expect(groups[0]["lr"]?.double == 0.1)
        #expect(groups[0]["nesterov"]?.int == 0)
        if case .none? = groups[0]["foreach"] {} else { Issue.record("foreach should be None") }
        #expect(groups[0]["params"]?.elements?.compactMap(\.int) == [0, 1, 2, 3])
        #expect(checkpoint["optimizer"]?["state"]?.namedTensors?.isEmpty == true)
    }

    @Test func viewsShareTheirStorageAndAreMapped() throws {
        let checkpoint = try Tensor.loadPTH(checkpointPath("views.pth"))
        let weight = try #require(checkpoint["0.weight"]?.tensor)
        let view = try #require(checkpoint["shared_view"]?.tensor)
        #expect(view.toArray(Float.self) == (try checkpointArray("shared_view")).toArray(Float.self))
        #expect(view.storage === weight.storage)
        #expect(view.strides == [3])
        // Mapped copy-on-write: a write is seen through the view and never reaches the file.
        guard case let .owner(owner) = weight.storage.release else {
            Issue.record("an aligned float32 storage should be mapped, not copied")
            return
        }
        #expect(owner is MappedFile)
        weight[1, 1] = Tensor(42.0)
        #expect(view[1].item() == 42)
        let reread = try Tensor.loadPTH(checkpointPath("views.pth"))
        #expect(reread["shared_view"]?.tensor?.toArray(Float.self) == (try checkpointArray("shared_view")).toArray(Float.self))
    }

    @Test func legacyFormatReads() throws {
        let stateDict = try #require(try Tensor.loadPTH(checkpointPath("legacy_format.pth")).namedTensors)
        #expect(stateDict.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        for (name, tensor) in stateDict {
            let expected = try checkpointArray(name.replacingOccurrences(of: ".", with: "_"))
            #expect(tensor.toArray(Float.self) == expected.toArray(Float.self), "\(name)")
        }
    }

    @Test func wholeModuleIsRefusedByName() throws {
        #expect(throws: TorchFormatError.forbiddenGlobal(module: "torch.nn.modules.container", name: "Sequential")) {
            try Tensor.loadPTH(checkpointPath("whole_module.pth"))
        }
        let message = TorchFormatError.forbiddenGlobal(module: "torch.nn.modules.container", name: "Sequential").description
        #expect(message.contains("torch.nn.modules.container.Sequential"))
        #expect(message.contains("model.state_dict()"))
    }

    @Test func roundTripKeepsDTypesViewsAndNesting() throws {
        let path = temporaryPath("round.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = Tensor.arange(12, dtype: .float32).reshape(3, 4)
        let values: [Tensor] = [
            base, base.transpose(0, 1), base[1], Tensor.arange(5, dtype: .float64), base.to(.float16),
            Tensor.arange(4, dtype: .int64), Tensor.arange(3, dtype: .int32), Tensor([true, false, true]),
            Tensor.arange(6, dtype: .uint8).reshape(2, 3), Tensor.scalar(2.5), Tensor.zeros([0, 3]),
        ]
        let value = TorchValue.dictionary([
            (key: .string("tensors"), value: .list(values.map { .tensor($0) })),
            (key: .string("epoch"), value: .int(7)),
            (key: .string("big"), value: .int(1 << 40)),
            (key: .string("negative"), value: .int(-300)),
            (key: .string("lr"), value: .double(0.01)),
            (key: .string("note"), value: .string("héllo")),
            (key: .string("flags"), value: .tuple([.bool(true), .none, .bytes([0, 255, 7])])),
        ])
        try Tensor.savePTH(value, to: path)
        let loaded = try Tensor.loadPTH(path)
        let elements = try #require(loaded["tensors"]?.elements)
        let tensors = elements.compactMap(\.tensor)
        #expect(tensors.count == values.count)
        for (got, want) in zip(tensors, values) {
            #expect(got.dtype == want.dtype)
            #expect(got.shape == want.shape)
            #expect(got.toArray(Double.self) == want.toArray(Double.self))
        }
        #expect(tensors[0].storage === tensors[1].storage && tensors[1].storage === tensors[2].storage)
        #expect(loaded["epoch"]?.int == 7)
        #expect(loaded["big"]?.int == 1 << 40)
        #expect(loaded["negative"]?.int == -300)
        #expect(loaded["lr"]?.double == 0.01)
        #expect(loaded["note"]?.string == "héllo")
        let flags = try #require(loaded["flags"]?.elements)
        #expect(flags.count == 3)
        if case .bytes(let raw) = flags[2] { #expect(raw == [0, 255, 7]) } else { Issue.record("bytes lost") }
    }

    @Test(.enabled(if: torchAvailable, "needs python3 with torch"))
    func pytorchLoadsWhatNablaWritesWithWeightsOnly() throws {
        let path = temporaryPath("for-torch.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let weight = Tensor.arange(6, dtype: .float32).reshape(2, 3)
        try Tensor.savePTH(.dictionary([
            (key: .string("w"), value: .tensor(weight)),
            (key: .string("wt"), value: .tensor(weight.transpose(0, 1))),
            (key: .string("h"), value: .tensor(weight.to(.float16))),
            (key: .string("i"), value: .tensor(Tensor.arange(3, dtype: .int64))),
            (key: .string("epoch"), value: .int(4)),
            (key: .string("groups"), value: .list([.dictionary([(key: .string("lr"), value: .double(0.5))])])),
        ]), to: path)
        let result = runPython("""
            import sys, torch
            d = torch.load(sys.argv[1], weights_only=True)
            assert d['w'].tolist() == [[0, 1, 2], [3, 4, 5]], d['w']
            assert d['wt'].stride() == (1, 3) and d['wt'].untyped_storage().data_ptr() == d['w'].untyped_storage().data_ptr()
            assert d['h'].dtype == torch.float16 and d['h'].tolist() == [[0, 1, 2], [3, 4, 5]]
            assert d['i'].dtype == torch.int64 and d['i'].tolist() == [0, 1, 2]
            assert d['epoch'] == 4 and d['groups'][0]['lr'] == 0.5
            m = torch.nn.Linear(3, 2)
            m.load_state_dict({'weight': d['w'], 'bias': torch.zeros(2)})
            print('ok')
            """, arguments: [path])
        #expect(result?.status == 0, "\(result?.output ?? "python3 could not start")")
    }

    @Test(.enabled(if: torchAvailable, "needs python3 with torch"))
    func readsBFloat16AndIntegerStoragesFromPyTorch() throws {
        let path = temporaryPath("from-torch.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = runPython("""
            import sys, torch
            torch.save({'b': torch.tensor([1.5, -2.0, 3.25]).to(torch.bfloat16),
                        's': torch.tensor([-3, 4], dtype=torch.int16),
                        'c': torch.tensor([-1, 2], dtype=torch.int8),
                        'p': torch.nn.Parameter(torch.ones(2))}, sys.argv[1])
            """, arguments: [path])
        #expect(result?.status == 0, "\(result?.output ?? "python3 could not start")")
        let loaded = try Tensor.loadPTH(path)
        #expect(loaded["b"]?.tensor?.dtype == .float32)
        #expect(loaded["b"]?.tensor?.toArray(Float.self) == [1.5, -2.0, 3.25])
        #expect(loaded["s"]?.tensor?.toArray(Int32.self) == [-3, 4])
        #expect(loaded["c"]?.tensor?.toArray(Int32.self) == [-1, 2])
        #expect(loaded["p"]?.tensor?.requiresGrad == true)
    }

    // MARK: Hostile input

    /// A protocol-2 pickle from opcodes.
    private func pickle(_ body: [UInt8]) -> [UInt8] { [0x80, 0x02] + body + [0x2E] }

    @Test func refusesForbiddenGlobalsBeforeDoingAnything() {
        let os = pickle(Array("cos\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52])
        #expect(throws: TorchFormatError.forbiddenGlobal(module: "os", name: "system")) {
            _ = try Unpickler.decode(os.withUnsafeBytes { UnsafeRawBufferPointer($0) })
        }
        let stackGlobal = pickle([0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8) + [0x93])
        #expect(throws: TorchFormatError.forbiddenGlobal(module: "builtins", name: "eval")) {
            try stackGlobal.withUnsafeBytes { raw in _ = try Unpickler.decode(raw) }
        }
    }

    @Test func boundsSharedReferenceBombs() {
        // A list holding the previous list twice, 40 times over: 2^40 nodes if expanded.
        var body: [UInt8] = [0x5D, 0x71, 0]  // EMPTY_LIST, BINPUT 0
        for level in 1...40 {
            body += [0x68, UInt8(level - 1), 0x68, UInt8(level - 1), 0x86]  // BINGET, BINGET, TUPLE2
            body += [0x71, UInt8(level)]
            body += [0x30]  // POP: keep only the memo
        }
        body += [0x68, 40]
        let bomb = pickle(body)
        #expect(throws: TorchFormatError.self) {
            try bomb.withUnsafeBytes { raw in _ = try Unpickler.decode(raw) }
        }
    }

    @Test func refusesAListThatContainsItself() {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND: Python's `l = []; l.append(l)`. The cycle
        // cannot become a value tree, and the boxes holding it are emptied so it is not leaked
        // (the pth fuzz target, under AddressSanitizer's leak check, has such a seed).
        let cycle = pickle([0x5D, 0x71, 0, 0x68, 0, 0x61])
        #expect(throws: TorchFormatError.self) {
            try cycle.withUnsafeBytes { raw in _ = try Unpickler.decode(raw) }
        }
    }

    @Test func boundsRepeatedLongDictKeys() {
        // One 50 KB key memoised, then inserted into a dict 5,000 times by reference.
        var body: [UInt8] = [0x7D, 0x58] + withUnsafeBytes(of: UInt32(50_000).littleEndian) { Array($0) }
        body += [UInt8](repeating: 0x61, count: 50_000) + [0x71, 1, 0x30]  // BINPUT 1, POP
        for _ in 0..<5_000 { body += [0x68, 1, 0x4E, 0x73] }  // BINGET 1, NONE, SETITEM
        let bomb = pickle(body)
        #expect {
            try bomb.withUnsafeBytes { raw in _ = try Unpickler.decode(raw) }
        } throws: { error in
            (error as? TorchFormatError)?.description.contains("dict keys of more bytes") == true
        }
    }

    @Test func refusesTruncatedAndCorruptFiles() throws {
        let path = temporaryPath("cut.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = try Data(contentsOf: URL(fileURLWithPath: checkpointPath("training_checkpoint.pth")))
        for length in [0, 3, 100, original.count / 2, original.count - 1] {
            #expect(throws: TorchFormatError.self) { try Tensor.loadPTH(bytes: Array(original.prefix(length))) }
        }
        // Flip each byte of the legacy file: every result is a value or a typed error.
        let legacy = Array(try Data(contentsOf: URL(fileURLWithPath: checkpointPath("legacy_format.pth"))))
        for index in legacy.indices {
            var mutated = legacy
            mutated[index] ^= 0x5A
            _ = try? Tensor.loadPTH(bytes: mutated)
        }
        #expect(throws: TorchFormatError.self) { try Tensor.loadPTH(bytes: Array("not a checkpoint".utf8)) }
    }

    @Test func refusesTensorsOutsideTheirStorage() {
        let storage = TorchStorageRecord(key: "0", type: .float32, count: 6)
        let inside = TorchTensorRecord(storage: storage, offset: 0, shape: [2, 3], strides: [3, 1], requiresGrad: false)
        #expect(throws: Never.self) { try Unpickler.validate(inside) }
        for bad in [
            TorchTensorRecord(storage: storage, offset: 1, shape: [2, 3], strides: [3, 1], requiresGrad: false),
            TorchTensorRecord(storage: storage, offset: 0, shape: [3, 3], strides: [3, 1], requiresGrad: false),
            TorchTensorRecord(storage: storage, offset: 0, shape: [2, -3], strides: [3, 1], requiresGrad: false),
            TorchTensorRecord(storage: storage, offset: 0, shape: [0, 1 << 40, 1 << 40], strides: [1, 1, 1], requiresGrad: false),
            TorchTensorRecord(storage: storage, offset: 0, shape: [2, 1 << 62], strides: [1 << 62, 1], requiresGrad: false),
            TorchTensorRecord(storage: storage, offset: 7, shape: [0], strides: [1], requiresGrad: false),
        ] {
            #expect(throws: TorchFormatError.self, "\(bad)") { try Unpickler.validate(bad) }
        }
    }

    @Test func refusesBoolStoragesHoldingOtherBytes() throws {
        // A checkpoint whose bool storage holds 2: valid zip, valid CRC, invalid bool.
        let record = TorchTensorRecord(storage: TorchStorageRecord(key: "0", type: .bool, count: 4), offset: 0,
                                       shape: [4], strides: [1], requiresGrad: false)
        let root = PickleValue.dict([PickleDictEntry(key: .string("m"), value: .tensor(record))])
        let data: [UInt8] = [1, 2, 0, 1]
        let sink = try data.withUnsafeBytes { raw in
            try TorchCheckpointWriter.write(root, storages: [(key: "0", bytes: raw)], folder: "bool", to: ArraySink())
        }
        #expect(throws: TorchFormatError.invalidStorage(key: "0", reason: "the bool storage holds the byte 2 at index 1")) {
            try Tensor.loadPTH(bytes: sink.bytes)
        }
        var valid = sink.bytes
        let start = try #require((0...(valid.count - 4)).first { Array(valid[$0..<($0 + 4)]) == data })
        valid[start + 1] = 0
        #expect(throws: TorchFormatError.self) { try Tensor.loadPTH(bytes: valid) }  // now the CRC fails
    }
}

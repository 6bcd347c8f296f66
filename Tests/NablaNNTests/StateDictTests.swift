import Foundation
import NablaNN
import Testing

@Suite struct StateDictTests {
    private func fixtureModel() -> Sequential { Sequential(Linear(6, 5), ReLU(), Linear(5, 3)) }

    @Test func pyTorchExportsLoadIntoTheSameArchitecture() throws {
        let x = try torchFixture("state_dict", "x"), y = try torchFixture("state_dict", "y")
        for file in ["model.npz", "model.safetensors"] {
            let path = torchFixturePath("state_dict", file)
            let state = file.hasSuffix(".npz") ? try StateDict(loadingNPZ: path) : try StateDict(loadingSafetensors: path)
            #expect(Set(state.names) == ["0.weight", "0.bias", "2.weight", "2.bias"])
            let model = fixtureModel()
            try model.loadStateDict(state)
            expectClose(withNoGrad { model(x) }, y, rtol: 1e-5, atol: 1e-6, file)
            #expect(model.parameters().allSatisfy { $0.requiresGrad })
        }
        #expect(try StateDict.safetensorsMetadata(torchFixturePath("state_dict", "model.safetensors")) == ["format": "pt"])
    }

    @Test func stateDictSharesMemoryWithTheModel() {
        let model = fixtureModel()
        let state = model.stateDict()
        #expect(state.names == ["0.weight", "0.bias", "2.weight", "2.bias"])
        withNoGrad { state["2.bias"]!.fill(3) }
        #expect((model[2] as! Linear).bias!.toArray(Double.self) == [3, 3, 3])
    }

    @Test func roundTripsThroughNPZAndSafetensors() throws {
        let source = fixtureModel()
        for format in ["npz", "safetensors"] {
            let path = temporaryPath("model.\(format)")
            defer { try? FileManager.default.removeItem(atPath: path) }
            if format == "npz" {
                try source.stateDict().save(npz: path)
            } else {
                try source.stateDict().save(safetensors: path, metadata: ["epoch": "3", "note": "quote \" and \\ backslash"])
                #expect(try StateDict.safetensorsMetadata(path) == ["epoch": "3", "note": "quote \" and \\ backslash"])
            }
            let copy = fixtureModel()
            try copy.loadStateDict(format == "npz" ? StateDict(loadingNPZ: path) : StateDict(loadingSafetensors: path))
            for ((name, a), (_, b)) in zip(source.namedParameters(), copy.namedParameters()) {
                #expect(a.toArray(Float.self) == b.toArray(Float.self), "\(format) \(name)")
            }
        }
    }

    @Test func safetensorsReadsEveryDType() throws {
        let state = try StateDict(loadingSafetensors: torchFixturePath("state_dict", "mixed.safetensors"))
        let expectedTypes: [String: DType] = ["bf16": .float32, "f16": .float16, "i16": .int32, "i8": .int32, "u8": .uint8,
                                              "flag": .bool, "i64": .int64, "f64": .float64]
        #expect(Set(state.names) == Set(expectedTypes.keys))
        for (name, dtype) in expectedTypes {
            let tensor = try #require(state[name])
            #expect(tensor.dtype == dtype, "\(name)")
            expectClose(tensor.to(.float64), try torchFixture("state_dict", "mixed_" + name), rtol: 0, atol: 0, name)
        }
        let path = temporaryPath("mixed.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try state.save(safetensors: path)
        let again = try StateDict(loadingSafetensors: path)
        for name in state.names {
            #expect(again[name]!.dtype == state[name]!.dtype && again[name]!.toArray(Double.self) == state[name]!.toArray(Double.self), "\(name)")
        }
    }

    @Test func damagedSafetensorsFilesThrow() throws {
        let path = temporaryPath("bad.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        func file(_ header: String, data: Int) -> Data {
            var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Data($0) }
            bytes.append(contentsOf: Array(header.utf8))
            bytes.append(contentsOf: [UInt8](repeating: 0, count: data))
            return bytes
        }
        let cases: [Data] = [
            Data([1, 2, 3]),
            Data([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x7B]),
            file("not json", data: 0),
            file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: 4),
            file(#"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: 8),
            file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 8),
            file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4),
            file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: 4),
            file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 4),
        ]
        for (i, bytes) in cases.enumerated() {
            _ = FileManager.default.createFile(atPath: path, contents: bytes)
            #expect(throws: NablaNNError.self, "case \(i)") { try StateDict(loadingSafetensors: path) }
        }
    }

    @Test func mismatchesAreListedTogether() throws {
        var state = fixtureModel().stateDict()
        state["0.bias"] = nil
        state["2.weight"] = Tensor.zeros(4, 5)
        state["extra.weight"] = Tensor.zeros(1)
        let model = fixtureModel()
        let before = model.parameters().map { $0.toArray(Double.self) }
        #expect(throws: NablaNNError.stateDictMismatch(missing: ["0.bias"], unexpected: ["extra.weight"],
                                                       shapeMismatches: [.init(name: "2.weight", expected: [3, 5], found: [4, 5])])) {
            try model.loadStateDict(state)
        }
        #expect(model.parameters().map { $0.toArray(Double.self) } == before)
        let message = NablaNNError.stateDictMismatch(missing: ["0.bias"], unexpected: ["extra.weight"],
                                                     shapeMismatches: [.init(name: "2.weight", expected: [3, 5], found: [4, 5])]).description
        #expect(message.contains("missing keys: 0.bias") && message.contains("unexpected keys: extra.weight") && message.contains("2.weight"))

        state["2.weight"] = Tensor.ones(3, 5, dtype: .float64)
        try model.loadStateDict(state, strict: false)
        #expect((model[2] as! Linear).weight.toArray(Double.self).allSatisfy { $0 == 1 })
        #expect((model[2] as! Linear).weight.dtype == .float32)
    }
}

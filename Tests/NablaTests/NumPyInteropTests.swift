import Foundation
import Testing
@testable import Nabla

/// Runs a Python script with `python3` and returns its standard output, or `nil` when
/// python3 cannot be started.
func runPython(_ script: String, arguments: [String] = []) -> (status: Int32, output: String)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether `python3 -c "import numpy"` works; the interop tests are skipped otherwise.
let numpyAvailable: Bool = runPython("import numpy")?.status == 0

/// Runs a NumPy check and records its output when it fails.
func expectPython(_ script: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let result = runPython("import sys, numpy as np\n" + script, arguments: arguments)
    #expect(result?.status == 0, "python3 failed:\n\(result?.output ?? "could not start")", sourceLocation: sourceLocation)
}

@Suite(.enabled(if: numpyAvailable, "needs python3 with numpy"))
struct NumPyInteropTests {
    @Test func numpyReadsWhatSwiftWrites() throws {
        let path = temporaryPath("s.npy")
        let base = Tensor.arange(24, dtype: .float64).reshape(2, 3, 4)
        for tensor in [base, base.permute(2, 0, 1), base.select(1, 1).transpose(0, 1), base.to(.float16), base.to(.bool), Tensor.scalar(1.5)] {
            try tensor.save(npy: path)
            let expected = tensor.toArray(Double.self).map { String($0) }.joined(separator: ",")
            expectPython("""
                a = np.load(sys.argv[1])
                exp = np.array([float(v) for v in sys.argv[2].split(',')]) if sys.argv[2] else np.array([])
                assert a.dtype.name == sys.argv[3], a.dtype
                assert list(a.shape) == [int(v) for v in sys.argv[4].split(',') if v], a.shape
                assert (a.astype(np.float64).ravel() == exp).all(), (a, exp)
                """, [path, expected, tensor.dtype.rawValue, tensor.shape.map(String.init).joined(separator: ",")])
        }
    }

    @Test func swiftReadsWhatNumPyWrites() throws {
        let folder = temporaryPath("n")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        expectPython("""
            d = sys.argv[1]
            r = np.random.default_rng(0)
            np.save(d + '/a.npy', r.standard_normal((5, 7)).astype('>f8'))
            np.save(d + '/f.npy', np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4)))
            np.savez(d + '/s.npz', w=np.arange(6, dtype=np.float32).reshape(2, 3), b=np.array([True, False]))
            np.savez_compressed(d + '/c.npz', r.standard_normal(10000).astype(np.float32), np.arange(100000) % 7)
            np.savetxt(d + '/a.txt', np.load(d + '/a.npy').ravel())
            np.savetxt(d + '/c.txt', np.load(d + '/c.npz')['arr_0'])
            """, [folder])
        let a = try Tensor.load(npy: folder + "/a.npy")
        let expectedA = try String(contentsOfFile: folder + "/a.txt", encoding: .utf8).split(separator: "\n").map { Double($0)! }
        #expect(a.shape == [5, 7] && a.dtype == .float64)
        expectClose(a.toArray(Double.self), expectedA, rtol: 1e-15, atol: 0)
        let f = try Tensor.load(npy: folder + "/f.npy")
        #expect(f.toArray(Int32.self) == (0..<12).map(Int32.init))
        let s = try Tensor.loadNPZ(folder + "/s.npz")
        #expect(s.names == ["w", "b"] && s["b"]?.toArray(Bool.self) == [true, false])
        let c = try Tensor.loadNPZ(folder + "/c.npz")
        let expectedC = try String(contentsOfFile: folder + "/c.txt", encoding: .utf8).split(separator: "\n").map { Double($0)! }
        expectClose(try #require(c["arr_0"]).toArray(Double.self), expectedC, rtol: 1e-7, atol: 0)
        #expect(c["arr_1"]?.toArray(Int.self) == (0..<100_000).map { $0 % 7 })
    }

    @Test func numpyReadsSwiftArchives() throws {
        let path = temporaryPath("s.npz")
        try Tensor.saveNPZ(["x": Tensor.arange(6, dtype: .float32).reshape(2, 3).transpose(0, 1), "n": Tensor.arange(4)], to: path)
        expectPython("""
            z = np.load(sys.argv[1])
            assert z.files == ['x', 'n'], z.files
            assert (z['x'] == np.arange(6, dtype=np.float32).reshape(2, 3).T).all()
            assert z['n'].dtype == np.int64 and (z['n'] == np.arange(4)).all()
            """, [path])
    }

    @Test func numpySeesWritesThroughSwiftMapping() throws {
        let path = temporaryPath("m.npy")
        expectPython("np.save(sys.argv[1], np.zeros((3, 4), dtype=np.float32))", [path])
        let mapped = try Tensor(mappingNPY: path, mode: .readWrite)
        mapped.select(0, 1).fill(2.5)
        try mapped.flush()
        expectPython("""
            a = np.load(sys.argv[1])
            assert (a[1] == 2.5).all() and (a[0] == 0).all() and (a[2] == 0).all(), a
            """, [path])
    }

    @Test func swiftSeesWritesThroughNumPyMapping() throws {
        let path = temporaryPath("m.npy")
        try Tensor.zeros([2, 5], dtype: .int64).save(npy: path)
        let mapped = try Tensor(mappingNPY: path)
        expectPython("""
            a = np.load(sys.argv[1], mmap_mode='r+')
            a[:, 3] = 42
            a.flush()
            """, [path])
        #expect(mapped.toArray(Int.self) == [0, 0, 0, 42, 0, 0, 0, 0, 42, 0])
    }
}

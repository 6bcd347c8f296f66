import Testing
import NablaKernels
import NablaKernelsCore

@Suite struct BoxMullerTests {
    /// The kernel's fused multiply-adds are explicit, so every instruction set must give
    /// the same bits (PyTorch's, which the Nabla tests check against its fixtures).
    @Test func everyInstructionSetGivesTheSameBits() {
        var uniforms = [Float]()
        var state: UInt32 = 12345
        for _ in 0..<(16 * 64) {
            state = state &* 1_664_525 &+ 1_013_904_223
            uniforms.append(Float(state >> 8) * 0x1p-24)
        }
        uniforms[0] = 0                      // log(1 - 0) = 0: radius 0
        uniforms[1] = 1 - 0x1p-24            // the smallest 1 - u: the largest radius
        uniforms[8] = 1 - 0x1p-24            // an angle just below 2 pi
        func transformed(_ isa: KernelISA) -> [UInt32] {
            var data = uniforms
            data.withUnsafeMutableBufferPointer { BoxMuller.transformBlocks($0.baseAddress!, count: $0.count, mean: 0.25, std: 1.5, isa: isa) }
            return data.map(\.bitPattern)
        }
        let reference = transformed(.current)
        for isa in testedISAs {
            #expect(transformed(isa) == reference, "\(isa) differs from \(KernelISA.current)")
        }
        let values = reference.map(Float.init(bitPattern:))
        #expect(values.allSatisfy { $0.isFinite })
        #expect(values[0] == 0.25 && values[8] == 0.25, "a zero radius gives the mean")
    }
}

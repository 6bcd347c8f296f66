import NablaKernelsCore

/// float32 <-> float16 conversion of contiguous runs on the instruction set of this
/// process (see `HalfConversionEngine`): what the tensor layer's casts call. Halves are
/// their bit patterns, as the tensor layer stores them.
package enum HalfConversion {
    /// `count` floats at `source` rounded to halves (nearest, ties to even) at `destination`.
    package static func floatToHalf(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<UInt16>, count: Int,
                                    isa: KernelISA = .current) {
        Float.kernels(on: isa, for: "to(float16)").floatToHalf(source, destination, count)
    }

    /// `count` halves at `source` widened to floats (exactly) at `destination`.
    package static func halfToFloat(_ source: UnsafePointer<UInt16>, _ destination: UnsafeMutablePointer<Float>, count: Int,
                                    isa: KernelISA = .current) {
        Float.kernels(on: isa, for: "to(float32)").halfToFloat(source, destination, count)
    }
}

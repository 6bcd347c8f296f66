// The fuzz targets compile this layer on its own, with Trap.swift in the same module.
#if canImport(NablaKernelsCore)
import NablaKernelsCore
#endif
extension NPYScalarType {
    /// The type an array of this type becomes when loaded: itself when a tensor can hold it,
    /// otherwise the smallest tensor type that holds every value exactly (int8, int16 and
    /// uint16 become int32; uint32 and uint64 become int64, uint64 only while every value
    /// is at most `Int64.max`).
    var loadedType: NPYScalarType {
        switch self {
        case .int8, .int16, .uint16: return .int32
        case .uint32, .uint64: return .int64
        case .bool, .uint8, .int32, .int64, .float16, .float32, .float64: return self
        }
    }
}

/// Turns a `.npy` data section into native elements of the loaded type.
enum NPYConversion {
    /// Decodes `count` elements described by `descriptor` from `source` into `destination`,
    /// which holds `count * descriptor.scalarType.loadedType.itemSize` bytes, swapping bytes
    /// for big-endian data and widening types a tensor cannot hold.
    ///
    /// Throws when a uint64 value does not fit in int64, the only inexact case.
    static func decode(_ source: UnsafeRawBufferPointer, descriptor: NPYDescriptor, count: Int,
                       into destination: UnsafeMutableRawPointer) throws(NumPyFormatError) {
        let type = descriptor.scalarType
        nablaPrecondition(source.count >= count * type.itemSize, "NPYConversion.decode: the source holds fewer than \(count) elements")
        guard count > 0, let base = source.baseAddress else { return }
        let big = descriptor.byteOrder == .big
        switch type {
        case .bool:
            // NumPy writes 0 or 1; any other byte is normalised so a Swift `Bool` is valid.
            for index in 0..<count {
                destination.storeBytes(of: base.load(fromByteOffset: index, as: UInt8.self) != 0 ? 1 : 0,
                                       toByteOffset: index, as: UInt8.self)
            }
        case .uint8:
            destination.copyMemory(from: base, byteCount: count)
        case .int8:
            widen(base, Int8.self, count: count, big: big, into: destination, as: Int32.self)
        case .int16:
            widen(base, Int16.self, count: count, big: big, into: destination, as: Int32.self)
        case .uint16:
            widen(base, UInt16.self, count: count, big: big, into: destination, as: Int32.self)
        case .uint32:
            widen(base, UInt32.self, count: count, big: big, into: destination, as: Int64.self)
        case .uint64:
            for index in 0..<count {
                let raw = base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                let value = big ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
                guard value <= UInt64(Int64.max) else {
                    throw .unsupportedDType(descr: descriptor.descr,
                                            reason: "the uint64 value \(value) at flat index \(index) does not fit in int64, the widest integer type a tensor holds")
                }
                destination.storeBytes(of: Int64(value), toByteOffset: index * 8, as: Int64.self)
            }
        case .int32, .float32:
            copy(base, UInt32.self, count: count, big: big, into: destination)
        case .int64, .float64:
            copy(base, UInt64.self, count: count, big: big, into: destination)
        case .float16:
            copy(base, UInt16.self, count: count, big: big, into: destination)
        }
    }

    /// Rewrites every byte other than 0 as 1, in place: NumPy writes only 0 and 1 for
    /// `bool`, and any other byte read as a Swift `Bool` is undefined behaviour.
    static func normalizeBools(_ bytes: UnsafeMutableRawPointer, count: Int) {
        for index in 0..<count where bytes.load(fromByteOffset: index, as: UInt8.self) > 1 {
            bytes.storeBytes(of: 1, toByteOffset: index, as: UInt8.self)
        }
    }

    private static func copy<Bits: FixedWidthInteger>(_ source: UnsafeRawPointer, _: Bits.Type, count: Int, big: Bool,
                                                      into destination: UnsafeMutableRawPointer) {
        let size = MemoryLayout<Bits>.size
        guard big else {
            destination.copyMemory(from: source, byteCount: count * size)
            return
        }
        for index in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: index * size, as: Bits.self)
            destination.storeBytes(of: Bits(bigEndian: raw), toByteOffset: index * size, as: Bits.self)
        }
    }

    private static func widen<Source: FixedWidthInteger, Target: FixedWidthInteger>(
        _ source: UnsafeRawPointer, _: Source.Type, count: Int, big: Bool,
        into destination: UnsafeMutableRawPointer, as _: Target.Type
    ) {
        let size = MemoryLayout<Source>.size
        for index in 0..<count {
            let raw = source.loadUnaligned(fromByteOffset: index * size, as: Source.self)
            let value = big ? Source(bigEndian: raw) : Source(littleEndian: raw)
            destination.storeBytes(of: Target(value), toByteOffset: index * MemoryLayout<Target>.size, as: Target.self)
        }
    }
}

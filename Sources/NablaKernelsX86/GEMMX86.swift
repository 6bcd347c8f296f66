import NablaKernelsCore

#if NABLA_X86_BASELINE
/// Float GEMM on baseline x86-64 (SSE2, no FMA): a 5 x 8: 10 xmm accumulators, two B vectors, a broadcast and
/// the product of 16 registers (without FMA a multiply-add needs a register for the product; with 6 rows the
/// accumulators spilled, 9% slower).
enum X86Float: GEMMKernelConfig {
    typealias Scalar = Float
    typealias Vector = SIMD4<Float>
    static var mr: Int { 5 }
    static var kc: Int { 256 }
    static var mc: Int { 90 }
    static var nc: Int { 2048 }

    @inline(__always) static func splat(_ x: Float) -> SIMD4<Float> { SIMD4<Float>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD4<Float>, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD4<Float>, _ a: SIMD4<Float>, _ b: SIMD4<Float>) {
        // No FMA on this target: addProduct would be one fmaf call per lane.
        acc = acc + a * b
    }

    @inline(__always) static func multiply(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD8<Float>(lowHalf: a, highHalf: b).evenHalf
    }
}

/// Double GEMM on baseline x86-64 (SSE2, no FMA): a 5 x 4, for the same reason as the float one.
enum X86Double: GEMMKernelConfig {
    typealias Scalar = Double
    typealias Vector = SIMD2<Double>
    static var mr: Int { 5 }
    static var kc: Int { 256 }
    static var mc: Int { 45 }
    static var nc: Int { 1024 }

    @inline(__always) static func splat(_ x: Double) -> SIMD2<Double> { SIMD2<Double>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }

    @inline(__always) static func store(_ v: SIMD2<Double>, to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD2<Double>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) {
        // No FMA on this target: addProduct would be one fmaf call per lane.
        acc = acc + a * b
    }

    @inline(__always) static func multiply(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> {
        SIMD4<Double>(lowHalf: a, highHalf: b).evenHalf
    }
}

#endif

import NablaKernelsCore

#if NABLA_AVX2
/// Float GEMM on AVX2 with FMA (`-target-cpu haswell`): a 6 x 16: 12 ymm accumulators, two B vectors and a broadcast of 16 registers.
enum AVX2Float: GEMMKernelConfig {
    typealias Scalar = Float
    typealias Vector = SIMD8<Float>
    static var mr: Int { 6 }
    static var kc: Int { 512 }
    static var mc: Int { 96 }
    static var nc: Int { 1024 }

    @inline(__always) static func splat(_ x: Float) -> SIMD8<Float> { SIMD8<Float>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD8<Float>, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
        acc.addProduct(a, b)
    }

    @inline(__always) static func multiply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD16<Float>(lowHalf: a, highHalf: b).evenHalf
    }
}

/// Double GEMM on AVX2 with FMA (`-target-cpu haswell`): a 6 x 8: 12 ymm accumulators, two B vectors and a broadcast of 16 registers.
enum AVX2Double: GEMMKernelConfig {
    typealias Scalar = Double
    typealias Vector = SIMD4<Double>
    static var mr: Int { 6 }
    static var kc: Int { 256 }
    static var mc: Int { 48 }
    static var nc: Int { 1024 }

    @inline(__always) static func splat(_ x: Double) -> SIMD4<Double> { SIMD4<Double>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always) static func store(_ v: SIMD4<Double>, to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD4<Double>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) {
        acc.addProduct(a, b)
    }

    @inline(__always) static func multiply(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> {
        SIMD8<Double>(lowHalf: a, highHalf: b).evenHalf
    }
}

#endif

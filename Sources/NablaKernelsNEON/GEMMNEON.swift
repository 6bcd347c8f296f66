import NablaKernelsCore

#if NABLA_NEON
/// Float GEMM on arm64 NEON: a 12 x 8: 24 q-register accumulators, two B vectors and a broadcast of 32 registers.
enum NEONFloat: GEMMKernelConfig {
    typealias Scalar = Float
    typealias Vector = SIMD4<Float>
    static var mr: Int { 12 }
    static var kc: Int { 256 }
    static var mc: Int { 192 }
    static var nc: Int { 2048 }

    @inline(__always) static func splat(_ x: Float) -> SIMD4<Float> { SIMD4<Float>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD4<Float>, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD4<Float>, _ a: SIMD4<Float>, _ b: SIMD4<Float>) {
        acc.addProduct(a, b)
    }

    @inline(__always) static func multiply(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD8<Float>(lowHalf: a, highHalf: b).evenHalf
    }
}

/// Double GEMM on arm64 NEON: a 12 x 4: 24 q-register accumulators, two B vectors and a broadcast of 32 registers.
enum NEONDouble: GEMMKernelConfig {
    typealias Scalar = Double
    typealias Vector = SIMD2<Double>
    static var mr: Int { 12 }
    static var kc: Int { 256 }
    static var mc: Int { 96 }
    static var nc: Int { 1024 }

    @inline(__always) static func splat(_ x: Double) -> SIMD2<Double> { SIMD2<Double>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Double>) -> SIMD2<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
    }

    @inline(__always) static func store(_ v: SIMD2<Double>, to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD2<Double>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) {
        acc.addProduct(a, b)
    }

    @inline(__always) static func multiply(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> {
        SIMD4<Double>(lowHalf: a, highHalf: b).evenHalf
    }
}

#endif

import NablaKernelsCore

#if NABLA_AVX512
/// Float GEMM on AVX-512 (`-target-cpu skylake-avx512`): a 12 x 32: 24 zmm accumulators, two B vectors and a broadcast of 32 registers.
enum AVX512Float: GEMMKernelConfig {
    typealias Scalar = Float
    typealias Vector = SIMD16<Float>
    /// 256 bits: on a Zen 4, which executes 512-bit operations in two halves, a 4M-element
    /// `a + b` or `a * b` ran 1.17-1.27x faster on one and two threads with 256-bit vectors
    /// (interleaved A/B; the sum 1.04x). One-input loops (`relu`, `abs`, `round`) measured
    /// 0.95-1.04x and stay on `Vector`. Not measured on a full-width (Intel) core.
    typealias StreamVector = SIMD8<Float>
    static var mr: Int { 12 }
    static var kc: Int { 1024 }
    static var mc: Int { 48 }
    static var nc: Int { 1024 }

    @inline(__always) static func splat(_ x: Float) -> SIMD16<Float> { SIMD16<Float>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD16<Float>, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) {
        acc.addProduct(a, b)
    }

    @inline(__always) static func multiply(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        // Spelled out lane by lane: `SIMD32<Float>.evenHalf` was not inlined here, and a
        // call to a specialised standard-library generic is what the ISA rule forbids.
        SIMD16<Float>(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14], b[0], b[2], b[4], b[6], b[8], b[10], b[12], b[14])
    }
}

/// Double GEMM on AVX-512 (`-target-cpu skylake-avx512`): a 12 x 16: 24 zmm accumulators, two B vectors and a broadcast of 32 registers.
enum AVX512Double: GEMMKernelConfig {
    typealias Scalar = Double
    typealias Vector = SIMD8<Double>
    /// 256 bits, as for `Float` (by the same argument; float64 loops not measured apart).
    typealias StreamVector = SIMD4<Double>
    static var mr: Int { 12 }
    static var kc: Int { 512 }
    static var mc: Int { 24 }
    static var nc: Int { 1024 }

    @inline(__always) static func splat(_ x: Double) -> SIMD8<Double> { SIMD8<Double>(repeating: x) }

    @inline(__always) static func load(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always) static func store(_ v: SIMD8<Double>, to p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
    }

    @inline(__always) static func multiplyAdd(_ acc: inout SIMD8<Double>, _ a: SIMD8<Double>, _ b: SIMD8<Double>) {
        acc.addProduct(a, b)
    }

    @inline(__always) static func multiply(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { a * b }

    @inline(__always) static func evenLanes(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
        SIMD16<Double>(lowHalf: a, highHalf: b).evenHalf
    }
}

#endif

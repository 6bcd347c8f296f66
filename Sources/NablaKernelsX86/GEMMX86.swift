import NablaKernelsCore

#if NABLA_X86_BASELINE
/// Float GEMM on baseline x86-64 (SSE2, no FMA): a 6 x 8: 12 xmm accumulators, two B vectors and a broadcast of 16 registers.
enum X86Float: GEMMKernelConfig {
    typealias Scalar = Float
    typealias Vector = SIMD4<Float>
    static var mr: Int { 6 }
    static var kc: Int { 256 }
    static var mc: Int { 96 }
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

/// ``GEMM`` for `Float` compiled for baseline x86-64 (SSE2, no FMA); the dispatcher in `NablaKernels` calls it
/// only on CPUs that have it. Not inlinable, so its instructions stay this target's.
@inline(never)
package func gemmX86(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, rsA: Int, csA: Int,
    b: UnsafePointer<Float>, rsB: Int, csB: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, rsC: Int, csC: Int
) {
    GEMM<X86Float>.gemm(
        m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
        beta: beta, c: c, rsC: rsC, csC: csC)
}

/// ``FMAPeak`` for `Float` on baseline x86-64 (SSE2, no FMA): runs the loop and returns its checksum and
/// the floating-point operations it performed.
@inline(never)
package func fmaPeakX86(_: Float.Type, iterations: Int) -> (checksum: Float, flops: Int) {
    (FMAPeak<X86Float>.run(iterations: iterations), FMAPeak<X86Float>.flopsPerIteration &* iterations)
}

/// Double GEMM on baseline x86-64 (SSE2, no FMA): a 6 x 4: 12 xmm accumulators, two B vectors and a broadcast of 16 registers.
enum X86Double: GEMMKernelConfig {
    typealias Scalar = Double
    typealias Vector = SIMD2<Double>
    static var mr: Int { 6 }
    static var kc: Int { 256 }
    static var mc: Int { 48 }
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

/// ``GEMM`` for `Double` compiled for baseline x86-64 (SSE2, no FMA); the dispatcher in `NablaKernels` calls it
/// only on CPUs that have it. Not inlinable, so its instructions stay this target's.
@inline(never)
package func gemmX86(
    m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, rsA: Int, csA: Int,
    b: UnsafePointer<Double>, rsB: Int, csB: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, rsC: Int, csC: Int
) {
    GEMM<X86Double>.gemm(
        m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
        beta: beta, c: c, rsC: rsC, csC: csC)
}

/// ``FMAPeak`` for `Double` on baseline x86-64 (SSE2, no FMA): runs the loop and returns its checksum and
/// the floating-point operations it performed.
@inline(never)
package func fmaPeakX86(_: Double.Type, iterations: Int) -> (checksum: Double, flops: Int) {
    (FMAPeak<X86Double>.run(iterations: iterations), FMAPeak<X86Double>.flopsPerIteration &* iterations)
}

#endif

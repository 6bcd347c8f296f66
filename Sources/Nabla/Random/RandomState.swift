#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A generator's state: its bit source and PyTorch's cached second normal sample, with
/// PyTorch's elementary draws on top (`random()`, `random64()`, its uniform and normal
/// transformations).
struct RandomState: Sendable {
    private enum Engine: Sendable {
        case mersenneTwister(MersenneTwister)
        case xoshiro256StarStar(Xoshiro256StarStar)
    }

    private let engine: Engine
    /// The second value of the last scalar Box-Muller pair, returned by the next scalar
    /// normal draw (PyTorch's `next_double_normal_sample`).
    private var cachedNormal: Double?

    init(seed: UInt64, algorithm: Generator.Algorithm) {
        switch algorithm {
        case .mersenneTwister: engine = .mersenneTwister(MersenneTwister(seed: seed))
        case .xoshiro256StarStar: engine = .xoshiro256StarStar(Xoshiro256StarStar(seed: seed))
        }
    }

    /// Calls `body(i, draw)` for `count` successive 32-bit draws (PyTorch's `random()`;
    /// the high half of a xoshiro step).
    @inline(__always)
    func draws32(_ count: Int, _ body: (Int, UInt32) -> Void) {
        switch engine {
        case let .mersenneTwister(twister): twister.draws(count, body)
        case let .xoshiro256StarStar(xoshiro):
            for i in 0..<count { body(i, UInt32(truncatingIfNeeded: xoshiro.next() >> 32)) }
        }
    }

    /// Calls `body(i, draw)` for `count` successive 64-bit draws (PyTorch's `random64()`:
    /// two 32-bit draws, the first in the high half; one xoshiro step).
    @inline(__always)
    func draws64(_ count: Int, _ body: (Int, UInt64) -> Void) {
        switch engine {
        case let .mersenneTwister(twister):
            for i in 0..<count {
                let high = UInt64(twister.next())
                body(i, high << 32 | UInt64(twister.next()))
            }
        case let .xoshiro256StarStar(xoshiro):
            for i in 0..<count { body(i, xoshiro.next()) }
        }
    }

    /// One 32-bit draw.
    func next32() -> UInt32 {
        var result: UInt32 = 0
        draws32(1) { _, draw in result = draw }
        return result
    }

    /// One 64-bit draw.
    func next64() -> UInt64 {
        var result: UInt64 = 0
        draws64(1) { _, draw in result = draw }
        return result
    }

    /// PyTorch's `Float` uniform in [0, 1): the low 24 bits of a 32-bit draw, scaled.
    @inline(__always)
    static func unitFloat(_ draw: UInt32) -> Float { Float(draw & 0xFF_FFFF) * 0x1p-24 }

    /// PyTorch's `Double` uniform in [0, 1): the low 53 bits of a 64-bit draw, scaled.
    @inline(__always)
    static func unitDouble(_ draw: UInt64) -> Double { Double(draw & (1 << 53 - 1)) * 0x1p-53 }

    /// Writes `count` `Float` uniforms in [0, 1) to `output`.
    func fillUnitFloats(_ output: UnsafeMutablePointer<Float>, count: Int) {
        draws32(count) { i, draw in output[i] = Self.unitFloat(draw) }
    }

    /// Writes `count` `Double` uniforms in [0, 1) to `output`.
    func fillUnitDoubles(_ output: UnsafeMutablePointer<Double>, count: Int) {
        draws64(count) { i, draw in output[i] = Self.unitDouble(draw) }
    }

    /// PyTorch's scalar normal sample (`at::normal_distribution<double>`): the cached
    /// value when there is one, otherwise a Box-Muller pair from two `Double` uniforms,
    /// returning the cosine and caching the sine. `mean + value * std` is one fused
    /// multiply-add, as GCC compiles PyTorch's `val * std + mean`.
    mutating func scalarNormal(mean: Double, std: Double) -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return mean.addingProduct(cached, std)
        }
        let u1 = Self.unitDouble(next64())
        let u2 = Self.unitDouble(next64())
        let radius = (-2 * log1p(-u2)).squareRoot()
        let theta = 2 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        return mean.addingProduct(radius * cos(theta), std)
    }
}

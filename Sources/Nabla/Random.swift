import NablaKernelsCore
import Synchronization

/// A seedable source of random numbers, like `torch.Generator`.
///
/// The algorithm is xoshiro256** seeded through SplitMix64: fast, with 256 bits of state
/// and good statistical quality. Tensors are filled sequentially in row-major order, so
/// a seed gives the same values on every run, whatever the thread count.
public final class Generator: Sendable {
    private let state: Mutex<Xoshiro256StarStar>

    /// A generator seeded with `seed`.
    public init(seed: UInt64) {
        state = Mutex(Xoshiro256StarStar(seed: seed))
    }

    /// Restarts the sequence from `seed`.
    public func manualSeed(_ seed: UInt64) {
        state.withLock { $0 = Xoshiro256StarStar(seed: seed) }
    }

    /// Runs `body` with exclusive access to the state, so that one tensor's values are
    /// one contiguous stretch of the sequence.
    func withState<R>(_ body: (inout Xoshiro256StarStar) -> R) -> R {
        state.withLock { body(&$0) }
    }

    /// The generator the random functions use when none is given. Seed it with
    /// ``manualSeed(_:)`` for reproducible runs.
    public static let `default` = Generator(seed: 0x5EED_AB1A)
}

/// Seeds the default generator, like `torch.manual_seed`: after `manualSeed(s)` the
/// random functions give the same tensors on every run.
public func manualSeed(_ seed: UInt64) {
    Generator.default.manualSeed(seed)
}

/// xoshiro256** (Blackman and Vigna, 2018).
struct Xoshiro256StarStar {
    private var s0, s1, s2, s3: UInt64

    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [0, 1) with 24 random bits (so a `Float` never rounds up to 1).
    mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in `0..<bound` without modulo bias (Lemire's method).
    mutating func next(below bound: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }
}

extension Tensor {
    private static func randomTensor(_ shape: [Int], dtype: DType, operation: String, generator: Generator?, requiresGrad: Bool,
                                      fill: (inout Xoshiro256StarStar, Int) -> Double) -> Tensor {
        let count = elementCount(of: shape, operation: operation)
        let values: [Double] = (generator ?? .default).withState { state in
            var values = [Double](repeating: 0, count: count)
            for i in 0..<count { values[i] = fill(&state, i) }
            return values
        }
        let result = Tensor(elements: values, shape: shape, dtype: dtype)
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// Uniform random values in [0, 1), like `torch.rand`.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "rand: dtype must be floating point, got \(dtype)")
        return randomTensor(shape, dtype: dtype, operation: "rand", generator: generator, requiresGrad: requiresGrad) { state, _ in
            dtype == .float64 ? state.nextDouble() : Double(state.nextFloat())
        }
    }

    /// Uniform random values in [0, 1) with the dimensions given one by one.
    public static func rand(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        rand(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }

    /// Uniform random values in [`low`, `high`), like `torch.empty(...).uniform_(low, high)`.
    public static func uniform(_ shape: [Int], low: Double, high: Double, dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "uniform: dtype must be floating point, got \(dtype)")
        nablaPrecondition(low <= high, "uniform: low \(low) must not exceed high \(high)")
        return randomTensor(shape, dtype: dtype, operation: "uniform", generator: generator, requiresGrad: requiresGrad) { state, _ in
            low + (high - low) * (dtype == .float64 ? state.nextDouble() : Double(state.nextFloat()))
        }
    }

    /// Standard normal random values (mean 0, variance 1), like `torch.randn`.
    ///
    /// Uses the Box-Muller transform on pairs of uniform values.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "randn: dtype must be floating point, got \(dtype)")
        var spare: Double?
        return randomTensor(shape, dtype: dtype, operation: "randn", generator: generator, requiresGrad: requiresGrad) { state, _ in
            if let value = spare {
                spare = nil
                return value
            }
            // 1 - u is in (0, 1], so the logarithm is finite.
            let u1 = 1 - state.nextDouble()
            let u2 = state.nextDouble()
            let radius = (-2 * _log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            spare = radius * _sin(angle)
            return radius * _cos(angle)
        }
    }

    /// Standard normal random values with the dimensions given one by one.
    public static func randn(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        randn(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }

    /// Random integers in `low..<high`, like `torch.randint` (int64 unless `dtype` is given).
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        nablaPrecondition(low < high, "randint: low \(low) must be less than high \(high)")
        let span = UInt64(bitPattern: Int64(high) &- Int64(low))
        let count = elementCount(of: shape, operation: "randint")
        let values: [Int] = (generator ?? .default).withState { state in
            (0..<count).map { _ in low &+ Int(truncatingIfNeeded: state.next(below: span)) }
        }
        return Tensor(elements: values, shape: shape, dtype: dtype)
    }

    /// Uniform random values in [0, 1) with this tensor's shape (and dtype unless given).
    public func randLike(dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        Tensor.rand(shape, dtype: dtype ?? self.dtype, generator: generator)
    }

    /// Standard normal random values with this tensor's shape (and dtype unless given).
    public func randnLike(dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        Tensor.randn(shape, dtype: dtype ?? self.dtype, generator: generator)
    }

    /// Random integers in `low..<high` with this tensor's shape (and dtype unless given).
    public func randintLike(_ low: Int, _ high: Int, dtype: DType? = nil, generator: Generator? = nil) -> Tensor {
        Tensor.randint(low, high, shape, dtype: dtype ?? self.dtype, generator: generator)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }

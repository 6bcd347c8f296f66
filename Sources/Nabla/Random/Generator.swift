import Synchronization

/// A seedable source of random numbers, like `torch.Generator`.
///
/// By default a generator is PyTorch's CPU generator, bit for bit: the same 32-bit
/// Mersenne Twister (MT19937), seeded the same way, and turned into numbers by the same
/// algorithms (24-bit `Float` and 53-bit `Double` uniforms, PyTorch's two normal samplers,
/// its integer, permutation and Bernoulli draws), so that after ``manualSeed(_:)`` with
/// the seed a PyTorch program used, `randn`, `rand`, `randint`, `randperm`, `bernoulli`,
/// dropout masks and every layer's default initialisation give the numbers that program
/// saw (as PyTorch computes them on x86-64; see ``Tensor/normal(_:mean:std:dtype:generator:requiresGrad:)``).
/// That is why it is the default: tutorials, tests and ports of PyTorch code can be
/// compared number for number.
///
/// ``Algorithm/xoshiro256StarStar`` remains for code that does not need PyTorch's numbers:
/// the same algorithms on another bit source, so the same distributions with other values.
/// Its draws are cheaper (a 2^20-element `randint` takes about a fifth less time), but the
/// sampling itself dominates `randn` and `rand`, which take about as long with either.
///
/// Tensors are filled sequentially in row-major order, so a seed gives the same values
/// on every run, whatever the thread count.
public final class Generator: Sendable {
    /// The bit source behind a generator.
    public enum Algorithm: Sendable, Hashable {
        /// PyTorch's CPU generator, MT19937: the default, and the one that reproduces
        /// PyTorch's numbers.
        case mersenneTwister
        /// xoshiro256** (Blackman and Vigna) seeded through SplitMix64: cheaper draws,
        /// 256 bits of state, not PyTorch's numbers.
        case xoshiro256StarStar
    }

    /// The bit source.
    public let algorithm: Algorithm
    private let state: Mutex<RandomState>

    /// A generator seeded with `seed` (PyTorch's MT19937 uses its low 32 bits, as
    /// `torch.Generator().manual_seed(seed)` does).
    public init(seed: UInt64, algorithm: Algorithm = .mersenneTwister) {
        self.algorithm = algorithm
        state = Mutex(RandomState(seed: seed, algorithm: algorithm))
    }

    /// Restarts the sequence from `seed`, forgetting the cached normal sample, like
    /// `torch.Generator.manual_seed`.
    public func manualSeed(_ seed: UInt64) {
        let algorithm = algorithm
        state.withLock { $0 = RandomState(seed: seed, algorithm: algorithm) }
    }

    /// A non-negative 63-bit integer from the next 64-bit draw, like
    /// `int(torch.empty((), dtype=torch.int64).random_(generator=g))`: how PyTorch derives
    /// seeds (a DataLoader pass's base seed, a shuffling sampler's own generator).
    public func nextSeed() -> UInt64 {
        withState { $0.next64() } % (1 << 63)
    }

    /// Runs `body` with exclusive access to the state, so that one tensor's values are
    /// one contiguous stretch of the sequence.
    func withState<R>(_ body: (inout RandomState) -> R) -> R {
        state.withLock { body(&$0) }
    }

    /// The generator the random functions use when none is given, seeded as PyTorch's
    /// default generator is before any `torch.manual_seed` (67280421310721). Seed it with
    /// ``manualSeed(_:)`` for reproducible runs.
    public static let `default` = Generator(seed: 67_280_421_310_721)
}

/// Seeds the default generator, like `torch.manual_seed`: after `manualSeed(s)` the
/// random functions give the same tensors on every run, and the tensors PyTorch gives
/// after `torch.manual_seed(s)`.
public func manualSeed(_ seed: UInt64) {
    Generator.default.manualSeed(seed)
}

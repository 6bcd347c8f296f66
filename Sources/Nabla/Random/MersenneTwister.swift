/// MT19937 (Matsumoto and Nishimura, 1998), seeded and run as PyTorch's CPU generator
/// runs it: the seed's low 32 bits initialise the 624-word state, and the first draw
/// regenerates it.
///
/// A class, so that the draws of a `RandomState` update it in place; unchecked
/// `Sendable` because it is only reached through its generator's mutex.
final class MersenneTwister: @unchecked Sendable {
    private static let stateCount = 624
    private static let shift = 397
    private let state: UnsafeMutablePointer<UInt32>
    private var index: Int

    init(seed: UInt64) {
        state = .allocate(capacity: Self.stateCount)
        var word = UInt32(truncatingIfNeeded: seed)
        state[0] = word
        for j in 1..<Self.stateCount {
            word = 1_812_433_253 &* (word ^ (word >> 30)) &+ UInt32(j)
            state[j] = word
        }
        index = Self.stateCount
    }

    deinit { state.deallocate() }

    /// Calls `body(i, draw)` for `count` successive 32-bit draws.
    @inline(__always)
    func draws(_ count: Int, _ body: (Int, UInt32) -> Void) {
        var i = 0
        while i < count {
            if index == Self.stateCount { regenerate() }
            let available = Swift.min(Self.stateCount - index, count - i)
            for k in 0..<available { body(i + k, Self.temper(state[index + k])) }
            index += available
            i += available
        }
    }

    /// One 32-bit draw (PyTorch's `random()`).
    @inline(__always)
    func next() -> UInt32 {
        if index == Self.stateCount { regenerate() }
        defer { index += 1 }
        return Self.temper(state[index])
    }

    @inline(__always)
    private static func temper(_ word: UInt32) -> UInt32 {
        var y = word
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private func regenerate() {
        let n = Self.stateCount, m = Self.shift
        func twisted(_ k: Int, _ next: Int, _ far: Int) -> UInt32 {
            let mixed = (state[k] & 0x8000_0000) | (state[next] & 0x7FFF_FFFF)
            return state[far] ^ (mixed >> 1) ^ (state[next] & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        for k in 0..<(n - m) { state[k] = twisted(k, k + 1, k + m) }
        for k in (n - m)..<(n - 1) { state[k] = twisted(k, k + 1, k + m - n) }
        state[n - 1] = twisted(n - 1, 0, m - 1)
        index = 0
    }
}

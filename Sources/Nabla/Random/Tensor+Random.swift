import NablaKernels
import NablaKernelsCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Each function follows the PyTorch CPU kernel of the same name draw for draw, so that
// with the default (MT19937) generator it returns PyTorch's tensor bit for bit.

extension Tensor {
    /// A new contiguous floating-point tensor whose `Float` or `Double` elements `fill`
    /// writes under the generator's lock; float16 is computed as float32, as PyTorch
    /// computes it, then rounded.
    private static func randomFloatingTensor(
        _ shape: [Int], dtype: DType, operation: String, generator: Generator?, requiresGrad: Bool,
        float: (inout RandomState, UnsafeMutablePointer<Float>, Int) -> Void,
        double: (inout RandomState, UnsafeMutablePointer<Double>, Int) -> Void
    ) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "\(operation): dtype must be floating point, got \(dtype)")
        let computed: DType = dtype == .float64 ? .float64 : .float32
        var result = Tensor(uninitializedShape: shape, dtype: computed, zeroed: false, operation: operation)
        let count = result.numel
        let data = result.rawData
        (generator ?? .default).withState { state in
            if computed == .float64 {
                double(&state, data.assumingMemoryBound(to: Double.self), count)
            } else {
                float(&state, data.assumingMemoryBound(to: Float.self), count)
            }
        }
        if computed != dtype { result = result.to(dtype) }
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// Uniform random values in [0, 1), like `torch.rand`.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        uniform(shape, low: 0, high: 1, dtype: dtype, generator: generator, requiresGrad: requiresGrad, operation: "rand")
    }

    /// Uniform random values in [0, 1) with the dimensions given one by one.
    public static func rand(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        rand(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }

    /// Uniform random values in [`low`, `high`), like `torch.empty(...).uniform_(low, high)`.
    ///
    /// Each element takes one draw: a 24-bit (float32) or 53-bit (float64) uniform `u`,
    /// mapped to `low + u * (high - low)` with one rounding in the element type (a value
    /// rounding up to `high` becomes `low`, as in PyTorch).
    public static func uniform(_ shape: [Int], low: Double, high: Double, dtype: DType = .float32, generator: Generator? = nil,
                               requiresGrad: Bool = false) -> Tensor {
        uniform(shape, low: low, high: high, dtype: dtype, generator: generator, requiresGrad: requiresGrad, operation: "uniform")
    }

    private static func uniform(_ shape: [Int], low: Double, high: Double, dtype: DType, generator: Generator?, requiresGrad: Bool,
                                operation: String) -> Tensor {
        nablaPrecondition(low <= high, "\(operation): low \(low) must not exceed high \(high)")
        var result = randomFloatingTensor(shape, dtype: dtype, operation: operation, generator: generator, requiresGrad: false,
            float: { state, output, count in
                let from = Float(low), to = Float(high), span = to - from
                state.draws32(count) { i, draw in
                    let value = from.addingProduct(RandomState.unitFloat(draw), span)
                    output[i] = value == to ? from : value
                }
            },
            double: { state, output, count in
                let span = high - low
                state.draws64(count) { i, draw in
                    let value = low.addingProduct(RandomState.unitDouble(draw), span)
                    output[i] = value == high ? low : value
                }
            })
        if dtype == .float16 {
            // PyTorch rounds the float value to half, then moves one that reached `high`.
            result = result.maskedFill(result .== Tensor.scalar(high, dtype: .float16), low)
        }
        if requiresGrad { result.requiresGrad = true }
        return result
    }

    /// Standard normal random values (mean 0, variance 1), like `torch.randn`.
    ///
    /// The values are PyTorch's: see ``normal(_:mean:std:dtype:generator:requiresGrad:)``.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        normal(shape, mean: 0, std: 1, dtype: dtype, generator: generator, requiresGrad: requiresGrad, operation: "randn")
    }

    /// Standard normal random values with the dimensions given one by one.
    public static func randn(_ shape: Int..., dtype: DType = .float32, generator: Generator? = nil, requiresGrad: Bool = false) -> Tensor {
        randn(shape, dtype: dtype, generator: generator, requiresGrad: requiresGrad)
    }

    /// Normal random values with mean `mean` and standard deviation `std`, like
    /// `torch.normal(mean, std, size)` or `torch.empty(size).normal_(mean, std)`.
    ///
    /// PyTorch's two samplers, chosen as it chooses them:
    /// - 16 elements or more: all the uniforms first (24-bit for float32, 53-bit for
    ///   float64), then Box-Muller on each block of 16 (8 radii from the first half, 8
    ///   angles from the second; cosines fill the first half, sines the second); when
    ///   the count is not a multiple of 16, the last 16 elements are redone from 16 new
    ///   uniforms. Float32 uses Cephes' single-precision logarithm, sine and cosine as
    ///   PyTorch does on x86-64 (NablaKernels' `BoxMuller`), float64 the C library's.
    /// - Fewer than 16: one `Double` Box-Muller pair per two elements, the second value
    ///   cached in the generator for the next such draw (PyTorch's
    ///   `normal_distribution<double>`); the cache survives between calls.
    ///
    /// On ARM, PyTorch's float32 sampler of 16 or more elements uses other functions, and
    /// its numbers differ in the last bits from these.
    public static func normal(_ shape: [Int], mean: Double = 0, std: Double = 1, dtype: DType = .float32, generator: Generator? = nil,
                              requiresGrad: Bool = false) -> Tensor {
        normal(shape, mean: mean, std: std, dtype: dtype, generator: generator, requiresGrad: requiresGrad, operation: "normal")
    }

    /// `normal`, with the sampler of a non-contiguous destination (the scalar one) when
    /// `vectorised` is false: PyTorch's `normal_` takes the block sampler only for a
    /// contiguous tensor.
    static func normal(_ shape: [Int], mean: Double, std: Double, dtype: DType, generator: Generator?, requiresGrad: Bool,
                       operation: String, vectorised: Bool = true) -> Tensor {
        nablaPrecondition(std >= 0, "\(operation): std must be non-negative, got \(std)")
        return randomFloatingTensor(shape, dtype: dtype, operation: operation, generator: generator, requiresGrad: requiresGrad,
            float: { state, output, count in
                guard vectorised, count >= 16 else {
                    for i in 0..<count { output[i] = Float(state.scalarNormal(mean: mean, std: std)) }
                    return
                }
                state.fillUnitFloats(output, count: count)
                BoxMuller.transformBlocks(output, count: count, mean: Float(mean), std: Float(std))
                if count % 16 != 0 {
                    state.fillUnitFloats(output + count - 16, count: 16)
                    BoxMuller.transformBlocks(output + count - 16, count: 16, mean: Float(mean), std: Float(std))
                }
            },
            double: { state, output, count in
                guard vectorised, count >= 16 else {
                    for i in 0..<count { output[i] = state.scalarNormal(mean: mean, std: std) }
                    return
                }
                state.fillUnitDoubles(output, count: count)
                var start = 0
                while start + 16 <= count {
                    doubleBoxMullerBlock(output + start, mean: mean, std: std)
                    start += 16
                }
                if count % 16 != 0 {
                    state.fillUnitDoubles(output + count - 16, count: 16)
                    doubleBoxMullerBlock(output + count - 16, mean: mean, std: std)
                }
            })
    }

    /// Random integers in `low..<high`, like `torch.randint` (int64 unless `dtype` is given).
    ///
    /// As in PyTorch, each element is a draw modulo the range: a 32-bit draw when the
    /// range is below 2^28, a 64-bit one otherwise (so the bias is at most about 2^-4
    /// relative, and far less for small ranges).
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        nablaPrecondition(low < high, "randint: low \(low) must be less than high \(high), shape \(shape)")
        let range = UInt64(bitPattern: Int64(high) &- Int64(low))
        let base = UInt64(bitPattern: Int64(low))
        let result = Tensor(uninitializedShape: shape, dtype: .int64, zeroed: false, operation: "randint")
        let output = result.rawData.assumingMemoryBound(to: Int64.self)
        let count = result.numel
        (generator ?? .default).withState { state in
            if range >= 1 << 28 {
                state.draws64(count) { i, draw in output[i] = Int64(bitPattern: draw % range &+ base) }
            } else {
                state.draws32(count) { i, draw in output[i] = Int64(bitPattern: UInt64(draw) % range &+ base) }
            }
        }
        return dtype == .int64 ? result : result.to(dtype)
    }

    /// A random permutation of `0..<n`, like `torch.randperm` (int64 unless `dtype` is given).
    ///
    /// PyTorch's CPU shuffle: position `i` (from the front) swaps with `i + draw % (n - i)`,
    /// a 32-bit draw each; from n = 2^32 / 20 on, an inside-out shuffle with 64-bit draws.
    public static func randperm(_ n: Int, dtype: DType = .int64, generator: Generator? = nil) -> Tensor {
        nablaPrecondition(n >= 0, "randperm: n must be non-negative, got \(n)")
        let result = Tensor(uninitializedShape: [n], dtype: .int64, zeroed: false, operation: "randperm")
        let output = result.rawData.assumingMemoryBound(to: Int64.self)
        (generator ?? .default).withState { state in
            if n < Int(UInt32.max / 20) {
                for i in 0..<n { output[i] = Int64(i) }
                state.draws32(Swift.max(n - 1, 0)) { i, draw in
                    let j = i + Int(UInt64(draw) % UInt64(n - i))
                    (output[i], output[j]) = (output[j], output[i])
                }
            } else {
                state.draws64(n) { i, draw in
                    let j = Int(draw % UInt64(i + 1))
                    output[i] = output[j]
                    output[j] = Int64(i)
                }
            }
        }
        return dtype == .int64 ? result : result.to(dtype)
    }

    /// Zeros and ones, each one with probability `p`, like
    /// `torch.empty(shape).bernoulli_(p)`: one 53-bit uniform per element, a one when it
    /// is below `p` (whatever the dtype, as in PyTorch).
    public static func bernoulli(_ shape: [Int], p: Double, dtype: DType = .float32, generator: Generator? = nil) -> Tensor {
        nablaPrecondition((0...1).contains(p), "bernoulli: p must be in 0...1, got \(p) (shape \(shape))")
        let result = Tensor(uninitializedShape: shape, dtype: .float64, zeroed: false, operation: "bernoulli")
        let output = result.rawData.assumingMemoryBound(to: Double.self)
        (generator ?? .default).withState { state in
            state.draws64(result.numel) { i, draw in output[i] = RandomState.unitDouble(draw) < p ? 1 : 0 }
        }
        return dtype == .float64 ? result : result.to(dtype)
    }

    /// Zeros and ones, each one with the probability in the same place of this tensor,
    /// like `torch.bernoulli(self)`; the result has this tensor's dtype and shape.
    ///
    /// Float64 probabilities take a 53-bit uniform each, float32 and float16 ones a 24-bit
    /// uniform, as in PyTorch.
    public func bernoulli(generator: Generator? = nil) -> Tensor {
        nablaPrecondition(dtype.isFloatingPoint, "bernoulli: probabilities must be floating point, got \(dtype) (shape \(shape))")
        let probabilities = detach().to(.float64).contiguous().toArray(Double.self)
        nablaPrecondition(probabilities.allSatisfy { (0...1).contains($0) },
                          "bernoulli: every probability must be in 0...1 (shape \(shape))")
        let result = Tensor(uninitializedShape: shape, dtype: .float64, zeroed: false, operation: "bernoulli")
        let output = result.rawData.assumingMemoryBound(to: Double.self)
        (generator ?? .default).withState { state in
            if dtype == .float64 {
                state.draws64(probabilities.count) { i, draw in
                    output[i] = RandomState.unitDouble(draw) < probabilities[i] ? 1 : 0
                }
            } else {
                state.draws32(probabilities.count) { i, draw in
                    output[i] = RandomState.unitFloat(draw) < Float(probabilities[i]) ? 1 : 0
                }
            }
        }
        return dtype == .float64 ? result : result.to(dtype)
    }

    /// Fills this tensor with uniform random values in [`low`, `high`), like PyTorch's
    /// `uniform_`: the values ``uniform(_:low:high:dtype:generator:requiresGrad:)`` gives
    /// for this shape and dtype, laid out in memory order (row-major for a contiguous
    /// tensor; PyTorch fills a transposed view in its storage's order too).
    public func uniformInPlace(low: Double = 0, high: Double = 1, generator: Generator? = nil) {
        checkInPlaceAllowed("uniformInPlace")
        fillInMemoryOrder {
            Tensor.uniform($0, low: low, high: high, dtype: dtype, generator: generator, requiresGrad: false, operation: "uniformInPlace")
        }
    }

    /// Fills this tensor with normal random values, like PyTorch's `normal_`: the values
    /// ``normal(_:mean:std:dtype:generator:requiresGrad:)`` gives for this shape and dtype,
    /// except that a non-contiguous tensor takes the scalar sampler whatever its size, and
    /// is filled in memory order, as in PyTorch.
    public func normalInPlace(mean: Double = 0, std: Double = 1, generator: Generator? = nil) {
        checkInPlaceAllowed("normalInPlace")
        let vectorised = isContiguous
        fillInMemoryOrder {
            Tensor.normal($0, mean: mean, std: std, dtype: dtype, generator: generator, requiresGrad: false,
                          operation: "normalInPlace", vectorised: vectorised)
        }
    }

    /// Copies in the values `values(shape)` draws for this tensor's dims taken from the
    /// largest stride to the smallest, so that consecutive draws land in consecutive
    /// memory, the order in which PyTorch's TensorIterator walks a strided tensor.
    private func fillInMemoryOrder(_ values: ([Int]) -> Tensor) {
        guard !isContiguous else { return copy(from: values(shape)) }
        let order = (0..<ndim).sorted { a, b in
            Swift.abs(strides[a]) != Swift.abs(strides[b]) ? Swift.abs(strides[a]) > Swift.abs(strides[b]) : a < b
        }
        var inverse = [Int](repeating: 0, count: ndim)
        for (position, dim) in order.enumerated() { inverse[dim] = position }
        copy(from: values(order.map { shape[$0] }).permute(inverse))
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

/// PyTorch's float64 Box-Muller block (its scalar `NormalFill16`): the C library's
/// `log`, `cos` and `sin`, and a fused multiply-add for `mean + value * std`.
private func doubleBoxMullerBlock(_ block: UnsafeMutablePointer<Double>, mean: Double, std: Double) {
    for j in 0..<8 {
        let radius = (-2 * log(1 - block[j])).squareRoot()
        let theta = 2 * Double.pi * block[j + 8]
        block[j] = mean.addingProduct(radius * cos(theta), std)
        block[j + 8] = mean.addingProduct(radius * sin(theta), std)
    }
}

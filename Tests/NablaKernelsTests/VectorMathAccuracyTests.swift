import Testing
import NablaKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Error of `y` against a more precise `reference`, in units in the last place of `T` at
/// the reference (subnormal spacing below the normal range). Matching non-finite values
/// and NaN against NaN count as 0; a mismatch of special values counts as infinity.
func ulpError<T: BinaryFloatingPoint>(_ y: T, reference: Double) -> Double {
    if y.isNaN || reference.isNaN { return y.isNaN && reference.isNaN ? 0 : .infinity }
    let r = T(reference)
    if y == r && (y != 0 || y.sign == r.sign || reference == 0) { return 0 }
    if r.isInfinite || y.isInfinite {
        // The reference may overflow T only by less than half an ulp of greatestFinite.
        return Swift.abs(Double(y) - reference) <= Double(T.greatestFiniteMagnitude.ulp) / 2 ? 0.5 : .infinity
    }
    let spacing = Double(Swift.max(r.magnitude.ulp, T.leastNonzeroMagnitude))
    return Swift.abs(Double(y) - reference) / spacing
}

/// The GEMM tests' SplitMix64 as a generator: a fixed stream, so that an accuracy sweep
/// checks the same inputs on every run (a bound checked on fresh random inputs each run
/// would fail now and then).
extension SplitMix: RandomNumberGenerator {}

/// Inputs spread over the whole range: every binade sampled with both signs (from a fixed
/// stream), a dense grid over `dense`, and the special values.
func sweepInputs<T: BinaryFloatingPoint>(_: T.Type, dense: ClosedRange<Double>) -> [T] where T.RawExponent: FixedWidthInteger {
    var xs: [T] = [0, -0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                   .leastNormalMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                   1, -1, .ulpOfOne, -.ulpOfOne]
    var g = SplitMix(state: 0x6E61_626C_61)
    for e in stride(from: -Double(T.significandBitCount + 1022), through: 1023, by: 0.25) where Swift.abs(e) < Double(T.greatestFiniteMagnitude.exponent) + 1 + Double(T.significandBitCount) {
        for _ in 0..<4 {
            let v = T(Glibc.exp2(e) * Double.random(in: 1..<2, using: &g))
            xs.append(v); xs.append(-v)
        }
    }
    let n = 200_000
    for i in 0...n {
        xs.append(T(dense.lowerBound + (dense.upperBound - dense.lowerBound) * Double(i) / Double(n)))
    }
    return xs
}

/// The operations the exhaustive `Float` accuracy test runs on: `NABLA_EXHAUSTIVE_ACCURACY`
/// is `1` for all, or a comma-separated list of names (`geluTanh,sigmoid`); unset, none.
let exhaustiveAccuracy: Set<String>? = getenv("NABLA_EXHAUSTIVE_ACCURACY").map { value in
    let names = String(cString: value)
    return names == "1" ? Set(accuracyCases.map { "\($0.op)" }) : Set(names.split(separator: ",").map(String.init))
}

struct AccuracyCase: Sendable, CustomStringConvertible {
    let op: UnaryFloatOperation
    let floatBound: Double
    let doubleBound: Double
    let dense: ClosedRange<Double>
    let reference: @Sendable (Double) -> Double
    /// Where the function is well conditioned enough to check to a few ulp.
    var checked: ClosedRange<Double> = -.infinity ... .infinity
    var description: String { "\(op)" }
}

#if arch(x86_64)
/// References for Double: the x87 extended-precision C functions.
func extended(_ f: @escaping @Sendable (Float80) -> Float80) -> @Sendable (Double) -> Double { { Double(f(Float80($0))) } }
#else
func extended(_ f: @escaping @Sendable (Double) -> Double) -> @Sendable (Double) -> Double { f }
#endif

let accuracyCases: [AccuracyCase] = [
    // The operations call the C library's square root, lane by lane.
    AccuracyCase(op: .sqrt, floatBound: 1, doubleBound: 1, dense: 0...1e6, reference: extended { $0.squareRoot() }),
    AccuracyCase(op: .rsqrt, floatBound: 1.5, doubleBound: 1.5, dense: 0...1e6, reference: extended { 1 / $0.squareRoot() }),
    AccuracyCase(op: .exp, floatBound: 1.02, doubleBound: 1, dense: -750...720, reference: extended { expl($0) }),
    AccuracyCase(op: .log, floatBound: 1, doubleBound: 1, dense: 0...10, reference: extended { logl($0) }),
    AccuracyCase(op: .tanh, floatBound: 2.5, doubleBound: 2, dense: -25...25, reference: extended { tanhl($0) }),
    AccuracyCase(op: .sigmoid, floatBound: 2.5, doubleBound: 2, dense: -750...50, reference: extended { 1 / (1 + expl(-$0)) }),
    AccuracyCase(op: .erf, floatBound: 4, doubleBound: 1, dense: -7...7, reference: extended { erfl($0) }),
    AccuracyCase(op: .gelu, floatBound: 8.5, doubleBound: 20, dense: -40...10, reference: extended {
        $0 == -.infinity ? -0.0 : 0.5 * $0 * erfcl(-$0 * 0.70710678118654752440084436210484903928) }),
    AccuracyCase(op: .geluTanh, floatBound: 15, doubleBound: 16, dense: -40...10, reference: extended { x in
        if x == -.infinity { return -0.0 }
        let u = 0.79788456080286535587989211986876373695 * (x + 0.044715 * x * x * x)
        return x / (1 + expl(-2 * u)) },
        // Below -3 the cubic's rounding is amplified by e^{2u}: ill-conditioned, not inaccurate.
        checked: -3 ... .infinity),
]

@Suite struct VectorMathAccuracyTests {
    /// The optimizers' vector square root (``VectorMath/squareRoot(_:_:)``) with a fused and
    /// an unfused multiply-add, against the correctly rounded square root: within one ulp
    /// over every binade, subnormals, zeros, infinities, NaN and negatives.
    @Test func vectorSquareRootWithinOneUlp() {
        func check<T: VectorMathScalar & BinaryFloatingPoint>(_: T.Type, _ name: String) where T.RawExponent: FixedWidthInteger {
            let xs = sweepInputs(T.self, dense: 0...1e6)
            for fused in [true, false] {
                var worst = 0.0, worstX = T.zero
                var i = 0
                while i + 16 <= xs.count {
                    let x = SIMD16<T>(xs[i..<(i + 16)])
                    let y = fused ? VectorMath.squareRoot(x, FusedMultiplyAdd.self) : VectorMath.squareRoot(x, UnfusedMultiplyAdd.self)
                    for lane in 0..<16 {
                        let e = ulpError(y[lane], reference: Double(x[lane]).squareRoot())
                        if !(e <= worst) { worst = e; worstX = x[lane] }
                    }
                    i += 16
                }
                #expect(worst <= 1, "\(name) \(fused ? "fused" : "unfused"): \(worst) ulp at \(worstX)")
            }
        }
        check(Float.self, "Float")
        check(Double.self, "Double")
    }

    @Test(arguments: accuracyCases)
    func floatWithinStatedUlpOnEveryISA(_ c: AccuracyCase) {
        let xs = sweepInputs(Float.self, dense: c.dense)
        var ys = [Float](repeating: 0, count: xs.count)
        for isa in testedISAs {
            Elementwise.unary(c.op, shape: [xs.count], output: &ys, outputStrides: [1], input: xs, inputStrides: [1], isa: isa)
            var worst = 0.0, worstX: Float = 0
            for (x, y) in zip(xs, ys) where c.checked.contains(Double(x)) || x.isNaN {
                let e = ulpError(y, reference: c.reference(Double(x)))
                if !(e <= worst) { worst = e; worstX = x }
            }
            #expect(worst <= c.floatBound, "\(c.op) Float on \(isa): \(worst) ulp at x = \(worstX) (\(worstX.bitPattern))")
            print("accuracy \(c.op) Float \(isa): max \(worst) ulp")
        }
    }

    /// Every `Float` of magnitude 2^-8 to 64 inside the checked range, on every
    /// instruction set: the measurement behind the `Float` bounds stated on
    /// ``VectorMath`` (about eight minutes in a debug build on two cores, so opt-in:
    /// `NABLA_EXHAUSTIVE_ACCURACY=1 swift test --filter everyFloat`). Below 2^-8 the
    /// functions are close to linear and the sweep above samples them.
    @Test(.enabled(if: exhaustiveAccuracy != nil), arguments: accuracyCases)
    func everyFloatWithinStatedUlp(_ c: AccuracyCase) {
        guard exhaustiveAccuracy?.contains("\(c.op)") == true else { return }
        for isa in testedISAs {
            let (worst, worstX) = Self.worstFloatError(c, isa: isa)
            #expect(worst <= c.floatBound, "\(c.op) Float on \(isa): \(worst) ulp at x = \(worstX)")
            print("exhaustive accuracy \(c.op) Float \(isa): max \(worst) ulp at x = \(worstX)")
        }
    }

    /// The largest error of `c` on `isa` over every `Float` of magnitude 2^-8 to 64 (both
    /// signs) inside `c`'s checked and dense ranges, and where it occurs.
    static func worstFloatError(_ c: AccuracyCase, isa: KernelISA) -> (ulp: Double, x: Float) {
        let first = Float(0x1p-8).bitPattern, last = Float(64).bitPattern
        let chunk = 1 << 20
        var xs = [Float](repeating: 0, count: chunk), ys = xs
        var worst = 0.0, worstX: Float = 0
        for sign: Float in [-1, 1] {
            for start in stride(from: first, through: last, by: chunk) {
                let n = min(chunk, Int(last - start) + 1)
                for i in 0..<n { xs[i] = sign * Float(bitPattern: start + UInt32(i)) }
                Elementwise.unary(c.op, shape: [n], output: &ys, outputStrides: [1], input: xs, inputStrides: [1], isa: isa)
                for i in 0..<n where c.checked.contains(Double(xs[i])) && c.dense.contains(Double(xs[i])) {
                    let e = ulpError(ys[i], reference: c.reference(Double(xs[i])))
                    if !(e <= worst) { worst = e; worstX = xs[i] }
                }
            }
        }
        return (worst, worstX)
    }

    @Test(arguments: accuracyCases)
    func doubleWithinStatedUlpOnEveryISA(_ c: AccuracyCase) {
        let xs = sweepInputs(Double.self, dense: c.dense)
        var ys = [Double](repeating: 0, count: xs.count)
        for isa in testedISAs {
            Elementwise.unary(c.op, shape: [xs.count], output: &ys, outputStrides: [1], input: xs, inputStrides: [1], isa: isa)
            var worst = 0.0, worstX = 0.0
            for (x, y) in zip(xs, ys) where c.checked.contains(Double(x)) || x.isNaN {
                let e = ulpError(y, reference: c.reference(x))
                if !(e <= worst) { worst = e; worstX = x }
            }
            #expect(worst <= c.doubleBound, "\(c.op) Double on \(isa): \(worst) ulp at x = \(worstX)")
            print("accuracy \(c.op) Double \(isa): max \(worst) ulp")
        }
    }
}

/// Every kernel entry point one instruction-set target compiles for one element type:
/// what the public dispatchers in `NablaKernels` call through, once they have picked a
/// target for the CPU. Each target fills its tables with one call of
/// ``KernelTarget/kernelTables()``.
///
/// `@unchecked Sendable`: the entries are functions that capture nothing (their generic
/// context is gone once a target specialises them), so sharing them between threads is
/// safe; the compiler cannot see that through the generic metatypes they were formed with.
@usableFromInline package struct KernelTable<Scalar>: @unchecked Sendable {
    @usableFromInline package typealias GEMM = (
        _ m: Int, _ n: Int, _ k: Int, _ alpha: Scalar,
        _ a: UnsafePointer<Scalar>, _ rsA: Int, _ csA: Int,
        _ b: UnsafePointer<Scalar>, _ rsB: Int, _ csB: Int,
        _ beta: Scalar, _ c: UnsafeMutablePointer<Scalar>, _ rsC: Int, _ csC: Int
    ) -> Void
    @usableFromInline package typealias Unary = (
        UnaryFloatOperation, _ shape: [Int],
        _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ input: UnsafePointer<Scalar>, _ inputStrides: [Int]
    ) -> Void
    @usableFromInline package typealias Binary = (
        BinaryFloatOperation, _ shape: [Int],
        _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ lhs: UnsafePointer<Scalar>, _ lhsStrides: [Int],
        _ rhs: UnsafePointer<Scalar>, _ rhsStrides: [Int]
    ) -> Void
    @usableFromInline package typealias Compare = (
        FloatComparison, _ shape: [Int],
        _ output: UnsafeMutablePointer<Bool>, _ outputStrides: [Int],
        _ lhs: UnsafePointer<Scalar>, _ lhsStrides: [Int],
        _ rhs: UnsafePointer<Scalar>, _ rhsStrides: [Int]
    ) -> Void
    @usableFromInline package typealias Select = (
        _ shape: [Int], _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ condition: UnsafePointer<Bool>, _ conditionStrides: [Int],
        _ lhs: UnsafePointer<Scalar>, _ lhsStrides: [Int],
        _ rhs: UnsafePointer<Scalar>, _ rhsStrides: [Int]
    ) -> Void
    @usableFromInline package typealias Sum = (ReductionPlan, _ output: UnsafeMutablePointer<Scalar>, _ input: UnsafePointer<Scalar>) -> Void
    @usableFromInline package typealias Extreme = (
        ReductionPlan, _ largest: Bool,
        _ values: UnsafeMutablePointer<Scalar>?, _ indices: UnsafeMutablePointer<Int64>?,
        _ input: UnsafePointer<Scalar>
    ) -> Void
    @usableFromInline package typealias Rowwise = (
        RowwiseOperation, _ shape: [Int], _ dim: Int,
        _ output: UnsafeMutablePointer<Scalar>, _ outputStrides: [Int],
        _ input: UnsafePointer<Scalar>, _ inputStrides: [Int]
    ) -> Void

    @usableFromInline package typealias DepthwiseForward = (
        ConvolutionPlane, _ input: UnsafePointer<Scalar>, _ weight: UnsafePointer<Scalar>,
        _ bias: Scalar, _ accumulate: Bool, _ output: UnsafeMutablePointer<Scalar>
    ) -> Void
    @usableFromInline package typealias DepthwiseWeightGradient = (
        ConvolutionPlane, _ input: UnsafePointer<Scalar>, _ outputGradient: UnsafePointer<Scalar>,
        _ weightGradient: UnsafeMutablePointer<Scalar>, _ mask: UnsafePointer<Scalar>
    ) -> Void

    @usableFromInline package typealias ImplicitGEMM = (
        _ m: Int, _ n: Int, _ a: UnsafePointer<Scalar>, _ rsA: Int, _ geometry: ImplicitGEMMGeometry,
        _ input: UnsafePointer<Scalar>, _ firstColumn: Int, _ c: UnsafeMutablePointer<Scalar>, _ rsC: Int
    ) -> Void

    @usableFromInline package typealias OptimizerUpdate = (
        OptimizerRule, _ parameter: UnsafeMutablePointer<Scalar>, _ gradient: UnsafePointer<Scalar>,
        _ state: [UnsafeMutablePointer<Scalar>], _ count: Int
    ) -> Void

    @usableFromInline package var gemm: GEMM
    @usableFromInline package var implicitGEMM: ImplicitGEMM
    @usableFromInline package var fmaPeak: (_ iterations: Int) -> (checksum: Scalar, flops: Int)
    @usableFromInline package var unary: Unary
    @usableFromInline package var binary: Binary
    @usableFromInline package var compare: Compare
    /// `condition ? lhs : rhs` (``ElementwiseEngine/select(shape:output:outputStrides:condition:conditionStrides:lhs:lhsStrides:rhs:rhsStrides:)``).
    @usableFromInline package var select: Select
    @usableFromInline package var sum: Sum
    @usableFromInline package var extreme: Extreme
    @usableFromInline package var rowwise: Rowwise
    @usableFromInline package var depthwiseForward: DepthwiseForward
    @usableFromInline package var depthwiseWeightGradient: DepthwiseWeightGradient
    /// One optimizer step over a parameter slice (``OptimizerEngine``).
    @usableFromInline package var optimizerUpdate: OptimizerUpdate
    /// PyTorch's normal sampling (`BoxMullerEngine`), always on `Float`: the same entry
    /// in both of a target's tables.
    @usableFromInline package var boxMuller: (_ data: UnsafeMutablePointer<Float>, _ count: Int, _ mean: Float, _ std: Float) -> Void
    /// float32 to float16 bit patterns over a contiguous run (`HalfConversionEngine`),
    /// also the same entry in both tables.
    @usableFromInline package var floatToHalf: (_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<UInt16>, _ count: Int) -> Void
    /// float16 bit patterns to float32 over a contiguous run.
    @usableFromInline package var halfToFloat: (_ source: UnsafePointer<UInt16>, _ destination: UnsafeMutablePointer<Float>, _ count: Int) -> Void

    @inlinable
    package init(
        gemm: @escaping GEMM, implicitGEMM: @escaping ImplicitGEMM,
        fmaPeak: @escaping (_ iterations: Int) -> (checksum: Scalar, flops: Int),
        unary: @escaping Unary, binary: @escaping Binary, compare: @escaping Compare, select: @escaping Select,
        sum: @escaping Sum, extreme: @escaping Extreme, rowwise: @escaping Rowwise,
        depthwiseForward: @escaping DepthwiseForward, depthwiseWeightGradient: @escaping DepthwiseWeightGradient,
        optimizerUpdate: @escaping OptimizerUpdate,
        boxMuller: @escaping (_ data: UnsafeMutablePointer<Float>, _ count: Int, _ mean: Float, _ std: Float) -> Void,
        floatToHalf: @escaping (_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<UInt16>, _ count: Int) -> Void,
        halfToFloat: @escaping (_ source: UnsafePointer<UInt16>, _ destination: UnsafeMutablePointer<Float>, _ count: Int) -> Void
    ) {
        self.gemm = gemm
        self.implicitGEMM = implicitGEMM
        self.fmaPeak = fmaPeak
        self.unary = unary
        self.binary = binary
        self.compare = compare
        self.select = select
        self.sum = sum
        self.extreme = extreme
        self.rowwise = rowwise
        self.depthwiseForward = depthwiseForward
        self.depthwiseWeightGradient = depthwiseWeightGradient
        self.optimizerUpdate = optimizerUpdate
        self.boxMuller = boxMuller
        self.floatToHalf = floatToHalf
        self.halfToFloat = halfToFloat
    }
}

/// A target's tables for both element types.
@usableFromInline package struct KernelTables: Sendable {
    @usableFromInline package var float: KernelTable<Float>
    @usableFromInline package var double: KernelTable<Double>

    @inlinable
    package init(float: KernelTable<Float>, double: KernelTable<Double>) {
        self.float = float
        self.double = double
    }
}

/// An instruction-set target, as the one type it declares: its multiply-add strategy
/// (the type conforming, which is also the tag that names the target's specialisations,
/// DESIGN.md's ISA rule) and its GEMM configurations (blocking and vector type) for
/// `Float` and `Double`, whose vectors the element-wise and reduction engines use too.
///
/// The target is then this conformance and one non-inlinable entry point that returns
/// ``kernelTables()``: every engine is specialised there, under the target's
/// `-target-cpu`, with the target's own types.
///
/// Why the type must be the target's own (DESIGN.md, "The performance core"): code
/// compiled under a target's `-target-cpu` must never be reachable from another
/// instruction set's path. The linker keeps one copy of each shared (`linkonce_odr`)
/// symbol, so a specialisation that two targets both emit under the same name could run
/// on the wrong CPU. Specialising every engine with a type only this target declares puts
/// the target's module name into every specialisation, closure and helper it emits, so no
/// other object defines them. `.ci/check-isa-symbols` checks the result on the built
/// objects.
@usableFromInline package protocol KernelTarget: MultiplyAddStrategy {
    associatedtype FloatConfig: GEMMKernelConfig
    where FloatConfig.Scalar == Float, FloatConfig.Vector: FloatVector, FloatConfig.StreamVector: FloatVector
    associatedtype DoubleConfig: GEMMKernelConfig
    where DoubleConfig.Scalar == Double, DoubleConfig.Vector: FloatVector, DoubleConfig.StreamVector: FloatVector
}

extension KernelTarget {
    /// This target's kernels for `Float` and `Double`. Call it from the target's own
    /// non-inlinable entry point, never from baseline code.
    @inlinable
    package static func kernelTables() -> KernelTables {
        KernelTables(float: table(FloatConfig.self), double: table(DoubleConfig.self))
    }

    /// The kernels for one element type: `Config` gives the GEMM blocking and the vector
    /// type every engine runs on.
    @inlinable
    static func table<Config: GEMMKernelConfig>(_: Config.Type) -> KernelTable<Config.Scalar>
    where Config.Vector: FloatVector, Config.StreamVector: FloatVector {
        typealias V = Config.Vector
        typealias S = Config.StreamVector
        return KernelTable(
            gemm: { m, n, k, alpha, a, rsA, csA, b, rsB, csB, beta, c, rsC, csC in
                GEMM<Config>.gemm(
                    m: m, n: n, k: k, alpha: alpha, a: a, rsA: rsA, csA: csA, b: b, rsB: rsB, csB: csB,
                    beta: beta, c: c, rsC: rsC, csC: csC)
            },
            implicitGEMM: { m, n, a, rsA, geometry, input, firstColumn, c, rsC in
                GEMM<Config>.implicitGEMM(
                    m: m, n: n, a: a, rsA: rsA, geometry: geometry, input: input, firstColumn: firstColumn, c: c, rsC: rsC)
            },
            fmaPeak: { iterations in
                (FMAPeak<Config>.run(iterations: iterations), FMAPeak<Config>.flopsPerIteration &* iterations)
            },
            unary: { op, shape, output, outputStrides, input, inputStrides in
                ElementwiseEngine<Self>.unary(
                    op, shape: shape, output: output, outputStrides: outputStrides,
                    input: input, inputStrides: inputStrides, vector: V.self)
            },
            binary: { op, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides in
                ElementwiseEngine<Self>.binary(
                    op, shape: shape, output: output, outputStrides: outputStrides,
                    lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides,
                    vector: V.self, streamVector: S.self)
            },
            compare: { op, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides in
                ElementwiseEngine<Self>.compare(
                    op, shape: shape, output: output, outputStrides: outputStrides,
                    lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides, vector: V.self)
            },
            select: { shape, output, outputStrides, condition, conditionStrides, lhs, lhsStrides, rhs, rhsStrides in
                ElementwiseEngine<Self>.select(
                    shape: shape, output: output, outputStrides: outputStrides,
                    condition: condition, conditionStrides: conditionStrides,
                    lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides, vector: V.self)
            },
            sum: { plan, output, input in
                ReduceEngine<Self>.sum(plan, output: output, input: input, vector: S.self)
            },
            extreme: { plan, largest, values, indices, input in
                ReduceEngine<Self>.extreme(plan, largest: largest, values: values, indices: indices, input: input, vector: V.self)
            },
            rowwise: { op, shape, dim, output, outputStrides, input, inputStrides in
                ReduceEngine<Self>.rowwise(
                    op, shape: shape, dim: dim, output: output, outputStrides: outputStrides,
                    input: input, inputStrides: inputStrides, vector: V.self)
            },
            depthwiseForward: { plane, input, weight, bias, accumulate, output in
                DepthwiseKernel<Config>.forward(plane, input: input, weight: weight, bias: bias, accumulate: accumulate, output: output)
            },
            depthwiseWeightGradient: { plane, input, outputGradient, weightGradient, mask in
                DepthwiseKernel<Config>.weightGradient(
                    plane, input: input, outputGradient: outputGradient, weightGradient: weightGradient, mask: mask)
            },
            optimizerUpdate: { rule, parameter, gradient, state, count in
                OptimizerEngine<Self>.update(rule, parameter: parameter, gradient: gradient, state: state, count: count, vector: V.self)
            },
            boxMuller: { data, count, mean, std in
                BoxMullerEngine<Self>.transformBlocks(data, count: count, mean: mean, std: std)
            },
            floatToHalf: { source, destination, count in
                HalfConversionEngine<Self>.floatToHalf(source, destination, count: count)
            },
            halfToFloat: { source, destination, count in
                HalfConversionEngine<Self>.halfToFloat(source, destination, count: count)
            })
    }
}

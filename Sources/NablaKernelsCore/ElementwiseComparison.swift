/// The comparisons of two floating-point operands that have kernels, giving bools.
///
/// IEEE semantics, as in NumPy and PyTorch: a comparison with NaN is false, except
/// ``notEqual``, which is true; `-0` equals `0`.
public enum FloatComparison: Sendable, Equatable, CaseIterable {
    /// `a == b`.
    case equal
    /// `a != b`.
    case notEqual
    /// `a < b`.
    case less
    /// `a <= b`.
    case lessOrEqual
    /// `a > b`.
    case greater
    /// `a >= b`.
    case greaterOrEqual
}

/// One comparison as a type, so that each run loop is specialised for it.
@usableFromInline package protocol ComparisonKernel {
    static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool
}

/// The bodies of ``FloatComparison``.
@usableFromInline package enum ComparisonKernels {
    /// See ``FloatComparison/equal``.
    @usableFromInline package enum Equal: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a == b }
    }
    /// See ``FloatComparison/notEqual``.
    @usableFromInline package enum NotEqual: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a != b }
    }
    /// See ``FloatComparison/less``.
    @usableFromInline package enum Less: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a < b }
    }
    /// See ``FloatComparison/lessOrEqual``.
    @usableFromInline package enum LessOrEqual: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a <= b }
    }
    /// See ``FloatComparison/greater``.
    @usableFromInline package enum Greater: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a > b }
    }
    /// See ``FloatComparison/greaterOrEqual``.
    @usableFromInline package enum GreaterOrEqual: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a >= b }
    }
}

extension ElementwiseEngine {
    /// `output = op(lhs, rhs)` as bools, over the same plans as the arithmetic kernels.
    ///
    /// The run loops are plain indexed loops: compiled inside an instruction-set target,
    /// the compiler vectorises them at that target's width (a mask compare and a byte
    /// narrowing per vector), which the generic `SIMDMask` conversions would not do.
    @inlinable
    package static func compare<T: VectorMathScalar>(
        _ op: FloatComparison, shape: [Int],
        output: UnsafeMutablePointer<Bool>, outputStrides: [Int],
        lhs: UnsafePointer<T>, lhsStrides: [Int],
        rhs: UnsafePointer<T>, rhsStrides: [Int]
    ) {
        switch op {
        case .equal: compare(ComparisonKernels.Equal.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
        case .notEqual: compare(ComparisonKernels.NotEqual.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
        case .less: compare(ComparisonKernels.Less.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
        case .lessOrEqual: compare(ComparisonKernels.LessOrEqual.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
        case .greater: compare(ComparisonKernels.Greater.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
        case .greaterOrEqual:
            compare(ComparisonKernels.GreaterOrEqual.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides)
        }
    }

    @inlinable
    static func compare<Op: ComparisonKernel, T: VectorMathScalar>(
        _: Op.Type, _ shape: [Int],
        _ output: UnsafeMutablePointer<Bool>, _ outputStrides: [Int],
        _ lhs: UnsafePointer<T>, _ lhsStrides: [Int],
        _ rhs: UnsafePointer<T>, _ rhsStrides: [Int]
    ) {
        if let n = ElementwisePlan.singleRow(shape: shape, cost: 1) {
            if n > 0 {
                compareRun(Op.self, n, output, outputStrides.first ?? 0, lhs, lhsStrides.first ?? 0,
                           rhs, rhsStrides.first ?? 0)
            }
            return
        }
        let plan = ElementwisePlan(shape: shape, outputStrides, lhsStrides, rhsStrides)
        let so = plan.innerStride(0), sa = plan.innerStride(1), sb = plan.innerStride(2)
        plan.parallelRuns(cost: 1) { oo, oa, ob, _, n in
            compareRun(Op.self, n, output + oo, so, lhs + oa, sa, rhs + ob, sb)
        }
    }

    /// One row of ``compare(_:shape:output:outputStrides:lhs:lhsStrides:rhs:rhsStrides:)``
    /// (not inlined, for the reason given on `unaryRun`).
    @inlinable @inline(never)
    static func compareRun<Op: ComparisonKernel, T: VectorMathScalar>(
        _: Op.Type, _ n: Int, _ out: UnsafeMutablePointer<Bool>, _ so: Int,
        _ a: UnsafePointer<T>, _ sa: Int, _ b: UnsafePointer<T>, _ sb: Int
    ) {
        if so == 1 && sa == 1 && sb == 1 {
            for i in 0..<n { out[i] = Op.apply(a[i], b[i]) }
        } else if so == 1 && sa == 1 && sb == 0 {
            // A scalar or a broadcast row on the right (`a > 0`).
            let y = b[0]
            for i in 0..<n { out[i] = Op.apply(a[i], y) }
        } else if so == 1 && sa == 0 && sb == 1 {
            let x = a[0]
            for i in 0..<n { out[i] = Op.apply(x, b[i]) }
        } else {
            var o = 0, i = 0, j = 0
            for _ in 0..<n {
                out[o] = Op.apply(a[i], b[j])
                o &+= so; i &+= sa; j &+= sb
            }
        }
    }
}

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
    static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage>
}

/// The bodies of ``FloatComparison``.
@usableFromInline package enum ComparisonKernels {
    /// See ``FloatComparison/equal``.
    @usableFromInline package enum Equal: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a == b }
        @inlinable @inline(__always) package static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage> { V.lanesEqual(a, b) }
    }
    /// See ``FloatComparison/notEqual``.
    @usableFromInline package enum NotEqual: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a != b }
        @inlinable @inline(__always) package static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage> { V.lanesNotEqual(a, b) }
    }
    /// See ``FloatComparison/less``.
    @usableFromInline package enum Less: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a < b }
        @inlinable @inline(__always) package static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage> { V.lanesLess(a, b) }
    }
    /// See ``FloatComparison/lessOrEqual``.
    @usableFromInline package enum LessOrEqual: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a <= b }
        @inlinable @inline(__always) package static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage> { V.lanesLessOrEqual(a, b) }
    }
    /// See ``FloatComparison/greater``.
    @usableFromInline package enum Greater: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a > b }
        @inlinable @inline(__always) package static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage> { V.lanesLess(b, a) }
    }
    /// See ``FloatComparison/greaterOrEqual``.
    @usableFromInline package enum GreaterOrEqual: ComparisonKernel {
        @inlinable @inline(__always) package static func apply<T: FloatingPoint>(_ a: T, _ b: T) -> Bool { a >= b }
        @inlinable @inline(__always) package static func lanes<V: FloatVector>(_ a: V, _ b: V) -> SIMDMask<V.MaskStorage> { V.lanesLessOrEqual(b, a) }
    }
}

extension ElementwiseEngine {
    /// `output = op(lhs, rhs)` as bools, over the same plans as the arithmetic kernels,
    /// one vector `V` of the target at a time where the output is contiguous.
    @inlinable
    package static func compare<V: FloatVector>(
        _ op: FloatComparison, shape: [Int],
        output: UnsafeMutablePointer<Bool>, outputStrides: [Int],
        lhs: UnsafePointer<V.Scalar>, lhsStrides: [Int],
        rhs: UnsafePointer<V.Scalar>, rhsStrides: [Int],
        vector: V.Type
    ) {
        switch op {
        case .equal: compare(ComparisonKernels.Equal.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides, V.self)
        case .notEqual: compare(ComparisonKernels.NotEqual.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides, V.self)
        case .less: compare(ComparisonKernels.Less.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides, V.self)
        case .lessOrEqual: compare(ComparisonKernels.LessOrEqual.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides, V.self)
        case .greater: compare(ComparisonKernels.Greater.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides, V.self)
        case .greaterOrEqual:
            compare(ComparisonKernels.GreaterOrEqual.self, shape, output, outputStrides, lhs, lhsStrides, rhs, rhsStrides, V.self)
        }
    }

    @inlinable
    static func compare<Op: ComparisonKernel, V: FloatVector>(
        _: Op.Type, _ shape: [Int],
        _ output: UnsafeMutablePointer<Bool>, _ outputStrides: [Int],
        _ lhs: UnsafePointer<V.Scalar>, _ lhsStrides: [Int],
        _ rhs: UnsafePointer<V.Scalar>, _ rhsStrides: [Int], _: V.Type
    ) {
        if let n = ElementwisePlan.singleRow(shape: shape, cost: 1) {
            if n > 0 {
                compareRun(Op.self, n, output, outputStrides.first ?? 0, lhs, lhsStrides.first ?? 0,
                           rhs, rhsStrides.first ?? 0, V.self)
            }
            return
        }
        let plan = ElementwisePlan(shape: shape, outputStrides, lhsStrides, rhsStrides)
        let so = plan.innerStride(0), sa = plan.innerStride(1), sb = plan.innerStride(2)
        plan.parallelRuns(cost: 1) { oo, oa, ob, _, n in
            compareRun(Op.self, n, output + oo, so, lhs + oa, sa, rhs + ob, sb, V.self)
        }
    }

    /// One row of ``compare(_:shape:output:outputStrides:lhs:lhsStrides:rhs:rhsStrides:vector:)``
    /// (not inlined, for the reason given on `unaryRun`).
    @inlinable @inline(never)
    static func compareRun<Op: ComparisonKernel, V: FloatVector>(
        _: Op.Type, _ n: Int, _ out: UnsafeMutablePointer<Bool>, _ so: Int,
        _ a: UnsafePointer<V.Scalar>, _ sa: Int, _ b: UnsafePointer<V.Scalar>, _ sb: Int, _: V.Type
    ) {
        if so == 1 && sa == 1 && sb == 1 {
            contiguousCompare(Op.self, n, out, a, false, b, false, V.self)
        } else if so == 1 && sa == 1 && sb == 0 {
            // A scalar or a broadcast row on the right (`a > 0`).
            contiguousCompare(Op.self, n, out, a, false, b, true, V.self)
        } else if so == 1 && sa == 0 && sb == 1 {
            contiguousCompare(Op.self, n, out, a, true, b, false, V.self)
        } else {
            var o = 0, i = 0, j = 0
            for _ in 0..<n {
                out[o] = Op.apply(a[i], b[j])
                o &+= so; i &+= sa; j &+= sb
            }
        }
    }

    /// A contiguous output row; each input is contiguous or one broadcast element.
    ///
    /// With 512-bit vectors (AVX-512), one vector compare into a mask register and a
    /// masked byte move per `V`: the compiler's own vectorisation of the plain loop chose
    /// 256-bit compares and joined four masks per 32 bytes, 1.16-1.26x slower on a Zen 4.
    /// Narrower vectors keep the plain loop, which the compiler vectorises with packs over
    /// several vectors at a time: on AVX2 that was 1.27x faster than one vector at a time.
    @inlinable @inline(__always)
    static func contiguousCompare<Op: ComparisonKernel, V: FloatVector>(
        _: Op.Type, _ n: Int, _ out: UnsafeMutablePointer<Bool>,
        _ a: UnsafePointer<V.Scalar>, _ aBroadcast: Bool,
        _ b: UnsafePointer<V.Scalar>, _ bBroadcast: Bool, _: V.Type
    ) {
        var i = 0
        if MemoryLayout<V>.size == 64 {
            let w = V.scalarCount
            let ca = V(repeating: a[0]), cb = V(repeating: b[0])
            while i + w <= n {
                let va = aBroadcast ? ca : load(a + i, V.self)
                let vb = bBroadcast ? cb : load(b + i, V.self)
                let lanes = unsafeBitCast(Op.lanes(va, vb), to: V.MaskStorage.self)
                for j in 0..<w { out[i + j] = lanes[j] != 0 }
                i += w
            }
        }
        if aBroadcast {
            let x = a[0]
            for t in i..<n { out[t] = Op.apply(x, b[t]) }
        } else if bBroadcast {
            let y = b[0]
            for t in i..<n { out[t] = Op.apply(a[t], y) }
        } else {
            for t in i..<n { out[t] = Op.apply(a[t], b[t]) }
        }
    }
}

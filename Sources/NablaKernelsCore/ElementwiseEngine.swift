/// The strided iteration engine behind every element-wise kernel.
///
/// A call names an output and up to three inputs by pointer and per-operand strides (in
/// elements; 0 broadcasts) over one shape. The engine builds an ``ElementwisePlan``
/// (coalesced dimensions), splits the elements across ``Parallel`` tasks when the work is
/// large, and runs each innermost row through the fastest loop its strides allow:
/// contiguous SIMD loads and stores, a broadcast operand held in a register, or lane
/// gathers for arbitrary strides. Results never depend on the split or the path taken.
///
/// Outputs must not partially overlap inputs (an output identical to an input, same
/// pointer and strides, is fine: each element is read before it is written).
///
/// `ISA` is the instruction-set target's own type, which is also its multiply-add
/// strategy: every specialisation of the engine, its closures and its
/// helpers is then named after that target, so no two targets' copies can be merged by
/// the linker (DESIGN.md's ISA rule).
@usableFromInline package enum ElementwiseEngine<ISA: MultiplyAddStrategy> {
    // MARK: SIMD operations

    /// `output = op(input)` with a SIMD body over vectors `V`.
    @inlinable
    package static func unary<Op: VectorUnaryOperation, V: FloatVector>(
        _ op: Op, shape: [Int],
        output: UnsafeMutablePointer<Op.Element>, outputStrides: [Int],
        input: UnsafePointer<Op.Element>, inputStrides: [Int],
        vector: V.Type
    ) where V.Scalar == Op.Element {
        if let n = ElementwisePlan.singleRow(shape: shape, cost: Op.cost) {
            if n > 0 { unaryRun(op, n, output, outputStrides.first ?? 0, input, inputStrides.first ?? 0, V.self, ISA.self) }
            return
        }
        let plan = ElementwisePlan(shape: shape, outputStrides, inputStrides)
        let so = plan.innerStride(0), sx = plan.innerStride(1)
        plan.parallelRuns(cost: Op.cost) { oo, ox, _, _, n in
            unaryRun(op, n, output + oo, so, input + ox, sx, V.self, ISA.self)
        }
    }

    /// One row of ``unary(_:shape:output:outputStrides:input:inputStrides:vector:)``.
    // Not inlined: `unary`/`binary` call it from two places (the small-call path and
    // the plan's runs), and two inlined copies of a large body (tanh) made the compiler
    // stop inlining the math into the loop (tanh ran at a third of its speed).
    @inlinable @inline(never)
    static func unaryRun<Op: VectorUnaryOperation, V: FloatVector, M: MultiplyAddStrategy>(
        _ op: Op, _ n: Int, _ out: UnsafeMutablePointer<Op.Element>, _ so: Int,
        _ x: UnsafePointer<Op.Element>, _ sx: Int, _: V.Type, _: M.Type
    ) where V.Scalar == Op.Element {
        let w = V.scalarCount
        if so == 1 && sx == 1 {
            var i = 0
            while i + w <= n {
                store(op.vector(load(x + i, V.self), M.self), out + i)
                i += w
            }
            if i < n { scatter(op.vector(gather(x + i, 1, n - i, V.self), M.self), out + i, 1, n - i) }
        } else if sx == 0 {
            let value = op.vector(V(repeating: x[0]), M.self)[0]
            for i in 0..<n { out[i * so] = value }
        } else {
            var i = 0
            while i < n {
                let m = min(w, n - i)
                scatter(op.vector(gather(x + i * sx, sx, m, V.self), M.self), out + i * so, so, m)
                i += m
            }
        }
    }

    /// `output = op(lhs, rhs)` with a SIMD body over vectors `V`.
    @inlinable
    package static func binary<Op: VectorBinaryOperation, V: FloatVector>(
        _ op: Op, shape: [Int],
        output: UnsafeMutablePointer<Op.Element>, outputStrides: [Int],
        lhs: UnsafePointer<Op.Element>, lhsStrides: [Int],
        rhs: UnsafePointer<Op.Element>, rhsStrides: [Int],
        vector: V.Type
    ) where V.Scalar == Op.Element {
        if let n = ElementwisePlan.singleRow(shape: shape, cost: Op.cost) {
            if n > 0 {
                binaryRun(op, n, output, outputStrides.first ?? 0, lhs, lhsStrides.first ?? 0,
                          rhs, rhsStrides.first ?? 0, V.self, ISA.self)
            }
            return
        }
        let plan = ElementwisePlan(shape: shape, outputStrides, lhsStrides, rhsStrides)
        let so = plan.innerStride(0), sa = plan.innerStride(1), sb = plan.innerStride(2)
        plan.parallelRuns(cost: Op.cost) { oo, oa, ob, _, n in
            binaryRun(op, n, output + oo, so, lhs + oa, sa, rhs + ob, sb, V.self, ISA.self)
        }
    }

    /// One row of ``binary(_:shape:output:outputStrides:lhs:lhsStrides:rhs:rhsStrides:vector:)``.
    // Not inlined, for the reason given on `unaryRun`.
    @inlinable @inline(never)
    static func binaryRun<Op: VectorBinaryOperation, V: FloatVector, M: MultiplyAddStrategy>(
        _ op: Op, _ n: Int, _ out: UnsafeMutablePointer<Op.Element>, _ so: Int,
        _ a: UnsafePointer<Op.Element>, _ sa: Int, _ b: UnsafePointer<Op.Element>, _ sb: Int,
        _: V.Type, _: M.Type
    ) where V.Scalar == Op.Element {
        if so == 1 && sa == 1 && sb == 1 {
            contiguousBinary(op, n, out, a, false, b, false, V.self, M.self)
        } else if so == 1 && sa == 0 && sb == 1 {
            contiguousBinary(op, n, out, a, true, b, false, V.self, M.self)
        } else if so == 1 && sa == 1 && sb == 0 {
            contiguousBinary(op, n, out, a, false, b, true, V.self, M.self)
        } else {
            let w = V.scalarCount
            var i = 0
            while i < n {
                let m = min(w, n - i)
                let va = gather(a + i * sa, sa, m, V.self)
                let vb = gather(b + i * sb, sb, m, V.self)
                scatter(op.vector(va, vb, M.self), out + i * so, so, m)
                i += m
            }
        }
    }

    /// A contiguous output row; each input is contiguous or one broadcast element.
    @inlinable @inline(__always)
    static func contiguousBinary<Op: VectorBinaryOperation, V: FloatVector, M: MultiplyAddStrategy>(
        _ op: Op, _ n: Int, _ out: UnsafeMutablePointer<Op.Element>,
        _ a: UnsafePointer<Op.Element>, _ aBroadcast: Bool,
        _ b: UnsafePointer<Op.Element>, _ bBroadcast: Bool, _: V.Type, _: M.Type
    ) where V.Scalar == Op.Element {
        let w = V.scalarCount
        let ca = V(repeating: a[0]), cb = V(repeating: b[0])
        var i = 0
        while i + 2 * w <= n {
            let a0 = aBroadcast ? ca : load(a + i, V.self), a1 = aBroadcast ? ca : load(a + i + w, V.self)
            let b0 = bBroadcast ? cb : load(b + i, V.self), b1 = bBroadcast ? cb : load(b + i + w, V.self)
            store(op.vector(a0, b0, M.self), out + i)
            store(op.vector(a1, b1, M.self), out + i + w)
            i += 2 * w
        }
        while i < n {
            let m = min(w, n - i)
            let va = aBroadcast ? ca : gather(a + i, 1, m, V.self)
            let vb = bBroadcast ? cb : gather(b + i, 1, m, V.self)
            scatter(op.vector(va, vb, M.self), out + i, 1, m)
            i += m
        }
    }

    // MARK: Loads and stores

    @inlinable @inline(__always)
    static func load<V: SIMD & BitwiseCopyable>(_ p: UnsafePointer<V.Scalar>, _: V.Type) -> V {
        ISAMemory<ISA>.load(UnsafeRawPointer(p), as: V.self)
    }

    @inlinable @inline(__always)
    static func store<V: SIMD & BitwiseCopyable>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) {
        ISAMemory<ISA>.store(v, to: UnsafeMutableRawPointer(p))
    }

    /// `count` elements `stride` apart into the first lanes of a vector (others 0).
    @inlinable @inline(__always)
    static func gather<V: SIMD>(_ p: UnsafePointer<V.Scalar>, _ stride: Int, _ count: Int, _: V.Type) -> V {
        var v = V()
        for j in 0..<count { v[j] = p[j * stride] }
        return v
    }

    /// The first `count` lanes of a vector to elements `stride` apart.
    @inlinable @inline(__always)
    static func scatter<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>, _ stride: Int, _ count: Int) {
        for j in 0..<count { p[j * stride] = v[j] }
    }
}

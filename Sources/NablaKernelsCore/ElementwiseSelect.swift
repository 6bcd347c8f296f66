extension ElementwiseEngine {
    /// `output = condition ? lhs : rhs` lane by lane (PyTorch's `where`), over the same
    /// plans as the arithmetic kernels: threaded when large, each operand contiguous,
    /// broadcast or strided.
    @inlinable
    package static func select<V: FloatVector>(
        shape: [Int], output: UnsafeMutablePointer<V.Scalar>, outputStrides: [Int],
        condition: UnsafePointer<Bool>, conditionStrides: [Int],
        lhs: UnsafePointer<V.Scalar>, lhsStrides: [Int],
        rhs: UnsafePointer<V.Scalar>, rhsStrides: [Int], vector: V.Type
    ) {
        if let n = ElementwisePlan.singleRow(shape: shape, cost: 1) {
            if n > 0 {
                selectRun(n, output, outputStrides.first ?? 0, condition, conditionStrides.first ?? 0,
                          lhs, lhsStrides.first ?? 0, rhs, rhsStrides.first ?? 0, V.self)
            }
            return
        }
        let plan = ElementwisePlan(shape: shape, outputStrides, conditionStrides, lhsStrides, rhsStrides)
        let so = plan.innerStride(0), sc = plan.innerStride(1), sa = plan.innerStride(2), sb = plan.innerStride(3)
        plan.parallelRuns(cost: 1) { oo, oc, oa, ob, n in
            selectRun(n, output + oo, so, condition + oc, sc, lhs + oa, sa, rhs + ob, sb, V.self)
        }
    }

    /// One row of ``select(shape:output:outputStrides:condition:conditionStrides:lhs:lhsStrides:rhs:rhsStrides:vector:)``
    /// (not inlined, for the reason given on `unaryRun`).
    ///
    /// With the output and the condition contiguous, one vector `V` at a time: the
    /// condition's bytes widened to a lane mask, both sides read and one picked per lane.
    /// (The plain loop `c[t] ? a[t] : b[t]` stayed scalar: the compiler does not vectorise
    /// a select on a loaded `Bool`.)
    @inlinable @inline(never)
    static func selectRun<V: FloatVector>(
        _ n: Int, _ out: UnsafeMutablePointer<V.Scalar>, _ so: Int, _ c: UnsafePointer<Bool>, _ sc: Int,
        _ a: UnsafePointer<V.Scalar>, _ sa: Int, _ b: UnsafePointer<V.Scalar>, _ sb: Int, _: V.Type
    ) {
        var i = 0
        if so == 1 && sc == 1 && (sa == 1 || sa == 0) && (sb == 1 || sb == 0) {
            let w = V.scalarCount
            let bytes = UnsafeRawPointer(c)
            let ca = V(repeating: a[0]), cb = V(repeating: b[0])
            while i + w <= n {
                // A Bool is one byte, 0 or 1: 0 - byte is a lane of all zeros or all ones.
                var bits = V.MaskStorage()
                for j in 0..<w {
                    bits[j] = 0 &- V.MaskStorage.Scalar(truncatingIfNeeded: bytes.load(fromByteOffset: i &+ j, as: UInt8.self))
                }
                let x = sa == 0 ? ca : load(a + i, V.self), y = sb == 0 ? cb : load(b + i, V.self)
                store(V.select(unsafeBitCast(bits, to: SIMDMask<V.MaskStorage>.self), x, y), out + i)
                i += w
            }
        }
        var o = i * so, k = i * sc, p = i * sa, q = i * sb
        while i < n {
            out[o] = c[k] ? a[p] : b[q]
            o &+= so; k &+= sc; p &+= sa; q &+= sb
            i += 1
        }
    }
}

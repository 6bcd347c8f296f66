import NablaKernelsCore
// The scalar side of the one element-wise engine. Core's `ElementwisePlan` walks every
// element-wise call, vector or scalar: it drops size-1 dimensions, merges neighbours,
// orders the walk by the output's memory order and splits it across threads. The
// vectorised float32/float64 kernels receive its runs inside an instruction-set target;
// every other dtype (integers, bools, comparisons, `where`, copies and casts) receives
// them here, in a body specialised for the concrete element types.

/// A function of one element, applied by ``ElementwiseLoop/map(_:into:_:)``.
///
/// A type rather than a closure: the run body handed to the (non-inlinable) plan is then
/// specialised for the function, which is inlined into its loop and vectorised where the
/// compiler can. A closure would be called once per element through a context.
protocol UnaryElementFunction {
    associatedtype A: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A) -> R
}

/// A function of two elements (see ``UnaryElementFunction``).
protocol BinaryElementFunction {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A, _ b: B) -> R
}

/// A function of three elements (see ``UnaryElementFunction``).
protocol TernaryElementFunction {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype C: TensorElement
    associatedtype R: TensorElement
    func callAsFunction(_ a: A, _ b: B, _ c: C) -> R
}

enum ElementwiseLoop {
    /// out[i] = f(a[i]) over `out`'s shape, `a` broadcast to it, threaded by the plan;
    /// `cost` is the work per element in the plan's units (a load-operate-store is 1).
    static func map<F: UnaryElementFunction>(_ a: Tensor, into out: Tensor, cost: Int = 1, _ f: F) {
        let pa = a.broadcastLayout(to: out.shape)
        let src = UnsafePointer(pa.rawData.assumingMemoryBound(to: F.A.self))
        let dst = out.rawData.assumingMemoryBound(to: F.R.self)
        let plan = ElementwisePlan(shape: out.shape, out.strides, pa.strides)
        let so = plan.innerStride(0), sa = plan.innerStride(1)
        plan.parallelRuns(cost: cost) { o0, o1, _, _, n in
            if so == 1 && sa == 1 {
                // Unit strides: a plain indexed loop, which the compiler vectorises.
                let d = dst + o0, x = src + o1
                for t in 0..<n { d[t] = f(x[t]) }
                return
            }
            var o = o0, i = o1
            for _ in 0..<n {
                dst[o] = f(src[i])
                o &+= so; i &+= sa
            }
        }
    }

    /// out[i] = f(a[i], b[i]) over `out`'s shape, `a` and `b` broadcast to it.
    static func map<F: BinaryElementFunction>(_ a: Tensor, _ b: Tensor, into out: Tensor, cost: Int = 1, _ f: F) {
        let pa = a.broadcastLayout(to: out.shape), pb = b.broadcastLayout(to: out.shape)
        let sa = UnsafePointer(pa.rawData.assumingMemoryBound(to: F.A.self))
        let sb = UnsafePointer(pb.rawData.assumingMemoryBound(to: F.B.self))
        let dst = out.rawData.assumingMemoryBound(to: F.R.self)
        let plan = ElementwisePlan(shape: out.shape, out.strides, pa.strides, pb.strides)
        let s0 = plan.innerStride(0), s1 = plan.innerStride(1), s2 = plan.innerStride(2)
        plan.parallelRuns(cost: cost) { o0, o1, o2, _, n in
            if s0 == 1 && s1 == 1 && s2 == 1 {
                let d = dst + o0, x = sa + o1, y = sb + o2
                for t in 0..<n { d[t] = f(x[t], y[t]) }
                return
            }
            if s0 == 1 && s1 == 1 && s2 == 0 {
                // A scalar or a broadcast row on the right (`a + 1`, `a > 0`).
                let d = dst + o0, x = sa + o1, y = sb[o2]
                for t in 0..<n { d[t] = f(x[t], y) }
                return
            }
            var o = o0, i = o1, j = o2
            for _ in 0..<n {
                dst[o] = f(sa[i], sb[j])
                o &+= s0; i &+= s1; j &+= s2
            }
        }
    }

    /// out[i] = f(a[i], b[i], c[i]) over `out`'s shape, the inputs broadcast to it.
    static func map<F: TernaryElementFunction>(_ a: Tensor, _ b: Tensor, _ c: Tensor, into out: Tensor, cost: Int = 1, _ f: F) {
        let pa = a.broadcastLayout(to: out.shape), pb = b.broadcastLayout(to: out.shape), pc = c.broadcastLayout(to: out.shape)
        let sa = UnsafePointer(pa.rawData.assumingMemoryBound(to: F.A.self))
        let sb = UnsafePointer(pb.rawData.assumingMemoryBound(to: F.B.self))
        let sc = UnsafePointer(pc.rawData.assumingMemoryBound(to: F.C.self))
        let dst = out.rawData.assumingMemoryBound(to: F.R.self)
        let plan = ElementwisePlan(shape: out.shape, out.strides, pa.strides, pb.strides, pc.strides)
        let s0 = plan.innerStride(0), s1 = plan.innerStride(1), s2 = plan.innerStride(2), s3 = plan.innerStride(3)
        plan.parallelRuns(cost: cost) { o0, o1, o2, o3, n in
            if s0 == 1 && s1 == 1 && s2 == 1 && s3 == 1 {
                let d = dst + o0, x = sa + o1, y = sb + o2, z = sc + o3
                for t in 0..<n { d[t] = f(x[t], y[t], z[t]) }
                return
            }
            var o = o0, i = o1, j = o2, k = o3
            for _ in 0..<n {
                dst[o] = f(sa[i], sb[j], sc[k])
                o &+= s0; i &+= s1; j &+= s2; k &+= s3
            }
        }
    }
}

/// The element types that arithmetic runs on: every tensor element type but `Bool`
/// (bool tensors are promoted to an integer type first) and `HalfBits` (float16 is
/// computed in float32).
protocol NumericElement: TensorElement, Numeric, Comparable {
    static func divide(_ a: Self, _ b: Self) -> Self
}

/// Floating-point element types, for the math functions.
protocol FloatElement: NumericElement, BinaryFloatingPoint {}

extension Float: NumericElement, FloatElement {
    @inline(__always) static func divide(_ a: Float, _ b: Float) -> Float { a / b }
}
extension Double: NumericElement, FloatElement {
    @inline(__always) static func divide(_ a: Double, _ b: Double) -> Double { a / b }
}
extension Int64: NumericElement {
    /// Integer division rounds toward negative infinity for `floor_divide`; true division of
    /// integers promotes to float before reaching here, so this is only for `//`-like use.
    @inline(__always) static func divide(_ a: Int64, _ b: Int64) -> Int64 {
        nablaPrecondition(b != 0, "div: integer division by zero")
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
extension Int32: NumericElement {
    @inline(__always) static func divide(_ a: Int32, _ b: Int32) -> Int32 {
        nablaPrecondition(b != 0, "div: integer division by zero")
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
extension UInt8: NumericElement {
    @inline(__always) static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 {
        nablaPrecondition(b != 0, "div: integer division by zero")
        return a / b
    }
}

/// A computation generic over the numeric element type, which
/// ``Tensor/withNumericType(_:operation:_:)`` runs with the concrete Swift type of a dtype.
///
/// A type rather than a closure: a closure taking `any NumericElement.Type` would call the
/// generic code it wraps through the existential, unspecialised, so every element would
/// go through metadata and witness tables (about 10 ns each, against a fraction of a
/// nanosecond specialised). Each branch of the dtype switch calls `run` with a concrete
/// type, which the compiler specialises.
protocol NumericElementBody {
    associatedtype Result
    func run<T: NumericElement>(_: T.Type) -> Result
}

/// A computation generic over the floating-point element type (see ``NumericElementBody``).
protocol FloatElementBody {
    associatedtype Result
    func run<T: FloatElement>(_: T.Type) -> Result
}

extension Tensor {
    /// Runs `body` with the numeric Swift type of `dtype` (bool and float16 are not
    /// numeric element types: callers promote them first).
    static func withNumericType<Body: NumericElementBody>(_ dtype: DType, operation: String, _ body: Body) -> Body.Result {
        switch dtype {
        case .float32: body.run(Float.self)
        case .float64: body.run(Double.self)
        case .int64: body.run(Int64.self)
        case .int32: body.run(Int32.self)
        case .uint8: body.run(UInt8.self)
        case .bool, .float16: nablaPreconditionFailure("\(operation): no arithmetic on \(dtype) (internal error: promote first)")
        }
    }

    /// Runs `body` with the floating-point Swift type of `dtype`.
    static func withFloatType<Body: FloatElementBody>(_ dtype: DType, operation: String, _ body: Body) -> Body.Result {
        switch dtype {
        case .float32: body.run(Float.self)
        case .float64: body.run(Double.self)
        default: nablaPreconditionFailure("\(operation): expected a float32 or float64 tensor, got \(dtype)")
        }
    }

    /// The dtype arithmetic is computed in for a result of `dtype`: float16 computes in
    /// float32 and bool in uint8 (then converts back).
    static func computeType(for dtype: DType) -> DType {
        switch dtype {
        case .float16: .float32
        case .bool: .uint8
        default: dtype
        }
    }
}

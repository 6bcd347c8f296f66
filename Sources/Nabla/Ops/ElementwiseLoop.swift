import NablaKernelsCore
// The element-wise loop of the Nabla layer: walks broadcast operands of any layout and
// hands typed runs to an operation's scalar body. The vectorised NablaKernels engine
// takes over the hot float32/float64 paths; this loop covers every dtype and layout.

/// Offsets (in elements) of up to four operands at the start of a run of `count`
/// elements along the innermost dimension, whose strides are `innerStrides`.
struct ElementRun {
    var offsets: (Int, Int, Int, Int)
    var count: Int
}

enum ElementwiseLoop {
    /// Walks `shape` in row-major order with the operands' `strides` (output first),
    /// calling `body` once per innermost run.
    static func forEachRun(shape: [Int], strides: [[Int]], _ body: (ElementRun, _ inner: (Int, Int, Int, Int)) -> Void) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        let padded = strides + Array(repeating: [Int](repeating: 0, count: shape.count), count: 4 - strides.count)
        let rank = shape.count
        if rank == 0 {
            body(ElementRun(offsets: (0, 0, 0, 0), count: 1), (0, 0, 0, 0))
            return
        }
        let inner = (padded[0][rank - 1], padded[1][rank - 1], padded[2][rank - 1], padded[3][rank - 1])
        var index = [Int](repeating: 0, count: rank)
        var o = (0, 0, 0, 0)
        while true {
            body(ElementRun(offsets: o, count: shape[rank - 1]), inner)
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                o.0 += padded[0][d]; o.1 += padded[1][d]; o.2 += padded[2][d]; o.3 += padded[3][d]
                if index[d] < shape[d] { break }
                let size = shape[d]
                o.0 -= padded[0][d] * size; o.1 -= padded[1][d] * size; o.2 -= padded[2][d] * size; o.3 -= padded[3][d] * size
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }

    /// out[i] = f(a[i]) over `out`'s shape, `a` broadcast to it.
    static func map<A: TensorElement, R: TensorElement>(_ a: Tensor, as _: A.Type, into out: Tensor, as _: R.Type, _ f: (A) -> R) {
        let pa = a.broadcastLayout(to: out.shape)
        let src = pa.rawData.assumingMemoryBound(to: A.self)
        let dst = out.rawData.assumingMemoryBound(to: R.self)
        forEachRun(shape: out.shape, strides: [out.strides, pa.strides]) { run, inner in
            var o = run.offsets.0, i = run.offsets.1
            if inner.0 == 1 && inner.1 == 1 {
                // Unit strides: a plain indexed loop, which the compiler vectorises.
                let d = dst + o, x = src + i
                for t in 0..<run.count { d[t] = f(x[t]) }
                return
            }
            for _ in 0..<run.count {
                dst[o] = f(src[i])
                o &+= inner.0; i &+= inner.1
            }
        }
    }

    /// out[i] = f(a[i], b[i]) over `out`'s shape, `a` and `b` broadcast to it.
    static func map<A: TensorElement, B: TensorElement, R: TensorElement>(
        _ a: Tensor, as _: A.Type, _ b: Tensor, as _: B.Type, into out: Tensor, as _: R.Type, _ f: (A, B) -> R
    ) {
        let pa = a.broadcastLayout(to: out.shape), pb = b.broadcastLayout(to: out.shape)
        let sa = pa.rawData.assumingMemoryBound(to: A.self)
        let sb = pb.rawData.assumingMemoryBound(to: B.self)
        let dst = out.rawData.assumingMemoryBound(to: R.self)
        forEachRun(shape: out.shape, strides: [out.strides, pa.strides, pb.strides]) { run, inner in
            var o = run.offsets.0, i = run.offsets.1, j = run.offsets.2
            if inner.0 == 1 && inner.1 == 1 && inner.2 == 1 {
                let d = dst + o, x = sa + i, y = sb + j
                for t in 0..<run.count { d[t] = f(x[t], y[t]) }
                return
            }
            for _ in 0..<run.count {
                dst[o] = f(sa[i], sb[j])
                o &+= inner.0; i &+= inner.1; j &+= inner.2
            }
        }
    }

    /// out[i] = f(a[i], b[i], c[i]) over `out`'s shape, the inputs broadcast to it.
    static func map<A: TensorElement, B: TensorElement, C: TensorElement, R: TensorElement>(
        _ a: Tensor, as _: A.Type, _ b: Tensor, as _: B.Type, _ c: Tensor, as _: C.Type,
        into out: Tensor, as _: R.Type, _ f: (A, B, C) -> R
    ) {
        let pa = a.broadcastLayout(to: out.shape), pb = b.broadcastLayout(to: out.shape), pc = c.broadcastLayout(to: out.shape)
        let sa = pa.rawData.assumingMemoryBound(to: A.self)
        let sb = pb.rawData.assumingMemoryBound(to: B.self)
        let sc = pc.rawData.assumingMemoryBound(to: C.self)
        let dst = out.rawData.assumingMemoryBound(to: R.self)
        forEachRun(shape: out.shape, strides: [out.strides, pa.strides, pb.strides, pc.strides]) { run, inner in
            var o = run.offsets.0, i = run.offsets.1, j = run.offsets.2, k = run.offsets.3
            if inner.0 == 1 && inner.1 == 1 && inner.2 == 1 && inner.3 == 1 {
                let d = dst + o, x = sa + i, y = sb + j, z = sc + k
                for t in 0..<run.count { d[t] = f(x[t], y[t], z[t]) }
                return
            }
            for _ in 0..<run.count {
                dst[o] = f(sa[i], sb[j], sc[k])
                o &+= inner.0; i &+= inner.1; j &+= inner.2; k &+= inner.3
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

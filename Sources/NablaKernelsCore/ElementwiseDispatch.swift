extension ElementwiseEngine {
    /// Runs a ``UnaryFloatOperation``: one `switch` per call picks the specialised loop.
    /// The instruction-set targets call this from their non-inlinable entry points.
    @inlinable
    package static func unary<V: FloatVector>(
        _ op: UnaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<V.Scalar>, outputStrides: [Int],
        input: UnsafePointer<V.Scalar>, inputStrides: [Int],
        vector: V.Type
    ) {
        typealias T = V.Scalar
        @inline(__always) func run<Op: VectorUnaryOperation>(_ kernel: Op) where Op.Element == T {
            unary(kernel, shape: shape, output: output, outputStrides: outputStrides,
                  input: input, inputStrides: inputStrides, vector: V.self)
        }
        switch op {
        case .neg: run(FloatOps.Neg<T>())
        case .abs: run(FloatOps.Abs<T>())
        case .sqrt: run(FloatOps.Sqrt<T>())
        case .rsqrt: run(FloatOps.Rsqrt<T>())
        case .exp: run(FloatOps.Exp<T>())
        case .log: run(FloatOps.Log<T>())
        case .log1p: run(FloatOps.Log1p<T>())
        case .expm1: run(FloatOps.Expm1<T>())
        case .sin: run(FloatOps.Sin<T>())
        case .cos: run(FloatOps.Cos<T>())
        case .tanh: run(FloatOps.Tanh<T>())
        case .sigmoid: run(FloatOps.Sigmoid<T>())
        case .relu: run(FloatOps.Relu<T>())
        case .gelu: run(FloatOps.Gelu<T>())
        case .geluTanh: run(FloatOps.GeluTanh<T>())
        case .erf: run(FloatOps.Erf<T>())
        case .sign: run(FloatOps.Sign<T>())
        case .floor: run(FloatOps.Floor<T>())
        case .ceil: run(FloatOps.Ceil<T>())
        case .round: run(FloatOps.Round<T>())
        case .leakyRelu(let slope): run(FloatOps.LeakyRelu<T>(slope: T(slope)))
        case .clamp(let lower, let upper): run(FloatOps.Clamp<T>(lower: T(lower), upper: T(upper)))
        }
    }

    /// Runs a ``BinaryFloatOperation``: the memory-bound operations (cost 1: two loads, an
    /// add or a multiply and a store per element) on `streamVector`, the others on `vector`
    /// (see ``GEMMKernelConfig/StreamVector``).
    @inlinable
    package static func binary<V: FloatVector, S: FloatVector>(
        _ op: BinaryFloatOperation, shape: [Int],
        output: UnsafeMutablePointer<V.Scalar>, outputStrides: [Int],
        lhs: UnsafePointer<V.Scalar>, lhsStrides: [Int],
        rhs: UnsafePointer<V.Scalar>, rhsStrides: [Int],
        vector: V.Type, streamVector: S.Type
    ) where S.Scalar == V.Scalar {
        typealias T = V.Scalar
        @inline(__always) func run<Op: VectorBinaryOperation>(_ kernel: Op) where Op.Element == T {
            if Op.cost == 1 {
                binary(kernel, shape: shape, output: output, outputStrides: outputStrides,
                       lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides, vector: S.self)
            } else {
                binary(kernel, shape: shape, output: output, outputStrides: outputStrides,
                       lhs: lhs, lhsStrides: lhsStrides, rhs: rhs, rhsStrides: rhsStrides, vector: V.self)
            }
        }
        switch op {
        case .add: run(FloatOps.Add<T>())
        case .sub: run(FloatOps.Sub<T>())
        case .mul: run(FloatOps.Mul<T>())
        case .div: run(FloatOps.Div<T>())
        case .pow: run(FloatOps.Pow<T>())
        case .minimum: run(FloatOps.Minimum<T>())
        case .maximum: run(FloatOps.Maximum<T>())
        case .tanhBackward: run(FloatOps.TanhBackward<T>())
        case .sigmoidBackward: run(FloatOps.SigmoidBackward<T>())
        }
    }
}

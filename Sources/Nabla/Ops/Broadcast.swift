import NablaKernelsCore
// Shapes and dtypes of operations on several tensors: NumPy broadcasting and PyTorch's
// type promotion.

extension Tensor {
    /// The shape two shapes broadcast to (NumPy's rules: align on the right, sizes equal
    /// or 1), or a trap naming the operation and both shapes.
    static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            nablaPrecondition(x == y || x == 1 || y == 1,
                         "\(operation): shapes \(a) and \(b) cannot be broadcast together (size \(x) vs \(y) at dim \(i))")
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// The shape several tensors broadcast to, like `torch.broadcast_shapes`.
    public static func broadcastShapes(_ shapes: [Int]...) -> [Int] {
        shapes.reduce([]) { broadcastShape($0, $1, operation: "broadcastShapes") }
    }

    /// A view of this tensor broadcast to `shape` (zero strides on repeated dims), with
    /// no graph node: the operation's own backward reduces gradients to the input shape.
    func broadcastLayout(to shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        return asStrided(shape: shape, strides: StridedCopy.broadcastStrides(of: self, to: shape), storageOffset: storageOffset)
    }

    /// A fresh output for an element-wise operation over `inputs`: laid out in the same
    /// dimension order as the first input that has the output's shape, when that input is
    /// dense (a permutation of a contiguous layout, like a transpose), as PyTorch does, so
    /// that `x.T + y.T` walks memory sequentially; row-major otherwise.
    /// The inputs are listed one by one rather than in an array: this runs once per
    /// operation, and tiny operations notice an array's allocation.
    static func elementwiseOutput(shape: [Int], dtype: DType, like a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil,
                                  operation: String) -> Tensor {
        // Each candidate is passed on as a parameter rather than picked into a local, which
        // saves a retain and a release per call.
        if a.shape == shape { return elementwiseOutput(shape: shape, dtype: dtype, model: a, operation: operation) }
        if let b, b.shape == shape { return elementwiseOutput(shape: shape, dtype: dtype, model: b, operation: operation) }
        if let c, c.shape == shape { return elementwiseOutput(shape: shape, dtype: dtype, model: c, operation: operation) }
        return Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: operation)
    }

    /// The output laid out like `model`, which has the output's shape.
    @inline(__always)
    private static func elementwiseOutput(shape: [Int], dtype: DType, model: Tensor, operation: String) -> Tensor {
        if model.hasRowMajorStrides {
            // The shape and the model's stride arrays are shared, not rebuilt.
            return Tensor(uninitializedShape: shape, rowMajorStrides: model.strides, dtype: dtype, zeroed: false,
                          operation: operation)
        }
        if !model.isContiguous, let order = model.denseDimensionOrder() {
            let permutedShape = order.map { shape[$0] }
            let storage = Tensor(uninitializedShape: permutedShape, dtype: dtype, zeroed: false, operation: operation)
            var strides = [Int](repeating: 0, count: shape.count)
            for (position, dim) in order.enumerated() { strides[dim] = storage.strides[position] }
            return storage.asStrided(shape: shape, strides: strides, storageOffset: 0)
        }
        return Tensor(uninitializedShape: shape, dtype: dtype, zeroed: false, operation: operation)
    }

    /// The dims from outermost to innermost when the tensor covers its elements densely
    /// without overlap (its strides are a permutation of contiguous strides), else nil.
    func denseDimensionOrder() -> [Int]? {
        let order = (0..<ndim).sorted { strides[$0] > strides[$1] || (strides[$0] == strides[$1] && $0 < $1) }
        var expected = 1
        for dim in order.reversed() where shape[dim] != 1 {
            if strides[dim] != expected { return nil }
            expected *= shape[dim]
        }
        return order
    }

    /// The kind of a dtype for promotion: bool < integer < floating point.
    private static func category(_ dtype: DType) -> Int {
        dtype == .bool ? 0 : (dtype.isFloatingPoint ? 2 : 1)
    }

    /// PyTorch's `result_type` for tensor operands: tensors with dimensions decide the
    /// dtype; 0-d tensors only raise it when they are of a higher kind (an integer tensor
    /// plus a 0-d float tensor is float, a float32 tensor plus a 0-d float64 tensor stays
    /// float32).
    static func resultType(_ tensors: [Tensor]) -> DType {
        if tensors.count == 2 { return resultType(tensors[0], tensors[1]) }
        let dimensioned = tensors.filter { $0.ndim > 0 }.map(\.dtype)
        let zeroDim = tensors.filter { $0.ndim == 0 }.map(\.dtype)
        guard let first = dimensioned.first else {
            return zeroDim.dropFirst().reduce(zeroDim[0], DType.promoted)
        }
        var result = dimensioned.dropFirst().reduce(first, DType.promoted)
        if let zero = zeroDim.first.map({ zeroDim.dropFirst().reduce($0, DType.promoted) }), category(zero) > category(result) {
            result = DType.promoted(result, zero)
        }
        return result
    }

    /// ``resultType(_:)`` for two operands, without allocating (it runs for every op).
    static func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        if a.dtype == b.dtype { return a.dtype }
        if (a.ndim == 0) == (b.ndim == 0) { return DType.promoted(a.dtype, b.dtype) }
        let (dimensioned, zeroDim) = a.ndim > 0 ? (a.dtype, b.dtype) : (b.dtype, a.dtype)
        return category(zeroDim) > category(dimensioned) ? DType.promoted(dimensioned, zeroDim) : dimensioned
    }

    /// The dtype of an operation between this tensor and a Swift number: the tensor's,
    /// unless the number is of a higher kind (a float scalar with an integer tensor gives
    /// float32, an integer scalar with a bool tensor gives int64), as in PyTorch.
    func resultType(withScalarIsFloatingPoint isFloat: Bool) -> DType {
        if isFloat && !dtype.isFloatingPoint { return .float32 }
        if !isFloat && dtype == .bool { return .int64 }
        return dtype
    }
}

/// The iteration space of one reduction: which output element each input element
/// contributes to, and in which order the inputs of one output are combined.
///
/// A reduction is described over the input's `shape` with the input's strides, the dims
/// being reduced, and the output's strides seen with those dims kept (size 1; their
/// entries are not read). The plan splits that into
///
/// - the *kept* dims, walked with an ``ElementwisePlan`` over the output (operand 0) and
///   the input (operand 1), so that outputs are visited in memory order and neighbouring
///   dims are merged;
/// - the *reduced* dims, merged where neighbours step through memory as one dim. The last
///   of them is the *row* (`rowCount` elements `rowStride` apart); the others are listed
///   as one offset per row in `rowOffsets`.
///
/// The reduced elements of one output form the flat range `0..<reducedCount`, row-major
/// over the reduced dims in the order given (so an index found by a reduction is the
/// row-major position within the reduced dims). When the order of the inputs does not
/// matter to the result's meaning (sums), the reduced dims may first be sorted by
/// decreasing stride, so that transposed inputs are read in memory order.
///
/// A class, so that the kernels share one plan by reference: copying a struct of arrays
/// would make each instruction-set target emit a copy function under a name every target
/// shares (DESIGN.md's ISA rule).
@usableFromInline package final class ReductionPlan: Sendable {
    /// The kept dims: output (operand 0) and input (operand 1) strides.
    @usableFromInline package let outer: ElementwisePlan
    /// The number of output elements.
    @usableFromInline package let outputCount: Int
    /// The number of elements in the last reduced dim after merging (1 when nothing is
    /// reduced).
    @usableFromInline package let rowCount: Int
    /// The input stride of the last reduced dim after merging.
    @usableFromInline package let rowStride: Int
    /// The input offset (in elements) of each row, relative to an output's first input.
    @usableFromInline package let rowOffsets: [Int]
    /// The number of inputs each output reduces: `rowOffsets.count * rowCount`.
    @usableFromInline package var reducedCount: Int { rowOffsets.count * rowCount }

    /// Builds the plan.
    ///
    /// - Parameters:
    ///   - shape: the input's shape.
    ///   - dims: the dims to reduce, each in `0..<shape.count`, without repeats.
    ///   - inputStrides: the input's strides, in elements (any sign).
    ///   - outputStrides: the output's strides over `shape` with the reduced dims kept
    ///     (the entries of reduced dims are not read).
    ///   - keepOrder: walk the reduced dims in the given (row-major) order even when
    ///     another order would read memory more sequentially.
    @usableFromInline package init(shape: [Int], dims: [Int], inputStrides: [Int], outputStrides: [Int], keepOrder: Bool) {
        nablaPrecondition(inputStrides.count == shape.count && outputStrides.count == shape.count,
                     "reduce: strides \(inputStrides) and \(outputStrides) do not match shape \(shape)")
        nablaPrecondition(dims.allSatisfy { $0 >= 0 && $0 < shape.count } && Set(dims).count == dims.count,
                     "reduce: bad dims \(dims) for shape \(shape)")
        nablaPrecondition(shape.allSatisfy { $0 >= 0 }, "reduce: negative extent in shape \(shape)")
        let kept = (0..<shape.count).filter { !dims.contains($0) }
        outer = ElementwisePlan(shape: kept.map { shape[$0] },
                                operandStrides: [kept.map { outputStrides[$0] }, kept.map { inputStrides[$0] }])
        outputCount = outer.count

        var reduced = dims.sorted().filter { shape[$0] != 1 }
        if !keepOrder {
            // A stable sort by decreasing |stride|, so that ties keep the logical order.
            for i in reduced.indices.dropFirst() {
                var j = i
                while j > 0, abs(inputStrides[reduced[j - 1]]) < abs(inputStrides[reduced[j]]) {
                    reduced.swapAt(j - 1, j)
                    j -= 1
                }
            }
        }
        var extents: [Int] = [], strides: [Int] = []
        for d in reduced {
            if let last = extents.last, strides[strides.count - 1] == inputStrides[d] * shape[d] {
                extents[extents.count - 1] = last * shape[d]
                strides[strides.count - 1] = inputStrides[d]
            } else {
                extents.append(shape[d])
                strides.append(inputStrides[d])
            }
        }
        if extents.contains(0) {
            rowCount = 0
            rowStride = 1
            rowOffsets = []
            return
        }
        rowCount = extents.last ?? 1
        rowStride = strides.last ?? 1
        var offsets = [0]
        for (extent, stride) in zip(extents.dropLast(), strides.dropLast()) {
            offsets = offsets.flatMap { base in (0..<extent).map { base + $0 * stride } }
        }
        rowOffsets = offsets
    }
}

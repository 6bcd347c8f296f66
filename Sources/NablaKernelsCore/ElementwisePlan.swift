/// The iteration space of one element-wise call after broadcasting has been expressed as
/// zero strides: dimensions reordered so the output is walked in memory order, size-1
/// dimensions dropped, and neighbours merged wherever every operand steps through them
/// as through one dimension (as PyTorch's TensorIterator does).
///
/// Operand 0 is the output; operands 1 to 3 are inputs (unused ones have zero strides).
/// Strides are in elements and may be zero (broadcast) or negative.
@usableFromInline package struct ElementwisePlan: Sendable {
    /// The extent of each dimension, outermost first; never empty (a 0-d call is `[1]`).
    @usableFromInline package private(set) var shape: [Int]
    /// `strides[operand][dimension]`, four operands.
    @usableFromInline package private(set) var strides: [[Int]]
    /// The number of elements (the product of `shape`); 0 when any dimension is empty.
    @usableFromInline package let count: Int

    /// The plan of an output and one input (`ElementwisePlan(shape:operandStrides:)`).
    /// This and the accessors below are not inlinable: the kernels that the instruction-set
    /// targets compile call them here, so that the arrays they touch are baseline code.
    @usableFromInline package init(shape: [Int], _ output: [Int], _ input: [Int]) {
        self.init(shape: shape, operandStrides: [output, input])
    }

    /// The plan of an output and two inputs.
    @usableFromInline package init(shape: [Int], _ output: [Int], _ first: [Int], _ second: [Int]) {
        self.init(shape: shape, operandStrides: [output, first, second])
    }

    /// The plan of an output and three inputs.
    @usableFromInline package init(shape: [Int], _ output: [Int], _ first: [Int], _ second: [Int], _ third: [Int]) {
        self.init(shape: shape, operandStrides: [output, first, second, third])
    }

    /// Operand `operand`'s stride along the innermost (coalesced) dim.
    @usableFromInline package func innerStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }

    /// The extent of the innermost (coalesced) dim.
    @usableFromInline package var innerExtent: Int { shape[shape.count - 1] }

    /// Builds the plan for `shape`, with `operandStrides[k]` the strides of operand `k`
    /// (at most four operands, output first), each as long as `shape`.
    @usableFromInline package init(shape: [Int], operandStrides: [[Int]]) {
        nablaPrecondition(operandStrides.count >= 1 && operandStrides.count <= 4,
                     "elementwise: 1 to 4 operands, got \(operandStrides.count)")
        for s in operandStrides {
            nablaPrecondition(s.count == shape.count,
                         "elementwise: strides \(s) do not match shape \(shape)")
        }
        nablaPrecondition(shape.allSatisfy { $0 >= 0 }, "elementwise: negative extent in shape \(shape)")
        count = shape.reduce(1, *)
        var strides = operandStrides + Array(repeating: Array(repeating: 0, count: shape.count), count: 4 - operandStrides.count)
        var dims = (0..<shape.count).filter { shape[$0] != 1 }
        // Walk the output in memory order: stable sort by decreasing output stride, so a
        // transposed output is written sequentially and ties keep the logical order.
        for i in dims.indices.dropFirst() {
            var j = i
            while j > 0, abs(strides[0][dims[j - 1]]) < abs(strides[0][dims[j]]) {
                dims.swapAt(j - 1, j)
                j -= 1
            }
        }
        var newShape: [Int] = []
        var newStrides: [[Int]] = Array(repeating: [], count: 4)
        for d in dims {
            if let last = newShape.last,
               (0..<4).allSatisfy({ newStrides[$0].last! == strides[$0][d] * shape[d] })
            {
                newShape[newShape.count - 1] = last * shape[d]
                for k in 0..<4 { newStrides[k][newStrides[k].count - 1] = strides[k][d] }
            } else {
                newShape.append(shape[d])
                for k in 0..<4 { newStrides[k].append(strides[k][d]) }
            }
        }
        if newShape.isEmpty {
            newShape = [1]
            newStrides = Array(repeating: [0], count: 4)
        }
        strides = newStrides
        self.shape = newShape
        self.strides = strides
    }

    /// Calls `body(o0, o1, o2, o3, n)` for each run of `n` consecutive elements of the
    /// innermost dimension inside the linear element range `range`, with `ok` the
    /// element offset of operand `k` at the start of the run.
    ///
    /// Not inlinable: the walk (its index array, its carries) is baseline code in this
    /// module, and an instruction-set target's kernels receive only the runs.
    @usableFromInline package func forEachRun(in range: Range<Int>, _ body: (Int, Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        let inner = shape[rank - 1]
        let s0 = strides[0], s1 = strides[1], s2 = strides[2], s3 = strides[3]
        var index = [Int](repeating: 0, count: rank)
        var rest = range.lowerBound
        var o0 = 0, o1 = 0, o2 = 0, o3 = 0
        for d in stride(from: rank - 1, through: 0, by: -1) {
            index[d] = rest % shape[d]
            rest /= shape[d]
            o0 += index[d] * s0[d]; o1 += index[d] * s1[d]; o2 += index[d] * s2[d]; o3 += index[d] * s3[d]
        }
        var position = range.lowerBound
        while position < range.upperBound {
            let n = min(inner - index[rank - 1], range.upperBound - position)
            body(o0, o1, o2, o3, n)
            position += n
            if position == range.upperBound { break }
            // Back to the start of the row, then carry into the outer dimensions.
            let done = index[rank - 1]  // the column where this run started
            o0 -= done * s0[rank - 1]; o1 -= done * s1[rank - 1]; o2 -= done * s2[rank - 1]; o3 -= done * s3[rank - 1]
            index[rank - 1] = 0
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                o0 += s0[d]; o1 += s1[d]; o2 += s2[d]; o3 += s3[d]
                if index[d] < shape[d] { break }
                o0 -= shape[d] * s0[d]; o1 -= shape[d] * s1[d]; o2 -= shape[d] * s2[d]; o3 -= shape[d] * s3[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// The work (elements times cost) below which a call runs on one thread.
    @inlinable package static var grain: Int { 1 << 18 }

    /// The length of the single row that a 0-d or 1-d call over `shape` is, when it is
    /// small enough to run on the calling thread without building a plan (autograd on
    /// tiny tensors is made of such calls); nil otherwise.
    @inlinable package static func singleRow(shape: [Int], cost: Int) -> Int? {
        guard shape.count <= 1 else { return nil }
        let n = shape.first ?? 1
        return n * cost < grain ? n : nil
    }

    /// Splits the elements into tasks (one per `grain` units of work, where each element
    /// costs `cost`) and walks each task's contiguous range of elements on its own thread.
    /// Element-wise results do not depend on the split. Not inlinable, like ``forEachRun(in:_:)``.
    @usableFromInline package func parallelRuns(cost: Int, _ body: (Int, Int, Int, Int, Int) -> Void) {
        let total = count
        guard total > 0 else { return }
        let tasks = Parallel.taskCount(work: total * cost, grain: ElementwisePlan.grain)
        if tasks == 1 {
            forEachRun(in: 0..<total, body)
            return
        }
        Parallel.run(tasks) { task in
            forEachRun(in: Parallel.slice(total, tasks: tasks, task: task), body)
        }
    }
}

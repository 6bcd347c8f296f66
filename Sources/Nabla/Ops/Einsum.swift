import NablaKernelsCore
// einsum: Einstein summation over labelled dims.
//
// The equation is parsed into one label per dim (letters, and numbered labels for the
// dims an ellipsis covers, aligned on the right and broadcast across operands). Repeated
// labels within an operand become a diagonal view; then operands are contracted left to
// right, two at a time, as one batched matrix product: labels both sides keep become the
// batch, labels no later operand or the output needs are summed by the product itself
// (or, when only one side has them, by a sum first). Everything is built from
// differentiable ops (permute, expand, reshape, sum, bmm, the diagonal view), so the
// gradient follows.

extension Tensor {
    /// Einstein summation, like `torch.einsum(equation, *operands)`.
    ///
    /// Each operand gets one subscript letter per dim (`a`–`z`, `A`–`Z`), separated by
    /// commas; `->` names the output's subscripts. Without `->` (implicit mode) the output
    /// has the letters that appear exactly once, in alphabetical order (uppercase first).
    /// Letters absent from the output are summed over; a letter repeated within one
    /// operand takes its diagonal (`"ii->i"`, or `"ii"` for the trace). `...` stands for
    /// the remaining dims, which broadcast across operands; implicit outputs put them
    /// first, and an explicit output without `...` sums them. Size-1 dims broadcast
    /// against the same letter's size in other operands.
    ///
    /// ```swift
    /// let c = Tensor.einsum("ij,jk->ik", a, b)          // a.matmul(b)
    /// let t = Tensor.einsum("ii", m)                    // trace
    /// let y = Tensor.einsum("b...i,ij->b...j", x, w)    // batched projection
    /// ```
    ///
    /// Contractions run as matrix products on the GEMM kernels. The operands share one
    /// dtype, as in PyTorch (mixing float32 and int64 traps). Integer operands are
    /// computed exactly below 2^53; bool operands are not supported. A malformed equation,
    /// or one that does not fit the operands' shapes, traps with a message naming both.
    public static func einsum(_ equation: String, _ operands: Tensor...) -> Tensor {
        let shapes = operands.map(\.shape)
        nablaPrecondition(!operands.isEmpty, "einsum: expects at least one operand for equation \"\(equation)\"")
        nablaPrecondition(operands.allSatisfy { $0.dtype != .bool }, "einsum: bool operands are not supported, got \(operands.map(\.dtype)) (equation \"\(equation)\", shapes \(shapes))")
        nablaPrecondition(operands.allSatisfy { $0.dtype == operands[0].dtype },
                          "einsum: operands must have the same dtype, as in PyTorch, got \(operands.map(\.dtype)) (equation \"\(equation)\", shapes \(shapes)); convert with .to(_:)")
        let subscripts = EinsumSubscripts(equation, shapes: shapes)
        var terms: [EinsumTerm] = zip(operands, subscripts.inputs).map { EinsumTerm($0, labels: $1).diagonalized() }
        let output = Set(subscripts.output)
        var current = terms.removeFirst()
        for (i, other) in terms.enumerated() {
            var needed = output
            for later in terms[(i + 1)...] { needed.formUnion(later.labels) }
            let left = current.summed(keeping: needed.union(other.labels))
            let right = other.summed(keeping: needed.union(left.labels))
            current = left.contracted(with: right, keeping: needed, sizes: subscripts.sizes)
        }
        current = current.summed(keeping: output)
        return current.tensor.permute(subscripts.output.map { current.labels.firstIndex(of: $0)! })
    }
}

/// An equation parsed against the operands' shapes: one label per dim of every operand
/// and of the output, and each label's size. Letters are labels 0..<52 in ASCII order
/// (`A` is 0, `a` is 26); the dims an ellipsis covers are labels 100, 101, ...
private struct EinsumSubscripts {
    var inputs: [[Int]] = []
    var output: [Int] = []
    var sizes: [Int: Int] = [:]

    static let ellipsisBase = 100

    init(_ equation: String, shapes: [[Int]]) {
        func fail(_ message: String) -> Never {
            nablaPreconditionFailure("einsum: \(message) (equation \"\(equation)\", operand shapes \(shapes))")
        }
        let spec = equation.filter { $0 != " " }
        let lhs: Substring, rhs: Substring?
        if let arrow = spec.firstRange(of: "->") {
            lhs = spec[..<arrow.lowerBound]
            rhs = spec[arrow.upperBound...]
        } else {
            lhs = spec[...]
            rhs = nil
        }
        // A term as labels, nil standing for its ellipsis.
        func parse(_ term: Substring) -> [Int?] {
            var labels: [Int?] = []
            var i = term.startIndex
            while i < term.endIndex {
                let c = term[i]
                if c == "." {
                    guard term[i...].hasPrefix("...") else { fail("a '.' that is not part of an ellipsis '...' in \"\(term)\"") }
                    guard !labels.contains(where: { $0 == nil }) else { fail("more than one ellipsis in \"\(term)\"") }
                    labels.append(nil)
                    i = term.index(i, offsetBy: 3)
                    continue
                }
                guard let ascii = c.asciiValue, c.isLetter else { fail("invalid subscript '\(c)'; subscripts are letters a-z, A-Z and '...'") }
                labels.append(ascii >= 97 ? 26 + Int(ascii) - 97 : Int(ascii) - 65)
                i = term.index(after: i)
            }
            return labels
        }
        let terms = lhs.split(separator: ",", omittingEmptySubsequences: false).map(parse)
        guard terms.count == shapes.count else { fail("the equation has \(terms.count) operand subscripts but \(shapes.count) operands were given") }
        var ellipsisRank = 0
        for (k, (term, shape)) in zip(terms, shapes).enumerated() {
            let letters = term.filter { $0 != nil }.count
            if term.contains(where: { $0 == nil }) {
                guard shape.count >= letters else { fail("operand \(k) has \(shape.count) dims but \(letters) subscripts") }
                ellipsisRank = Swift.max(ellipsisRank, shape.count - letters)
            } else {
                guard shape.count == letters else { fail("operand \(k) has \(shape.count) dims but \(letters) subscripts") }
            }
        }
        func expanded(_ term: [Int?], covering count: Int) -> [Int] {
            term.flatMap { label -> [Int] in
                label.map { [$0] } ?? (0..<count).map { Self.ellipsisBase + ellipsisRank - count + $0 }
            }
        }
        var occurrences: [Int: Int] = [:]
        for (k, (term, shape)) in zip(terms, shapes).enumerated() {
            let labels = expanded(term, covering: shape.count - term.filter { $0 != nil }.count)
            var seen: [Int: Int] = [:]
            for (label, size) in zip(labels, shape) {
                if let first = seen[label], first != size {
                    fail("subscript \(Self.name(label)) is repeated in operand \(k) for dims of sizes \(first) and \(size); a diagonal needs equal sizes")
                }
                seen[label] = size
                occurrences[label, default: 0] += 1
                if let known = sizes[label], known != size {
                    guard known == 1 || size == 1 else {
                        fail("subscript \(Self.name(label)) has size \(size) in operand \(k), which does not broadcast with size \(known)")
                    }
                    sizes[label] = Swift.max(known, size)
                } else {
                    sizes[label] = size
                }
            }
            inputs.append(labels)
        }
        let ellipsisLabels = (0..<ellipsisRank).map { Self.ellipsisBase + $0 }
        if let rhs {
            let term = parse(rhs)
            output = expanded(term, covering: ellipsisRank)
            for label in term.compactMap({ $0 }) {
                guard output.filter({ $0 == label }).count == 1 else { fail("output subscript \(Self.name(label)) appears more than once") }
                guard occurrences[label] != nil else { fail("output subscript \(Self.name(label)) does not appear in any operand") }
            }
        } else {
            output = ellipsisLabels + occurrences.keys.filter { $0 < Self.ellipsisBase && occurrences[$0] == 1 }.sorted()
        }
    }

    /// The letter of a label, or "..." for an ellipsis dim.
    static func name(_ label: Int) -> String {
        if label >= ellipsisBase { return "'...'" }
        let ascii = label < 26 ? 65 + label : 97 + label - 26
        return "'\(Character(Unicode.Scalar(UInt8(ascii))))'"
    }
}

/// An intermediate of the contraction: a tensor and the label of each of its dims.
private struct EinsumTerm {
    var tensor: Tensor
    var labels: [Int]

    init(_ tensor: Tensor, labels: [Int]) {
        self.tensor = tensor
        self.labels = labels
    }

    /// The term with each repeated label reduced to one dim: the diagonal, as a view
    /// (the strides of the repeated dims add up), whose gradient fills that diagonal.
    func diagonalized() -> EinsumTerm {
        var unique: [Int] = [], shape: [Int] = [], strides: [Int] = []
        for (dim, label) in labels.enumerated() {
            if let j = unique.firstIndex(of: label) {
                // Equal sizes: EinsumSubscripts checked them.
                strides[j] += tensor.strides[dim]
            } else {
                unique.append(label)
                shape.append(tensor.shape[dim])
                strides.append(tensor.strides[dim])
            }
        }
        if unique.count == labels.count { return self }
        let input = tensor, labels = labels
        let diagonal = tensor.asStrided(shape: shape, strides: strides, storageOffset: tensor.storageOffset)
            .recordingGradient("DiagonalBackward0", inputs: [tensor]) { g in
                let full = Tensor.zeros(input.shape, dtype: g.dtype)
                var gradientStrides = [Int](repeating: 0, count: unique.count)
                for (dim, label) in labels.enumerated() { gradientStrides[unique.firstIndex(of: label)!] += full.strides[dim] }
                StridedCopy.copy(g, into: full.asStrided(shape: shape, strides: gradientStrides, storageOffset: 0))
                return [full]
            }
        return EinsumTerm(diagonal, labels: unique)
    }

    /// The term with every label outside `keep` summed over.
    func summed(keeping keep: Set<Int>) -> EinsumTerm {
        let dims = labels.indices.filter { !keep.contains(labels[$0]) }
        if dims.isEmpty { return self }
        return EinsumTerm(tensor.sum(dims: dims), labels: labels.filter { keep.contains($0) })
    }

    /// The product of two terms summed over the labels they share that `keep` lacks,
    /// as one batched matrix product: [batch, left, contracted] @ [batch, contracted, right].
    func contracted(with other: EinsumTerm, keeping keep: Set<Int>, sizes: [Int: Int]) -> EinsumTerm {
        let shared = Set(labels).intersection(other.labels)
        let batch = labels.filter { shared.contains($0) && keep.contains($0) }
        let contracted = labels.filter { shared.contains($0) && !keep.contains($0) }
        let left = labels.filter { !shared.contains($0) }
        let right = other.labels.filter { !shared.contains($0) }
        // Permuted into `order`, with shared size-1 dims broadcast to the other side's size.
        func arranged(_ term: EinsumTerm, _ order: [Int]) -> Tensor {
            let permutation = order.map { term.labels.firstIndex(of: $0)! }
            let target = zip(order, permutation).map { label, dim in shared.contains(label) ? sizes[label]! : term.tensor.shape[dim] }
            return term.tensor.permute(permutation).expand(target)
        }
        let a = arranged(self, batch + left + contracted)
        let b = arranged(other, batch + contracted + right)
        let batchSizes = Array(a.shape[0..<batch.count])
        let leftSizes = Array(a.shape[batch.count..<(batch.count + left.count)])
        let rightSizes = Array(b.shape[(batch.count + contracted.count)...])
        let m = leftSizes.reduce(1, *), k = contracted.reduce(1) { $0 * sizes[$1]! }, n = rightSizes.reduce(1, *)
        let batches = batchSizes.reduce(1, *)
        let product = a.reshape([batches, m, k]).bmm(b.reshape([batches, k, n]))
        return EinsumTerm(product.reshape(batchSizes + leftSizes + rightSizes), labels: batch + left + right)
    }
}

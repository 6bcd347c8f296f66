import Testing
import NablaKernels

/// A random reduction problem: an input view of random layout and the dims to reduce.
struct ReduceCase {
    var shape: [Int]
    var dims: [Int]
    var input: StridedOperand

    static func random(maxRank: Int, maxExtent: Int, using g: inout some RandomNumberGenerator) -> ReduceCase {
        let rank = Int.random(in: 0...maxRank, using: &g)
        let shape = (0..<rank).map { _ in Int.random(in: 0...maxExtent, using: &g) }
        let dims = (0..<rank).filter { _ in Bool.random(using: &g) }.shuffled(using: &g)
        return ReduceCase(shape: shape, dims: dims, input: .random(shape: shape, broadcast: false, using: &g))
    }

    /// The output's shape with the reduced dims kept as 1, and its contiguous strides.
    var keptShape: [Int] { shape.indices.map { dims.contains($0) ? 1 : shape[$0] } }
    var outputStrides: [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for d in shape.indices.reversed() { strides[d] = running; running *= Swift.max(keptShape[d], 1) }
        return strides
    }
    var outputCount: Int { keptShape.reduce(1, *) }

    /// Each output's inputs, in row-major order over the reduced dims.
    func groups<T>(_ storage: [T]) -> [[T]] {
        var groups = [[T]](repeating: [], count: outputCount)
        let strides = outputStrides
        for index in allIndices(shape) {
            let o = index.indices.reduce(0) { $0 + (dims.contains($1) ? 0 : index[$1] * strides[$1]) }
            groups[o].append(storage[input.index(index)])
        }
        return groups
    }
}

/// |a - b| <= tolerance * scale, with NaN equal to NaN.
func close(_ a: Double, _ b: Double, tolerance: Double, scale: Double = 1) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return Swift.abs(a - b) <= tolerance * Swift.max(scale, 1e-300)
}

/// The winner and its first position as torch.max/min define them.
func referenceExtreme(_ values: [Double], largest: Bool) -> (Double, Int) {
    var best = (values[0], 0)
    for (i, v) in values.enumerated() {
        if best.0.isNaN { break }
        if v.isNaN || (largest ? v > best.0 : v < best.0) { best = (v, i) }
    }
    return best
}

func callSum(_ c: ReduceCase, _ x: [Float], isa: KernelISA) -> [Float] {
    var out = [Float](repeating: .nan, count: c.outputCount)
    x.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
            Reduce.sum(shape: c.shape, dims: c.dims, output: po.baseAddress!, outputStrides: c.outputStrides,
                       input: px.baseAddress! + c.input.offset, inputStrides: c.input.strides, isa: isa)
        }
    }
    return out
}

func callSum(_ c: ReduceCase, _ x: [Double], isa: KernelISA) -> [Double] {
    var out = [Double](repeating: .nan, count: c.outputCount)
    x.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
            Reduce.sum(shape: c.shape, dims: c.dims, output: po.baseAddress!, outputStrides: c.outputStrides,
                       input: px.baseAddress! + c.input.offset, inputStrides: c.input.strides, isa: isa)
        }
    }
    return out
}

func callExtreme(_ c: ReduceCase, _ x: [Float], largest: Bool, isa: KernelISA) -> (values: [Float], indices: [Int64], valueOnly: [Float]) {
    var values = [Float](repeating: 7, count: c.outputCount), indices = [Int64](repeating: -1, count: c.outputCount)
    var valueOnly = values
    x.withUnsafeBufferPointer { px in
        values.withUnsafeMutableBufferPointer { pv in
            indices.withUnsafeMutableBufferPointer { pi in
                Reduce.extreme(largest: largest, shape: c.shape, dims: c.dims, values: pv.baseAddress!, indices: pi.baseAddress!,
                               outputStrides: c.outputStrides, input: px.baseAddress! + c.input.offset, inputStrides: c.input.strides, isa: isa)
            }
        }
        valueOnly.withUnsafeMutableBufferPointer { pv in
            Reduce.extreme(largest: largest, shape: c.shape, dims: c.dims, values: pv.baseAddress!, indices: nil,
                           outputStrides: c.outputStrides, input: px.baseAddress! + c.input.offset, inputStrides: c.input.strides, isa: isa)
        }
    }
    return (values, indices, valueOnly)
}

func callRowwise(_ op: RowwiseOperation, shape: [Int], dim: Int, input: StridedOperand, _ x: [Float], isa: KernelISA) -> [Float] {
    var outShape = shape
    if op == .logSumExp { outShape[dim] = 1 }
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for d in shape.indices.reversed() { strides[d] = running; running *= Swift.max(outShape[d], 1) }
    var out = [Float](repeating: .nan, count: outShape.reduce(1, *))
    x.withUnsafeBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
            Reduce.rowwise(op, shape: shape, dim: dim, output: po.baseAddress!, outputStrides: strides,
                           input: px.baseAddress! + input.offset, inputStrides: input.strides, isa: isa)
        }
    }
    return out
}

@Suite struct ReduceTests {
    // MARK: Sum

    @Test func sumMatchesFloat64ReferenceOnRandomShapesAndLayouts() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let c = ReduceCase.random(maxRank: trial % 4 == 0 ? 2 : 4, maxExtent: trial % 4 == 0 ? 300 : 7, using: &g)
            let x = (0..<c.input.storageCount).map { _ in Float.random(in: -2...2, using: &g) }
            let groups = c.groups(x.map(Double.init))
            for isa in testedISAs {
                let out = callSum(c, x, isa: isa)
                for (o, group) in groups.enumerated() {
                    let expected = group.reduce(0, +)
                    let scale = group.reduce(0) { $0 + Swift.abs($1) }
                    #expect(close(Double(out[o]), expected, tolerance: 1e-6, scale: scale),
                            "sum \(isa) shape \(c.shape) dims \(c.dims) strides \(c.input.strides): output \(o) is \(out[o]), expected \(expected)")
                }
            }
        }
    }

    @Test func sumIsAccurateOnLongRowsColumnsAndMiddleDims() {
        var g = SystemRandomNumberGenerator()
        // (shape, dims, transposed): a long row, columns (a bias gradient), a middle dim,
        // a transposed full sum, and rows too short for the column path.
        let cases: [([Int], [Int], Bool)] = [
            ([100_003], [0], false), ([3000, 37], [0], false), ([37, 3000], [1], false),
            ([5, 301, 40], [1], false), ([64, 256], [0], false), ([300, 500], [0, 1], true),
            ([2000, 3], [0], false), ([700, 33], [0], true), ([6, 7, 8, 9], [0, 2, 3], false),
        ]
        for (shape, dims, transposed) in cases {
            var input = StridedOperand.random(shape: shape, broadcast: false, using: &g)
            if transposed {
                input.strides = shape.count == 2 ? [1, shape[0]] : input.strides
                input.offset = 0
            }
            let c = ReduceCase(shape: shape, dims: dims, input: input)
            let x = (0..<input.storageCount).map { _ in Float.random(in: 0...1, using: &g) }
            let xd = x.map(Double.init)
            let groups = c.groups(xd)
            for isa in testedISAs {
                let out = callSum(c, x, isa: isa)
                let outD = callSum(c, xd, isa: isa)
                for (o, group) in groups.enumerated() {
                    let expected = group.reduce(0, +)
                    // Pairwise summation: a few ulps of the total, not n ulps.
                    #expect(close(Double(out[o]), expected, tolerance: 2e-6, scale: expected),
                            "sum \(isa) shape \(shape) dims \(dims): \(out[o]) vs \(expected)")
                    #expect(close(outD[o], expected, tolerance: 1e-14, scale: expected),
                            "sum (double) \(isa) shape \(shape) dims \(dims): \(outD[o]) vs \(expected)")
                }
            }
        }
    }

    @Test func sumOverEmptyDimsIsZeroAndEmptyOutputsAreNotWritten() {
        let c = ReduceCase(shape: [3, 0, 2], dims: [1], input: StridedOperand(strides: [0, 2, 1], offset: 0, storageCount: 1))
        #expect(callSum(c, [Float(5)], isa: .current) == [0, 0, 0, 0, 0, 0])
        let none = ReduceCase(shape: [0, 4], dims: [1], input: StridedOperand(strides: [4, 1], offset: 0, storageCount: 1))
        #expect(callSum(none, [Float(5)], isa: .current) == [])
        let nothing = ReduceCase(shape: [2, 3], dims: [], input: StridedOperand(strides: [1, 2], offset: 0, storageCount: 6))
        #expect(callSum(nothing, [Float(1), 2, 3, 4, 5, 6], isa: .current) == [1, 3, 5, 2, 4, 6])
    }

    // MARK: Max and min

    @Test func extremesMatchReferenceWithTiesAndNaN() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            var c = ReduceCase.random(maxRank: trial % 4 == 0 ? 2 : 4, maxExtent: trial % 4 == 0 ? 150 : 6, using: &g)
            c.dims = c.dims.filter { c.shape[$0] > 0 }
            // Few distinct values, so that ties are common; NaN in some trials.
            var x = (0..<c.input.storageCount).map { _ in Float(Int.random(in: -3...3, using: &g)) }
            if trial % 3 == 0 {
                for _ in 0..<Int.random(in: 1...3, using: &g) where !x.isEmpty { x[Int.random(in: 0..<x.count, using: &g)] = .nan }
            }
            if trial % 5 == 0 && !x.isEmpty { x[Int.random(in: 0..<x.count, using: &g)] = -.infinity }
            let groups = c.groups(x.map(Double.init))
            for isa in testedISAs {
                for largest in [true, false] {
                    let (values, indices, valueOnly) = callExtreme(c, x, largest: largest, isa: isa)
                    for (o, group) in groups.enumerated() {
                        let (value, index) = referenceExtreme(group, largest: largest)
                        let where_ = "\(largest ? "max" : "min") \(isa) shape \(c.shape) dims \(c.dims) strides \(c.input.strides) output \(o)"
                        #expect(close(Double(values[o]), value, tolerance: 0), "\(where_): value \(values[o]), expected \(value)")
                        #expect(indices[o] == Int64(index), "\(where_): index \(indices[o]), expected \(index)")
                        #expect(close(Double(valueOnly[o]), value, tolerance: 0), "\(where_): value-only \(valueOnly[o]), expected \(value)")
                    }
                }
            }
        }
    }

    @Test func extremesOnLongRowsAndColumnsFindTheFirstWinnerAndTheFirstNaN() {
        for isa in testedISAs {
            for (shape, dims, strides) in [([5000], [0], [1]), ([300, 70], [0], [70, 1]), ([70, 300], [1], [1, 70])] {
                let count = shape.reduce(1, *)
                var x = (0..<count).map { Float($0 % 97) }
                let c = ReduceCase(shape: shape, dims: dims, input: StridedOperand(strides: strides, offset: 0, storageCount: count))
                var (values, indices, _) = callExtreme(c, x, largest: true, isa: isa)
                for (o, group) in c.groups(x.map(Double.init)).enumerated() {
                    let (value, index) = referenceExtreme(group, largest: true)
                    #expect(Double(values[o]) == value && indices[o] == Int64(index), "\(isa) \(shape) dims \(dims) output \(o)")
                }
                x[count - 3] = .nan
                x[count - 1] = .nan
                (values, indices, _) = callExtreme(c, x, largest: false, isa: isa)
                for (o, group) in c.groups(x.map(Double.init)).enumerated() {
                    let (value, index) = referenceExtreme(group, largest: false)
                    #expect(close(Double(values[o]), value, tolerance: 0) && indices[o] == Int64(index),
                            "\(isa) \(shape) dims \(dims) output \(o): \(values[o]) at \(indices[o]), expected \(value) at \(index)")
                }
            }
        }
    }

    @Test func maxOfAnEmptyDimTraps() async {
        await #expect(processExitsWith: .failure) {
            var out: Float = 0
            let x: [Float] = [1]
            Reduce.extreme(largest: true, shape: [2, 0], dims: [1], values: &out, indices: nil, outputStrides: [1, 1],
                           input: x, inputStrides: [0, 1])
        }
    }

    // MARK: Softmax, log-softmax, log-sum-exp

    @Test func rowwiseMatchesFloat64ReferenceOnRandomLayouts() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let rank = Int.random(in: 1...3, using: &g)
            let shape = (0..<rank).map { _ in Int.random(in: 1...(trial % 4 == 0 ? 100 : 9), using: &g) }
            let dim = Int.random(in: 0..<rank, using: &g)
            let input = StridedOperand.random(shape: shape, broadcast: false, using: &g)
            let x = (0..<input.storageCount).map { _ in Float.random(in: -20...20, using: &g) + (trial % 2 == 0 ? 5000 : 0) }
            let c = ReduceCase(shape: shape, dims: [dim], input: input)
            let rows = c.groups(x.map(Double.init))
            for isa in testedISAs {
                let softmax = callRowwise(.softmax, shape: shape, dim: dim, input: input, x, isa: isa)
                let logSoftmax = callRowwise(.logSoftmax, shape: shape, dim: dim, input: input, x, isa: isa)
                let lse = callRowwise(.logSumExp, shape: shape, dim: dim, input: input, x, isa: isa)
                // Output element (kept index, position along dim) in the contiguous output.
                let outer = shape[(dim + 1)...].reduce(1, *)
                for (o, row) in rows.enumerated() {
                    let top = row.max()!
                    let total = row.reduce(0) { $0 + _exp($1 - top) }
                    let expectedLSE = top + _log(total)
                    #expect(close(Double(lse[o]), expectedLSE, tolerance: 2e-6, scale: Swift.max(Swift.abs(top), 1)),
                            "logsumexp \(isa) shape \(shape) dim \(dim) row \(o): \(lse[o]) vs \(expectedLSE)")
                    let base = (o / outer) * outer * shape[dim] + o % outer
                    for (t, v) in row.enumerated() {
                        let e = base + t * outer
                        let p = _exp(v - top) / total
                        #expect(close(Double(softmax[e]), p, tolerance: 2e-6, scale: Swift.max(p, 1e-30) * 4),
                                "softmax \(isa) shape \(shape) dim \(dim) row \(o) element \(t): \(softmax[e]) vs \(p)")
                        let lp = v - expectedLSE
                        #expect(close(Double(logSoftmax[e]), lp, tolerance: 1e-6, scale: Swift.max(Swift.abs(v), Swift.abs(expectedLSE), 1)),
                                "logSoftmax \(isa) shape \(shape) dim \(dim) row \(o) element \(t): \(logSoftmax[e]) vs \(lp)")
                    }
                }
            }
        }
    }

    @Test func softmaxRowsSumToOneForLargeLogits() {
        var g = SystemRandomNumberGenerator()
        let shape = [8, 1000]
        let x = (0..<8000).map { _ in Float.random(in: -1e4...1e4, using: &g) + 3e4 }
        let input = StridedOperand(strides: [1000, 1], offset: 0, storageCount: 8000)
        for isa in testedISAs {
            let y = callRowwise(.softmax, shape: shape, dim: 1, input: input, x, isa: isa)
            for row in 0..<8 {
                let total = y[(row * 1000)..<((row + 1) * 1000)].reduce(0.0) { $0 + Double($1) }
                #expect(Swift.abs(total - 1) < 1e-5, "\(isa) row \(row) sums to \(total)")
                #expect(y.allSatisfy { $0.isFinite && $0 >= 0 })
            }
        }
    }

    @Test func rowwiseSpecialValues() {
        let input = StridedOperand(strides: [1], offset: 0, storageCount: 3)
        for isa in testedISAs {
            let ninf = [Float](repeating: -.infinity, count: 3)
            #expect(callRowwise(.softmax, shape: [3], dim: 0, input: input, ninf, isa: isa).allSatisfy { $0.isNaN })
            #expect(callRowwise(.logSumExp, shape: [3], dim: 0, input: input, ninf, isa: isa) == [-.infinity])
            let withInf: [Float] = [1, .infinity, 2]
            let s = callRowwise(.softmax, shape: [3], dim: 0, input: input, withInf, isa: isa)
            #expect(s[0] == 0 && s[1].isNaN && s[2] == 0)
            #expect(callRowwise(.logSumExp, shape: [3], dim: 0, input: input, withInf, isa: isa) == [.infinity])
            let withNaN: [Float] = [1, .nan, 2]
            #expect(callRowwise(.logSoftmax, shape: [3], dim: 0, input: input, withNaN, isa: isa).allSatisfy { $0.isNaN })
            let empty = StridedOperand(strides: [1, 1], offset: 0, storageCount: 1)
            #expect(callRowwise(.logSumExp, shape: [2, 0], dim: 1, input: empty, [0], isa: isa) == [-.infinity, -.infinity])
        }
    }

    // MARK: Determinism

    @Test func resultsAreBitwiseIdenticalForOneAndTwoThreads() {
        var g = SystemRandomNumberGenerator()
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        // A full sum (leaves split across threads), two long rows (fewer outputs than
        // threads), columns, a middle dim, and a transposed input.
        let cases: [([Int], [Int], [Int])] = [
            ([1 << 20], [0], [1]), ([2, 400_000], [1], [400_000, 1]), ([4096, 300], [0], [300, 1]),
            ([40, 200, 100], [1], [20000, 100, 1]), ([1000, 700], [0, 1], [1, 1000]), ([3, 300_000], [0, 1], [1, 3]),
        ]
        for (shape, dims, strides) in cases {
            let count = shape.reduce(1, *)
            let x = (0..<count).map { _ in Float.random(in: -1...1, using: &g) }
            let c = ReduceCase(shape: shape, dims: dims, input: StridedOperand(strides: strides, offset: 0, storageCount: count))
            for isa in testedISAs {
                Parallel.threadCount = 1
                let sum1 = callSum(c, x, isa: isa), max1 = callExtreme(c, x, largest: true, isa: isa)
                let soft1 = callRowwise(.softmax, shape: shape, dim: dims[0], input: c.input, x, isa: isa)
                Parallel.threadCount = 2
                let sum2 = callSum(c, x, isa: isa), max2 = callExtreme(c, x, largest: true, isa: isa)
                let soft2 = callRowwise(.softmax, shape: shape, dim: dims[0], input: c.input, x, isa: isa)
                #expect(sum1.map(\.bitPattern) == sum2.map(\.bitPattern), "sum \(isa) \(shape) dims \(dims)")
                #expect(max1.values == max2.values && max1.indices == max2.indices && max1.valueOnly == max2.valueOnly,
                        "max \(isa) \(shape) dims \(dims)")
                #expect(soft1.map(\.bitPattern) == soft2.map(\.bitPattern), "softmax \(isa) \(shape) dim \(dims[0])")
                // Three and four threads cut the summation tree at other depths (and split
                // its subtrees unevenly across three): the same additions all the same.
                for threads in [3, 4] {
                    Parallel.threadCount = threads
                    #expect(callSum(c, x, isa: isa).map(\.bitPattern) == sum1.map(\.bitPattern),
                            "sum \(isa) \(shape) dims \(dims) on \(threads) threads")
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func _exp(_ x: Double) -> Double { exp(x) }
private func _log(_ x: Double) -> Double { log(x) }

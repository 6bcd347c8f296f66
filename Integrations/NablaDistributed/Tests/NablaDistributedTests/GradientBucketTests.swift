import NablaNN
import Testing

@testable import NablaDistributed

@Suite struct GradientBucketTests {
    @Test func bucketsTakeParametersInReverseOrderUpToTheCap() {
        // 4-byte elements, a 100-byte cap: a bucket closes once it holds 25 elements.
        let plan = GradientBuckets.plan(elementCounts: [10, 10, 10, 10, 10], dtypes: Array(repeating: .float32, count: 5), capBytes: 100)
        #expect(plan.buckets.map(\.parameterIndices) == [[4, 3, 2], [1, 0]])
        #expect(plan.buckets.map(\.elementCount) == [30, 20])
    }

    @Test func aParameterLargerThanTheCapGetsABucketOfItsOwn() {
        let plan = GradientBuckets.plan(elementCounts: [3, 1000, 3], dtypes: [.float32, .float32, .float32], capBytes: 64)
        #expect(plan.buckets.map(\.parameterIndices) == [[2, 1], [0]])
    }

    @Test func bucketsHoldOneDtypeEach() {
        let plan = GradientBuckets.plan(elementCounts: [4, 4, 4, 4], dtypes: [.float32, .float64, .float32, .float64], capBytes: 1 << 20)
        #expect(plan.buckets.map(\.dtype) == [.float64, .float32])
        #expect(plan.buckets.map(\.parameterIndices) == [[3, 1], [2, 0]])
    }

    @Test func everyParameterIsInExactlyOneBucket() {
        let counts = (0..<40).map { ($0 * 37) % 23 + 1 }
        let dtypes = counts.map { $0 % 3 == 0 ? DType.float64 : .float32 }
        for cap in [1, 16, 100, 1 << 30] {
            let plan = GradientBuckets.plan(elementCounts: counts, dtypes: dtypes, capBytes: cap)
            #expect(plan.buckets.flatMap(\.parameterIndices).sorted() == Array(0..<40), "cap \(cap)")
            for bucket in plan.buckets {
                #expect(bucket.elementCount == bucket.parameterIndices.reduce(0) { $0 + counts[$1] })
                #expect(bucket.parameterIndices.allSatisfy { dtypes[$0] == bucket.dtype })
            }
        }
    }

    @Test func noParametersMakeNoBuckets() {
        #expect(GradientBuckets.plan(elementCounts: [], dtypes: [], capBytes: 100).buckets.isEmpty)
    }
}

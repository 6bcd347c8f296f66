import NablaNN

/// Which parameters' gradients travel together in one all-reduce (PyTorch DDP's
/// `compute_bucket_assignment_by_size`).
///
/// One all-reduce per parameter would pay MPI's latency once per tensor (a ResNet-18 has
/// 62); one for everything would leave nothing to overlap and need a model-sized buffer.
/// Buckets of about `capBytes` sit between the two. Parameters are taken in reverse order,
/// the order backward produces their gradients, so that the first bucket is the first one
/// whose gradients are all ready; a bucket holds one dtype, because MPI reduces one type per
/// call.
struct GradientBuckets: Sendable, Equatable {
    /// One bucket: the indices of its parameters (into the list given to ``plan``), in the
    /// order their gradients are packed, and their total element count.
    struct Bucket: Sendable, Equatable {
        var dtype: DType
        var parameterIndices: [Int]
        var elementCount: Int
    }

    /// The buckets, in the order they are reduced.
    var buckets: [Bucket]

    /// Buckets for parameters of `elementCounts` elements of `dtypes`: each bucket is
    /// closed once it holds at least `capBytes`, so every parameter is in exactly one
    /// bucket and a parameter larger than the cap gets one of its own.
    static func plan(elementCounts: [Int], dtypes: [DType], capBytes: Int) -> GradientBuckets {
        distributedPrecondition(elementCounts.count == dtypes.count, "GradientBuckets.plan: \(elementCounts.count) element counts for \(dtypes.count) dtypes")
        var closed: [Bucket] = []
        var open: [DType: Bucket] = [:]
        var openOrder: [DType] = []
        for index in elementCounts.indices.reversed() {
            let dtype = dtypes[index]
            var bucket = open[dtype] ?? Bucket(dtype: dtype, parameterIndices: [], elementCount: 0)
            if open[dtype] == nil { openOrder.append(dtype) }
            bucket.parameterIndices.append(index)
            bucket.elementCount += elementCounts[index]
            if bucket.elementCount * dtype.itemSize >= capBytes {
                closed.append(bucket)
                open[dtype] = nil
                openOrder.removeAll { $0 == dtype }
            } else {
                open[dtype] = bucket
            }
        }
        return GradientBuckets(buckets: closed + openOrder.compactMap { open[$0] })
    }
}

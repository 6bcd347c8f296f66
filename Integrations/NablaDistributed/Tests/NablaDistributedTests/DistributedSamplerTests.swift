import NablaNN
import Testing

@testable import NablaDistributed

@Suite struct DistributedSamplerTests {
    /// Every rank's indices for `epoch`.
    private func shares(count: Int, worldSize: Int, epoch: Int = 0, shuffle: Bool = true, seed: UInt64 = 3, dropLast: Bool = false) -> [[Int]] {
        (0..<worldSize).map {
            DistributedSampler(count: count, rank: $0, worldSize: worldSize, shuffle: shuffle, seed: seed, dropLast: dropLast).indices(epoch: epoch)
        }
    }

    @Test func oneRankReadsTheDataLoadersShuffleForTheEpochsSeed() {
        let sampler = DistributedSampler(count: 50, rank: 0, worldSize: 1, seed: 9)
        for epoch in 0..<3 {
            let loader = DataLoader(TensorDataset(Tensor.arange(50)), batchSize: 50, shuffle: true, generator: Generator(seed: 9 + UInt64(epoch)))
            #expect(sampler.indices(epoch: epoch) == loader.first { _ in true }!.toArray(Int.self))
        }
    }

    @Test func ranksInterleaveThePermutationWithoutOverlap() {
        let all = DistributedSampler(count: 40, rank: 0, worldSize: 1, seed: 3).indices(epoch: 2)
        let parts = shares(count: 40, worldSize: 4, epoch: 2)
        for rank in 0..<4 {
            #expect(parts[rank] == stride(from: rank, to: 40, by: 4).map { all[$0] })
        }
        #expect(Set(parts.flatMap { $0 }).count == 40)
    }

    @Test func stepsOfSeveralRanksReadOneProcesssBatches() {
        // Rank r's k-th batch of b, over all ranks, is one process's k-th batch of 4b.
        let single = DistributedSampler(count: 96, rank: 0, worldSize: 1, seed: 5).indices(epoch: 1)
        let parts = shares(count: 96, worldSize: 4, epoch: 1, seed: 5)
        for step in 0..<(24 / 6) {
            let together = Set((0..<4).flatMap { parts[$0][step * 6..<(step + 1) * 6] })
            #expect(together == Set(single[step * 24..<(step + 1) * 24]))
        }
    }

    @Test func unevenCountsArePaddedFromTheStartOrCut() {
        let all = DistributedSampler(count: 10, rank: 0, worldSize: 1, seed: 3).indices(epoch: 0)
        let padded = shares(count: 10, worldSize: 4)
        #expect(padded.allSatisfy { $0.count == 3 })
        #expect(padded[2] == [all[2], all[6], all[0]] && padded[3] == [all[3], all[7], all[1]])
        let cut = shares(count: 10, worldSize: 4, dropLast: true)
        #expect(cut.allSatisfy { $0.count == 2 })
        #expect(Set(cut.flatMap { $0 }) == Set(all.prefix(8)))
    }

    @Test func fewerSamplesThanRanksRepeatTheSamples() {
        let parts = shares(count: 2, worldSize: 5)
        #expect(parts.allSatisfy { $0.count == 1 })
        #expect(Set(parts.flatMap { $0 }) == [0, 1])
        #expect(shares(count: 2, worldSize: 5, dropLast: true).allSatisfy { $0.isEmpty })
        #expect(shares(count: 0, worldSize: 3).allSatisfy { $0.isEmpty })
    }

    @Test func epochsDrawNewOrdersThatRepeatForASeed() {
        let sampler = DistributedSampler(count: 100, rank: 1, worldSize: 2, seed: 11)
        #expect(sampler.indices(epoch: 0) != sampler.indices(epoch: 1))
        #expect(sampler.indices(epoch: 4) == DistributedSampler(count: 100, rank: 1, worldSize: 2, seed: 11).indices(epoch: 4))
        #expect(sampler.indices(epoch: 0) != DistributedSampler(count: 100, rank: 1, worldSize: 2, seed: 12).indices(epoch: 0))
    }

    @Test func withoutShuffleRanksReadInOrder() {
        #expect(shares(count: 7, worldSize: 2, shuffle: false) == [[0, 2, 4, 6], [1, 3, 5, 0]])
    }

    @Test func shardsBatchTheBaseDataAtTheSamplersIndices() {
        let data = TensorDataset(Tensor.arange(20) * 10)
        let sampler = DistributedSampler(count: 20, rank: 1, worldSize: 3, seed: 2)
        let shard = sampler.shard(of: data, epoch: 5)
        let indices = sampler.indices(epoch: 5)
        #expect(shard.count == indices.count)
        #expect(shard[2][0].item(Int.self) == indices[2] * 10)
        let batches = DataLoader(shard, batchSize: 3).map { $0.toArray(Int.self) }
        #expect(batches.flatMap { $0 } == indices.map { $0 * 10 })
    }
}

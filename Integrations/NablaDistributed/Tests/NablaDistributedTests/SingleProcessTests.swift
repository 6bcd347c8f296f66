import Foundation
import NablaNN
import Testing

@testable import NablaDistributed

/// MPI in a job of one process (MPI's singleton start, no mpirun). One serialized suite:
/// collectives must not run from two threads at once. The collectives across processes are
/// checked by nabla-distributed-check under mpirun (see test.sh).
@Suite(.serialized) struct SingleProcessTests {
    let group = ProcessGroup.world

    @Test func aProgramWithoutMpirunIsAJobOfOne() {
        #expect(group.rank == 0 && group.worldSize == 1 && group.isRankZero)
        #expect(group.localRank == 0 && group.localSize == 1)
        #expect(!ProcessGroup.libraryVersion.isEmpty)
        group.barrier()
    }

    @Test func collectivesOfOneRankLeaveTensorsAsTheyAre() {
        let values = Tensor([[1.5, -2], [3, 4]])
        for op in ReduceOp.allCases {
            let tensor = values.clone()
            group.allReduce(tensor, op: op)
            #expect(tensor.toArray(Float.self) == values.toArray(Float.self), "\(op)")
        }
        let view = values.clone().T
        group.broadcast(view, from: 0)
        #expect(view.toArray(Float.self) == values.T.toArray(Float.self))
        let gathered = group.allGather(values)
        #expect(gathered.shape == [1, 2, 2] && gathered[0].toArray(Float.self) == values.toArray(Float.self))
    }

    @Test func onRankZeroRunsTheBodyAndRethrowsItsError() {
        var runs = 0
        #expect(throws: Never.self) { try group.onRankZero { runs += 1 } }
        #expect(runs == 1)
        struct Full: Error, CustomStringConvertible { var description: String { "disk full" } }
        #expect(throws: DistributedError.rankZeroFailed(reason: "disk full")) { try group.onRankZero { throw Full() } }
    }

    @Test func ddpOfOneRankTrainsLikeTheBareModel() {
        func model() -> Sequential {
            let generator = Generator(seed: 4)
            return Sequential { Linear(3, 4, generator: generator); ReLU(); Linear(4, 2, generator: generator) }
        }
        let bare = model(), wrapped = model()
        let ddp = DistributedDataParallel(wrapped, group: group)
        #expect(ddp.namedParameters().map(\.name) == ["module.0.weight", "module.0.bias", "module.2.weight", "module.2.bias"])
        #expect(ddp.bucketCount == 1)
        let x = Tensor.randn([5, 3], generator: Generator(seed: 1)), y = Tensor([0, 1, 1, 0, 1])
        CrossEntropyLoss()(bare(x), y).backward()
        ddp.backward(CrossEntropyLoss()(ddp(x), y))
        for (a, b) in zip(bare.parameters(), wrapped.parameters()) {
            #expect(a.grad!.toArray(Float.self) == b.grad!.toArray(Float.self))
        }
    }
}

extension SingleProcessTests {
    /// README.md's "Using it" example, on a small data set and one epoch, saving to a
    /// temporary folder.
    @Test func readmeExampleRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-ddp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = TensorDataset(Tensor.randn([64, 64], generator: Generator(seed: 1)), Tensor.randint(0, 10, [64], generator: Generator(seed: 2)))
        let epochs = 1

        let group = ProcessGroup.world
        let model = Sequential { Linear(64, 128); ReLU(); Linear(128, 10) }
        let ddp = DistributedDataParallel(model, group: group)
        let optimizer = Adam(ddp.parameters(), lr: 3e-3)
        let sampler = DistributedSampler(count: train.count, group: group, seed: 2024, dropLast: true)
        for epoch in 0..<epochs {
            let loader = DataLoader(sampler.shard(of: train, epoch: epoch), batchSize: 32 / group.worldSize, dropLast: true)
            for (inputs, labels) in loader {
                optimizer.zeroGrad()
                ddp.backward(CrossEntropyLoss()(ddp(inputs), labels))
                optimizer.step()
            }
            try group.onRankZero { try model.stateDict().save(pth: folder.appendingPathComponent("epoch-\(epoch).pth").path) }
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("epoch-0.pth").path))
    }
}

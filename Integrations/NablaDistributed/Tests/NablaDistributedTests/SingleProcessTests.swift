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

import Foundation
@testable import NablaNN
import Testing

/// A module shared between tasks for the test. `@unchecked Sendable` is safe here because
/// the tasks only run `forward` (which reads the parameters) and `backward()` (whose
/// gradient accumulation is synchronised); nothing changes the module itself meanwhile.
private struct SharedModule<M: Module>: @unchecked Sendable {
    let module: M
}

/// Issue 18, finding 4: concurrent `backward()` through shared parameters.
@Suite struct ConcurrencyTests {
    /// Integer-valued inputs: the gradient of `layer(x).sum()` is the column sums of `x`
    /// for the weight and the batch size for the bias, whatever the weights, and adding
    /// integers in float64 is exact in any order, so the expected totals are exact.
    private static func integerBatch(_ seed: Int, rows: Int = 4, features: Int = 8) -> Tensor {
        Tensor((0..<(rows * features)).map { Double(($0 * 7 + seed * 3) % 11) - 5 }, dtype: .float64).reshape(rows, features)
    }

    /// The reproduction: tasks running `layer(x).sum().backward()` on one `Linear` lose no
    /// gradient update and never corrupt the gradient tensor.
    @Test func concurrentBackwardIntoOneLinearLosesNoUpdate() async {
        let shared = SharedModule(module: Linear(8, 4, dtype: .float64))
        let tasks = 8, iterations = 200
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    let x = Self.integerBatch(t)
                    for _ in 0..<iterations { shared.module(x).sum().backward() }
                }
            }
        }
        var expectedWeight = [Double](repeating: 0, count: 4 * 8)
        for t in 0..<tasks {
            let columnSums = Self.integerBatch(t).sum(dim: 0).toArray(Double.self)
            for o in 0..<4 { for i in 0..<8 { expectedWeight[o * 8 + i] += columnSums[i] * Double(iterations) } }
        }
        #expect(shared.module.weight.grad?.toArray(Double.self) == expectedWeight)
        #expect(shared.module.bias?.grad?.toArray(Double.self) == [Double](repeating: Double(tasks * iterations * 4), count: 4))
    }

    /// Trains a small model of its own for `steps` SGD steps on data fixed by `seed`, and
    /// at each step also backpropagates through the shared layer (whose gradient does not
    /// depend on its weights). Returns the own model's final parameters.
    private static func train(seed: Int, steps: Int, sharedWeight: Tensor, sharedBias: Tensor) -> [[Double]] {
        let generator = Generator(seed: UInt64(seed))
        let model = Sequential(Linear(8, 16, dtype: .float64, generator: generator), Tanh(), Linear(16, 2, dtype: .float64, generator: generator))
        let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
        let x = Tensor.randn([32, 8], dtype: .float64, generator: generator)
        let y = Tensor.randn([32, 2], dtype: .float64, generator: generator)
        let batch = integerBatch(seed)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let loss = Functional.mseLoss(model(x), y) + Functional.linear(batch, weight: sharedWeight, bias: sharedBias).sum()
            loss.backward()
            optimizer.step()
        }
        return model.parameters().map { $0.toArray(Double.self) }
    }

    /// The stress test: several tasks train their own models while sharing one model's
    /// parameters; every own model ends exactly as in a sequential run, and the shared
    /// gradients hold every task's contribution.
    @Test func tasksTrainingTheirOwnModelsMatchSequentialRuns() async {
        let tasks = 6, steps = 60
        let sharedWeight = Tensor.zeros([4, 8], dtype: .float64, requiresGrad: true)
        let sharedBias = Tensor.zeros([4], dtype: .float64, requiresGrad: true)
        let sequential = (0..<tasks).map { Self.train(seed: $0, steps: steps, sharedWeight: sharedWeight, sharedBias: sharedBias) }
        let sequentialWeightGrad = sharedWeight.grad?.toArray(Double.self)
        let sequentialBiasGrad = sharedBias.grad?.toArray(Double.self)
        sharedWeight.zeroGrad()
        sharedBias.zeroGrad()

        let concurrent = await withTaskGroup(of: (Int, [[Double]]).self) { group in
            for t in 0..<tasks {
                group.addTask { (t, Self.train(seed: t, steps: steps, sharedWeight: sharedWeight, sharedBias: sharedBias)) }
            }
            var results = [[[Double]]](repeating: [], count: tasks)
            for await (t, parameters) in group { results[t] = parameters }
            return results
        }
        for t in 0..<tasks {
            #expect(concurrent[t] == sequential[t], "task \(t)'s own model differs from its sequential run")
        }
        #expect(sharedWeight.grad?.toArray(Double.self) == sequentialWeightGrad)
        #expect(sharedBias.grad?.toArray(Double.self) == sequentialBiasGrad)
        #expect(sequentialBiasGrad == [Double](repeating: Double(tasks * steps * 4), count: 4))
    }
}

import Nabla
import NablaNN

func batchNormInTrainingAndEvaluation() {
    let norm = BatchNorm2d(2)
    let batch = Tensor([[1.0, 10.0], [3.0, 30.0]]).view(2, 2, 1, 1)
    print(norm.isTraining)
    // true
    print(norm(batch).flatten(startDim: 1))
    // tensor([[-1.0000, -1.0000],
    //         [ 1.0000,  1.0000]], grad_fn=<ViewBackward0>)

    for (name, buffer) in norm.namedBuffers() {
        print(name, buffer)
        // running_mean tensor([0.2000, 2.0000])
        // running_var tensor([ 1.1000, 20.9000])
        // num_batches_tracked tensor(1)
    }
}

import Nabla
import NablaNN

func dropoutInTrainingAndEvaluation() {
    manualSeed(1)
    let dropout = Dropout(p: 0.5)
    let ones = Tensor.ones(1, 8)
    print(dropout.isTraining)
    // true
    print(dropout(ones))
    // tensor([[2., 2., 2., 2., 0., 2., 2., 0.]])

    dropout.eval()
    print(dropout.isTraining)
    // false
    print(dropout(ones))
    // tensor([[1., 1., 1., 1., 1., 1., 1., 1.]])
}

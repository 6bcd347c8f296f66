import Nabla
import NablaNN

func activationFunctions() {
    let z = Tensor([[-2.0, 0.0, 2.0]])
    print(ReLU()(z))
    // tensor([[0., 0., 2.]])
    print(Sigmoid()(z))
    // tensor([[0.1192, 0.5000, 0.8808]])
    print(Softmax(dim: 1)(z))
    // tensor([[0.0159, 0.1173, 0.8668]])
    print((Softmax(dim: 1)(z).sum() - 1.0).abs() .< 1e-6)
    // tensor(True)
}

import Nabla
import NablaNN

func activationFunctions() {
    let z = Tensor([[-2.0, 0.0, 2.0]])
    print(ReLU()(z))
    // tensor([[0., 0., 2.]])
    print(Sigmoid()(z))
    // tensor([[0.1192, 0.5000, 0.8808]])
}

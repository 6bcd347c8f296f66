import Nabla
import NablaNN

func activationFunctions() {
    let z = Tensor([[-2.0, 0.0, 2.0]])
    print(ReLU()(z))
    // tensor([[0., 0., 2.]])
}

import Nabla

func turningGradientsOff() {
    let x = Tensor([1.0, 2.0, 3.0], requiresGrad: true)
    let doubled = withNoGrad { x * 2 }
    print(doubled.requiresGrad, isGradEnabled)
    // false true
    print(x.detach().requiresGrad)
    // false

    let inputs = Tensor([1.0, 2.0, 3.0, 4.0])
    let targets = inputs * 3
    let slope = Tensor([0.0], requiresGrad: true)
}

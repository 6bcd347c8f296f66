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

    for step in 1...30 {
        let loss = (inputs * slope - targets).pow(2).mean()
        loss.backward()
        withNoGrad {
            slope -= slope.grad! * 0.02
        }
        slope.zeroGrad()
        if step % 10 == 0 {
            print("step \(step): loss \(loss.item(Float.self)), slope \(slope)")
            // step 10: loss 0.10991788, slope tensor([2.9153], requires_grad=True)
            // step 20: loss 8.770319e-05, slope tensor([2.9976], requires_grad=True)
            // step 30: loss 6.996261e-08, slope tensor([2.9999], requires_grad=True)
        }
    }
}

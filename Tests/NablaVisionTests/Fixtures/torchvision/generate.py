"""Writes torchvision's printed model and state-dict keys and shapes for every model the
NablaVision zoo mirrors (torchvision 0.29, PyTorch 2.15): `python3 generate.py`."""
import torch, torchvision.models as m

models = {
    "resnet18": m.resnet18, "resnet34": m.resnet34, "resnet50": m.resnet50, "resnet101": m.resnet101,
    "resnet152": m.resnet152, "resnext50_32x4d": m.resnext50_32x4d, "wide_resnet50_2": m.wide_resnet50_2,
    "densenet121": m.densenet121, "densenet161": m.densenet161, "densenet169": m.densenet169,
    "densenet201": m.densenet201, "mobilenet_v2": m.mobilenet_v2,
    "vgg11": m.vgg11, "vgg11_bn": m.vgg11_bn, "vgg13": m.vgg13, "vgg13_bn": m.vgg13_bn,
    "vgg16": m.vgg16, "vgg16_bn": m.vgg16_bn, "vgg19": m.vgg19, "vgg19_bn": m.vgg19_bn,
}
for name, build in models.items():
    with torch.device("meta"):
        model = build()
    lines = [repr(model), "--- state dict"]
    lines += [f"{k} {list(v.shape)}" for k, v in model.state_dict().items()]
    lines.append(f"--- parameters {sum(p.numel() for p in model.parameters())}")
    with open(f"{name}.txt", "w") as f:
        f.write("\n".join(lines) + "\n")

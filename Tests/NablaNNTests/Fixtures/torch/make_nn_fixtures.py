"""Writes the NablaNN fixtures optimizer_rules, losses_extra and state_dict with PyTorch.

Run from this folder: python3 make_nn_fixtures.py (needs torch, numpy, safetensors).
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(7)


def save(case, **arrays):
    os.makedirs(case, exist_ok=True)
    for name, value in arrays.items():
        if isinstance(value, torch.Tensor):
            value = value.detach().numpy()
        np.save(os.path.join(case, name + ".npy"), np.asarray(value))


# optimizer_rules: one float64 parameter, five given gradients, the parameter after five
# steps for each configuration; learning rates of the schedulers per epoch.
p0 = torch.randn(3, 4, dtype=torch.float64)
grads = torch.randn(5, 3, 4, dtype=torch.float64) * torch.tensor([2.0, 0.5, 1.5, 0.1, 1.0], dtype=torch.float64).view(5, 1, 1)
configs = {
    "sgd_plain": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum_dampening_wd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01),
    "sgd_nesterov_wd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
    "adam_wd": lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=0.1),
    "adam_amsgrad": lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.8, 0.9), amsgrad=True),
    "adamw_amsgrad": lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.05, amsgrad=True),
    "rmsprop": lambda p: torch.optim.RMSprop(p),
    "rmsprop_centered_momentum_wd": lambda p: torch.optim.RMSprop(p, lr=1e-2, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1),
}
finals = {}
for name, make in configs.items():
    p = p0.clone().requires_grad_()
    opt = make([p])
    for k in range(5):
        p.grad = grads[k].clone()
        opt.step()
    finals[name] = p.detach().clone()

def lrs(make_scheduler, epochs):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = make_scheduler(opt)
    values = []
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        values.append(scheduler.get_last_lr()[0])
    return np.array(values)

save("optimizer_rules", p0=p0, grads=grads, **finals,
     step_lr=lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10),
     cosine_lr=lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.001), 12))

# losses_extra: the options of the losses (weights, label smoothing, reductions,
# probability targets, extra dims), float64, with some gradients.
z = torch.randn(6, 5, dtype=torch.float64)
target = torch.randint(0, 5, (6,))
w = torch.rand(5, dtype=torch.float64) + 0.5
probs = torch.softmax(torch.randn(6, 5, dtype=torch.float64), dim=1)
z3 = torch.randn(2, 5, 3, dtype=torch.float64)
target3 = torch.randint(0, 5, (2, 3))
bce_target = torch.rand(6, 5, dtype=torch.float64)
regression_target = torch.randn(6, 5, dtype=torch.float64)
pos_weight = torch.rand(5, dtype=torch.float64) * 3
element_weight = torch.rand(6, 5, dtype=torch.float64)


def value_and_grad(f):
    x = z.clone().requires_grad_()
    out = f(x)
    out.sum().backward()
    return out.detach(), x.grad


out = {}
for name, f in {
    "ce_weighted_smooth_mean": lambda x: F.cross_entropy(x, target, weight=w, label_smoothing=0.2),
    "ce_weighted_smooth_sum": lambda x: F.cross_entropy(x, target, weight=w, label_smoothing=0.2, reduction="sum"),
    "ce_smooth_none": lambda x: F.cross_entropy(x, target, label_smoothing=0.1, reduction="none"),
    "ce_probs": lambda x: F.cross_entropy(x, probs, weight=w, label_smoothing=0.1),
    "nll_weighted": lambda x: F.nll_loss(F.log_softmax(x, dim=1), target, weight=w),
    "nll_none": lambda x: F.nll_loss(F.log_softmax(x, dim=1), target, reduction="none"),
    "bce_weighted": lambda x: F.binary_cross_entropy(torch.sigmoid(x), bce_target, weight=element_weight),
    "bce_logits_pos_weight": lambda x: F.binary_cross_entropy_with_logits(x, bce_target, weight=element_weight, pos_weight=pos_weight),
    "l1": lambda x: F.l1_loss(x, regression_target),
    "mse_sum": lambda x: F.mse_loss(x, regression_target, reduction="sum"),
}.items():
    out[name], out[name + "_dz"] = value_and_grad(f)
out["ce_3d"] = F.cross_entropy(z3, target3, weight=w)
out["ce_3d_none"] = F.cross_entropy(z3, target3, reduction="none")
save("losses_extra", z=z, target=target, w=w, probs=probs, z3=z3, target3=target3, bce_target=bce_target,
     regression_target=regression_target, pos_weight=pos_weight, element_weight=element_weight, **out)

# state_dict: a model's state dict exported as the issue says (np.savez) and with
# safetensors, an input and the model's output; and a safetensors file of every dtype.
model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
x = torch.randn(4, 6)
os.makedirs("state_dict", exist_ok=True)
np.savez("state_dict/model.npz", **{k: v.numpy() for k, v in model.state_dict().items()})
save_file(model.state_dict(), "state_dict/model.safetensors", metadata={"format": "pt"})
with torch.no_grad():
    save("state_dict", x=x, y=model(x))
mixed = {
    "bf16": torch.tensor([1.5, -2.25, 3.0e10, 0.0078125], dtype=torch.bfloat16),
    "f16": torch.tensor([[0.5, -1.0], [65504.0, 1e-3]], dtype=torch.float16),
    "i16": torch.tensor([-32768, 1, 32767], dtype=torch.int16),
    "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
    "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
    "flag": torch.tensor([True, False, True]),
    "i64": torch.tensor([[-(2 ** 40), 3]], dtype=torch.int64),
    "f64": torch.tensor([0.1, -0.2], dtype=torch.float64),
}
save_file(mixed, "state_dict/mixed.safetensors", metadata={"source": "make_nn_fixtures.py"})
save("state_dict", **{"mixed_" + k: v.to(torch.float64) for k, v in mixed.items()})

# torchvision 0.29 (PyTorch 2.15) random transforms after torch.manual_seed(7), one
# sequence on the default generator. Run from this folder: python3 make.py
import numpy as np
import torch
from torchvision import transforms as T

torch.manual_seed(7)
image = torch.empty(3, 40, 60)
windows = [T.RandomResizedCrop.get_params(image, scale=[0.08, 1.0], ratio=[3 / 4, 4 / 3]) for _ in range(5)]
crops = [T.RandomCrop.get_params(image, (28, 28)) for _ in range(3)]
planes = torch.linspace(0, 1, 3 * 4 * 5).reshape(3, 4, 5)
jitter = T.ColorJitter(brightness=0.4, contrast=0.4)
jittered = [jitter(planes) for _ in range(2)]
flips = [float(torch.rand(1) < 0.5) for _ in range(6)]
np.save("windows.npy", np.array(windows + crops, dtype=np.int64).reshape(-1))
np.save("jittered.npy", torch.stack(jittered).numpy())
np.save("flips.npy", np.array(flips))

# Models built right after manual_seed(0): every parameter's first 3 values and its sum,
# which catch any layer drawing out of torchvision's order.
from torchvision import models
for name, build in [("resnet18", lambda: models.resnet18(num_classes=10)),
                    ("mobilenet_v2", lambda: models.mobilenet_v2(num_classes=10, width_mult=0.25))]:
    torch.manual_seed(0)
    model = build()
    rows = [[p.detach().reshape(-1)[:3].double().tolist() + [0.0] * (3 - min(3, p.numel())), p.detach().double().sum().item()]
            for p in model.parameters()]
    np.save(name + "_init.npy", np.array([r[0] + [r[1]] for r in rows]))

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

# Edge cases of PyTorch 2.15's CPU random streams for NablaNN: nn.init functions and the
# DataLoader's shuffled order. Run from this folder: python3 make.py
import numpy as np
import torch

def save(name, *tensors):
    np.save(name + ".npy", np.concatenate([t.reshape(-1).numpy() for t in tensors]))

# xavier/kaiming initialisers of nn.init on a 2-D weight, one after the other.
torch.manual_seed(17)
w = torch.empty(6, 10)
a = torch.nn.init.xavier_uniform_(w.clone(), gain=1.5)
b = torch.nn.init.xavier_normal_(w.clone())
c = torch.nn.init.kaiming_normal_(w.clone(), mode="fan_out", nonlinearity="relu")
d = torch.nn.init.kaiming_uniform_(w.clone(), nonlinearity="relu")
save("init_functions", a, b, c, d)
# A shuffling DataLoader: two passes on the default generator, one on its own generator.
torch.manual_seed(7)
loader = torch.utils.data.DataLoader(torch.arange(10), batch_size=4, shuffle=True)
first = torch.cat(list(loader)); second = torch.cat(list(loader))
generator = torch.Generator().manual_seed(3)
own = torch.cat(list(torch.utils.data.DataLoader(torch.arange(10), batch_size=4, shuffle=True, generator=generator)))
save("dataloader", first, second, own)

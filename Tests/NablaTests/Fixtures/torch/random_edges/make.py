# Edge cases of PyTorch 2.15's CPU random streams (x86-64), beside ../random (see its
# CASE.md). Run from this folder: python3 make.py
import numpy as np
import torch

def save(name, *tensors):
    np.save(name + ".npy", np.concatenate([t.reshape(-1).numpy() for t in tensors]))

# randn around the 16-element switch between the scalar and the block sampler, with the
# scalar sampler's cached value carried across calls and across a block call.
torch.manual_seed(3)
save("randn_sizes", torch.randn(15), torch.randn(16), torch.randn(17), torch.randn(33), torch.randn(3), torch.randn(1))
# float64 uniform_ with a non-unit span, and normal_ with mean and std on both samplers.
torch.manual_seed(5)
save("uniform_f64", torch.empty(20, dtype=torch.float64).uniform_(-2.0, 5.0))
torch.manual_seed(5)
save("normal_f64", torch.empty(5, dtype=torch.float64).normal_(0.3, 1.7), torch.empty(40, dtype=torch.float64).normal_(0.3, 1.7))
torch.manual_seed(5)
save("normal_small_f32", torch.empty(7).normal_(-1.25, 0.1))
# randint with ranges needing 64-bit draws (2^28 and up), and a float dtype.
torch.manual_seed(11)
save("randint_wide", torch.randint(0, 2**28, (5,)), torch.randint(-2**40, 2**40, (5,)), torch.randint(3, 9, (5,)))
# bernoulli with float64 probabilities (53-bit draws) and bernoulli_(p) (always 53-bit).
torch.manual_seed(13)
save("bernoulli_f64", torch.bernoulli(torch.linspace(0, 1, 25, dtype=torch.float64)), torch.empty(25).bernoulli_(0.4).double())

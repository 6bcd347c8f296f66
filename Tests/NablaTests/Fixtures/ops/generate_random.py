"""Writes random.npz: PyTorch 2.15's results on random shapes (empty and size-1 dims,
negative dims, transposed views, ties), replayed by RandomShapeParityTests.

Case i has entries "i.params" (int64: op, a, b, c, transposed, then op-specific sizes),
"i.x" (and "i.y" for einsum), and the results. With `transposed` set, the op runs on
x.transpose(0, -1). Ties (small integers) only where the order of ties is specified:
stable sort. Run from this folder: python3 generate_random.py
"""
import numpy as np
import torch

rng = np.random.default_rng(2017)
out = {}
OPS = ["sort", "topk", "kthvalue", "median", "cumsum", "cumprod", "flip", "roll", "repeat", "tril", "triu", "einsum"]


def shape(min_rank=1, max_rank=3):
    rank = int(rng.integers(min_rank, max_rank + 1))
    return [int(rng.choice([0, 1, 2, 3, 4, 5])) if rng.random() < 0.2 else int(rng.integers(1, 6)) for _ in range(rank)]


case = 0
for trial in range(120):
    op = OPS[trial % len(OPS)]
    s = shape(2 if op in ("tril", "triu") else 1)
    if op == "sort":
        x = rng.integers(0, 3, size=s).astype(np.float64)
    else:
        x = rng.standard_normal(s)
    transposed = int(rng.random() < 0.4)
    t = torch.from_numpy(x)
    v = t.transpose(0, -1) if transposed else t
    rank = v.dim()
    dim = int(rng.integers(-rank, rank))
    params = [OPS.index(op), dim, 0, 0, transposed]
    results = {}
    if op == "sort":
        desc = int(rng.integers(0, 2))
        params[2] = desc
        r = torch.sort(v, dim=dim, descending=bool(desc), stable=True)
        results = dict(values=r.values, indices=r.indices)
    elif op == "topk":
        k = int(rng.integers(0, v.shape[dim] + 1))
        largest = int(rng.integers(0, 2))
        params[2:4] = [k, largest]
        r = torch.topk(v, k, dim=dim, largest=bool(largest))
        results = dict(values=r.values, indices=r.indices)
    elif op in ("kthvalue", "median"):
        if v.shape[dim] == 0:
            continue
        keepdim = int(rng.integers(0, 2))
        params[3] = keepdim
        if op == "kthvalue":
            k = int(rng.integers(1, v.shape[dim] + 1))
            params[2] = k
            r = torch.kthvalue(v, k, dim=dim, keepdim=bool(keepdim))
        else:
            r = torch.median(v, dim=dim, keepdim=bool(keepdim))
        results = dict(values=r.values, indices=r.indices)
    elif op == "cumsum":
        results = dict(values=torch.cumsum(v, dim))
    elif op == "cumprod":
        results = dict(values=torch.cumprod(v, dim))
    elif op == "flip":
        mask = int(rng.integers(0, 1 << rank))
        params[1] = mask
        results = dict(values=torch.flip(v, [d for d in range(rank) if mask >> d & 1]))
    elif op == "roll":
        shift = int(rng.integers(-7, 8))
        flat = rng.random() < 0.3
        params[1:3] = [99 if flat else dim, shift]
        results = dict(values=torch.roll(v, shift) if flat else torch.roll(v, shift, dim))
    elif op == "repeat":
        sizes = [int(rng.integers(0, 4)) for _ in range(rank + int(rng.integers(0, 2)))]
        params += sizes
        results = dict(values=v.repeat(*sizes))
    elif op in ("tril", "triu"):
        diagonal = int(rng.integers(-3, 4))
        params[2] = diagonal
        results = dict(values=(torch.tril if op == "tril" else torch.triu)(v, diagonal))
    elif op == "einsum":
        batch, m, k, n = shape(0, 2), *[int(rng.choice([0, 1, 3, 4])) for _ in range(3)]
        x = rng.standard_normal(batch + [m, k])
        y = rng.standard_normal([k, n])
        params[4] = 0
        out[f"{case}.y"] = y
        results = dict(values=torch.einsum("...ij,jk->...ik", torch.from_numpy(x), torch.from_numpy(y)))
    out[f"{case}.x"] = x
    out[f"{case}.params"] = np.array(params, dtype=np.int64)
    for name, value in results.items():
        out[f"{case}.{name}"] = np.array(value.numpy(), order="C")
    case += 1

out["count"] = np.array(case, dtype=np.int64)
np.savez("random.npz", **out)
print(case, "cases")

"""Writes ops.npz: PyTorch 2.15's results for the cases OpsParityTests replays.

Entry names are "<case>.<field>". Inputs are float64 (or int64) arrays from a seeded
NumPy generator; each case applies the same view (transpose, slice) on both sides.
Run from this folder: python3 generate.py
"""
import numpy as np
import torch

rng = np.random.default_rng(17)
out = {}


def put(case, **arrays):
    for name, value in arrays.items():
        if isinstance(value, torch.Tensor):
            value = value.detach().numpy()
        out[f"{case}.{name}"] = np.array(value, order="C")


def ties(*shape):
    return rng.integers(0, 4, size=shape).astype(np.float64)


def normal(*shape):
    return rng.standard_normal(shape)


# Sorting: ties (stable order), a transposed view with a middle dim, NaN, integers.
x = ties(4, 7)
s = torch.sort(torch.from_numpy(x), dim=-1, stable=True)
put("sort_ties", x=x, values=s.values, indices=s.indices)

x = ties(3, 5, 6)
s = torch.sort(torch.from_numpy(x).transpose(0, 2), dim=1, descending=True, stable=True)
put("sort_view_desc", x=x, values=s.values, indices=s.indices)

x = normal(2, 6)
x[0, 1] = x[0, 4] = x[1, 0] = np.nan
s = torch.sort(torch.from_numpy(x), dim=1, stable=True)
d = torch.sort(torch.from_numpy(x), dim=1, descending=True, stable=True)
put("sort_nan", x=x, values=s.values, indices=s.indices, dvalues=d.values, dindices=d.indices)

x = rng.integers(-3, 3, size=(5, 8)).astype(np.int64)
s = torch.sort(torch.from_numpy(x), dim=0, stable=True)
put("sort_int", x=x, values=s.values, indices=s.indices)

# topk: largest and smallest, along dim 0, and on a narrowed (non-contiguous) view.
x = normal(5, 9)
a = torch.topk(torch.from_numpy(x), 3, dim=1)
b = torch.topk(torch.from_numpy(x), 3, dim=1, largest=False)
c = torch.topk(torch.from_numpy(x), 2, dim=0)
e = torch.topk(torch.from_numpy(x)[:, 1:7], 4, dim=-1)
put("topk", x=x, values=a.values, indices=a.indices, svalues=b.values, sindices=b.indices,
    dim0values=c.values, dim0indices=c.indices, viewvalues=e.values, viewindices=e.indices)

# kthvalue and median along dims (odd and even sizes), and of everything.
x = normal(6, 5)
k0 = torch.kthvalue(torch.from_numpy(x), 2, dim=0)
k1 = torch.kthvalue(torch.from_numpy(x), 5, dim=1, keepdim=True)
m0 = torch.median(torch.from_numpy(x), dim=0)
m1 = torch.median(torch.from_numpy(x), dim=1, keepdim=True)
put("order", x=x, k0values=k0.values, k0indices=k0.indices, k1values=k1.values, k1indices=k1.indices,
    m0values=m0.values, m0indices=m0.indices, m1values=m1.values, m1indices=m1.indices,
    median=torch.median(torch.from_numpy(x)))

x = normal(3, 5)
x[1, 3] = x[2, 0] = x[2, 4] = np.nan
m = torch.median(torch.from_numpy(x), dim=1)
k = torch.kthvalue(torch.from_numpy(x), 4, dim=1)
put("order_nan", x=x, mvalues=m.values, mindices=m.indices, kvalues=k.values, kindices=k.indices)

# unique: flattened with inverse and counts, slices along dims 0 and 1, floats with NaN.
x = rng.integers(0, 5, size=(3, 4)).astype(np.int64)
u, inv, cnt = torch.unique(torch.from_numpy(x), return_inverse=True, return_counts=True)
put("unique_flat", x=x, values=u, inverse=inv, counts=cnt)
x = rng.integers(0, 2, size=(6, 3)).astype(np.int64)
u0, inv0, cnt0 = torch.unique(torch.from_numpy(x), dim=0, return_inverse=True, return_counts=True)
u1, inv1, cnt1 = torch.unique(torch.from_numpy(x).T.contiguous(), dim=1, return_inverse=True, return_counts=True)
put("unique_dim", x=x, values0=u0, inverse0=inv0, counts0=cnt0, values1=u1, inverse1=inv1, counts1=cnt1)
x = np.array([2.5, np.nan, -1.0, 2.5, np.nan, 0.0])
u, inv, cnt = torch.unique(torch.from_numpy(x), return_inverse=True, return_counts=True)
put("unique_nan", x=x, values=u, inverse=inv, counts=cnt)

# Scans: along both dims, on a transposed view, integer input; cumprod with zeros and
# its gradient for a fixed upstream gradient.
x = normal(4, 5)
put("cumsum", x=x, dim0=torch.cumsum(torch.from_numpy(x), 0), dim1=torch.cumsum(torch.from_numpy(x), 1),
    view=torch.cumsum(torch.from_numpy(x).T, 1))
xi = rng.integers(-5, 5, size=(3, 4)).astype(np.int64)
put("cumsum_int", x=xi, sums=torch.cumsum(torch.from_numpy(xi), 1), products=torch.cumprod(torch.from_numpy(xi), 0))
x = normal(3, 6)
x[0, 2] = 0.0
x[1, 1] = x[1, 4] = 0.0
g = normal(3, 6)
t = torch.from_numpy(x).requires_grad_()
y = torch.cumprod(t, 1)
y.backward(torch.from_numpy(g))
put("cumprod", x=x, g=g, y=y, grad=t.grad)

# Rearranging.
x = normal(3, 4, 5)
put("rearrange", x=x, flip=torch.flip(torch.from_numpy(x), [0, 2]),
    roll=torch.roll(torch.from_numpy(x), (1, -7), (0, 2)), rollflat=torch.roll(torch.from_numpy(x), 7),
    repeat=torch.from_numpy(x)[:, 1].repeat(2, 1, 3), tril=torch.tril(torch.from_numpy(x), -1),
    triu=torch.triu(torch.from_numpy(x).transpose(1, 2), 2), trilwide=torch.tril(torch.from_numpy(x), 2))
mask = rng.integers(0, 2, size=(4, 1)).astype(bool)
mask[0, 0], mask[1, 0] = True, False
put("masked", x=x, mask=mask, selected=torch.masked_select(torch.from_numpy(x), torch.from_numpy(mask)))

# einsum.
a, b = normal(3, 4), normal(4, 5)
put("einsum_mm", a=a, b=b, explicit=torch.einsum("ij,jk->ik", torch.from_numpy(a), torch.from_numpy(b)),
    implicit=torch.einsum("ij,jk", torch.from_numpy(a), torch.from_numpy(b)),
    outer=torch.einsum("i,j->ij", torch.from_numpy(a[0]), torch.from_numpy(b[1])))
m = normal(4, 4)
c = normal(2, 4, 4)
put("einsum_diag", m=m, c=c, diag=torch.einsum("ii->i", torch.from_numpy(m)), trace=torch.einsum("ii", torch.from_numpy(m)),
    batchdiag=torch.einsum("bii->bi", torch.from_numpy(c)), transpose=torch.einsum("ij->ji", torch.from_numpy(m)),
    bmm=torch.einsum("bij,bjk->bik", torch.from_numpy(c), torch.from_numpy(c)),
    traces=torch.einsum("jii->j", torch.from_numpy(c)))
p, q = normal(2, 1, 3, 4), normal(5, 4, 2)
w, u, v = normal(2, 3), normal(6, 3, 4), normal(2, 4)
put("einsum_ellipsis", p=p, q=q, batched=torch.einsum("...ij,...jk->...ik", torch.from_numpy(p), torch.from_numpy(q)),
    summed=torch.einsum("...ij->ij", torch.from_numpy(p)), implicit=torch.einsum("...ij", torch.from_numpy(p)))
put("einsum_bilinear", w=w, u=u, v=v, result=torch.einsum("bn,anm,bm->ba", torch.from_numpy(w), torch.from_numpy(u), torch.from_numpy(v)),
    broadcast=torch.einsum("ij,j->i", torch.from_numpy(w), torch.from_numpy(np.array([1.5]))))

np.savez("ops.npz", **out)
print(len(out), "arrays")

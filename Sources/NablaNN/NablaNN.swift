// NablaNN: PyTorch's `torch.nn`, `torch.optim` and `DataLoader` for Swift, built on
// Nabla's public API only. `import NablaNN` brings `Nabla` (tensors, autograd) with it,
// as `import torch.nn` needs `torch`.
@_exported import Nabla

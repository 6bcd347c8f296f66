// NablaVision: torchvision's counterpart for Swift: pretrained model definitions whose
// module names and state-dict keys are torchvision's, image decoding and encoding
// (PNG, JPEG, PPM/PGM), torchvision's transforms and `ImageFolder`. Built on the public
// APIs of `NablaNN` and `Nabla` only; `import NablaVision` brings both with it, as
// `import torchvision` needs `torch`.
@_exported import NablaNN

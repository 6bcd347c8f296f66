@_exported import NablaKernelsCore

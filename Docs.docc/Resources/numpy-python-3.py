import sys

import numpy as np

directory = sys.argv[1]
features = np.load(directory + "/features.npy")
print(features.dtype, features.shape)
# float32 (2, 3)

np.save(directory + "/scaled.npy", features * 10)

shared = np.load(directory + "/features.npy", mmap_mode="r+")
shared[0, 0] = 42
shared.flush()

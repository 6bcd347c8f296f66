import sys

import numpy as np

directory = sys.argv[1]
features = np.load(directory + "/features.npy")
print(features.dtype, features.shape)
# float32 (2, 3)

np.save(directory + "/scaled.npy", features * 10)

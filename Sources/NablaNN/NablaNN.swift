import Nabla

#!/usr/bin/env python3
"""Nabla against NumPy and PyTorch, side by side, in one command.

Runs every case of `nabla-bench --json` and the same workload in NumPy and in PyTorch
(same shapes, dtypes, layouts and, for training steps, the same model, loss and
optimizer), interleaved case by case and round by round so that machine drift hits all
three alike, with one thread count for all of them. Prints a Markdown table and writes
it, the raw figures and a GEMM chart under Benchmarks/results/.

    swift build -c release --product nabla-bench
    python3 Benchmarks/compare.py                  # all suites, 1 thread, 5 rounds
    python3 Benchmarks/compare.py gemm --threads 2 # one suite, two threads
    python3 Benchmarks/compare.py --quick          # 1 round, no 2048 GEMM

NumPy is required; PyTorch is optional (its column is left empty when it can't be
imported). This script builds nothing: it runs the binary given by --bench.

The `images` suite decodes china.jpg (--images, default ../shared/data) and a PNG of it
that Pillow writes into a temporary folder (so that Nabla and Pillow decode the same
bytes), and runs the ImageNet evaluation transform; its peers are Pillow (decoding, and
the transform as Pillow resize/crop plus NumPy) and, in the PyTorch column, torchvision's
transforms on a PIL image. Each peer is skipped when it can't be imported.

NumPy and PyTorch run in worker processes of this same script, started with
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS set before they import
anything (BLAS libraries read them once, at load time); PyTorch also gets
torch.set_num_threads. Nabla gets NABLA_NUM_THREADS and `--threads`.

For GEMM it also prints Nabla's rate as a share of the `peak` suite's FMA rate, taken
round by round and summarised by the median.

Each measurement is timed as nabla-bench's medianTime does: one warm-up call, then at
least --repeats calls and at least 0.2 s in all, and the median call. The table shows
the median over rounds of those medians.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD_COMMAND = "swift build -c release --product nabla-bench"

SQUARE = [64, 128, 256, 512, 1024, 2048]
# (name, m, n, k, A stored transposed, B stored transposed), as GEMMSuite.swift lays them out.
GEMM = [(f"square-{n}", n, n, n, False, False) for n in SQUARE] + [
    ("mlp-forward", 64, 256, 784, False, True),
    ("mlp-grad-input", 64, 784, 256, False, False),
    ("mlp-grad-weight", 256, 784, 64, True, False),
]
SIDE = 2048  # element-wise inputs are SIDE x SIDE float32
# (name, input dtype, bytes read and written per element), as in nabla-bench's ElementwiseWorkload.
ELEMENTWISE = [("copy", "float32", 8), ("add", "float32", 12), ("mul", "float32", 12), ("relu", "float32", 8), ("exp", "float32", 8),
               ("tanh", "float32", 8), ("sigmoid", "float32", 8), ("abs", "float32", 8), ("round", "float32", 8),
               ("leakyRelu", "float32", 8), ("where", "float32", 12),
               ("addInt64", "int64", 24), ("greater", "float32", 9), ("castHalf", "float32", 6),
               ("inPlace", "float32", 16)]
# Beyond the last-level cache: copy and add written into a preallocated LARGE_SIDE x LARGE_SIDE
# float32 output (no allocator or page faults timed), as nabla-bench's `large` cases.
LARGE_SIDE = 8192
LARGE = [("copy", 8), ("add", 12)]
MLP = [(256, 64), (512, 256)]  # (hidden, batch) of a 784-hidden-10 network
# (name, channels, size, out channels, kernel, stride, padding, groups): nabla-bench's
# ConvCase.all, ResNet-18's layer shapes and MobileNetV2's depthwise 3x3 at 144 x 56 x 56.
CONV = [
    ("7x7s2-3x224", 3, 224, 64, 7, 2, 3, 1),
    ("3x3-64x56", 64, 56, 64, 3, 1, 1, 1),
    ("3x3-128x28", 128, 28, 128, 3, 1, 1, 1),
    ("3x3-256x14", 256, 14, 256, 3, 1, 1, 1),
    ("3x3-512x7", 512, 7, 512, 3, 1, 1, 1),
    ("1x1s2-256x14", 256, 14, 512, 1, 2, 0, 1),
    ("dw3x3-144x56", 144, 56, 144, 3, 1, 1, 144),
]
# Whole torchvision models: (case, model, batch, image side, training step?)
MODELS = [
    ("resnet18-b1", "resnet18", 1, 224, False),
    ("resnet18-b8", "resnet18", 8, 224, False),
    ("resnet50-b1", "resnet50", 1, 224, False),
    ("mobilenet_v2-b1", "mobilenet_v2", 1, 224, False),
    ("resnet18-train-b16-64", "resnet18", 16, 64, True),
]
BATCHNORM = (16, 64, 56)  # BatchNorm2d forward (training mode) on 16 x 64 x 56 x 56
CHAIN = 200  # operations in the autograd chain
# nabla-bench's images cases: (name, libraries besides Nabla).
IMAGES = [("decode-jpeg-640x427", ("pillow",)), ("decode-png-640x427", ("pillow",)),
          ("imagenet-transform-640x427", ("pillow", "torch"))]
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


class Case:
    """One workload: what nabla-bench calls it and what the peers need to rebuild it."""

    def __init__(self, suite, name, dtype, filter_text, libraries, unit, **shape):
        self.suite, self.name, self.dtype = suite, name, dtype
        self.filter = filter_text  # nabla-bench --filter text selecting this case
        self.libraries = libraries  # which of nabla, numpy, torch run it
        self.unit = unit  # GFLOP/s, GB/s, us/op, us or ms/step
        self.shape = shape

    @property
    def key(self):
        return f"{self.suite}/{self.name}/{self.dtype}"

    def request(self, repeats):
        return {"suite": self.suite, "case": self.name, "dtype": self.dtype, "repeats": repeats, **self.shape}

    def rate(self, seconds):
        """The figure shown in the table for a median time (higher is better except for times)."""
        s = self.shape
        if self.unit == "GFLOP/s":
            return s["flops"] / seconds / 1e9
        if self.unit == "GB/s":
            return s["bytes"] / seconds / 1e9
        if self.unit == "us/op":
            return seconds / CHAIN * 1e6
        if self.unit == "images/s":
            return 1 / seconds
        if self.unit == "us":
            return seconds * 1e6
        return seconds * 1e3  # ms/step

    @property
    def higher_is_better(self):
        return self.unit in ("GFLOP/s", "GB/s", "images/s")


def all_cases(quick):
    everything = []
    for dtype in ("float32", "float64"):
        # The FMA count per call is the binary's own; Nabla.measure reads it from the row.
        everything.append(Case("peak", "fma", dtype, dtype, ("nabla",), "GFLOP/s", flops=0))
    # The round trip of one parallel region (Nabla's fork-join), in microseconds.
    everything.append(Case("peak", "fork-join", "none", "fork-join", ("nabla",), "us"))
    for name, m, n, k, ta, tb in GEMM:
        if quick and name == "square-2048":
            continue
        for dtype in ("float32", "float64"):
            everything.append(Case("gemm", name, dtype, f"{name} {dtype}", ("nabla", "numpy", "torch"), "GFLOP/s",
                                   m=m, n=n, k=k, ta=ta, tb=tb, flops=2 * m * n * k))
    for layout in ("contiguous", "transposed"):
        for op, dtype, per_element in ELEMENTWISE:
            name = f"{op}-{layout}"
            everything.append(Case("elementwise", name, dtype, name, ("nabla", "numpy", "torch"), "GB/s",
                                   m=SIDE, n=SIDE, bytes=per_element * SIDE * SIDE))
    for op, per_element in LARGE:
        name = f"{op}-large"
        everything.append(Case("elementwise", name, "float32", name, ("nabla", "numpy", "torch"), "GB/s",
                               m=LARGE_SIDE, n=LARGE_SIDE, bytes=per_element * LARGE_SIDE * LARGE_SIDE))
    count = SIDE * SIDE
    everything += [
        Case("reduce", "sum", "float32", "sum", ("nabla", "numpy", "torch"), "GB/s", m=1, n=count, bytes=4 * count),
        # "max" also selects softmax in nabla-bench (substring filter); the extra row is ignored.
        Case("reduce", "max", "float32", "max", ("nabla", "numpy", "torch"), "GB/s", m=1, n=count, bytes=4 * count),
        Case("reduce", "softmax", "float32", "softmax", ("nabla", "numpy", "torch"), "GB/s",
             m=1024, n=4096, bytes=8 * 1024 * 4096),
        Case("autograd", "chain-200", "float32", "chain-200", ("nabla", "torch"), "us/op", m=4),
    ]
    for hidden, batch in MLP:
        for optimizer in ("sgd", "adam"):
            name = f"784-{hidden}-10-b{batch}-{optimizer}"
            everything.append(Case("mlp", name, "float32", name, ("nabla", "torch"), "ms/step",
                                   hidden=hidden, batch=batch, optimizer=optimizer))
    for name, c, size, o, k, stride, padding, groups in CONV:
        out = (size + 2 * padding - k) // stride + 1
        for batch in (1, 16):
            for pass_ in ("fwd", "fwdbwd"):
                flops = 2 * batch * o * out * out * (c // groups) * k * k * (1 if pass_ == "fwd" else 3)
                case = f"{name}-b{batch}-{pass_}"
                everything.append(Case("conv", case, "float32", case, ("nabla", "torch"), "GFLOP/s",
                                       channels=c, size=size, out_channels=o, kernel=k, stride=stride,
                                       padding=padding, groups=groups, batch=batch, backward=pass_ == "fwdbwd",
                                       flops=flops))
    n, c, size = BATCHNORM
    everything.append(Case("conv", f"bn2d-{n}x{c}x{size}-fwd", "float32", "bn2d", ("nabla", "torch"), "GB/s",
                           batch=n, channels=c, size=size, bytes=2 * 4 * n * c * size * size))
    for batch in (1, 16):
        everything.append(Case("conv", f"maxpool3x3s2-64x112-b{batch}", "float32", f"maxpool3x3s2-64x112-b{batch}",
                               ("nabla", "torch"), "GB/s", batch=batch, bytes=4 * batch * 64 * 112 * 112 * 5 // 4))
    for name, model, batch, size, training in MODELS:
        everything.append(Case("models", name, "float32", name, ("nabla", "torch"), "ms/step",
                               model=model, batch=batch, size=size, training=training))
    for name, peers in IMAGES:
        everything.append(Case("images", name, "uint8", name, ("nabla",) + peers, "images/s"))
    return everything


# ---------------------------------------------------------------------------------------
# Workers: one process per peer library, answering one JSON request per line.


def median_time(body, repeats, minimum=0.2):
    """nabla-bench's medianTime: a warm-up call, then >= repeats calls and >= minimum s."""
    body()
    times, total = [], 0.0
    clock = time.perf_counter
    while len(times) < repeats or (total < minimum and len(times) < 1000):
        start = clock()
        body()
        elapsed = clock() - start
        times.append(elapsed)
        total += elapsed
    return statistics.median(times)


def numpy_workload(np, r):
    """A zero-argument callable doing the request's work in NumPy."""
    rng = np.random.default_rng(1)
    dtype = np.dtype(r["dtype"])
    suite, name = r["suite"], r["case"]
    if suite == "gemm":
        m, n, k = r["m"], r["n"], r["k"]
        # A transposed layout is a transposed view of a row-major array, as in nabla-bench;
        # matmul hands it to BLAS with a transpose flag, without a copy.
        a = rng.random((k, m), dtype=dtype).T if r["ta"] else rng.random((m, k), dtype=dtype)
        b = rng.random((n, k), dtype=dtype).T if r["tb"] else rng.random((k, n), dtype=dtype)
        c = np.empty((m, n), dtype=dtype)
        return lambda: np.matmul(a, b, out=c)
    if suite == "elementwise" and name.endswith("-large"):
        x = rng.standard_normal((LARGE_SIDE, LARGE_SIDE), dtype=np.float32)
        y = rng.standard_normal((LARGE_SIDE, LARGE_SIDE), dtype=np.float32)
        z = x.copy()
        return {"copy": lambda: np.copyto(z, x), "add": lambda: np.add(z, y, out=z)}[name.split("-")[0]]
    if suite == "elementwise":
        op, layout = name.split("-")
        x = rng.standard_normal((SIDE, SIDE), dtype=np.float32)
        y = rng.standard_normal((SIDE, SIDE), dtype=np.float32)
        i, j, z = (x * 1000).astype(np.int64), (y * 1000).astype(np.int64), x.copy()
        if layout == "transposed":
            x, y, i, j, z = x.T, y.T, i.T, j.T, z.T
        # NumPy has no relu or sigmoid: the usual NumPy expressions stand in for them.
        return {
            # np.copy keeps the memory order (order="K"), as clone() does in Nabla and PyTorch.
            "copy": lambda: np.copy(x),
            "add": lambda: x + y,
            "mul": lambda: x * y,
            "relu": lambda: np.maximum(x, 0),
            "exp": lambda: np.exp(x),
            "tanh": lambda: np.tanh(x),
            "sigmoid": lambda: 1 / (1 + np.exp(-x)),
            "abs": lambda: np.abs(x),
            "round": lambda: np.round(x),
            "leakyRelu": lambda: np.where(x > 0, x, x * np.float32(0.01)),
            "where": lambda: np.where(x > 0, x, y),
            "addInt64": lambda: i + j,
            "greater": lambda: x > y,
            "castHalf": lambda: x.astype(np.float16),
            "inPlace": lambda: np.multiply(np.divide(z, 2, out=z), 2, out=z),
        }[op]
    if suite == "reduce":
        flat = rng.standard_normal(SIDE * SIDE, dtype=np.float32)
        logits = rng.standard_normal((1024, 4096), dtype=np.float32)

        def softmax():
            e = np.exp(logits - logits.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)

        return {"sum": lambda: flat.sum(), "max": lambda: flat.max(), "softmax": softmax}[name]
    raise ValueError(f"no NumPy workload for {suite}")


def pillow_workload(pil, r):
    """A zero-argument callable doing the request's work with Pillow (and NumPy)."""
    import io

    import numpy as np
    from PIL import Image

    name = r["case"]
    if name.startswith("decode-"):
        with open(r["png" if "png" in name else "jpeg"], "rb") as f:
            data = f.read()

        def decode():
            image = Image.open(io.BytesIO(data))
            image.load()

        return decode
    image = Image.open(r["jpeg"]).convert("RGB")
    mean = np.array(IMAGENET_MEAN, dtype=np.float32)[:, None, None]
    std = np.array(IMAGENET_STD, dtype=np.float32)[:, None, None]

    def transform():
        w, h = image.size
        size = (256, int(256 * h / w)) if w <= h else (int(256 * w / h), 256)
        resized = image.resize(size, Image.BILINEAR)
        left, top = round((size[0] - 224) / 2), round((size[1] - 224) / 2)
        cropped = resized.crop((left, top, left + 224, top + 224))
        planes = np.asarray(cropped, dtype=np.float32).transpose(2, 0, 1) / 255
        return (planes - mean) / std

    return transform


def torch_workload(torch, r):
    """A zero-argument callable doing the request's work in PyTorch."""
    torch.manual_seed(1)
    dtype = getattr(torch, r["dtype"])
    suite, name = r["suite"], r["case"]
    if suite == "images":
        # torchvision's transforms on the decoded PIL image (decoding is Pillow's, untimed).
        import torchvision.transforms as T
        from PIL import Image

        image = Image.open(r["jpeg"]).convert("RGB")
        transform = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
        return lambda: transform(image)
    if suite == "gemm":
        m, n, k = r["m"], r["n"], r["k"]
        a = torch.rand(k, m, dtype=dtype).T if r["ta"] else torch.rand(m, k, dtype=dtype)
        b = torch.rand(n, k, dtype=dtype).T if r["tb"] else torch.rand(k, n, dtype=dtype)
        c = torch.empty(m, n, dtype=dtype)
        return lambda: torch.matmul(a, b, out=c)
    if suite == "elementwise" and name.endswith("-large"):
        x, y = torch.randn(LARGE_SIDE, LARGE_SIDE), torch.randn(LARGE_SIDE, LARGE_SIDE)
        z = x.clone()
        return {"copy": lambda: z.copy_(x), "add": lambda: z.add_(y)}[name.split("-")[0]]
    if suite == "elementwise":
        op, layout = name.split("-")
        x, y = torch.randn(SIDE, SIDE), torch.randn(SIDE, SIDE)
        i, j, z = (x * 1000).to(torch.int64), (y * 1000).to(torch.int64), x.clone()
        if layout == "transposed":
            x, y, i, j, z = x.T, y.T, i.T, j.T, z.T
        return {
            "copy": lambda: x.clone(),
            "add": lambda: x + y,
            "mul": lambda: x * y,
            "relu": lambda: torch.relu(x),
            "exp": lambda: torch.exp(x),
            "tanh": lambda: torch.tanh(x),
            "sigmoid": lambda: torch.sigmoid(x),
            "abs": lambda: torch.abs(x),
            "round": lambda: torch.round(x),
            "leakyRelu": lambda: torch.nn.functional.leaky_relu(x),
            "where": lambda: torch.where(x > 0, x, y),
            "addInt64": lambda: i + j,
            "greater": lambda: x > y,
            "castHalf": lambda: x.to(torch.float16),
            "inPlace": lambda: z.div_(2).mul_(2),
        }[op]
    if suite == "reduce":
        flat, logits = torch.randn(SIDE * SIDE), torch.randn(1024, 4096)
        return {"sum": lambda: flat.sum(), "max": lambda: flat.max(), "softmax": lambda: torch.softmax(logits, -1)}[name]
    if suite == "autograd":
        x = torch.randn(4, requires_grad=True)
        c = torch.randn(4)

        def chain():
            y = x
            for i in range(CHAIN):
                j = i % 4
                if j == 0:
                    y = y * c
                elif j == 1:
                    y = y.tanh()
                elif j == 2:
                    y = y + c
                else:
                    y = y.sigmoid()
            y.sum().backward()
            x.grad = None

        return chain
    if suite == "mlp":
        nn = torch.nn
        hidden, batch = r["hidden"], r["batch"]
        model = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))
        x = torch.randn(batch, 784)
        y = torch.randint(0, 10, (batch,))
        if r["optimizer"] == "sgd":
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        else:
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_function = nn.CrossEntropyLoss()

        def step():
            optimizer.zero_grad()
            loss_function(model(x), y).backward()
            optimizer.step()

        return step
    if suite == "models":
        import torchvision  # the same architectures as NablaVision's; absent: the row shows --

        model = getattr(torchvision.models, r["model"])()
        x = torch.randn(r["batch"], 3, r["size"], r["size"])
        if not r["training"]:
            model.eval()

            def inference():
                with torch.no_grad():
                    model(x)

            return inference
        y = torch.randint(0, 1000, (r["batch"],))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_function = torch.nn.CrossEntropyLoss()

        def train_step():
            optimizer.zero_grad()
            loss_function(model(x), y).backward()
            optimizer.step()

        return train_step
    if suite == "conv" and name.startswith("maxpool"):
        x = torch.randn(r["batch"], 64, 112, 112)

        def max_pool():
            with torch.no_grad():
                torch.nn.functional.max_pool2d(x, 3, 2, 1)

        return max_pool
    if suite == "conv" and name.startswith("bn2d"):
        bn = torch.nn.BatchNorm2d(r["channels"])
        x = torch.randn(r["batch"], r["channels"], r["size"], r["size"])

        def batch_norm():
            with torch.no_grad():
                bn(x)

        return batch_norm
    if suite == "conv":
        functional = torch.nn.functional
        c, size, o, k, groups = r["channels"], r["size"], r["out_channels"], r["kernel"], r["groups"]
        x = torch.randn(r["batch"], c, size, size)
        w = torch.randn(o, c // groups, k, k) * 0.05
        b = torch.randn(o)

        def forward(x, w, b):
            return functional.conv2d(x, w, b, stride=r["stride"], padding=r["padding"], groups=groups)

        if not r["backward"]:
            def conv():
                with torch.no_grad():
                    forward(x, w, b)

            return conv
        x.requires_grad_(), w.requires_grad_(), b.requires_grad_()
        g = torch.ones_like(forward(x, w, b))

        def conv_backward():
            x.grad = w.grad = b.grad = None
            forward(x, w, b).backward(g)

        return conv_backward
    raise ValueError(f"no PyTorch workload for {suite}")


def worker(library, threads):
    """Serves requests on stdin; the thread variables were set by the parent before start."""
    out = sys.stdout
    try:
        if library == "pillow":
            import numpy
            import PIL as module
            from PIL import features

            version = f"Pillow {module.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')}, zlib {features.version('zlib')})"
            make = pillow_workload
        elif library == "numpy":
            import numpy as module

            info = module.show_config(mode="dicts")["Build Dependencies"]["blas"]
            version = f"NumPy {module.__version__} ({info.get('name')} {info.get('version')})"
            make = numpy_workload
        else:
            import torch as module

            module.set_num_threads(threads)
            blas = re.search(r"BLAS_INFO=(\w+)", module.__config__.show())
            version = f"PyTorch {module.__version__} (BLAS {blas[1] if blas else 'unknown'})"
            try:
                import torchvision

                version += f", torchvision {torchvision.__version__}"
            except ImportError:
                pass
            make = torch_workload
    except Exception as error:  # an absent or broken install: the column is skipped
        print(json.dumps({"ready": False, "error": f"{type(error).__name__}: {error}"}), file=out, flush=True)
        return
    print(json.dumps({"ready": True, "version": version}), file=out, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            body = make(module, request)
        except ImportError as error:  # e.g. torchvision absent: this case only is skipped
            print(json.dumps({"median_s": None, "error": str(error)}), file=out, flush=True)
            continue
        seconds = median_time(body, request["repeats"])
        del body
        print(json.dumps({"median_s": seconds}), file=out, flush=True)


class Peer:
    """A worker process for NumPy or PyTorch, or None-like when its library is absent."""

    def __init__(self, library, threads):
        self.library = library
        env = dict(os.environ)
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[variable] = str(threads)
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", library, "--threads", str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        hello = json.loads(self.process.stdout.readline() or '{"ready": false, "error": "worker died"}')
        self.ready = hello["ready"]
        self.version = hello.get("version")
        self.error = hello.get("error")
        if not self.ready:
            self.process.wait()

    def measure(self, case, repeats):
        self.process.stdin.write(json.dumps(case.request(repeats)) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            sys.exit(f"compare.py: the {self.library} worker stopped on {case.key}")
        return json.loads(reply)["median_s"]

    def close(self):
        if self.ready:
            self.process.stdin.close()
            self.process.wait()


# ---------------------------------------------------------------------------------------
# Nabla


class Nabla:
    def __init__(self, binary, threads, optional=False):
        # optional: an older binary (--before) may lack a case; it then has no figure.
        self.binary, self.threads, self.optional = binary, threads, optional
        self.env = dict(os.environ, NABLA_NUM_THREADS=str(threads))
        self.isa = None

    def measure(self, case, repeats):
        command = [self.binary, case.suite, "--json", "--threads", str(self.threads),
                   "--repeats", str(repeats), "--filter", case.filter]
        result = subprocess.run(command, capture_output=True, text=True, env=self.env)
        if result.returncode != 0:
            sys.exit(f"compare.py: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
        for line in result.stdout.splitlines():
            row = json.loads(line)
            if row["case"] == case.name and row["dtype"] == case.dtype:
                self.isa = row["isa"]
                if case.suite == "peak" and case.name == "fma":
                    case.shape["flops"] = row["gflops"] * 1e9 * row["median_s"]
                return row["median_s"]
        if self.optional:
            return None
        sys.exit(f"compare.py: {' '.join(command)} printed no row for {case.key}")


def prepare_images(folder, cases, nabla):
    """Copies china.jpg to a temporary folder with a PNG of it written by Pillow (when
    Pillow is here), tells nabla-bench where they are, and puts their paths in the cases."""
    import atexit
    import shutil
    import tempfile

    source = os.path.join(folder, "china.jpg")
    if not os.path.isfile(source):
        return False
    work = tempfile.mkdtemp(prefix="nabla-images-")
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    jpeg, png = os.path.join(work, "china.jpg"), os.path.join(work, "china.png")
    shutil.copyfile(source, jpeg)
    subprocess.run([sys.executable, "-c", f"from PIL import Image; Image.open({jpeg!r}).save({png!r})"],
                   capture_output=True)
    nabla.env["NABLA_BENCH_IMAGES"] = work
    for case in cases:
        if case.suite == "images":
            case.shape.update(jpeg=jpeg, png=png)
    return True


# ---------------------------------------------------------------------------------------
# Report


def machine_description():
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name") and model in ("", platform.machine(), platform.processor()):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    isa = "AVX-512" if "avx512f" in flags else "AVX2+FMA" if "avx2" in flags else None
    return f"{os.cpu_count()} CPUs, {model}" + (f", {isa}" if isa else "")


def fmt(value):
    if value is None:
        return "--"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def peak_shares(cases, results):
    """Nabla's GEMM rates as a share of the FMA peak, one line per GEMM case.

    Each round measured the peak just before its GEMM cases, so the share is taken round
    by round (a GEMM figure over the same round's peak) and the median of those is shown.
    """
    peaks = {c.dtype: c for c in cases if c.suite == "peak"}
    lines = []
    for case in cases:
        peak = peaks.get(case.dtype)
        if case.suite not in ("gemm", "conv") or case.unit != "GFLOP/s" or peak is None:
            continue
        pairs = zip(results[case.key].get("nabla", []), results[peak.key].get("nabla", []))
        shares = [case.rate(t) / peak.rate(tp) for t, tp in pairs]
        if shares:
            lines.append(f"| {case.name} | {case.dtype} | {100 * statistics.median(shares):.0f}% "
                         f"| {100 * min(shares):.0f}-{100 * max(shares):.0f}% |")
    if not lines:
        return ""
    return ("\nNabla's GEMM and convolutions as a share of the `peak` suite's FMA rate (median over rounds "
            "of the round's rate over the round's peak):\n\n| case | dtype | share of peak | range |\n"
            "|---|---|---:|---|\n" + "\n".join(lines) + "\n")


def table(cases, results, peers, before=False):
    names = {"before": "Nabla before", "numpy": "NumPy", "torch": "PyTorch", "pillow": "Pillow"}
    columns = (["nabla"] + (["before"] if before else []) + ["numpy", "torch"]
               + (["pillow"] if any("pillow" in c.libraries for c in cases) else []))
    lines = [
        "| suite | case | dtype | unit | Nabla | " + " | ".join(names[c] for c in columns[1:])
        + " | Nabla vs best peer |" + (" Nabla vs before |" if before else ""),
        "|---|---|---|---|" + "---:|" * len(columns) + "---|" + ("---:|" if before else ""),
    ]
    for case in cases:
        medians = {lib: statistics.median(ts) for lib, ts in results[case.key].items() if ts}
        rates = {lib: case.rate(t) for lib, t in medians.items()}
        peer_times = {lib: t for lib, t in medians.items() if lib not in ("nabla", "before")}
        if "nabla" in medians and peer_times:
            best = min(peer_times, key=peer_times.get)
            speedup = peer_times[best] / medians["nabla"]
            verdict = f"{speedup:.2f}x vs {names[best]}" + (" (behind)" if speedup < 0.95 else "")
        else:
            verdict = "Nabla only" if case.libraries == ("nabla",) else "--"
        cells = [fmt(rates[lib]) if lib in rates else "--" if lib in case.libraries or lib == "before" else "n/a"
                 for lib in columns]
        against = ""
        if before:
            against = (f" {medians['before'] / medians['nabla']:.2f}x |" if "before" in medians and "nabla" in medians
                       else " -- |")
        lines.append(f"| {case.suite} | {case.name} | {case.dtype} | {case.unit} | {' | '.join(cells)} | {verdict} |"
                     + against)
    return "\n".join(lines)


def svg_chart(cases, results, title):
    """GFLOP/s against n for square GEMM, one panel per dtype, the FMA peak dashed."""
    colors = {"nabla": "#d62728", "before": "#e377c2", "numpy": "#1f77b4", "torch": "#ff7f0e", "peak": "#555555"}
    labels = {"nabla": "Nabla", "before": "Nabla before", "numpy": "NumPy", "torch": "PyTorch", "peak": "Nabla FMA peak"}
    series = {}  # (dtype, library) -> [(n, GFLOP/s)]
    peaks = {}
    for case in cases:
        for lib, times in results[case.key].items():
            if not times:
                continue
            rate = case.rate(statistics.median(times))
            if case.suite == "peak" and lib == "nabla":
                peaks[case.dtype] = rate
            elif case.suite == "gemm" and case.name.startswith("square-"):
                series.setdefault((case.dtype, lib), []).append((case.shape["n"], rate))
    dtypes = [d for d in ("float32", "float64") if any(key[0] == d for key in series)]
    if not dtypes:
        return None
    import math

    width, height, panel_w, panel_h = 1000, 440, 400, 300
    left0, top = 70, 60
    gap = 90
    top_rate = max([r for pts in series.values() for _, r in pts] + list(peaks.values()))
    y_max = max(10, math.ceil(top_rate * 1.1 / 20) * 20)
    ns = sorted({n for pts in series.values() for n, _ in pts})
    x_lo, x_hi = math.log2(ns[0]), math.log2(ns[-1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15">{title}</text>']
    for index, dtype in enumerate(dtypes):
        left = left0 + index * (panel_w + gap)

        def x(n):
            return left + (math.log2(n) - x_lo) / max(x_hi - x_lo, 1) * panel_w

        def y(rate):
            return top + panel_h - rate / y_max * panel_h

        out.append(f'<text x="{left + panel_w / 2}" y="{top - 10}" text-anchor="middle" font-size="13">'
                   f'{dtype} GEMM (square n x n)</text>')
        step = 20 if y_max <= 200 else 50
        for tick in range(0, int(y_max) + 1, step):
            out.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + panel_w}" y2="{y(tick):.1f}" '
                       f'stroke="#e5e5e5"/>')
            out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
        for n in ns:
            out.append(f'<line x1="{x(n):.1f}" y1="{top + panel_h}" x2="{x(n):.1f}" y2="{top + panel_h + 5}" '
                       f'stroke="black"/>')
            out.append(f'<text x="{x(n):.1f}" y="{top + panel_h + 18}" text-anchor="middle">{n}</text>')
        out.append(f'<rect x="{left}" y="{top}" width="{panel_w}" height="{panel_h}" fill="none" stroke="black"/>')
        out.append(f'<text x="{left + panel_w / 2}" y="{top + panel_h + 36}" text-anchor="middle">'
                   f'n (log scale)</text>')
        out.append(f'<text transform="translate({left - 45},{top + panel_h / 2}) rotate(-90)" '
                   f'text-anchor="middle">GFLOP/s</text>')
        if dtype in peaks:
            out.append(f'<line x1="{left}" y1="{y(peaks[dtype]):.1f}" x2="{left + panel_w}" '
                       f'y2="{y(peaks[dtype]):.1f}" stroke="{colors["peak"]}" stroke-width="1.5" '
                       f'stroke-dasharray="6,4"/>')
            out.append(f'<text x="{left + 4}" y="{y(peaks[dtype]) - 5:.1f}" fill="{colors["peak"]}">'
                       f'peak {peaks[dtype]:.0f}</text>')
        for lib in ("nabla", "numpy", "torch"):
            points = sorted(series.get((dtype, lib), []))
            if not points:
                continue
            path = " ".join(f"{x(n):.1f},{y(r):.1f}" for n, r in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colors[lib]}" stroke-width="2"/>')
            for n, r in points:
                out.append(f'<circle cx="{x(n):.1f}" cy="{y(r):.1f}" r="3" fill="{colors[lib]}"/>')
    shown = [lib for lib in ("nabla", "numpy", "torch") if any(key[1] == lib for key in series)]
    shown += ["peak"] if peaks else []
    legend_x = left0
    for lib in shown:
        dash = ' stroke-dasharray="6,4"' if lib == "peak" else ""
        out.append(f'<line x1="{legend_x}" y1="{height - 22}" x2="{legend_x + 26}" y2="{height - 22}" '
                   f'stroke="{colors[lib]}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{legend_x + 32}" y="{height - 18}">{labels[lib]}</text>')
        legend_x += 60 + 8 * len(labels[lib])
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("suites", nargs="*", help="suites to run (default: all): peak gemm elementwise reduce conv "
                        "autograd mlp models images")
    parser.add_argument("--threads", type=int, default=1, help="threads for every library (default 1)")
    parser.add_argument("--rounds", type=int, help="rounds of interleaved runs (default 5, --quick 1)")
    parser.add_argument("--repeats", type=int, default=5, help="minimum timed calls per measurement (default 5)")
    parser.add_argument("--filter", help="only cases whose name contains this text")
    parser.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "nabla-bench"),
                        help="the nabla-bench binary (default: .build/release/nabla-bench in the package)")
    parser.add_argument("--before", help="an older nabla-bench binary, measured interleaved with the others as "
                        "\"Nabla before\" (a before/after comparison of a change in one run)")
    parser.add_argument("--out", default=os.path.join(HERE, "results"), help="folder for the results")
    parser.add_argument("--quick", action="store_true", help="one round, GEMM up to n = 1024")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--images", default=os.path.join(os.path.dirname(ROOT), "shared", "data"),
                        help="folder holding china.jpg for the images suite (default ../shared/data)")
    parser.add_argument("--worker", choices=("numpy", "torch", "pillow"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.worker:
        worker(args.worker, args.threads)
        return

    known = ["peak", "gemm", "elementwise", "reduce", "autograd", "mlp", "conv", "models", "images"]
    unknown = [s for s in args.suites if s not in known]
    if unknown:
        parser.error(f"unknown suite {', '.join(unknown)} (known: {', '.join(known)})")
    if not (os.path.isfile(args.bench) and os.access(args.bench, os.X_OK)):
        print(f"compare.py: no nabla-bench at {args.bench}; build it first (from the package root):\n"
              f"    {BUILD_COMMAND}\nor pass --bench PATH.", file=sys.stderr)
        sys.exit(2)
    rounds = args.rounds or (1 if args.quick else 5)
    suites = args.suites or known
    cases = [c for c in all_cases(args.quick)
             if c.suite in suites and (not args.filter or args.filter in c.name)]
    # The chart's ceiling: measure the peak whenever GEMM runs.
    if any(c.suite in ("gemm", "conv") for c in cases) and not any(c.suite == "peak" for c in cases):
        cases = [c for c in all_cases(args.quick) if c.suite == "peak"] + cases
    if not cases:
        parser.error("no case selected")

    nabla = Nabla(args.bench, args.threads)
    before = Nabla(args.before, args.threads, optional=True) if args.before else None
    if any(c.suite == "images" for c in cases) and not prepare_images(args.images, cases, nabla):
        message = f"no {os.path.join(args.images, 'china.jpg')} for the images suite (pass --images DIR)"
        if "images" in args.suites:
            sys.exit(f"compare.py: {message}")
        print(f"compare.py: images skipped ({message})", file=sys.stderr)
        cases = [c for c in cases if c.suite != "images"]
    peers = {}
    for library in ("numpy", "torch", "pillow"):
        if library == "torch" and args.no_torch:
            continue
        if not any(library in c.libraries for c in cases):
            continue
        peer = Peer(library, args.threads)
        if peer.ready:
            peers[library] = peer
        elif library == "numpy":
            sys.exit(f"compare.py: NumPy is required ({peer.error}); pip install numpy")
        else:
            print(f"compare.py: {library} skipped ({peer.error})", file=sys.stderr)

    results = {c.key: {lib: [] for lib in c.libraries if lib == "nabla" or lib in peers} for c in cases}
    if before:
        for c in cases:
            results[c.key]["before"] = []
    started = time.time()
    # On a terminal the progress line overwrites itself; in a log every result keeps its line.
    erase, end = ("\r\x1b[2K", "") if sys.stderr.isatty() else ("", "\n")
    for round_index in range(rounds):
        for number, case in enumerate(cases):
            libraries = list(results[case.key])
            # Rotate who goes first each round so that no library always runs on a cold cache.
            shift = round_index % len(libraries)
            order = libraries[shift:] + libraries[:shift]
            figures = []
            for lib in order:
                runner = nabla if lib == "nabla" else before if lib == "before" else peers[lib]
                seconds = runner.measure(case, args.repeats)
                if seconds is None:
                    continue
                results[case.key][lib].append(seconds)
                figures.append(f"{lib} {fmt(case.rate(seconds))}")
            print(f"{erase}[round {round_index + 1}/{rounds} case {number + 1}/{len(cases)} "
                  f"{time.time() - started:.0f}s] {case.suite} {case.name} {case.dtype}: "
                  f"{', '.join(figures)} {case.unit}", end=end, file=sys.stderr, flush=True)
    print(erase, end="", file=sys.stderr)
    for peer in peers.values():
        peer.close()

    date = datetime.date.today().isoformat()
    machine = machine_description()
    versions = ", ".join([f"Nabla (nabla-bench, ISA {nabla.isa})"] + [p.version for p in peers.values()])
    header = (f"{machine}; {args.threads} thread{'s' if args.threads != 1 else ''}; {date}; {rounds} round"
              f"{'s' if rounds != 1 else ''}, median of per-round medians.\n{versions}.\n\n"
              "Higher is better for GFLOP/s, GB/s and images/s, lower for us/op and ms/step. "
              "\"Nabla vs best peer\" is the best peer's time divided by Nabla's: above 1x Nabla is faster, "
              "\"(behind)\" marks cases under 0.95x. n/a: the library has no such workload here; --: not run.\n")
    if before:
        header += f"Nabla before: {args.before}.\n"
    markdown = header + "\n" + table(cases, results, peers, before=before is not None) + "\n" + peak_shares(cases, results)
    print(markdown)

    os.makedirs(args.out, exist_ok=True)
    suffix = "" if args.threads == 1 else f"-threads{args.threads}"
    with open(os.path.join(args.out, f"comparison{suffix}.md"), "w") as f:
        f.write(markdown)
    with open(os.path.join(args.out, f"comparison{suffix}.json"), "w") as f:
        json.dump({
            "date": date, "machine": machine, "threads": args.threads, "rounds": rounds,
            "repeats": args.repeats, "isa": nabla.isa, "versions": versions,
            "command": " ".join(["python3", "Benchmarks/compare.py"] + sys.argv[1:]),
            "cases": [{"suite": c.suite, "case": c.name, "dtype": c.dtype, "unit": c.unit, "shape": c.shape,
                       "seconds": results[c.key],
                       "median_s": {lib: statistics.median(ts) for lib, ts in results[c.key].items() if ts},
                       "rate": {lib: c.rate(statistics.median(ts)) for lib, ts in results[c.key].items() if ts}}
                      for c in cases],
        }, f, indent=1)
        f.write("\n")
    chart = svg_chart(cases, results, f"GEMM, {args.threads} thread{'s' if args.threads != 1 else ''}, {machine}")
    written = [f"comparison{suffix}.md", f"comparison{suffix}.json"]
    if chart:
        with open(os.path.join(args.out, f"gemm{suffix}.svg"), "w") as f:
            f.write(chart)
        written.append(f"gemm{suffix}.svg")
    print(f"wrote {', '.join(os.path.join(os.path.relpath(args.out), w) for w in written)}", file=sys.stderr)


if __name__ == "__main__":
    main()

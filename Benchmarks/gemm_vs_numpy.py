#!/usr/bin/env python3
"""GEMM side by side with NumPy (OpenBLAS) on the nabla-bench `gemm` suite's cases.

Rounds alternate one `nabla-bench peak gemm --json` run with the same products in NumPy,
so both see the same machine load; the table shows the median over rounds.

    swift build -c release --product nabla-bench
    python3 Benchmarks/gemm_vs_numpy.py --threads 1 --rounds 5
"""
import argparse
import json
import os
import subprocess
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--bench", default=".build/release/nabla-bench")
parser.add_argument("--filter", default=None, help="only cases whose name contains this")
args = parser.parse_args()

# OpenBLAS reads its thread count when NumPy is imported.
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
import time  # noqa: E402

import numpy as np  # noqa: E402

SQUARE = [64, 128, 256, 512, 1024, 2048]


def cases():
    """(name, m, n, k, operands-maker) as GEMMSuite.swift lays them out."""
    for n in SQUARE:
        yield f"square-{n}", n, n, n, lambda d, n=n: (np.random.rand(n, n).astype(d), np.random.rand(n, n).astype(d))
    yield "mlp-forward", 64, 256, 784, lambda d: (np.random.rand(64, 784).astype(d), np.random.rand(256, 784).astype(d).T)
    yield "mlp-grad-input", 64, 784, 256, lambda d: (np.random.rand(64, 256).astype(d), np.random.rand(256, 784).astype(d))
    yield "mlp-grad-weight", 256, 784, 64, lambda d: (np.random.rand(64, 256).astype(d).T, np.random.rand(64, 784).astype(d))


def median(xs):
    xs = sorted(xs)
    h = len(xs) // 2
    return xs[h] if len(xs) % 2 else (xs[h - 1] + xs[h]) / 2


def numpy_time(a, b, repeats=5, minimum=0.2):
    out = np.empty((a.shape[0], b.shape[1]), dtype=a.dtype)
    np.matmul(a, b, out=out)
    times, total = [], 0.0
    while len(times) < repeats or (total < minimum and len(times) < 1000):
        t = time.perf_counter()
        np.matmul(a, b, out=out)
        dt = time.perf_counter() - t
        times.append(dt)
        total += dt
    return median(times)


nabla, numpy, peak = {}, {}, {}
for r in range(args.rounds):
    print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
    command = [args.bench, "peak", "gemm", "--json", "--threads", str(args.threads)]
    if args.filter:
        command = [args.bench, "gemm", "--json", "--threads", str(args.threads), "--filter", args.filter]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        row = json.loads(line)
        table = peak if row["suite"] == "peak" else nabla
        table.setdefault((row["case"], row["dtype"]), []).append(row["gflops"])
        isa = row["isa"]
    for name, m, n, k, make in cases():
        for dtype, d in (("float32", np.float32), ("float64", np.float64)):
            if args.filter and args.filter not in f"{name} {dtype}":
                continue
            a, b = make(d)
            numpy.setdefault((name, dtype), []).append(2 * m * n * k / numpy_time(a, b) / 1e9)

print(f"threads {args.threads}, isa {isa}, {args.rounds} rounds, GFLOP/s medians")
for (name, dtype), values in peak.items():
    print(f"peak {dtype:8} {median(values):8.1f}")
print(f"{'case':18} {'dtype':8} {'nabla':>8} {'numpy':>8} {'ratio':>6}")
for key, values in nabla.items():
    ours, theirs = median(values), median(numpy[key])
    print(f"{key[0]:18} {key[1]:8} {ours:8.1f} {theirs:8.1f} {ours / theirs:6.2f}")

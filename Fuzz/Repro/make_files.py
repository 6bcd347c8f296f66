#!/usr/bin/env python3
"""Writes issue 18's reproduction files into a folder (default /tmp/repro), for Fuzz/repro.sh.

    python3 Fuzz/Repro/make_files.py [FOLDER]

zero.*: a zero dimension beside huge ones; bool.*: bool bytes [2, 255, 1, 0]; bomb.npz: 66 KB
whose central directory lists one 63 MB deflated member 100 times (6.3 GB if each is
inflated); big.*: 400 MB of float32 (safetensors, and a deflated .npz); empty.npz; fifo.npy.
"""
import io, json, os, struct, sys, zipfile
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/repro"
os.makedirs(out, exist_ok=True)
path = lambda name: os.path.join(out, name)


def npy(header, data=b""):
    h = header.encode()
    h += b" " * ((64 - (10 + len(h) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data


def safetensors(header, data):
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


zero = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 10000000000, 10000000000), }")
open(path("zero.npy"), "wb").write(zero)
with zipfile.ZipFile(path("zero.npz"), "w") as z:
    z.writestr("x.npy", zero)
open(path("zero.safetensors"), "wb").write(safetensors(
    {"a": {"dtype": "F64", "shape": [0, 10000000000, 10000000000], "data_offsets": [0, 0]}}, b""))
open(path("zero.idx"), "wb").write(bytes([0, 0, 0x0E, 3]) + struct.pack(">III", 0, 0xFFFFFFFF, 0xFFFFFFFF))

open(path("bool.npy"), "wb").write(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", bytes([2, 255, 1, 0])))
open(path("bool.safetensors"), "wb").write(safetensors(
    {"m": {"dtype": "BOOL", "shape": [4], "data_offsets": [0, 4]}}, bytes([2, 255, 1, 0])))

# One deflated member, then a central directory naming it 100 times under other names.
member = io.BytesIO()
np.save(member, np.zeros(63_000_000 // 8))
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("m0.npy", member.getvalue())
data = buffer.getvalue()
end = data.rindex(b"PK\x05\x06")
directory_size, directory_offset = struct.unpack("<II", data[end + 12:end + 20])
entry = data[directory_offset:directory_offset + 46]
entries = b""
for i in range(100):
    name = b"m%d.npy" % i
    record = bytearray(entry)
    record[28:34] = struct.pack("<HHH", len(name), 0, 0)
    entries += bytes(record) + name
bomb = bytearray(data[:directory_offset] + entries + data[end:end + 22])
tail = len(bomb) - 22
bomb[tail + 8:tail + 20] = struct.pack("<HHII", 100, 100, len(entries), directory_offset)
open(path("bomb.npz"), "wb").write(bomb)

n = 100_000_000
values = np.random.default_rng(0).integers(0, 4, size=n).astype(np.float32)
open(path("big.safetensors"), "wb").write(safetensors(
    {"w": {"dtype": "F32", "shape": [n], "data_offsets": [0, 4 * n]}}, values.tobytes()))
np.savez_compressed(path("big.npz"), w=values)

open(path("empty.npz"), "wb").write(b"")
if not os.path.exists(path("fifo.npy")):
    os.mkfifo(path("fifo.npy"))

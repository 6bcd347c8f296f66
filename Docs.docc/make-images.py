"""Draws the tutorials' chapter and intro images into Docs.docc/Resources.

The PNGs are committed; run this (python3 with NumPy) only to change them:

    python3 Docs.docc/make-images.py
"""
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(HERE, "Resources")
DIGITS = os.path.join(HERE, "..", "Sources", "NablaNN", "Resources", "digits", "digits-images.npy")

BACKGROUND = np.array([247, 247, 250], dtype=np.float64)
INK = np.array([40, 44, 60], dtype=np.float64)
ACCENT = np.array([232, 98, 60], dtype=np.float64)
BLUE = np.array([66, 120, 200], dtype=np.float64)


def write_png(path, image):
    """Writes an RGB uint8 array as a PNG with nothing but zlib."""
    height, width, _ = image.shape
    raw = b"".join(b"\x00" + image[y].tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


class Canvas:
    """An anti-aliased RGB canvas: shapes are coverage masks blended over the image."""

    def __init__(self, width, height):
        self.image = np.ones((height, width, 3)) * BACKGROUND
        self.y, self.x = np.mgrid[0:height, 0:width] + 0.5

    def blend(self, coverage, color):
        coverage = np.clip(coverage, 0, 1)[..., None]
        self.image = self.image * (1 - coverage) + color * coverage

    def rectangle(self, x0, y0, x1, y1, color):
        cover_x = np.clip(np.minimum(self.x - x0, x1 - self.x) + 0.5, 0, 1)
        cover_y = np.clip(np.minimum(self.y - y0, y1 - self.y) + 0.5, 0, 1)
        self.blend(cover_x * cover_y, color)

    def disc(self, cx, cy, radius, color):
        self.blend(radius - np.hypot(self.x - cx, self.y - cy) + 0.5, color)

    def ring(self, cx, cy, radius, width, color):
        distance = np.abs(np.hypot(self.x - cx, self.y - cy) - radius)
        self.blend(width / 2 - distance + 0.5, color)

    def line(self, x0, y0, x1, y1, width, color):
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((self.x - x0) * dx + (self.y - y0) * dy) / (dx * dx + dy * dy), 0, 1)
        distance = np.hypot(self.x - (x0 + t * dx), self.y - (y0 + t * dy))
        self.blend(width / 2 - distance + 0.5, color)

    def save(self, name):
        write_png(os.path.join(RESOURCES, name), np.clip(self.image, 0, 255).astype(np.uint8))


def tensors_image():
    """A stack of matrices: a 3-d tensor seen as 2-d slices."""
    canvas = Canvas(800, 450)
    rng = np.random.default_rng(1)
    for layer, (ox, oy) in enumerate([(300, 60), (260, 100), (220, 140)]):
        for row in range(4):
            for column in range(5):
                shade = rng.uniform(0.15, 0.9) if layer == 2 else 0.12 + 0.08 * layer
                color = BACKGROUND * (1 - shade) + BLUE * shade
                x, y = ox + column * 52, oy + row * 52
                canvas.rectangle(x, y, x + 48, y + 48, color)
    canvas.save("tensors-chapter.png")


def network_image():
    """A small multilayer network: inputs, one hidden layer, outputs."""
    canvas = Canvas(800, 450)
    layers = [[75, 155, 225, 295, 375], [115, 195, 255, 335], [175, 275]]
    xs = [220, 400, 580]
    for (xa, ya), (xb, yb) in (((xs[i], a), (xs[i + 1], b)) for i in range(2) for a in layers[i] for b in layers[i + 1]):
        canvas.line(xa, ya, xb, yb, 2.5, INK * 0.4 + BACKGROUND * 0.6)
    for x, layer in zip(xs, layers):
        for y in layer:
            canvas.disc(x, y, 24, BLUE if x != xs[-1] else ACCENT)
            canvas.ring(x, y, 24, 3, INK)
    canvas.save("networks-chapter.png")


def gradients_image():
    """A loss curve with the tangent that the gradient describes."""
    canvas = Canvas(800, 450)
    xs = np.linspace(-1.6, 1.6, 400)
    ys = xs ** 2
    px = 400 + xs * 200
    py = 380 - ys * 120
    for (x0, y0, x1, y1) in zip(px[:-1], py[:-1], px[1:], py[1:]):
        canvas.line(x0, y0, x1, y1, 5, BLUE)
    point = 1.0
    slope = 2 * point
    x0, x1 = point - 0.45, point + 0.45
    canvas.line(400 + x0 * 200, 380 - (point ** 2 + slope * (x0 - point)) * 120,
                400 + x1 * 200, 380 - (point ** 2 + slope * (x1 - point)) * 120, 4, ACCENT)
    canvas.disc(400 + point * 200, 380 - point ** 2 * 120, 11, ACCENT)
    canvas.disc(400, 380, 9, INK)
    canvas.save("gradients-chapter.png")


def digits_image():
    """The first digits of the bundled data set, as the classifier sees them."""
    canvas = Canvas(800, 450)
    images = np.load(DIGITS).astype(np.float64) / 16.0
    size, gap = 7, 18
    for index in range(20):
        row, column = divmod(index, 10)
        ox, oy = 34 + column * (8 * size + gap), 130 + row * (8 * size + 2 * gap + 20)
        for y in range(8):
            for x in range(8):
                value = images[index, y, x]
                color = BACKGROUND * (1 - value) + INK * value
                canvas.rectangle(ox + x * size, oy + y * size, ox + (x + 1) * size, oy + (y + 1) * size, color)
    canvas.save("training-chapter.png")


def convolution_image():
    """A 3 x 3 kernel sliding over a digit, the feature map it makes, and that map pooled."""
    canvas = Canvas(800, 450)
    image = np.load(DIGITS).astype(np.float64)[0] / 16.0
    kernel = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=np.float64)
    padded = np.pad(image, 1)
    response = np.array([[np.sum(padded[y:y + 3, x:x + 3] * kernel) for x in range(8)] for y in range(8)])
    response = np.abs(response) / np.abs(response).max()
    pooled = response.reshape(4, 2, 4, 2).max(axis=(1, 3))
    size = 24

    def grid(values, ox, oy, color):
        rows, columns = values.shape
        for y in range(rows):
            for x in range(columns):
                shade = BACKGROUND * (1 - values[y, x]) + color * values[y, x]
                canvas.rectangle(ox + x * size + 1, oy + y * size + 1, ox + (x + 1) * size - 1, oy + (y + 1) * size - 1, shade)

    def outline(x0, y0, x1, y1):
        for (ax, ay, bx, by) in [(x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)]:
            canvas.line(ax, ay, bx, by, 4, ACCENT)

    input_x, map_x, pool_x, top = 70, 330, 620, 129
    window_x, window_y = 1, 2
    output_x, output_y = window_x + 1, window_y + 1
    grid(image, input_x, top, INK)
    grid(response, map_x, top, BLUE)
    grid(pooled, pool_x, top + 2 * size, BLUE)
    faint = INK * 0.4 + BACKGROUND * 0.6
    for corner in [0, 1]:
        canvas.line(input_x + (window_x + 3) * size, top + (window_y + 3 * corner) * size,
                    map_x + output_x * size, top + (output_y + corner) * size, 1.5, faint)
        canvas.line(map_x + 6 * size, top + (2 + 2 * corner) * size,
                    pool_x + 2 * size, top + (3 + corner) * size, 1.5, faint)
    outline(input_x + window_x * size, top + window_y * size, input_x + (window_x + 3) * size, top + (window_y + 3) * size)
    outline(map_x + output_x * size, top + output_y * size, map_x + (output_x + 1) * size, top + (output_y + 1) * size)
    outline(map_x + 4 * size, top + 2 * size, map_x + 6 * size, top + 4 * size)
    outline(pool_x + 2 * size, top + 3 * size, pool_x + 3 * size, top + 4 * size)
    canvas.save("convolution-chapter.png")


if __name__ == "__main__":
    tensors_image()
    network_image()
    gradients_image()
    digits_image()
    convolution_image()

"""Inputs the network never saw (5.5.4's viewer), as NumPy computes them.

The page makes them in web/js/lenet_inputs.js, the same rules written in
JavaScript; tests/test_inputs.py holds the two together.  An image is
28 x 28 float32 values in [0, 1] (the network's input, white = 1):

- `noise(seed)`: every pixel a gray level 0..255 drawn by mulberry32, a
  32-bit generator simple enough to be the same in both languages;
- `invert`, `shift` (whole pixels, black coming in): exact;
- `rotate_and_scale`: bilinear sampling about the centre, black outside;
- `photo_input`: a photo's centre square, gray as BT.601 weighs it (as
  PIL's "L"), shrunk to 28 x 28 by averaging the area each pixel covers.
"""
import numpy as np

SIZE = 28
GRAY_WEIGHTS = (0.299, 0.587, 0.114)


def _mulberry32(seed):
    state = seed & 0xFFFFFFFF
    while True:
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = (t ^ (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF))) & 0xFFFFFFFF
        yield (t ^ (t >> 14)) & 0xFFFFFFFF


def noise(seed):
    """Uniform random gray levels, the same as lenet_inputs.js noise()."""
    draws = _mulberry32(seed)
    levels = np.array([next(draws) >> 24 for _ in range(SIZE * SIZE)],
                      dtype=np.float64)
    return (levels / 255).astype(np.float32).reshape(SIZE, SIZE)


def constant(value):
    """All black (0) or all white (1)."""
    return np.full((SIZE, SIZE), value, dtype=np.float32)


def invert(image):
    return (np.float32(1) - image).astype(np.float32)


def shift(image, dx, dy):
    """Moved `dx` pixels right and `dy` down (negative: left, up); what
    comes in is black.  Of a stack of images (..., 28, 28), each one."""
    out = np.zeros_like(image)
    h, w = image.shape[-2:]
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[..., max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def rotate_and_scale(image, degrees, scale):
    """Turned `degrees` anticlockwise as seen and grown `scale` times about
    the image's centre, each output pixel sampled bilinearly (black outside)."""
    centre = (SIZE - 1) / 2
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    angle = np.deg2rad(degrees)
    cos, sin = np.cos(angle), np.sin(angle)
    # Where each output pixel comes from: the inverse turn, then shrink.
    u, v = xs - centre, ys - centre
    sx = (cos * u - sin * v) / scale + centre
    sy = (sin * u + cos * v) / scale + centre
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = sx - x0, sy - y0
    padded = np.zeros((SIZE + 2, SIZE + 2), dtype=np.float64)
    padded[1:-1, 1:-1] = image

    def at(y, x):  # out of the image: 0
        inside = (x >= -1) & (x <= SIZE) & (y >= -1) & (y <= SIZE)
        return np.where(inside, padded[np.clip(y + 1, 0, SIZE + 1),
                                       np.clip(x + 1, 0, SIZE + 1)], 0.0)

    value = ((1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1))
             + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1)))
    return value.astype(np.float32)


def _area_weights(source, target=SIZE):
    """(target, source): how much of each source pixel each target pixel
    covers, each row summing to 1."""
    edges = np.arange(target + 1) * source / target
    lo, hi = edges[:-1, None], edges[1:, None]
    left = np.arange(source)[None, :]
    overlap = np.clip(np.minimum(hi, left + 1) - np.maximum(lo, left), 0, None)
    return overlap / (source / target)


def photo_input(rgb):
    """An RGB photo (H, W, 3) of uint8 as the network sees it: its centre
    square in gray, each of the 28 x 28 pixels the mean of the area it
    covers.  Not inverted: a photo is mostly dark on light."""
    h, w, _ = rgb.shape
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = rgb[top:top + side, left:left + side].astype(np.float64)
    gray = square @ np.array(GRAY_WEIGHTS)
    weights = _area_weights(side)
    return (weights @ gray @ weights.T / 255).astype(np.float32)

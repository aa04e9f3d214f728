// Inputs the network never saw (5.5.4's viewer): noise, black, white, a
// test image inverted, shifted, turned and scaled, and the reader's photo.
// The same rules as book/lenet/inputs.py, which tests/test_inputs.py holds
// them to.  An image is a Float32Array(784) of values in [0, 1], white = 1.

import { IMAGE_SIZE as SIZE } from "./lenet_contract.js";

export const GRAY_WEIGHTS = [0.299, 0.587, 0.114];  // BT.601, as PIL's "L"

/** mulberry32: 32-bit draws simple enough to be the same in Python. */
function* mulberry32(seed) {
  let state = seed | 0;
  for (;;) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    yield (t ^ (t >>> 14)) >>> 0;
  }
}

/** Every pixel a uniform random gray level 0..255. */
export function noise(seed) {
  const draws = mulberry32(seed);
  return Float32Array.from({ length: SIZE * SIZE }, () => (draws.next().value >>> 24) / 255);
}

/** All black (0) or all white (1). */
export const constant = (value) => new Float32Array(SIZE * SIZE).fill(value);

export const invert = (image) => image.map((v) => 1 - v);

/** Moved `dx` pixels right and `dy` down (negative: left, up); black comes in. */
export function shift(image, dx, dy) {
  const out = new Float32Array(SIZE * SIZE);
  for (let y = Math.max(dy, 0); y < SIZE + Math.min(dy, 0); y++) {
    for (let x = Math.max(dx, 0); x < SIZE + Math.min(dx, 0); x++) {
      out[y * SIZE + x] = image[(y - dy) * SIZE + x - dx];
    }
  }
  return out;
}

/** Turned `degrees` anticlockwise as seen and grown `scale` times about the
 * centre, each pixel sampled bilinearly (black outside). */
export function rotateAndScale(image, degrees, scale) {
  const centre = (SIZE - 1) / 2;
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const at = (y, x) => (x >= 0 && x < SIZE && y >= 0 && y < SIZE ? image[y * SIZE + x] : 0);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const u = x - centre;
      const v = y - centre;
      const sx = (cos * u - sin * v) / scale + centre;
      const sy = (sin * u + cos * v) / scale + centre;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      out[y * SIZE + x] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1))
        + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

/** How much of each of `source` pixels each of SIZE pixels covers, as
 * [[first source pixel, weights...], ...], each row summing to 1. */
function areaWeights(source) {
  const step = source / SIZE;
  return Array.from({ length: SIZE }, (_, i) => {
    const lo = i * step;
    const hi = (i + 1) * step;
    const first = Math.floor(lo);
    const weights = [];
    for (let p = first; p < Math.min(Math.ceil(hi), source); p++) {
      weights.push((Math.min(hi, p + 1) - Math.max(lo, p)) / step);
    }
    return [first, weights];
  });
}

/** An RGBA photo (ImageData-like: data, width, height) as the network sees
 * it: its centre square in gray, each pixel the mean of the area it covers.
 * Not inverted: a photo is mostly dark on light. */
export function photoInput({ data, width, height }) {
  const side = Math.min(width, height);
  const top = Math.floor((height - side) / 2);
  const left = Math.floor((width - side) / 2);
  const [r, g, b] = GRAY_WEIGHTS;
  const weights = areaWeights(side);
  // Rows first: each photo row shrunk to SIZE columns...
  const rows = Array.from({ length: side }, (_, y) => {
    const base = ((top + y) * width + left) * 4;
    const gray = (x) => r * data[base + 4 * x] + g * data[base + 4 * x + 1] + b * data[base + 4 * x + 2];
    return weights.map(([first, w]) => w.reduce((sum, wk, k) => sum + wk * gray(first + k), 0));
  });
  // ...then the columns to SIZE rows.
  const out = new Float32Array(SIZE * SIZE);
  weights.forEach(([first, w], i) => {
    for (let j = 0; j < SIZE; j++) {
      out[i * SIZE + j] = w.reduce((sum, wk, k) => sum + wk * rows[first + k][j], 0) / 255;
    }
  });
  return out;
}

// Why a network decides (5.5.4's viewer): occlusion (遮挡), a gray patch at
// every stride-th place and the class's probability again, the drop at each
// place being how much the network leaned on what the patch hid; and
// saliency (显著图), the gradient of the class's score with respect to each
// pixel, by a backward pass over the forward pass's trace; and 对抗样本, the
// fast gradient sign method over the loss's gradient.  The same as
// book/lenet/attribution.py computes with MXNet (tests/test_attribution.py).

import { ownActivation } from "./lenet_architecture.js";
import { BATCH_NORM, IMAGE_SIZE as SIZE } from "./lenet_contract.js";
import { forward, topClass } from "./lenet_forward.js";

export const OCCLUSION_FILL = 0.5;  // the patch's gray

/** The patch's top (or left) edges while it stays inside the image. */
export function occlusionPositions(size, stride) {
  const places = [];
  for (let p = 0; p + size <= SIZE; p += stride) places.push(p);
  return places;
}

/** `image` with the patch's top left corner at (top, left). */
export function occludedImage(image, top, left, size) {
  const out = Float32Array.from(image);
  for (let y = top; y < top + size; y++) out.fill(OCCLUSION_FILL, y * SIZE + left, y * SIZE + left + size);
  return out;
}

/** {places, base, drops}: `label`'s probability on `image` (base) less its
 * probability with the patch at each place, row by row (n * n drops). */
export function occlusionMap(network, image, label, size, stride) {
  const places = occlusionPositions(size, stride);
  const base = forward(network, image).probabilities[label];
  const drops = new Float32Array(places.length ** 2);
  places.forEach((top, i) => places.forEach((left, j) => {
    drops[i * places.length + j] = base
      - forward(network, occludedImage(image, top, left, size)).probabilities[label];
  }));
  return { places, base, drops };
}

// Each activation's slope, from its input z and its output a.
const SLOPES = {
  sigmoid: (z, a) => a * (1 - a),
  relu: (z) => (z > 0 ? 1 : 0),
  tanh: (z, a) => 1 - a * a,
  softrelu: (z) => 1 / (1 + Math.exp(-z)),
};

const times = (g, x, slope, out) => g.map((v, i) => v * slope(x[i], out[i]));

/** The gradient at a layer's input, from the gradient `g` at what it
 * computed (before its own activation) and the `input` it got. */
const BACK = {
  conv(g, input, t, layer) {
    const weight = t("weight");
    const k = layer.settings.kernel_size;
    const p = layer.settings.padding ?? 0;  // none when the plan names none
    const { channels: c, size: n } = input;
    const m = n + 2 * p - k + 1;
    const out = new Float32Array(c * n * n);
    for (let o = 0; o < g.length / (m * m); o++) {
      for (let y = 0; y < m; y++) {
        for (let x = 0; x < m; x++) {
          const gy = g[(o * m + y) * m + x];
          if (gy === 0) continue;
          for (let i = 0; i < c; i++) {
            for (let dy = 0; dy < k; dy++) {
              const row = y + dy - p;
              if (row < 0 || row >= n) continue;
              for (let dx = 0; dx < k; dx++) {
                const col = x + dx - p;
                if (col >= 0 && col < n) {
                  out[(i * n + row) * n + col] += weight[((o * c + i) * k + dy) * k + dx] * gy;
                }
              }
            }
          }
        }
      }
    }
    return out;
  },
  dense(g, input, t) {
    const weight = t("weight");
    const n = input.data.length;
    const out = new Float32Array(n);
    g.forEach((gy, o) => {
      for (let i = 0; i < n; i++) out[i] += weight[o * n + i] * gy;
    });
    return out;
  },
  pool(g, { data, channels: c, size: n }, t, layer) {
    const m = Math.floor(n / 2);
    const out = new Float32Array(c * n * n);
    for (let i = 0; i < c; i++) {
      for (let y = 0; y < m; y++) {
        for (let x = 0; x < m; x++) {
          const gy = g[(i * m + y) * m + x];
          const places = [0, 1, n, n + 1].map((d) => (i * n + 2 * y) * n + 2 * x + d);
          if (layer.settings.pooling === "max") {
            // The first of the window's largest values, as MXNet routes it.
            const top = places.reduce((a, b) => (data[b] > data[a] ? b : a));
            out[top] += gy;
          } else for (const at of places) out[at] += gy / 4;
        }
      }
    }
    return out;
  },
  batchnorm(g, input, t) {
    const per = input.size * input.size;
    return g.map((v, i) => {
      const f = Math.floor(i / per);
      return v * t("gamma")[f] / Math.sqrt(t("running_var")[f] + BATCH_NORM.epsilon);
    });
  },
  activation: (g, input, t, layer, output) => times(g, input.data, SLOPES[layer.settings.activation],
                                                  output.data),
  dropout: (g) => g,
};

/** The gradient with respect to the 784 input pixels of what
 * `atLogits(probabilities)` gives as the gradient at the logits. */
function inputGradient(network, image, atLogits) {
  const trace = [];
  const { probabilities } = forward(network, image, trace);
  let g = Float32Array.from(atLogits(probabilities));
  for (const { layer, input, computed, output } of trace.reverse()) {
    const t = (what) => network.tensors[`${layer.name}.${what}`];
    if (ownActivation(layer)) g = times(g, computed.data, SLOPES[ownActivation(layer)], output.data);
    g = BACK[layer.kind](g, input, t, layer, layer.kind === "activation" ? output : computed);
  }
  return g;
}

/** 显著图: the gradient of class `label`'s score (its logit, before the
 * softmax) with respect to each of the 784 input pixels. */
export const saliency = (network, image, label) => inputGradient(
  network, image, (p) => p.map((_, i) => (i === label ? 1 : 0)));

/** The gradient of the cross-entropy loss of class `label`, -log p[label]:
 * at the logits it is p minus the one-hot label. */
export const lossGradient = (network, image, label) => inputGradient(
  network, image, (p) => p.map((v, i) => v - (i === label ? 1 : 0)));

/** 对抗样本 by the fast gradient sign method: each pixel moved `levels`
 * gray levels (of 255) the way that raises the loss, kept in [0, 1]. */
export const fgsm = (image, gradient, levels) => image.map(
  (v, i) => Math.min(1, Math.max(0, v + (levels / 255) * Math.sign(gradient[i]))));

/** The fewest gray levels (1..most) of FGSM that change the network's
 * prediction `label`: {levels, image, predicted}, or null if none does. */
export function smallestFooling(network, image, label, most = 255) {
  const gradient = lossGradient(network, image, label);
  for (let levels = 1; levels <= most; levels++) {
    const fooled = fgsm(image, gradient, levels);
    const predicted = topClass(forward(network, fooled).probabilities);
    if (predicted !== label) return { levels, image: fooled, predicted };
  }
  return null;
}

// A trained LeNet's forward pass for one image, in plain JavaScript: the
// trained-network viewer (5.5.4) runs it over the float16 weights files of
// the sweep (book/lenet/weights.py) and over networks trained in the page,
// layer by layer as the network's plan (lenet_architecture.js) lists them.
// tests/test_browser_logic.py compares it with MXNet on every shipped
// network and test image, and on a network with batch norm.

import { blockMaps, ownActivation, plan, poolOutput } from "./lenet_architecture.js";
import { BATCH_NORM, IMAGE_SIZE } from "./lenet_contract.js";

/** float16 (little-endian) bytes -> Float32Array. */
export function decodeFloat16(buffer) {
  const halves = new Uint16Array(buffer);
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] = exponent === 0 ? sign * 2 ** -14 * (fraction / 1024)
      : exponent === 31 ? (fraction ? NaN : sign * Infinity)
        : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

/** {name: Float32Array} from the flat numbers and the file's tensor list. */
export function unpackTensors(numbers, tensors) {
  const named = {};
  let start = 0;
  for (const { name, shape } of tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    named[name] = numbers.subarray(start, start + size);
    start += size;
  }
  if (start !== numbers.length) {
    throw new Error(`weights file holds ${numbers.length} numbers, ` +
                    `the tensors ${start}`);
  }
  return named;
}

export const ACTIVATIONS = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : 0),
  tanh: Math.tanh,
  softrelu: (x) => Math.log1p(Math.exp(x)),
};

/** The input (c, n, n) with `p` zeros on each side. */
function padded({ data, channels: c, size: n }, p) {
  const m = n + 2 * p;
  const result = new Float32Array(c * m * m);
  for (let i = 0; i < c; i++) {
    for (let y = 0; y < n; y++) {
      result.set(data.subarray((i * n + y) * n, (i * n + y + 1) * n), (i * m + y + p) * m + p);
    }
  }
  return { data: result, channels: c, size: m };
}

// A convolution of stride 1, `p` zeros on each side: input (c, n, n),
// weight (out, c, k, k).
function conv2d(x, weight, bias, k, p = 0) {
  const { data: input, channels: c, size: n } = p ? padded(x, p) : x;
  const out = bias.length;
  const m = n - k + 1;
  const result = new Float32Array(out * m * m);
  for (let o = 0; o < out; o++) {
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        let sum = bias[o];
        for (let i = 0; i < c; i++) {
          const w0 = ((o * c + i) * k) * k;
          const in0 = i * n * n;
          for (let dy = 0; dy < k; dy++) {
            const row = in0 + (y + dy) * n + x;
            const wRow = w0 + dy * k;
            for (let dx = 0; dx < k; dx++) sum += input[row + dx] * weight[wRow + dx];
          }
        }
        result[(o * m + y) * m + x] = sum;
      }
    }
  }
  return { data: result, channels: out, size: m };
}

// 2x2 pooling, stride 2, as MXNet's MaxPool2D / AvgPool2D (floor).
function pool2d({ data: input, channels: c, size: n }, kind) {
  const m = poolOutput(n);
  const result = new Float32Array(c * m * m);
  for (let i = 0; i < c; i++) {
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        const at = (dy, dx) => input[(i * n + 2 * y + dy) * n + 2 * x + dx];
        const window = [at(0, 0), at(0, 1), at(1, 0), at(1, 1)];
        result[(i * m + y) * m + x] = kind === "max" ? Math.max(...window)
          : (window[0] + window[1] + window[2] + window[3]) / 4;
      }
    }
  }
  return { data: result, channels: c, size: m };
}

// A dense layer over every value of x (MXNet flattens (c, h, w) in order).
function dense({ data: input }, weight, bias) {
  const result = new Float32Array(bias.length);
  for (let o = 0; o < bias.length; o++) {
    let sum = bias[o];
    const w0 = o * input.length;
    for (let i = 0; i < input.length; i++) sum += weight[w0 + i] * input[i];
    result[o] = sum;
  }
  return { data: result, channels: bias.length, size: 1 };
}

// Batch normalization with the running statistics (inference), per
// feature (a channel's values, or one value of a dense layer).
function batchNorm(x, t) {
  const out = new Float32Array(x.data.length);
  const per = x.size * x.size;
  for (let f = 0; f < x.channels; f++) {
    const scale = t("gamma")[f] / Math.sqrt(t("running_var")[f] + BATCH_NORM.epsilon);
    for (let i = f * per; i < (f + 1) * per; i++) {
      out[i] = (x.data[i] - t("running_mean")[f]) * scale + t("beta")[f];
    }
  }
  return { ...x, data: out };
}

const mapped = (x, f) => ({ ...x, data: x.data.map(f) });

/** What one kind of layer computes on x ({data, channels, size}); `t(what)`
 * is the layer's tensor.  Dropout passes values through, as in MXNet's
 * inference. */
const APPLY = {
  conv: (x, t, layer) => conv2d(x, t("weight"), t("bias"), layer.settings.kernel_size,
                                layer.settings.padding),
  dense: (x, t) => dense(x, t("weight"), t("bias")),
  pool: (x, t, layer) => pool2d(x, layer.settings.pooling),
  batchnorm: (x, t) => batchNorm(x, t),
  activation: (x, t, layer) => mapped(x, ACTIVATIONS[layer.settings.activation]),
  dropout: (x) => x,
};

/** The most likely class: the index of the largest probability. */
export const topClass = (probabilities) => probabilities.indexOf(Math.max(...probabilities));

function softmax(logits) {
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** The network's forward pass for one image (784 numbers in [0, 1]).
 * `network`: {arch, tensors} (arch: the architecture's fields; tensors
 * named as the plan names them: conv0.weight, batchnorm0.gamma, ...).
 * Returns the class probabilities and the feature maps of each
 * convolution block after its activation (named as the convolution) and
 * after its pooling (named as the pooling).  `trace`, an array, receives
 * each layer's {layer, input, computed (before the layer's own
 * activation), output} (lenet_cell.js reads it). */
export function forward(network, image, trace = null) {
  const maps = [];
  let x = { data: image, channels: 1, size: IMAGE_SIZE };
  const layers = plan(network.arch);
  const blocks = blockMaps(layers);
  for (const [index, layer] of layers.entries()) {
    const t = (what) => network.tensors[`${layer.name}.${what}`];
    if (blocks.has(index)) maps.push({ name: blocks.get(index), ...x });
    const input = x;
    x = APPLY[layer.kind](x, t, layer);
    // What a layer computes before the activation it holds, for `trace`.
    const computed = x;
    if (ownActivation(layer)) x = mapped(x, ACTIVATIONS[ownActivation(layer)]);
    trace?.push({ layer, input, computed, output: x });
    if (blocks.has(index)) maps.push({ name: layer.name, ...x });
  }
  return { probabilities: softmax(Array.from(x.data)), maps };
}

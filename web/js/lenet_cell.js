// What one cell of a feature map computes, from a forward pass's trace
// (lenet_forward.js): for a convolution cell, its window on the layer's
// input (a padding's zeros included), the kernel's weights, their element-wise products, the
// sums, the bias, batch normalization where the network has it, and the
// activation that gives the cell's value; for a pooling cell, its 2x2
// window and the value it keeps (max) or their mean (avg).  The viewer's
// convolution view (viewer/cells.js) shows it; tests/test_cell.py holds
// every number to MXNet's.

import { BATCH_NORM, IMAGE_SIZE } from "./lenet_contract.js";
import { ACTIVATIONS } from "./lenet_forward.js";

/** The maps a trace has, in order: [{name, kind, size, channels, step}],
 * each convolution block's map after its activation (named as the
 * convolution) and after its pooling. */
export function cellMaps(trace) {
  const maps = [];
  let block = null;
  for (const step of trace) {
    const { kind, name } = step.layer;
    if (kind === "dense") break;
    if (kind === "conv") {
      block = { conv: step, batchnorm: null, activation: null };
    } else if (kind === "batchnorm") {
      block.batchnorm = step;
    } else if (kind === "activation") {
      block.activation = step;
    } else if (kind === "pool") {
      const convMap = step.input;  // the block's output, after its activation
      maps.push({ name: block.conv.layer.name, kind: "conv", block,
                  size: convMap.size, channels: convMap.channels, data: convMap.data });
      maps.push({ name, kind: "pool", block: { pool: step }, size: step.output.size,
                  channels: step.output.channels, data: step.output.data });
    }
  }
  return maps;
}

/** Where cell (row, col) of map `name` looks in the image: {top, left,
 * height, width}, the windows of every layer up to it (stride 1
 * convolutions, 2x2 pooling of stride 2), less what falls on a padding's
 * zeros outside the image. */
export function receptiveField(maps, name, row, col) {
  let stride = 1;
  let size = 1;
  let shift = 0;  // how far the padding moves the field up and left
  for (const map of maps) {
    if (map.kind === "conv") {
      const { kernel_size: k, padding = 0 } = map.block.conv.layer.settings;
      shift += padding * stride;
      size += (k - 1) * stride;
    } else {
      size += stride;
      stride *= 2;
    }
    if (map.name === name) {
      const clip = (start) => {
        const from = Math.max(start, 0);
        return [from, Math.min(start + size, IMAGE_SIZE) - from];
      };
      const [top, height] = clip(row * stride - shift);
      const [left, width] = clip(col * stride - shift);
      return { top, left, height, width };
    }
  }
  throw new Error(`no map ${name}`);
}

function convCell({ conv, batchnorm, activation }, tensors, channel, row, col) {
  const { layer, input } = conv;
  const { kernel_size: k, padding = 0 } = layer.settings;
  const weight = tensors[`${layer.name}.weight`];
  const n = input.size;
  // A padding's zeros, outside the input, count as inputs of 0.
  const at = (i, y, x) => (y >= 0 && y < n && x >= 0 && x < n ? input.data[(i * n + y) * n + x] : 0);
  let sum = 0;
  const inputs = Array.from({ length: input.channels }, (_, i) => {
    const patch = [];
    const weights = [];
    const products = [];
    let partial = 0;
    for (let dy = 0; dy < k; dy++) {
      for (let dx = 0; dx < k; dx++) {
        const value = at(i, row + dy - padding, col + dx - padding);
        const w = weight[((channel * input.channels + i) * k + dy) * k + dx];
        patch.push(value);
        weights.push(w);
        products.push(value * w);
        partial += value * w;
      }
    }
    sum += partial;
    return { channel: i, patch, weights, products, sum: partial };
  });
  const bias = tensors[`${layer.name}.bias`][channel];
  const computed = sum + bias;
  let normalized = null;
  let norm = null;
  if (batchnorm) {
    const t = (what) => tensors[`${batchnorm.layer.name}.${what}`][channel];
    norm = { gamma: t("gamma"), beta: t("beta"), mean: t("running_mean"),
             variance: t("running_var"), epsilon: BATCH_NORM.epsilon };
    normalized = (computed - norm.mean) / Math.sqrt(norm.variance + norm.epsilon) * norm.gamma +
      norm.beta;
  }
  const name = layer.settings.activation ?? activation.layer.settings.activation;
  return { kind: "conv", layer: layer.name, channel, row, col, k, padding, inputs, sum, bias, computed,
           batchNorm: norm, normalized, activation: name,
           value: ACTIVATIONS[name](normalized ?? computed) };
}

function poolCell({ pool }, channel, row, col) {
  const { input, layer } = pool;
  const n = input.size;
  const window = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([dy, dx]) => ({
    row: 2 * row + dy, col: 2 * col + dx,
    value: input.data[(channel * n + 2 * row + dy) * n + 2 * col + dx] }));
  const values = window.map((w) => w.value);
  const pooling = layer.settings.pooling;
  const kept = pooling === "max" ? values.indexOf(Math.max(...values)) : null;
  const value = pooling === "max" ? values[kept]
    : (values[0] + values[1] + values[2] + values[3]) / 4;
  return { kind: "pool", layer: layer.name, channel, row, col, pooling, window, kept, value };
}

/** What cell (channel, row, col) of map `name` computes (see the top). */
export function cellArithmetic(maps, tensors, name, channel, row, col) {
  const map = maps.find((m) => m.name === name);
  if (!map) throw new Error(`no map ${name}`);
  return map.kind === "conv" ? convCell(map.block, tensors, channel, row, col)
    : poolCell(map.block, channel, row, col);
}

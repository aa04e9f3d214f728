// Training the 5.5.4 explorer's network in the browser, with TensorFlow.js
// on its WebAssembly backend, as the explorer's MXNet training does it
// (book/lenet/explorer_logic.py): the same layers in the same order, the
// parameters in MXNet's layout and under the layer table's names (conv0,
// batchnorm0, dense0, ...), MXNet's update rules for SGD, momentum and Adam
// with the gradient divided by the configured batch size (as train_ch5
// does, the last short batch too), MXNet's initializers.
//
// The activations are NHWC, the layout TF.js's convolutions take; the
// weights stay in MXNet's (out, in, k, k) and are transposed inside the
// graph, and the first dense layer flattens in MXNet's (c, h, w) order, so
// a trained network is a file the viewer (and MXNet) can read.
//
// tests/test_browser_training.py runs one step of every activation x pooling
// x batch norm x optimizer here and in MXNet from the same weights and batch
// and compares both with a float64 reference.
//
// `tf` is passed in (web/vendor/tfjs/tfjs.esm.min.js, made by
// ci/vendor_web_assets.sh), so that this module runs in a worker
// (lenet_train_worker.js) and in a test page alike.

import { IMAGE_SIZE, NUM_CLASSES, layerInfos } from "./lenet_architecture.js";

// Gluon's BatchNorm defaults.
const BN_MOMENTUM = 0.9;
const BN_EPSILON = 1e-5;
// MXNet's Adam defaults and the momentum of the explorer's "momentum".
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const MOMENTUM = 0.9;

const kindOf = (name) => name.replace(/\d+$/, "");
let networkCount = 0;

/** The layers of `arch` as the layer table names them, each with what
 * training needs: conv and dense apply the activation themselves unless a
 * batch norm follows (then an "activation" row does), the last dense none. */
export function layersOf(arch) {
  const rows = layerInfos(arch);
  let inChannels = 1;
  let features = 0;
  let convIndex = 0;
  let denseIndex = 0;
  return rows.map((row, i) => {
    const kind = kindOf(row.name);
    const next = rows[i + 1] ? kindOf(rows[i + 1].name) : null;
    const layer = { name: row.name, kind, shape: row.output_shape,
                    activate: (kind === "conv" || kind === "dense") &&
                      next !== null && next !== "batchnorm" };
    if (kind === "conv") {
      const k = arch.kernel_sizes[convIndex];
      const c = arch.channels[convIndex];
      layer.params = { weight: [c, inChannels, k, k], bias: [c] };
      inChannels = c;
      convIndex += 1;
    } else if (kind === "dense") {
      if (!features) {
        const [, c, h, w] = rows[i - 1].output_shape;
        features = c * h * w;
      }
      const units = row.output_shape[1];
      layer.params = { weight: [units, features], bias: [units] };
      features = units;
      denseIndex += 1;
    } else if (kind === "batchnorm") {
      const n = row.output_shape[1];
      layer.params = { gamma: [n], beta: [n] };
      layer.state = { running_mean: [n], running_var: [n] };
    } else if (kind === "dropout") {
      layer.rate = arch.dropout;
    }
    return layer;
  });
}

/** Every tensor of the network in MXNet's collect_params() order:
 * [{name, shape, trainable}]. */
export function parameterSpecs(arch) {
  const specs = [];
  for (const layer of layersOf(arch)) {
    for (const [what, shape] of Object.entries(layer.params ?? {})) {
      specs.push({ name: `${layer.name}.${what}`, shape, trainable: true });
    }
    for (const [what, shape] of Object.entries(layer.state ?? {})) {
      specs.push({ name: `${layer.name}.${what}`, shape, trainable: false });
    }
  }
  return specs;
}

// -- MXNet's initializers, on a seeded generator ------------------------------

/** A small seeded generator (mulberry32): the same seed, the same network
 * in every browser.  Not MXNet's generator: the numbers differ from the
 * kernel's, their distribution does not. */
export function randomSource(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {  // Box-Muller
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}

// fan_in / fan_out as MXNet's Xavier computes them.
function fans(shape) {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1] * receptive, shape[0] * receptive];
}

const INITIALIZERS = {
  // Xavier(): uniform, factor "avg", magnitude 3.
  Xavier: (shape, random) => {
    const [fanIn, fanOut] = fans(shape);
    const scale = Math.sqrt(3 / ((fanIn + fanOut) / 2));
    return () => (2 * random.uniform() - 1) * scale;
  },
  Normal: (shape, random) => () => 0.01 * random.normal(),
  Uniform: (shape, random) => () => (2 * random.uniform() - 1) * 0.07,
  // MSRAPrelu(): Gaussian Xavier, factor "avg", magnitude 2 / (1 + 0.25²).
  MSRAPrelu: (shape, random) => {
    const [fanIn, fanOut] = fans(shape);
    const scale = Math.sqrt((2 / (1 + 0.25 ** 2)) / ((fanIn + fanOut) / 2));
    return () => scale * random.normal();
  },
};

/** Initial values of every tensor, {name: Float32Array}: weights by the
 * configured initializer, biases and β zero, γ one, the running mean zero
 * and the running variance one, as MXNet's Initializer does by name. */
export function initialValues(arch, initializer, seed) {
  if (!INITIALIZERS[initializer]) {
    throw new Error(`初始化方法只能是 ${Object.keys(INITIALIZERS).join("、")} 之一。`);
  }
  const random = randomSource(seed);
  const values = {};
  for (const { name, shape } of parameterSpecs(arch)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const array = new Float32Array(size);
    if (name.endsWith(".weight")) {
      const draw = INITIALIZERS[initializer](shape, random);
      for (let i = 0; i < size; i++) array[i] = draw();
    } else if (name.endsWith(".gamma") || name.endsWith(".running_var")) {
      array.fill(1);
    }
    values[name] = array;
  }
  return values;
}

// -- the kernel TF.js's WebAssembly backend lacks -------------------------------

/** Conv2DBackpropFilter for the WebAssembly backend (tfjs#8474), from its
 * own Transpose and Conv2D: for a valid convolution of stride 1,
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh + kh, ow + kw, ci] dy[n, oh, ow, co],
 * which is a convolution of x with the images as channels (ci, H, W, n) by
 * dy as the filter (oh, ow, n, co).  The explorer's convolutions are all of
 * that kind; anything else is refused, not computed wrongly. */
export function registerConv2DBackpropFilter(tf, backendName = "wasm") {
  if (tf.getKernel("Conv2DBackpropFilter", backendName)) return false;
  const transpose = tf.getKernel("Transpose", backendName).kernelFunc;
  const conv2d = tf.getKernel("Conv2D", backendName).kernelFunc;
  const ones = (v) => (Array.isArray(v) ? v : [v, v]).every((x) => x === 1);
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs: { x, dy }, backend, attrs }) => {
      const { strides, pad, dataFormat, filterShape } = attrs;
      if (!ones(strides) || !(pad === "valid" || pad === 0) ||
          (dataFormat && dataFormat !== "NHWC")) {
        throw new Error("Conv2DBackpropFilter: only stride 1, no padding, NHWC " +
                        `(got strides ${strides}, pad ${pad}, ${dataFormat})`);
      }
      const perm = (input, order) => transpose({ inputs: { x: input }, backend,
                                                 attrs: { perm: order } });
      const images = perm(x, [3, 1, 2, 0]);       // (ci, H, W, n)
      const filter = perm(dy, [1, 2, 0, 3]);      // (oh, ow, n, co)
      const sums = conv2d({ inputs: { x: images, filter }, backend, attrs: {
        strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1],
        dimRoundingMode: undefined } });          // (ci, kh, kw, co)
      const dW = perm(sums, [1, 2, 0, 3]);        // (kh, kw, ci, co)
      for (const info of [images, filter, sums]) backend.disposeData(info.dataId);
      if (dW.shape.join() !== filterShape.join()) {
        throw new Error(`Conv2DBackpropFilter: shape ${dW.shape} for ${filterShape}`);
      }
      return dW;
    },
  });
  return true;
}

/** MaxPoolGrad for the WebAssembly backend, in place of its own, which
 * sends a window's gradient to its first element when the whole window is
 * negative (tanh's outputs; measured: windows [-4, -3, -2, -1] and
 * [-1, -2, -3, -4] both give [1, 0, 0, 0]) and to the last of tied maxima.
 * MXNet sends it to the first maximum in row-major order; so does this.
 * Only the explorer's pooling: 2 x 2 windows, stride 2, no padding. */
export function registerMaxPoolGrad(tf, backendName = "wasm") {
  const existing = tf.getKernel("MaxPoolGrad", backendName);
  if (existing?.kernelFunc.firstMaximum) return false;
  if (existing) tf.unregisterKernel("MaxPoolGrad", backendName);
  const kernelFunc = ({ inputs: { dy, input }, backend, attrs }) => {
    const { filterSize, strides, pad } = attrs;
    const pair = (v) => (Array.isArray(v) ? v : [v, v]);
    if (pair(filterSize).join() !== "2,2" || pair(strides).join() !== "2,2" ||
        !(pad === "valid" || pad === 0)) {
      throw new Error("MaxPoolGrad: only 2x2 windows, stride 2, no padding " +
                      `(got ${filterSize}, ${strides}, ${pad})`);
    }
    const [n, height, width, channels] = input.shape;
    const [, rows, columns] = dy.shape;
    const out = backend.makeOutput(input.shape, "float32");
    // Views of the heap after the output is made (making it may move it).
    const x = backend.typedArrayFromHeap(input);
    const g = backend.typedArrayFromHeap(dy);
    const dx = backend.typedArrayFromHeap(out);
    dx.fill(0);
    const offsets = [0, channels, width * channels, (width + 1) * channels];
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < columns; j++) {
          const corner = ((b * height + 2 * i) * width + 2 * j) * channels;
          const from = ((b * rows + i) * columns + j) * channels;
          for (let c = 0; c < channels; c++) {
            let best = corner + c;
            for (let k = 1; k < 4; k++) {
              if (x[corner + c + offsets[k]] > x[best]) best = corner + c + offsets[k];
            }
            dx[best] += g[from + c];
          }
        }
      }
    }
    return out;
  };
  kernelFunc.firstMaximum = true;
  tf.registerKernel({ kernelName: "MaxPoolGrad", backendName, kernelFunc });
  return true;
}

/** TF.js on WebAssembly (SIMD where the browser has it, one thread: the
 * threaded build needs cross-origin isolation), the missing kernel added. */
export async function startBackend(tf, wasmPath) {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  tf.setWasmPaths(wasmPath);
  await tf.setBackend("wasm");
  await tf.ready();
  registerConv2DBackpropFilter(tf);
  registerMaxPoolGrad(tf);
  return tf.getBackend();
}

// -- the network ---------------------------------------------------------------

const ACTIVATIONS = {
  sigmoid: (tf, x) => tf.sigmoid(x),
  relu: (tf, x) => tf.relu(x),
  tanh: (tf, x) => tf.tanh(x),
  softrelu: (tf, x) => tf.softplus(x),  // log(1 + e^x), MXNet's softrelu
};

/** The network of `config` with tensors `values` ({name: Float32Array},
 * initialValues() or a trained network's).  Call dispose() when done. */
export function createNetwork(tf, config, values) {
  const layers = layersOf(config);
  const variables = {};
  // TF.js's variable names are global: one prefix per network.
  const prefix = `lenet${++networkCount}/`;
  for (const { name, shape, trainable } of parameterSpecs(config)) {
    if (!values[name]) throw new Error(`没有参数 ${name}`);
    const initial = tf.tensor(values[name], shape, "float32");
    variables[name] = tf.variable(initial, trainable, prefix + name);
    initial.dispose();
  }
  const nameOf = (variable) => variable.name.slice(prefix.length);
  const activate = (x) => ACTIVATIONS[config.activation](tf, x);
  const random = randomSource(config.seed ^ 0x5bd1e995);

  /** One layer on x (NHWC, or (n, features) from the first dense layer
   * on); in training a batch norm pushes its batch statistics to
   * `updates`, and dropout drops. */
  function applyLayer(layer, x, training, updates) {
    const v = (what) => variables[`${layer.name}.${what}`];
    if (layer.kind === "conv") {
      const filter = tf.transpose(v("weight"), [2, 3, 1, 0]);
      x = tf.add(tf.conv2d(x, filter, 1, "valid"), v("bias"));
    } else if (layer.kind === "pool") {
      x = config.pooling === "max" ? tf.maxPool(x, 2, 2, "valid")
        : tf.avgPool(x, 2, 2, "valid");
    } else if (layer.kind === "dense") {
      if (x.rank === 4) {  // (n, h, w, c) -> (n, c * h * w), MXNet's order
        x = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [x.shape[0], -1]);
      }
      x = tf.add(tf.matMul(x, v("weight"), false, true), v("bias"));
    } else if (layer.kind === "batchnorm") {
      const axes = x.rank === 2 ? [0] : [0, 1, 2];
      let mean;
      let variance;
      if (training) {
        mean = tf.mean(x, axes);
        variance = tf.mean(tf.square(tf.sub(x, mean)), axes);
        // Kept past the gradient's tidy scope for updateRunning().
        updates.push([layer.name, tf.keep(mean), tf.keep(variance)]);
      } else {
        mean = v("running_mean");
        variance = v("running_var");
      }
      x = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPSILON))),
                        v("gamma")), v("beta"));
    } else if (layer.kind === "activation") {
      x = activate(x);
    } else if (layer.kind === "dropout" && training) {
      const keep = tf.step(tf.sub(tf.randomUniform(x.shape, 0, 1, "float32",
                                                   random.uniform() * 2 ** 31),
                                  layer.rate));
      x = tf.mul(x, tf.mul(keep, 1 / (1 - layer.rate)));
    }
    return layer.activate ? activate(x) : x;
  }

  /** Logits (n, 10) of images (n, 28, 28, 1), and in training the batch
   * norms' statistics for updateRunning(). */
  function forward(images, training) {
    const updates = [];
    let x = images;
    for (const layer of layers) x = applyLayer(layer, x, training, updates);
    return { logits: x, updates };
  }

  const trainable = Object.values(variables).filter((v) => v.trainable);

  /** The running mean and variance after a training batch, as Gluon's
   * BatchNorm updates them. */
  function updateRunning(updates) {
    for (const [name, mean, variance] of updates) {
      for (const [what, batch] of [["running_mean", mean], ["running_var", variance]]) {
        const running = variables[`${name}.${what}`];
        tf.tidy(() => running.assign(tf.add(tf.mul(running, BN_MOMENTUM),
                                            tf.mul(batch, 1 - BN_MOMENTUM))));
      }
    }
  }

  /** {name: Float32Array} of every tensor now. */
  function values_() {
    const out = {};
    for (const [name, variable] of Object.entries(variables)) {
      out[name] = variable.dataSync().slice();
    }
    return out;
  }

  return {
    config, layers, variables, trainable, nameOf, applyLayer, forward, updateRunning,
    values: values_,
    dispose: () => Object.values(variables).forEach((v) => v.dispose()),
  };
}

/** Images (n x 784 bytes, 0-255) as the (n, 28, 28, 1) float32 tensor
 * d2lzh's ToTensor gives (divided by 255). */
export function imageTensor(tf, bytes, n) {
  return tf.tidy(() => tf.div(tf.tensor4d(bytes, [n, IMAGE_SIZE, IMAGE_SIZE, 1],
                                          "int32"), 255));
}

// -- MXNet's update rules ------------------------------------------------------

/** An optimizer over `network`'s trainable tensors, with MXNet's rules:
 *   sgd:      w -= lr · g
 *   momentum: m = 0.9 m − lr · g;  w += m
 *   adam:     m = β1 m + (1 − β1) g;  v = β2 v + (1 − β2) g²;
 *             w −= lr · √(1 − β2^t) / (1 − β1^t) · m / (√v + ε)
 * where g is the summed gradient divided by `scale` (the batch size). */
export function createOptimizer(tf, network, name, lr) {
  const slots = (count) => network.trainable.map(() =>
    Array.from({ length: count }, () => null));
  const state = { sgd: slots(0), momentum: slots(1), adam: slots(2) }[name];
  if (!state) throw new Error(`优化算法只能是 sgd、momentum、adam 之一，现在是 ${name}。`);
  let t = 0;
  function apply(grads, scale) {
    t += 1;
    // As MXNet's Python computes it, in double precision.
    const adamRate = lr * Math.sqrt(1 - ADAM.beta2 ** t) / (1 - ADAM.beta1 ** t);
    network.trainable.forEach((w, i) => {
      const slot = state[i];
      tf.tidy(() => {
        const g = tf.mul(grads[w.name], 1 / scale);
        if (name === "sgd") {
          w.assign(tf.sub(w, tf.mul(g, lr)));
        } else if (name === "momentum") {
          const m = slot[0] ?? tf.zerosLike(w);
          const next = tf.sub(tf.mul(m, MOMENTUM), tf.mul(g, lr));
          w.assign(tf.add(w, next));
          if (slot[0]) slot[0].dispose();
          slot[0] = tf.keep(next);
        } else {
          const m = slot[0] ?? tf.zerosLike(w);
          const v = slot[1] ?? tf.zerosLike(w);
          const m1 = tf.add(tf.mul(m, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
          const v1 = tf.add(tf.mul(v, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
          w.assign(tf.sub(w, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), ADAM.epsilon)),
                                    adamRate)));
          for (const old of slot) old?.dispose();
          slot[0] = tf.keep(m1);
          slot[1] = tf.keep(v1);
        }
      });
    });
  }
  return {
    apply,
    dispose: () => state.flat().forEach((slot) => slot?.dispose()),
  };
}

// -- one step, one evaluation ------------------------------------------------------

/** One training step on a batch, as the explorer's MXNet loop takes it:
 * the summed softmax cross-entropy, its gradient, the update with the
 * gradient divided by `batchSize` (the configured one: the last, shorter
 * batch too), the batch norm's running statistics.  Returns the summed
 * loss, the number of right predictions and, if asked, the gradients. */
export function trainStep(tf, network, optimizer, images, labels, batchSize,
                          { keepGradients = false } = {}) {
  let updates = [];
  let correct = 0;
  const { value, grads } = tf.variableGrads(() => {
    const out = network.forward(images, true);
    updates = out.updates;
    correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), labels),
                                     "int32")));
    const picked = tf.mul(tf.oneHot(labels, NUM_CLASSES), tf.logSoftmax(out.logits));
    return tf.neg(tf.sum(picked));
  }, network.trainable);
  const kept = updates.map((u) => u.slice(1)).flat();
  const result = { loss: value.dataSync()[0], correct: correct.dataSync()[0] };
  if (keepGradients) {
    result.gradients = Object.fromEntries(network.trainable.map(
      (w) => [network.nameOf(w), grads[w.name].dataSync().slice()]));
  }
  optimizer.apply(grads, batchSize);
  network.updateRunning(updates);
  tf.dispose([value, correct, ...Object.values(grads), ...kept]);
  return result;
}

/** Right predictions over (n x 784 bytes) images in batches, with the
 * running statistics (Gluon's inference mode). */
export function countCorrect(tf, network, imageBytes, labelBytes, batch = 500) {
  const n = labelBytes.length;
  let correct = 0;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    correct += tf.tidy(() => {
      const x = imageTensor(tf, imageBytes.subarray(start * 784, end * 784), end - start);
      const y = tf.tensor1d(labelBytes.subarray(start, end), "int32");
      const predicted = tf.argMax(network.forward(x, false).logits, 1);
      return tf.sum(tf.cast(tf.equal(predicted, y), "int32")).dataSync()[0];
    });
  }
  return correct;
}

// -- a whole run, as the explorer's MXNet loop runs it ---------------------------

/** Python's format(x, ".3g") (digits 3): 163, 0.5, 8.67e+03, nan. */
export function formatG(x, digits) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const [mantissa, power] = x.toExponential(digits - 1).split("e");
  const exponent = Number(power);
  if (exponent < -4 || exponent >= digits) {
    const digitsShown = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    return `${digitsShown}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(digits)));
}

/** A contract message (lenet.contract.MESSAGES) with its numbers written as
 * Python's `say` writes them. */
export function say(contract, message, values) {
  const shown = (name, value) => {
    if (name in contract.decimals) return value.toFixed(contract.decimals[name]);
    if (name === "loss") return formatG(value, 3);
    if (name === "lr") return Number.isInteger(value) ? `${value}.0` : String(value);
    return String(value);
  };
  return contract.messages[message].replace(/\{(\w+)\}/g,
                                            (_, name) => shown(name, values[name]));
}

/** The order of the training images in one epoch (Fisher-Yates on the
 * run's generator). */
function shuffled(n, random) {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Train `config` on `data` ({trainImages, trainLabels, testImages,
 * testLabels}: uint8 arrays, 784 bytes an image) as explorer_logic.train
 * does: the first config.train_size images, reshuffled every epoch, batches
 * of config.batch_size, the loss checked after every batch, the test
 * accuracy after every epoch.  `hooks`: onBatch(done, total),
 * onEpoch(record, message), shouldStop(), pause() (awaited between two
 * batches: the worker answers 停止 there).  Resolves to {state, message,
 * epochs, network}; the caller disposes the network. */
export async function trainRun(tf, contract, config, data, hooks = {}) {
  const n = Math.min(config.train_size, data.trainLabels.length);
  const network = createNetwork(tf, config, initialValues(config, config.initializer,
                                                          config.seed));
  const optimizer = createOptimizer(tf, network, config.optimizer, config.lr);
  const random = randomSource(config.seed ^ 0x2545f491);
  const perEpoch = Math.ceil(n / config.batch_size);
  const total = perEpoch * config.num_epochs;
  const epochs = [];
  let done = 0;
  const finish = (state, message) => {
    optimizer.dispose();
    return { state, message, epochs, network };
  };
  const images = new Uint8Array(config.batch_size * 784);
  const labels = new Int32Array(config.batch_size);
  for (let epoch = 1; epoch <= config.num_epochs; epoch++) {
    const started = performance.now();
    const order = shuffled(n, random);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += config.batch_size) {
      if (hooks.pause) await hooks.pause();
      if (hooks.shouldStop?.()) return finish("stopped", say(contract, "stopped", { epoch }));
      const size = Math.min(config.batch_size, n - start);
      for (let i = 0; i < size; i++) {
        const index = order[start + i];
        images.set(data.trainImages.subarray(index * 784, (index + 1) * 784), i * 784);
        labels[i] = data.trainLabels[index];
      }
      const x = imageTensor(tf, images.subarray(0, size * 784), size);
      const y = tf.tensor1d(labels.subarray(0, size), "int32");
      const step = trainStep(tf, network, optimizer, x, y, config.batch_size);
      tf.dispose([x, y]);
      if (!Number.isFinite(step.loss) || step.loss / size > contract.exploded_loss) {
        return finish("diverged", say(contract, "diverged", {
          epoch, loss: step.loss / size, lr: config.lr }));
      }
      lossSum += step.loss;
      correct += step.correct;
      done += 1;
      hooks.onBatch?.(done, total);
    }
    const testCorrect = countCorrect(tf, network, data.testImages, data.testLabels);
    const record = { epoch, train_loss: lossSum / n, train_acc: correct / n,
                     test_acc: testCorrect / data.testLabels.length,
                     seconds: (performance.now() - started) / 1000 };
    epochs.push(record);
    hooks.onEpoch?.(record, say(contract, "epoch", {
      ...record, num_epochs: config.num_epochs }));
  }
  const last = epochs.at(-1);
  return finish("done", say(contract, "done", {
    test_acc: last.test_acc, seconds: epochs.reduce((s, e) => s + e.seconds, 0) }));
}

/** Each convolution block's output after its activation, before its
 * pooling (explorer_logic.feature_maps), for one image of 784 bytes:
 * [{name, channels, size, data (channel by channel)}]. */
export function featureMaps(tf, network, imageBytes) {
  return tf.tidy(() => {
    const maps = [];
    let x = imageTensor(tf, imageBytes, 1);
    for (const layer of network.layers) {
      if (layer.kind === "dense") break;
      if (layer.kind === "pool") {
        const [, size, , channels] = x.shape;
        const data = tf.transpose(x, [0, 3, 1, 2]).dataSync().slice();
        maps.push({ name: `conv${maps.length}`, channels, size, data });
      }
      x = network.applyLayer(layer, x, false, []);
    }
    return maps;
  });
}

/** counts[true class][predicted class] over the test images. */
export function confusionMatrix(tf, network, imageBytes, labelBytes, batch = 500) {
  const counts = Array.from({ length: NUM_CLASSES }, () => new Array(NUM_CLASSES).fill(0));
  for (let start = 0; start < labelBytes.length; start += batch) {
    const end = Math.min(labelBytes.length, start + batch);
    const predicted = tf.tidy(() => tf.argMax(network.forward(
      imageTensor(tf, imageBytes.subarray(start * 784, end * 784), end - start),
      false).logits, 1).dataSync());
    for (let i = start; i < end; i++) counts[labelBytes[i]][predicted[i - start]] += 1;
  }
  return counts;
}

// Training the 5.5.4 explorer's network in the browser, with TensorFlow.js
// on its WebAssembly backend, as the explorer's MXNet training does it
// (book/lenet/explorer_training.py): the layers of the network's plan
// (lenet_architecture.js) in order, the parameters in MXNet's layout and
// under the plan's names (conv0.weight, batchnorm0.gamma, ...), MXNet's
// update rules for SGD, momentum and Adam with the gradient divided by the
// configured batch size (as train_ch5 does, the last short batch too),
// MXNet's initializers; the constants from the contract (lenet_contract.js).
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

import { blockMaps, namedTensors, ownActivation, plan } from "./lenet_architecture.js";
import {
  ADAM, BATCH_NORM, EXPLODED_LOSS, IMAGE_SIZE, NUM_CLASSES, OPTIMIZERS,
} from "./lenet_contract.js";

// Numbers of one image, as the shipped files hold them (one byte each).
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
let networkCount = 0;

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
  for (const { name, shape } of namedTensors(plan(arch))) {
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

// -- the network ---------------------------------------------------------------

const ACTIVATIONS = {
  sigmoid: (tf, x) => tf.sigmoid(x),
  relu: (tf, x) => tf.relu(x),
  tanh: (tf, x) => tf.tanh(x),
  softrelu: (tf, x) => tf.softplus(x),  // log(1 + e^x), MXNet's softrelu
};

/** Batch normalization of x over its batch (training; the statistics go to
 * `updates` for updateRunning()) or with the running statistics. */
function batchNorm(tf, x, v, training, updates, name) {
  let mean = v("running_mean");
  let variance = v("running_var");
  if (training) {
    const axes = x.rank === 2 ? [0] : [0, 1, 2];
    mean = tf.mean(x, axes);
    variance = tf.mean(tf.square(tf.sub(x, mean)), axes);
    // Kept past the gradient's tidy scope for updateRunning().
    updates.push([name, tf.keep(mean), tf.keep(variance)]);
  }
  const normal = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BATCH_NORM.epsilon)));
  return tf.add(tf.mul(normal, v("gamma")), v("beta"));
}

/** What one kind of layer computes; `v(what)` is the layer's variable. */
const APPLY = {
  // Padding as zeros around the input and a valid convolution: the book's
  // own gradient kernels (lenet_tfjs_kernels.js) need no padding then.
  conv: (tf, x, v, layer) => {
    const p = layer.settings.padding ?? 0;
    const padded = p ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
    return tf.add(tf.conv2d(padded, tf.transpose(v("weight"), [2, 3, 1, 0]), 1, "valid"),
                  v("bias"));
  },
  pool: (tf, x, v, layer) => (layer.settings.pooling === "max"
    ? tf.maxPool(x, 2, 2, "valid") : tf.avgPool(x, 2, 2, "valid")),
  dense: (tf, x, v) => {
    if (x.rank === 4) {  // (n, h, w, c) -> (n, c * h * w), MXNet's order
      x = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [x.shape[0], -1]);
    }
    return tf.add(tf.matMul(x, v("weight"), false, true), v("bias"));
  },
  batchnorm: (tf, x, v, layer, training, updates) =>
    batchNorm(tf, x, v, training, updates, layer.name),
  activation: (tf, x, v, layer) => ACTIVATIONS[layer.settings.activation](tf, x),
  dropout: (tf, x, v, layer, training, updates, random) => {
    if (!training) return x;
    const { rate } = layer.settings;
    const keep = tf.step(tf.sub(tf.randomUniform(x.shape, 0, 1, "float32",
                                                 random.uniform() * 2 ** 31), rate));
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
  },
};

/** The network of `config` with tensors `values` ({name: Float32Array},
 * initialValues() or a trained network's).  Call dispose() when done. */
export function createNetwork(tf, config, values) {
  const layers = plan(config);
  const variables = {};
  // TF.js's variable names are global: one prefix per network.
  const prefix = `lenet${++networkCount}/`;
  for (const { name, shape, trainable } of namedTensors(layers)) {
    if (!values[name]) throw new Error(`没有参数 ${name}`);
    const initial = tf.tensor(values[name], shape, "float32");
    variables[name] = tf.variable(initial, trainable, prefix + name);
    initial.dispose();
  }
  const random = randomSource(config.seed ^ 0x5bd1e995);

  /** One layer on x (NHWC, or (n, features) from the first dense layer
   * on); in training a batch norm pushes its batch statistics to
   * `updates`, and dropout drops.  A layer with an activation of its own
   * (no batch norm) applies it. */
  function applyLayer(layer, x, training, updates) {
    const v = (what) => variables[`${layer.name}.${what}`];
    const y = APPLY[layer.kind](tf, x, v, layer, training, updates, random);
    const own = ownActivation(layer);
    return own ? ACTIVATIONS[own](tf, y) : y;
  }

  /** Logits (n, 10) of images (n, 28, 28, 1), and in training the batch
   * norms' statistics for updateRunning(). */
  function forward(images, training) {
    const updates = [];
    let x = images;
    for (const layer of layers) x = applyLayer(layer, x, training, updates);
    return { logits: x, updates };
  }

  /** The running mean and variance after a training batch, as Gluon's
   * BatchNorm updates them. */
  function updateRunning(updates) {
    const m = BATCH_NORM.momentum;
    for (const [name, mean, variance] of updates) {
      for (const [what, batch] of [["running_mean", mean], ["running_var", variance]]) {
        const running = variables[`${name}.${what}`];
        tf.tidy(() => running.assign(tf.add(tf.mul(running, m), tf.mul(batch, 1 - m))));
      }
    }
  }

  return {
    config, layers, variables, applyLayer, forward, updateRunning,
    trainable: Object.values(variables).filter((v) => v.trainable),
    nameOf: (variable) => variable.name.slice(prefix.length),
    /** {name: Float32Array} of every tensor now. */
    values: () => Object.fromEntries(Object.entries(variables).map(
      ([name, variable]) => [name, variable.dataSync().slice()])),
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

/** One optimizer step on w by its summed gradient g / scale, with `slot`
 * (the optimizer's state of w) updated in place. */
const RULES = {
  // w -= lr · g
  sgd: (tf, w, g, lr) => w.assign(tf.sub(w, tf.mul(g, lr))),
  // m = momentum · m − lr · g;  w += m
  momentum: (tf, w, g, lr, slot) => {
    const m = slot[0] ?? tf.zerosLike(w);
    const next = tf.sub(tf.mul(m, OPTIMIZERS.momentum[1].momentum), tf.mul(g, lr));
    w.assign(tf.add(w, next));
    slot[0]?.dispose();
    slot[0] = tf.keep(next);
  },
  // m = β1 m + (1 − β1) g;  v = β2 v + (1 − β2) g²;
  // w −= lr · √(1 − β2^t) / (1 − β1^t) · m / (√v + ε)
  adam: (tf, w, g, lr, slot, t) => {
    // As MXNet's Python computes the rate, in double precision.
    const rate = lr * Math.sqrt(1 - ADAM.beta2 ** t) / (1 - ADAM.beta1 ** t);
    const m = slot[0] ?? tf.zerosLike(w);
    const v = slot[1] ?? tf.zerosLike(w);
    const m1 = tf.add(tf.mul(m, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
    const v1 = tf.add(tf.mul(v, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
    w.assign(tf.sub(w, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), ADAM.epsilon)), rate)));
    for (const old of slot) old?.dispose();
    slot[0] = tf.keep(m1);
    slot[1] = tf.keep(v1);
  },
};

/** An optimizer over `network`'s trainable tensors with MXNet's rules
 * (RULES), the gradient being the summed one divided by `scale` (the
 * batch size). */
export function createOptimizer(tf, network, name, lr) {
  if (!RULES[name]) throw new Error(`优化算法只能是 ${Object.keys(RULES).join("、")} 之一，现在是 ${name}。`);
  const state = network.trainable.map(() => []);
  let t = 0;
  let rate = lr;
  function apply(grads, scale) {
    t += 1;
    network.trainable.forEach((w, i) => tf.tidy(() => RULES[name](
      tf, w, tf.mul(grads[w.name], 1 / scale), rate, state[i], t)));
  }
  return {
    apply,
    // As Gluon's Trainer.set_learning_rate: the optimizer's state stays.
    setLearningRate: (next) => { rate = next; },
    learningRate: () => rate,
    dispose: () => state.flat().forEach((slot) => slot?.dispose()),
  };
}

/** The learning rate of epoch `epoch` (1, 2, ...): `lr`, multiplied by
 * `lr_decay` once per epoch since the first, one multiplication at a time
 * as lenet.explorer_config.epoch_learning_rate does (1 when a kept run
 * predates the schedule). */
export function epochLearningRate(config, epoch) {
  let rate = config.lr;
  for (let e = 1; e < epoch; e++) rate *= config.lr_decay ?? 1;
  return rate;
}

// -- one step, one evaluation ------------------------------------------------------

/** Gluon's SoftmaxCrossEntropyLoss summed over the batch. */
function summedCrossEntropy(tf, logits, labels) {
  return tf.neg(tf.sum(tf.mul(tf.oneHot(labels, NUM_CLASSES), tf.logSoftmax(logits))));
}

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
    return summedCrossEntropy(tf, out.logits, labels);
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

/** The mean softmax cross-entropy of a batch with the network as it
 * predicts (running statistics, no dropout). */
function lossInPrediction(tf, network, images, labels) {
  return tf.tidy(() => summedCrossEntropy(
    tf, network.forward(images, false).logits, labels).dataSync()[0]) / labels.shape[0];
}

/** One training step (trainStep) with what it did, for 单步, as
 * explorer_training.step_report gives it: the batch's mean loss before and
 * after, and per layer with parameters the L2 norms of its gradient (of
 * the mean loss), its update and its parameters after the step. */
export function stepReport(tf, network, optimizer, images, labels, batchSize) {
  const names = network.trainable.map((w) => network.nameOf(w));
  const before = network.values();
  const lossBefore = lossInPrediction(tf, network, images, labels);
  const { gradients } = trainStep(tf, network, optimizer, images, labels, batchSize,
                                  { keepGradients: true });
  const after = network.values();
  const layers = new Map();
  const squares = (values, f) => values.reduce((sum, v, i) => sum + f(v, i) ** 2, 0);
  for (const name of names) {
    const sums = layers.get(name.split(".")[0]) ?? [0, 0, 0];
    sums[0] += squares(gradients[name], (g) => g / batchSize);
    sums[1] += squares(after[name], (w, i) => w - before[name][i]);
    sums[2] += squares(after[name], (w) => w);
    layers.set(name.split(".")[0], sums);
  }
  return {
    loss_before: lossBefore,
    loss_after: lossInPrediction(tf, network, images, labels),
    layers: [...layers].map(([name, [g, u, w]]) => ({
      name, gradient: Math.sqrt(g), update: Math.sqrt(u), parameters: Math.sqrt(w) })),
  };
}

/** The predicted classes of (n x 784 bytes) images, in batches, with the
 * running statistics (Gluon's inference mode). */
function predictions(tf, network, imageBytes, n, batch = 500) {
  const predicted = new Int32Array(n);
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    predicted.set(tf.tidy(() => tf.argMax(network.forward(
      imageTensor(tf, imageBytes.subarray(start * PIXELS, end * PIXELS), end - start),
      false).logits, 1).dataSync()), start);
  }
  return predicted;
}

/** Right predictions over (n x 784 bytes) images. */
export function countCorrect(tf, network, imageBytes, labelBytes) {
  const predicted = predictions(tf, network, imageBytes, labelBytes.length);
  return predicted.reduce((sum, p, i) => sum + (p === labelBytes[i] ? 1 : 0), 0);
}

/** counts[true class][predicted class] over the test images. */
export function confusionMatrix(tf, network, imageBytes, labelBytes) {
  const counts = Array.from({ length: NUM_CLASSES }, () => new Array(NUM_CLASSES).fill(0));
  predictions(tf, network, imageBytes, labelBytes.length)
    .forEach((p, i) => { counts[labelBytes[i]][p] += 1; });
  return counts;
}

// -- a whole run, as the explorer's MXNet loop runs it ---------------------------

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

/** One epoch's batches: the training images of `order`, copied into one
 * reused buffer; yields [images tensor, labels tensor, size]. */
function* batches(tf, data, order, batchSize) {
  const images = new Uint8Array(batchSize * PIXELS);
  const labels = new Int32Array(batchSize);
  for (let start = 0; start < order.length; start += batchSize) {
    const size = Math.min(batchSize, order.length - start);
    for (let i = 0; i < size; i++) {
      const index = order[start + i];
      images.set(data.trainImages.subarray(index * PIXELS, (index + 1) * PIXELS), i * PIXELS);
      labels[i] = data.trainLabels[index];
    }
    yield [imageTensor(tf, images.subarray(0, size * PIXELS), size),
           tf.tensor1d(labels.subarray(0, size), "int32"), size];
  }
}

/** What a run of `config` on `data` starts from: the number of training
 * images it uses, the network initialised from its seed, the optimizer,
 * and the generator that shuffles each epoch (trainRun and createStepper
 * alike, so that 单步 takes 训练's steps). */
function startRun(tf, config, data) {
  const network = createNetwork(tf, config, initialValues(config, config.initializer,
                                                          config.seed));
  return { n: Math.min(config.train_size, data.trainLabels.length), network,
           optimizer: createOptimizer(tf, network, config.optimizer, config.lr),
           random: randomSource(config.seed ^ 0x2545f491) };
}

/** Train `config` on `data` ({trainImages, trainLabels, testImages,
 * testLabels}: uint8 arrays, 784 bytes an image) as explorer_logic.train
 * does: the first config.train_size images, reshuffled every epoch, batches
 * of config.batch_size, the loss checked after every batch, the test
 * accuracy after every epoch.  `hooks`: onBatch(done, total, loss, network)
 * (the batch's mean loss, and the network as it left it), onStart(network)
 * (before the first batch), onEpoch(record, network), shouldStop(),
 * pause() (awaited between two batches: the worker answers 停止 there).
 * Resolves to {state, details, epochs, network}, as train() returns its
 * outcome: state done, stopped or diverged, and what that state's message
 * names; the caller words it (lenet_format.say) and disposes the network. */
export async function trainRun(tf, config, data, hooks = {}) {
  const { n, network, optimizer, random } = startRun(tf, config, data);
  const total = Math.ceil(n / config.batch_size) * config.num_epochs;
  hooks.onStart?.(network);
  const epochs = [];
  let done = 0;
  const ended = (state, details) => {
    optimizer.dispose();
    return { state, details, epochs, network };
  };
  for (let epoch = 1; epoch <= config.num_epochs; epoch++) {
    const started = performance.now();
    const lr = epochLearningRate(config, epoch);
    optimizer.setLearningRate(lr);
    let lossSum = 0;
    let correct = 0;
    for (const [x, y, size] of batches(tf, data, shuffled(n, random), config.batch_size)) {
      if (hooks.pause) await hooks.pause();
      if (hooks.shouldStop?.()) {
        tf.dispose([x, y]);
        return ended("stopped", { epoch });
      }
      const step = trainStep(tf, network, optimizer, x, y, config.batch_size);
      tf.dispose([x, y]);
      if (!Number.isFinite(step.loss) || step.loss / size > EXPLODED_LOSS) {
        return ended("diverged", { epoch, loss: step.loss / size, lr });
      }
      lossSum += step.loss;
      correct += step.correct;
      done += 1;
      hooks.onBatch?.(done, total, step.loss / size, network);
    }
    const testCorrect = countCorrect(tf, network, data.testImages, data.testLabels);
    epochs.push({ epoch, train_loss: lossSum / n, train_acc: correct / n,
                  test_acc: testCorrect / data.testLabels.length,
                  seconds: (performance.now() - started) / 1000,
                  lr: optimizer.learningRate() });
    hooks.onEpoch?.(epochs.at(-1), network);
  }
  return ended("done", {});
}

/** 单步: the run trainRun would make of `config` on `data` (the same
 * initial parameters, batches and rates), one batch at a time, as
 * explorer_training.Stepper takes it.  next() gives {step, epoch, size,
 * rate, ...stepReport}. */
export function createStepper(tf, config, data) {
  const { n, network, optimizer, random } = startRun(tf, config, data);
  let epoch = 0;
  let steps = 0;
  let pending = [][Symbol.iterator]();
  function next() {
    let batch = pending.next();
    if (batch.done) {  // the next epoch: reshuffled, at its rate
      epoch += 1;
      optimizer.setLearningRate(epochLearningRate(config, epoch));
      pending = batches(tf, data, shuffled(n, random), config.batch_size);
      batch = pending.next();
    }
    const [x, y, size] = batch.value;
    steps += 1;
    const report = stepReport(tf, network, optimizer, x, y, config.batch_size);
    tf.dispose([x, y]);
    return { step: steps, epoch, size, rate: optimizer.learningRate(), ...report };
  }
  return {
    next,
    values: () => network.values(),
    dispose: () => {
      optimizer.dispose();
      network.dispose();
    },
  };
}

/** The first convolution's kernels, {channels, size, data} (out channels
 * of size x size, in-channels first: MXNet's order), as
 * explorer_logic.first_kernels. */
export function firstKernels(network) {
  const conv = network.layers.find((layer) => layer.kind === "conv");
  const weight = network.variables[`${conv.name}.weight`];
  return { channels: weight.shape[0], size: weight.shape.at(-1), data: weight.dataSync().slice() };
}

/** Each convolution block's output after its activation, before its
 * pooling (explorer_logic.feature_maps), for one image of 784 bytes:
 * [{name, channels, size, data (channel by channel)}]. */
export function featureMaps(tf, network, imageBytes) {
  return tf.tidy(() => {
    const maps = [];
    let x = imageTensor(tf, imageBytes, 1);
    const blocks = blockMaps(network.layers);
    for (const [index, layer] of network.layers.entries()) {
      if (layer.kind === "dense") break;
      if (blocks.has(index)) {
        const [, size, , channels] = x.shape;
        const data = tf.transpose(x, [0, 3, 1, 2]).dataSync().slice();
        maps.push({ name: blocks.get(index), channels, size, data });
      }
      x = network.applyLayer(layer, x, false, []);
    }
    return maps;
  });
}

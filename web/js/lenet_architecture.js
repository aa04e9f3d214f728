// LeNet as a plan, in the browser: its layers in order, worked out from the
// architecture alone.  The block rule of book/lenet/plan.py, written once in
// JavaScript:
//
//   each convolution block (one to three): Conv2D (with ⌊k/2⌋ zeros on each
//     side when the padding is "same"), [BatchNorm, Activation], 2x2 pooling;
//   each hidden dense layer (none to three): Dense, [BatchNorm, Activation],
//     [Dropout];
//   the output: Dense(10).
//
// Without batch normalization a convolution or hidden dense layer applies
// the activation itself.  Everything the browser knows of a network follows
// from the plan: the explorer's layer table and Gluon code, the training
// engine's layers and tensors (lenet_train.js), the viewer's forward pass
// (lenet_forward.js).  tests/test_browser_logic.py compares this plan, the
// validation, the code and `describe` with Python's over every
// configuration the controls offer.

import {
  FIELDS, GLUON_POOLINGS, IMAGE_SIZE, NUM_CLASSES, OPTIMIZERS, TENSORS, WORDS,
} from "./lenet_contract.js";
import { fill, pythonFloat, pythonG, pythonTuple } from "./lenet_format.js";

/** A 2x2 window, stride 2, no padding: floor((n - 2) / 2) + 1. */
export const poolOutput = (size) => Math.floor((size - 2) / 2) + 1;

/** The zeros added on each side of a convolution's input: none, or ⌊k/2⌋
 * (an odd window then keeps the height and width), as plan.conv_padding. */
export const convPadding = (padding, k) => (padding === "same" ? Math.floor(k / 2) : 0);

const product = (shape) => shape.reduce((a, b) => a * b, 1);

/** The layers of `arch` for one image: [{kind, name, output_shape,
 * tensors: [[what, shape]], formula, multiply_adds, settings}], named as
 * Gluon names them in a new network.  `arch` must be valid. */
export function plan(arch, numClasses = NUM_CLASSES) {
  const layers = [];
  const counts = {};
  const add = (kind, shape, { tensors = [], formula = "0", multiplyAdds = 0,
                              settings = {} } = {}) => {
    counts[kind] = counts[kind] ?? 0;
    layers.push({ kind, name: `${kind}${counts[kind]}`, output_shape: shape,
                  tensors, formula, multiply_adds: multiplyAdds, settings });
    counts[kind] += 1;
  };
  // The layer and its activation: inside it, or after a batch norm (four
  // vectors per feature, one multiply-add per value).
  const withActivation = (kind, shape, features, parts) => {
    if (!arch.batch_norm) {
      add(kind, shape, { ...parts, settings: { ...parts.settings,
                                               activation: arch.activation } });
      return;
    }
    add(kind, shape, parts);
    add("batchnorm", shape, { formula: `4×${features}`, multiplyAdds: product(shape),
                              tensors: TENSORS.batchnorm.map((what) => [what, [features]]) });
    add("activation", shape, { settings: { activation: arch.activation } });
  };
  let size = IMAGE_SIZE;
  let inChannels = 1;
  arch.kernel_sizes.forEach((k, i) => {
    const c = arch.channels[i];
    const pad = convPadding(arch.padding, k);
    size = size + 2 * pad - k + 1;
    withActivation("conv", [1, c, size, size], c, {
      tensors: [["weight", [c, inChannels, k, k]], ["bias", [c]]],
      formula: `(${k}×${k}×${inChannels}+1)×${c}`,
      multiplyAdds: c * size * size * k * k * inChannels,
      settings: { channels: c, kernel_size: k, ...(pad ? { padding: pad } : {}) } });
    size = poolOutput(size);
    add("pool", [1, c, size, size], { settings: { pooling: arch.pooling } });
    inChannels = c;
  });
  let features = inChannels * size * size;
  for (const units of arch.dense_units) {
    withActivation("dense", [1, units], units, denseParts(features, units));
    if (arch.dropout > 0) add("dropout", [1, units], { settings: { rate: arch.dropout } });
    features = units;
  }
  add("dense", [1, numClasses], denseParts(features, numClasses));
  return layers;
}

const denseParts = (features, units) => ({
  tensors: [["weight", [units, features]], ["bias", [units]]],
  formula: `(${features}+1)×${units}`, multiplyAdds: features * units,
  settings: { units } });

/** The layer table of `arch`: [{name, output_shape, num_params, formula,
 * multiply_adds}]. */
export const layerRows = (arch) => plan(arch).map((layer) => ({
  name: layer.name, output_shape: layer.output_shape,
  num_params: layer.tensors.reduce((sum, [, shape]) => sum + product(shape), 0),
  formula: layer.formula, multiply_adds: layer.multiply_adds }));

/** A layer's activation when the layer applies it itself (no batch norm:
 * Gluon's `activation=`), else undefined. */
export const ownActivation = (layer) =>
  (layer.kind === "activation" ? undefined : layer.settings.activation);

/** Where a plan's feature maps are read: {index of a pooling layer: the
 * name of its block's convolution}.  A block's maps are its pooling's
 * input (after the activation, named as the convolution) and its output
 * (named as the pooling), as explorer_inspection.feature_maps reads them. */
export function blockMaps(layers) {
  const maps = new Map();
  let conv = null;
  layers.forEach((layer, index) => {
    if (layer.kind === "conv") conv = layer.name;
    if (layer.kind === "pool") maps.set(index, conv);
  });
  return maps;
}

/** A feature map's title: conv2 → 卷积层3（激活后）, pool0 → 池化层1. */
export function mapTitle(name) {
  const [, kind, index] = /^(conv|pool)(\d+)$/.exec(name) ?? [];
  return kind ? fill(WORDS.map_titles[kind], { number: Number(index) + 1 }) : name;
}

/** Every parameter of a plan as the weights files name it, in file order:
 * [{name: "conv0.weight", shape, trainable}]. */
export const namedTensors = (layers) => layers.flatMap((layer) =>
  layer.tensors.map(([what, shape]) => ({
    name: `${layer.name}.${what}`, shape,
    trainable: !what.startsWith("running_") })));

/** What the reader can change when block `i`'s input is `size` high, as
 * explorer_config._what_fits words it. */
function whatFits(i, size, padding) {
  const fits = padding !== "same" && size >= 2
    ? `请把第 ${i} 个卷积层的窗口减小到 ${size - 1}×${size - 1} 以内`
    : `前面的层已经把高和宽缩到 ${size}，请减小前面卷积层的窗口`;
  const other = padding === "same" ? "，或者减少卷积块数" : "，或者减少卷积块数、选“填充保持大小”";
  return `${fits}${other}。`;
}

/** Problems of the network's shapes, in Chinese, as validate() words them:
 * the first layer whose window is larger than its input, and what would fit. */
export function validate(arch) {
  let size = IMAGE_SIZE;
  for (const [index, k] of arch.kernel_sizes.entries()) {
    const i = index + 1;
    const pad = convPadding(arch.padding, k);
    if (size + 2 * pad < k) {
      return [`第 ${i} 个卷积层：输入的高和宽只有 ${size}，小于 ${k}×${k} 的` +
              `卷积窗口，输出会缩成 0。${whatFits(i, size, arch.padding)}`];
    }
    const out = size + 2 * pad - k + 1;
    if (out < 2) {
      return [`第 ${i} 个池化层：输入的高和宽只有 ${out}，放不下 2×2 的` +
              `池化窗口。${whatFits(i, size, arch.padding)}`];
    }
    size = poolOutput(out);
  }
  return [];
}

/** One layer of the plan as the Gluon call that makes it. */
function layerCode({ kind, settings }) {
  const activation = settings.activation ? `, activation='${settings.activation}'` : "";
  if (kind === "conv") {
    const padding = settings.padding ? `, padding=${settings.padding}` : "";
    return `nn.Conv2D(channels=${settings.channels}, kernel_size=${settings.kernel_size}` +
      `${padding}${activation})`;
  }
  if (kind === "dense") return `nn.Dense(${settings.units}${activation})`;
  if (kind === "pool") return `nn.${GLUON_POOLINGS[settings.pooling]}(pool_size=2, strides=2)`;
  if (kind === "activation") return `nn.Activation('${settings.activation}')`;
  if (kind === "dropout") return `nn.Dropout(${pythonG(settings.rate)})`;
  return "nn.BatchNorm()";
}

/** The Trainer's settings of the fields that are one (the contract's
 * `trainer`), as Gluon code, as explorer_config.trainer_settings. */
const trainerSettings = (training) => Object.entries(FIELDS)
  .filter(([name, field]) => field.trainer && name in training
          && !("omit_when" in field && training[name] === field.omit_when))
  .map(([name, field]) => `'${field.trainer}': ${
    field.type === "float" ? pythonFloat(training[name]) : training[name]}`);

/** The Gluon code that builds and trains the network, as gluon_code(). */
export function gluonCode(arch, training) {
  const calls = plan(arch).map(layerCode);
  const [name, settings] = OPTIMIZERS[training.optimizer];
  const items = [...trainerSettings(training),
                 ...Object.entries(settings).map(([k, v]) => `'${k}': ${v}`)];
  return ["from mxnet import gluon, init", "from mxnet.gluon import nn", "",
          "net = nn.Sequential()", "net.add(",
          ...calls.slice(0, -1).map((call) => `    ${call},`), `    ${calls.at(-1)})`,
          `net.initialize(init=init.${training.initializer}())`,
          `trainer = gluon.Trainer(net.collect_params(), '${name}',`,
          `                        {${items.join(", ")}})`,
          `# batch_size = ${training.batch_size}, num_epochs =` +
            ` ${training.num_epochs}, 训练样本数 ${training.train_size}`,
          ...dataCode(training.data_set ?? FIELDS.data_set.default),
          ...scheduleCode(training.lr_decay ?? 1)].join("\n");
}

/** Where the data comes from, as a comment line, as data_code(). */
function dataCode(dataSet) {
  if (dataSet === FIELDS.data_set.omit_when) return [];
  return [`# 数据：train_iter, test_iter = lenet.load_data_${dataSet}(batch_size)`];
}

/** The learning-rate schedule as a comment line, as schedule_code(). */
function scheduleCode(lrDecay) {
  if (lrDecay === 1) return [];
  return [`# 每个迭代周期结束后：trainer.set_learning_rate(trainer.learning_rate * ${pythonFloat(lrDecay)})`];
}

/** A field's value as describe() shows it, as Python's _described. */
function described(field, value) {
  if (field.short_labels) return field.short_labels[value];
  if (Array.isArray(value)) return pythonTuple(value);
  if (field.describe_as === "g") return pythonG(value);
  if (field.type === "float") return pythonFloat(value);
  return String(value);
}

/** One line for a run's configuration, each field as its `describe`
 * says, as lenet.explorer_config.describe writes it (for the history of
 * runs).  A field without a value (a run kept before the field existed)
 * counts as its default. */
export function describe(config) {
  return Object.entries(FIELDS).flatMap(([name, field]) => {
    const value = config[name] ?? field.default;
    if (!field.describe || ("omit_when" in field && value === field.omit_when)) return [];
    return [field.describe.replace("{}", described(field, value))];
  }).join(", ");
}

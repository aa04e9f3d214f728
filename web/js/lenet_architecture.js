// The arithmetic of the 5.5.4 explorer's network, in the browser: what the
// explorer (lenet_explorer.js, which is loaded after this file) shows for
// every change of a control, in JupyterLab and in the static book alike.
//
// It mirrors book/lenet/explorer_logic.py (layer_infos, the structural part
// of validate, gluon_code) and lenet.explorer.describe;
// tests/test_browser_logic.py runs both over every configuration the
// controls offer and compares them.

export const IMAGE_SIZE = 28;
export const NUM_CLASSES = 10;
const POOL_CLASSES = { max: "MaxPool2D", avg: "AvgPool2D" };

// A 2x2 window, stride 2, no padding: floor((n - 2) / 2) + 1.
const poolOutput = (size) => Math.floor((size - 2) / 2) + 1;

/** Problems of the network's shapes, in Chinese, as validate() words them. */
export function validate(arch) {
  let size = IMAGE_SIZE;
  for (const [index, k] of arch.kernel_sizes.entries()) {
    const i = index + 1;
    if (size < k) {
      return [`第 ${i} 个卷积层：输入的高和宽只有 ${size}，小于 ${k}×${k} 的` +
              "卷积窗口，输出会缩成 0。请减小窗口大小。"];
    }
    size = size - k + 1;
    if (size < 2) {
      return [`第 ${i} 个池化层：输入的高和宽只有 ${size}，放不下 2×2 的` +
              "池化窗口。请减小前面卷积层的窗口大小。"];
    }
    size = poolOutput(size);
  }
  return [];
}

/** One row per layer: name, output shape for one image, parameters with
 * their formula, multiply-adds. `arch` must be valid. */
export function layerInfos(arch) {
  const rows = [];
  const counts = {};
  const row = (kind, shape, numParams = 0, formula = "0", multiplyAdds = 0) => {
    counts[kind] = counts[kind] ?? 0;
    rows.push({ name: `${kind}${counts[kind]}`, output_shape: shape,
                num_params: numParams, formula, multiply_adds: multiplyAdds });
    counts[kind] += 1;
  };
  // BatchNorm (γ, β and the running mean and variance of each feature; one
  // multiply-add per value) and the activation.
  const normalised = (shape, features) => {
    if (arch.batch_norm) {
      row("batchnorm", shape, 4 * features, `4×${features}`,
          shape.reduce((a, b) => a * b, 1));
      row("activation", shape);
    }
  };
  let size = IMAGE_SIZE;
  let inChannels = 1;
  arch.kernel_sizes.forEach((k, i) => {
    const c = arch.channels[i];
    size = size - k + 1;
    row("conv", [1, c, size, size], (k * k * inChannels + 1) * c,
        `(${k}×${k}×${inChannels}+1)×${c}`, c * size * size * k * k * inChannels);
    normalised([1, c, size, size], c);
    size = poolOutput(size);
    row("pool", [1, c, size, size]);
    inChannels = c;
  });
  let features = inChannels * size * size;
  [...arch.dense_units, NUM_CLASSES].forEach((units, i) => {
    row("dense", [1, units], (features + 1) * units,
        `(${features}+1)×${units}`, features * units);
    if (i < arch.dense_units.length) {
      normalised([1, units], units);
      if (arch.dropout > 0) row("dropout", [1, units]);
    }
    features = units;
  });
  return rows;
}

// Python's str() of a float: 0.9 -> "0.9", 1 -> "1.0".
const pythonFloat = (x) => (Number.isInteger(x) ? `${x}.0` : `${x}`);
// Python's format(x, "g") for the dropout slider's tenths.
const pythonG = (x) => `${Number(x.toPrecision(6))}`;
// Python's str() of a pair: (5, 5).
const pythonTuple = (pair) => `(${pair.join(", ")})`;

/** One line for a run's configuration, as lenet.explorer.describe
 * writes it (for the history of runs). */
export function describe(c) {
  return `窗口 ${pythonTuple(c.kernel_sizes)}, 通道 ${pythonTuple(c.channels)},` +
    ` ${c.activation}, ${c.pooling} 池化,` +
    ` 全连接 ${pythonTuple(c.dense_units)}, 丢弃 ${pythonG(c.dropout)},` +
    `${c.batch_norm ? " 批量归一化," : ""}` +
    ` ${c.optimizer} lr ${pythonFloat(c.lr)},` +
    ` ${c.initializer}, 批量 ${c.batch_size},` +
    ` 样本 ${c.train_size}, 种子 ${c.seed}`;
}

/** The Gluon code that builds and trains the network, as gluon_code().
 * `optimizers`: name -> [Gluon's optimizer, its settings]. */
export function gluonCode(arch, training, optimizers) {
  const act = arch.activation;
  const lines = ["from mxnet import gluon, init",
                 "from mxnet.gluon import nn", "",
                 "net = nn.Sequential()", "net.add("];
  const withActivation = (layer) => {
    if (arch.batch_norm) {
      lines.push(`    ${layer}),`, "    nn.BatchNorm(),",
                 `    nn.Activation('${act}'),`);
    } else {
      lines.push(`    ${layer}, activation='${act}'),`);
    }
  };
  arch.kernel_sizes.forEach((k, i) => {
    withActivation(`nn.Conv2D(channels=${arch.channels[i]}, kernel_size=${k}`);
    lines.push(`    nn.${POOL_CLASSES[arch.pooling]}(pool_size=2, strides=2),`);
  });
  for (const units of arch.dense_units) {
    withActivation(`nn.Dense(${units}`);
    if (arch.dropout > 0) lines.push(`    nn.Dropout(${pythonG(arch.dropout)}),`);
  }
  lines.push(`    nn.Dense(${NUM_CLASSES}))`);
  const [name, settings] = optimizers[training.optimizer];
  const items = [`'learning_rate': ${pythonFloat(training.lr)}`,
                 ...Object.entries(settings).map(([k, v]) => `'${k}': ${v}`)];
  lines.push(
    `net.initialize(init=init.${training.initializer}())`,
    `trainer = gluon.Trainer(net.collect_params(), '${name}',`,
    `                        {${items.join(", ")}})`,
    `# batch_size = ${training.batch_size}, num_epochs =` +
      ` ${training.num_epochs}, 训练样本数 ${training.train_size}`);
  return lines.join("\n");
}

// The architecture panel of the 5.5.4 explorer, as an anywidget module: it
// runs in JupyterLab and in the static book (through the HTML widget
// manager) alike, and answers every control in the browser, with no kernel.
//
// The arithmetic mirrors book/lenet/explorer_logic.py (layer_infos, the
// structural part of validate, gluon_code); tests/test_browser_logic.py runs
// both over every configuration the controls offer and compares them.

export const IMAGE_SIZE = 28;
export const NUM_CLASSES = 10;
const POOL_CLASSES = { max: "MaxPool2D", avg: "AvgPool2D" };
export const CUSTOM = "自定义";

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

// --- the widget ------------------------------------------------------------

const ARCH_FIELDS = ["kernel_sizes", "channels", "activation", "pooling",
                     "dense_units", "dropout", "batch_norm"];

function archOf(model) {
  return Object.fromEntries(ARCH_FIELDS.map((f) => [f, model.get(f)]));
}

const sameArch = (a, b) =>
  ARCH_FIELDS.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f]));

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function labelled(text, control, readout) {
  const row = element("label", { class: "lenet-arch-control" },
                      element("span", { class: "lenet-arch-label", text }),
                      control);
  if (readout) row.append(readout);
  return row;
}

/** A field of the model, or element `index` of a pair field. */
const getField = (model, field, index) =>
  (index === null ? model.get(field) : model.get(field)[index]);

/** Set a field (or one element of a pair) and send it to the kernel. */
function setField(model, field, index, value) {
  if (index === null) {
    model.set(field, value);
  } else {
    const pair = [...model.get(field)];
    pair[index] = value;
    model.set(field, pair);
  }
  model.save_changes();
}

function slider(model, field, index, { min, max, step }, label, format) {
  const input = element("input", { type: "range", min, max, step,
                                    "aria-label": label });
  const readout = element("output", { class: "lenet-arch-readout" });
  const value = () => getField(model, field, index);
  const show = () => {
    input.value = value();
    readout.textContent = format(value());
  };
  // `change`, not `input`: the kernel sees one value per move, like the
  // ipywidgets sliders with continuous_update=False.
  input.addEventListener("input", () => {
    readout.textContent = format(Number(input.value));
  });
  input.addEventListener("change", () => {
    const number = Number(Number(input.value).toFixed(6));
    setField(model, field, index, number);
  });
  model.on(`change:${field}`, show);
  show();
  return labelled(label, input, readout);
}

function select(model, field, index, options, label) {
  const control = element("select", { "aria-label": label },
                          ...options.map((o) => element("option", {
                            value: String(o), text: String(o) })));
  const value = () => getField(model, field, index);
  const show = () => { control.value = String(value()); };
  control.addEventListener("change", () => {
    const picked = typeof value() === "number" ? Number(control.value)
                                               : control.value;
    setField(model, field, index, picked);
  });
  model.on(`change:${field}`, show);
  show();
  return labelled(label, control);
}

function checkbox(model, field, label) {
  const input = element("input", { type: "checkbox", "aria-label": label });
  const show = () => { input.checked = model.get(field); };
  input.addEventListener("change", () => {
    model.set(field, input.checked);
    model.save_changes();
  });
  model.on(`change:${field}`, show);
  show();
  return labelled(label, input);
}

function tableOf(rows) {
  const number = (n) => n.toLocaleString("en-US");
  const total = (key) => number(rows.reduce((sum, r) => sum + r[key], 0));
  const head = element("tr", {}, ...["层", "输出形状", "参数个数", "计算方法",
                                     "乘加次数"].map((t) => element("th", { text: t })));
  const body = rows.map((r) => element(
    "tr", {}, element("td", { text: r.name }),
    element("td", { text: `(${r.output_shape.join(", ")})` }),
    element("td", { class: "number", text: number(r.num_params) }),
    element("td", { text: r.formula }),
    element("td", { class: "number", text: number(r.multiply_adds) })));
  const foot = element("tr", { class: "total" }, element("td", { text: "合计" }),
                       element("td"),
                       element("td", { class: "number", text: total("num_params") }),
                       element("td"),
                       element("td", { class: "number", text: total("multiply_adds") }));
  return element("table", { class: "lenet-arch-table" }, head, ...body, foot);
}

/** Is a kernel behind this page (JupyterLab), or is it the static book? */
export function hasKernel(model) {
  return Boolean(model.widget_manager && model.widget_manager.kernel);
}

function staticNotice() {
  // The book's Sphinx extension puts the page's Binder link in a meta tag
  // when it knows the repository (book/_ext/repository_links.py).
  const binder = document.querySelector('meta[name="book-binder-url"]');
  const notice = element("div", { class: "lenet-arch-static-notice" },
                         "网页版里没有运行中的 Python：上面的网络结构由浏览器直接计算，" +
                         "但下面的训练设置和“训练”按钮需要 Python 内核，在这里不可用。");
  if (binder) {
    notice.append("请", element("a", { href: binder.content, target: "_blank",
                                      rel: "noopener", text: "在 Binder 上打开本页" }),
                  "来训练。");
  } else {
    notice.append("请按仓库 README 中“Running the pages yourself”一节在自己的电脑上运行本页来训练。");
  }
  return notice;
}

const STYLE = `
.lenet-arch { font-size: 0.9rem; }
.lenet-arch-controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 2px 16px; margin: 6px 0; }
.lenet-arch-control { display: flex; align-items: center; gap: 8px; margin: 0; }
.lenet-arch-label { width: 110px; flex: none; text-align: right; }
.lenet-arch-control input[type=range] { flex: 1; min-width: 100px; }
.lenet-arch-control select { flex: 1; }
.lenet-arch-readout { width: 3em; text-align: right; font-variant-numeric: tabular-nums; }
.lenet-arch-message { color: #b00020; margin: 6px 0; }
.lenet-arch-table { border-collapse: collapse; font-family: monospace; margin: 6px 0; }
.lenet-arch-table th, .lenet-arch-table td { padding: 1px 10px; text-align: left; }
.lenet-arch-table td.number { text-align: right; }
.lenet-arch-table tr.total td { border-top: 1px solid #888; font-weight: bold; }
.lenet-arch-code { width: 100%; height: 17em; font-family: monospace; font-size: 0.85rem; }
.lenet-arch-pointer { color: #555; font-size: 0.85rem; margin: 2px 0 6px; }
.lenet-arch-static-notice { background: #fff8e1; border-left: 4px solid #f0ad4e; padding: 6px 10px; margin: 8px 0; }
.lenet-arch-views button { margin-right: 4px; }
.lenet-arch-views button[aria-pressed=true] { font-weight: bold; }
`;

function render({ model, el }) {
  const options = model.get("options");
  const root = element("div", { class: "lenet-arch" }, element("style", { text: STYLE }));
  const presets = model.get("presets");
  const preset = element("select", { "aria-label": "预设" },
                         ...[...Object.keys(presets), CUSTOM].map((name) =>
                           element("option", { value: name, text: name })));
  preset.value = model.get("preset");
  // A preset's fields and its name go to Python in one message; until it is
  // sent, the fields changing one by one must not turn it into 自定义.
  let applyingPreset = false;
  preset.addEventListener("change", () => {
    const fields = presets[preset.value];
    applyingPreset = true;
    model.set("preset", preset.value);
    if (fields) {
      for (const f of ARCH_FIELDS) model.set(f, fields[f]);
      model.set("training", fields.training);
    }
    applyingPreset = false;
    model.save_changes();
    update();
  });
  model.on("change:preset", () => { preset.value = model.get("preset"); });

  const int = (x) => String(x);
  const controls = element(
    "div", { class: "lenet-arch-controls" },
    slider(model, "kernel_sizes", 0, options.kernel_range, "卷积层1 窗口", int),
    select(model, "activation", null, options.activations, "激活函数"),
    slider(model, "kernel_sizes", 1, options.kernel_range, "卷积层2 窗口", int),
    select(model, "pooling", null, options.poolings, "池化"),
    select(model, "channels", 0, options.channel_options, "卷积层1 通道数"),
    slider(model, "dense_units", 0, options.dense_range, "全连接层1 输出", int),
    select(model, "channels", 1, options.channel_options, "卷积层2 通道数"),
    slider(model, "dense_units", 1, options.dense_range, "全连接层2 输出", int),
    slider(model, "dropout", null, options.dropout_range, "丢弃概率",
           (x) => Number(x).toFixed(1)),
    checkbox(model, "batch_norm", "批量归一化"));
  const pointer = element("div", { class: "lenet-arch-pointer", text:
    "丢弃法见 3.13 节，批量归一化见 5.10 节（加在每个卷积层和隐藏全连接层与其激活函数之间）。" });

  const message = element("div", { class: "lenet-arch-message", role: "alert" });
  const table = element("div", { class: "lenet-arch-table-view" });
  const code = element("textarea", { class: "lenet-arch-code", readonly: "",
                                     "aria-label": "Gluon 代码" });
  const views = element("div", { class: "lenet-arch-views" });
  const panes = { "各层形状与参数": table, "Gluon 代码": code };
  for (const [title, pane] of Object.entries(panes)) {
    const button = element("button", { type: "button", text: title });
    button.addEventListener("click", () => {
      for (const [other, otherPane] of Object.entries(panes)) {
        otherPane.hidden = other !== title;
        views.querySelector(`[data-view="${other}"]`)
          .setAttribute("aria-pressed", String(other === title));
      }
    });
    button.dataset.view = title;
    views.append(button);
  }
  code.hidden = true;
  views.firstChild.setAttribute("aria-pressed", "true");
  views.lastChild.setAttribute("aria-pressed", "false");

  const timings = [];
  const update = () => {
    const started = performance.now();
    const arch = archOf(model);
    const problems = validate(arch);
    message.replaceChildren();
    if (problems.length) {
      message.append(element("b", { text: "这个配置无法构造：" }));
      for (const p of problems) message.append(element("br"), p);
      message.append(element("br"), "修正之前不能训练。");
      table.replaceChildren();
      code.value = "";
    } else {
      table.replaceChildren(tableOf(layerInfos(arch)));
      code.value = gluonCode(arch, model.get("training"), options.optimizers);
    }
    timings.push(performance.now() - started);
    root.dataset.updates = String(timings.length);
  };
  root.lenetTimings = timings;  // read by the browser test
  const onArchChange = () => {
    if (applyingPreset) return;
    const current = presets[model.get("preset")];
    if (current && !sameArch(current, archOf(model))) {
      model.set("preset", CUSTOM);
      model.save_changes();
    }
    update();
  };
  for (const f of ARCH_FIELDS) model.on(`change:${f}`, onArchChange);
  model.on("change:training", () => { if (!applyingPreset) update(); });

  // Keys pressed in the panel are the panel's (arrow keys on a slider), not
  // JupyterLab's notebook shortcuts, which listen as the event bubbles up.
  root.addEventListener("keydown", (event) => event.stopPropagation());
  root.append(labelled("预设", preset), controls, pointer, message, views,
              table, code);
  if (hasKernel(model)) {
    model.send({ type: "front end with a kernel" });
  } else {
    root.append(staticNotice());
  }
  update();
  el.append(root);
}

export default { render };

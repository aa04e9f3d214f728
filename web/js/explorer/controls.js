// The explorer's controls: the preset, the network's fields and the
// training settings, each a slider, a select, a checkbox or a number box
// over what the contract allows.  A control writes one field of the
// widget's `config`; `refresh()` shows the config again, `lock(true)`
// disables every control while a run is in progress.

import { element } from "../lenet_dom.js";
import { fill } from "../lenet_format.js";

/** The name of the preset `config` is, or `custom` (as lenet.contract.
 * preset_of names it). */
export function presetOf(config, presets, custom) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const found = Object.entries(presets).find(([, preset]) =>
    Object.keys(preset).every((field) => same(preset[field], config[field])));
  return found ? found[0] : custom;
}

// Fields of a pair (["kernel_sizes", 0]) or whole ("activation").
const fieldValue = (config, field, index) =>
  (index === null ? config[field] : config[field][index]);

function withField(config, field, index, value) {
  const changed = { ...config };
  if (index === null) changed[field] = value;
  else {
    changed[field] = [...config[field]];
    changed[field][index] = value;
  }
  return changed;
}

/** The values of a {min, max, step} range. */
export function rangeValues({ min, max, step }) {
  const values = [];
  for (let v = min; v <= max + 1e-9; v += step) values.push(Number(v.toFixed(6)));
  return values;
}

/** A label and its control in one row; `newId` names the control. */
export function labelled(text, control, newId, readout) {
  control.id = newId("control");
  const row = element("div", { class: "lenet-control" },
                      element("label", { class: "lenet-control-label",
                                         for: control.id, text }), control);
  if (readout) row.append(readout);
  return row;
}

/** Controls over `config()`, each writing through `setConfig`. */
function controlKit(config, setConfig, newId) {
  const refreshers = [];
  const locked = [];
  const kept = (control, refresh) => {
    refreshers.push(refresh);
    locked.push(control);
    return control;
  };
  /** A slider over `values` (its positions are their indexes). */
  function slider(field, index, values, label, format) {
    const input = element("input", { type: "range", min: 0, max: values.length - 1, step: 1 });
    const readout = element("output", { class: "lenet-readout" });
    const nearest = (v) => values.reduce((best, x, i) =>
      (Math.abs(x - v) < Math.abs(values[best] - v) ? i : best), 0);
    const show = (v) => {
      readout.textContent = format(v);
      input.setAttribute("aria-valuetext", format(v));
    };
    kept(input, () => {
      const v = fieldValue(config(), field, index);
      input.value = String(nearest(v));
      show(v);
    });
    input.addEventListener("input", () => show(values[Number(input.value)]));
    // `change`, not `input`: the kernel sees one value per move.
    input.addEventListener("change", () => setConfig(
      withField(config(), field, index, values[Number(input.value)])));
    return labelled(label, input, newId, readout);
  }
  /** A select over [value, text] pairs. */
  function select(field, index, choices, label) {
    const control = element("select", {}, ...choices.map(([value, text]) =>
      element("option", { value: String(value), text: String(text) })));
    kept(control, () => { control.value = String(fieldValue(config(), field, index)); });
    control.addEventListener("change", () => {
      const current = fieldValue(config(), field, index);
      const picked = typeof current === "number" ? Number(control.value) : control.value;
      setConfig(withField(config(), field, index, picked));
    });
    return labelled(label, control, newId);
  }
  function checkbox(field, label) {
    const input = element("input", { type: "checkbox" });
    kept(input, () => { input.checked = config()[field]; });
    input.addEventListener("change", () =>
      setConfig(withField(config(), field, null, input.checked)));
    return labelled(label, input, newId);
  }
  function number(field, { min, max }, label) {
    const input = element("input", { type: "number", min, max, step: 1, inputmode: "numeric" });
    kept(input, () => { input.value = String(config()[field]); });
    input.addEventListener("change", () => {
      const value = Math.round(Number(input.value));
      if (Number.isFinite(value) && value >= min && value <= max) {
        setConfig(withField(config(), field, null, value));
      } else {
        input.value = String(config()[field]);
      }
    });
    return labelled(label, input, newId);
  }
  return { slider, select, checkbox, number, kept, refreshers, locked };
}

const plain = (list) => list.map((v) => [v, v]);
const int = (x) => String(x);

/** The preset select, the network's controls and the training settings.
 * `trainSize`: the most training images the engine has, if fewer than the
 * full set. */
export function controlsPanel(contract, config, setConfig, newId, trainSize) {
  const { options, presets } = contract;
  const kit = controlKit(config, setConfig, newId);
  const { slider, select, checkbox, number } = kit;
  // Why a preset that fails on purpose fails, under the select.
  const presetNote = element("p", { class: "lenet-preset-note", id: newId("preset-note") });
  const preset = kit.kept(element("select", { "aria-describedby": presetNote.id },
                                  ...[...Object.keys(presets), contract.custom]
    .map((name) => element("option", { value: name, text: name }))), () => {
    preset.value = presetOf(config(), presets, contract.custom);
    presetNote.textContent = contract.words.preset_notes[preset.value] ?? "";
    presetNote.hidden = !presetNote.textContent;
  });
  preset.addEventListener("change", () => {
    if (presets[preset.value]) setConfig({ ...config(), ...presets[preset.value] });
  });
  const kernels = rangeValues(options.kernel_range);
  const dense = rangeValues(options.dense_range);
  const architecture = element(
    "div", { class: "lenet-controls" },
    slider("kernel_sizes", 0, kernels, "卷积层1 窗口", int),
    select("activation", null, plain(options.activations), "激活函数"),
    slider("kernel_sizes", 1, kernels, "卷积层2 窗口", int),
    select("pooling", null, options.poolings.map((p) => [p, options.pooling_labels[p]]), "池化"),
    select("channels", 0, plain(options.channel_options), "卷积层1 通道数"),
    slider("dense_units", 0, dense, "全连接层1 输出", int),
    select("channels", 1, plain(options.channel_options), "卷积层2 通道数"),
    slider("dense_units", 1, dense, "全连接层2 输出", int),
    slider("dropout", null, rangeValues(options.dropout_range), "丢弃概率",
           (x) => Number(x).toFixed(1)),
    checkbox("batch_norm", "批量归一化"));
  const training = element(
    "div", { class: "lenet-controls" },
    select("optimizer", null, options.optimizers.map((name) =>
      [name, options.optimizer_labels[name]]), "优化算法"),
    slider("lr", null, options.learning_rates, "学习率", (x) => `${Number(x.toPrecision(3))}`),
    select("lr_decay", null, options.lr_decays.map((g) =>
      [g, g === 1 ? "1（不衰减）" : `${g}`]), "每周期后学习率乘以"),
    select("initializer", null, options.initializers.map((name) =>
      [name, options.initializer_labels[name]]), "初始化"),
    slider("num_epochs", null, rangeValues(options.epochs_range), "迭代周期", int),
    select("batch_size", null, plain(options.batch_sizes), "批量大小"),
    slider("train_size", null, rangeValues(trainSize
      ? { ...options.train_size_range, max: trainSize } : options.train_size_range),
           "训练样本数", trainSize ? (v) => (v > trainSize ? fill(
             contract.words.train_size_capped, { wanted: v, train: trainSize }) : int(v)) : int),
    number("seed", options.seed_range, "随机种子"));
  return {
    preset: element("div", {}, labelled("预设", preset, newId), presetNote),
    architecture, training,
    refresh: () => kit.refreshers.forEach((show) => show()),
    lock: (locked) => kit.locked.forEach((control) => { control.disabled = locked; }),
  };
}

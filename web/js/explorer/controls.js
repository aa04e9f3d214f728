// The explorer's controls: the preset, the network's fields and the
// training settings, each a slider, a select, a checkbox or a number box
// over what the contract allows, in the order of the contract's
// `controls`.  A control writes one field of the widget's `config`;
// `refresh()` shows the config again (a layer's controls only while its
// block has that layer), `lock(true)` disables every control while a run
// is in progress.

import {
  CONTROLS, CUSTOM, FIELDS, PRESET_NOTES, PRESETS, WORDS,
} from "../lenet_contract.js";
import { element } from "../lenet_dom.js";
import { fill } from "../lenet_format.js";

/** The name of the preset `config` is, or `custom` (as lenet.explorer_config.
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
  /** A layer's row shows only while its list has the layer. */
  const layerRow = (row, field, index) => {
    if (index !== null) refreshers.push(() => { row.hidden = index >= config()[field].length; });
    return row;
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
      if (v === undefined) return;  // a layer the network does not have
      input.value = String(nearest(v));
      show(v);
    });
    input.addEventListener("input", () => show(values[Number(input.value)]));
    // `change`, not `input`: the kernel sees one value per move.
    input.addEventListener("change", () => setConfig(
      withField(config(), field, index, values[Number(input.value)])));
    return layerRow(labelled(label, input, newId, readout), field, index);
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
    return layerRow(labelled(label, control, newId), field, index);
  }
  /** How many layers a block has: its lists (the contract's `layers`)
   * cut, or grown by layers of each list's `added` value. */
  function layers(block, label) {
    const fields = Object.keys(FIELDS).filter((name) => FIELDS[name].layers?.block === block);
    const { min, max } = FIELDS[fields[0]].layers;
    const control = element("select", {}, ...rangeValues({ min, max, step: 1 }).map((n) =>
      element("option", { value: String(n), text: String(n) })));
    kept(control, () => { control.value = String(config()[fields[0]].length); });
    control.addEventListener("change", () => {
      const depth = Number(control.value);
      const changed = { ...config() };
      for (const name of fields) {
        const list = config()[name].slice(0, depth);
        while (list.length < depth) list.push(FIELDS[name].layers.added);
        changed[name] = list;
      }
      setConfig(changed);
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
  return { slider, select, checkbox, number, layers, kept, refreshers, locked };
}

// How a slider shows its value (the control's `readout` in the contract).
const READOUTS = {
  int: (x) => String(x),
  tenths: (x) => Number(x).toFixed(1),
  rate: (x) => `${Number(x.toPrecision(3))}`,
};

/** What a field may hold, as a list of values. */
const choicesOf = ({ choices }) => (Array.isArray(choices) ? choices : rangeValues(choices));

/** The control `spec` of the contract's `controls` draws (a slider, a
 * select, a checkbox or a number box over its field's choices).
 * `trainSize`: the most training images the engine has, if fewer than
 * the full set; the 训练样本数 slider stops there. */
function controlOf(kit, spec, trainSize) {
  const field = FIELDS[spec.field];
  const index = spec.index ?? null;
  if (spec.control === "layers") return kit.layers(spec.block, spec.label);
  if (spec.control === "checkbox") return kit.checkbox(spec.field, spec.label);
  if (spec.control === "number") return kit.number(spec.field, field.choices, spec.label);
  if (spec.control === "select") {
    return kit.select(spec.field, index, choicesOf(field).map((value) =>
      [value, field.labels?.[String(value)] ?? value]), spec.label);
  }
  if (spec.readout === "train_size" && trainSize) {
    const capped = (v) => (v > trainSize
      ? fill(WORDS.train_size_capped, { wanted: v, train: trainSize }) : String(v));
    return kit.slider(spec.field, index, rangeValues({ ...field.choices, max: trainSize }),
                      spec.label, capped);
  }
  return kit.slider(spec.field, index, choicesOf(field), spec.label,
                    READOUTS[spec.readout] ?? READOUTS.int);
}

/** The preset select, with why a preset that fails on purpose fails
 * under it. */
function presetControl(kit, config, setConfig, newId) {
  const presetNote = element("p", { class: "lenet-preset-note", id: newId("preset-note") });
  const preset = kit.kept(element("select", { "aria-describedby": presetNote.id },
                                  ...[...Object.keys(PRESETS), CUSTOM]
    .map((name) => element("option", { value: name, text: name }))), () => {
    preset.value = presetOf(config(), PRESETS, CUSTOM);
    presetNote.textContent = PRESET_NOTES[preset.value] ?? "";
    presetNote.hidden = !presetNote.textContent;
  });
  preset.addEventListener("change", () => {
    if (PRESETS[preset.value]) setConfig({ ...config(), ...PRESETS[preset.value] });
  });
  return element("div", {}, labelled("预设", preset, newId), presetNote);
}

/** The preset select, the network's controls and the training settings,
 * as the contract's `controls` lists them. */
export function controlsPanel(config, setConfig, newId, trainSize) {
  const kit = controlKit(config, setConfig, newId);
  const group = (specs) => element("div", { class: "lenet-controls" },
                                   ...specs.map((spec) => controlOf(kit, spec, trainSize)));
  return {
    preset: presetControl(kit, config, setConfig, newId),
    architecture: group(CONTROLS.architecture),
    training: group(CONTROLS.training),
    refresh: () => kit.refreshers.forEach((show) => show()),
    lock: (locked) => kit.locked.forEach((control) => { control.disabled = locked; }),
  };
}

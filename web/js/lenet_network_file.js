// A trained network as one file: the rule of lenet.network_file, written
// once here (tests/test_network_file.py holds the two to the same
// verdicts, and loads each one's files in the other).  JSON: the format and
// version, the configuration, the run that trained it, the tensors' names
// and shapes in plan order, and their numbers as float32 little-endian in
// base64; and, if the run kept them, the same numbers as it started and
// after each epoch (`snapshots`, for the viewer's replay).  A file that
// fails a check throws a NetworkFileError whose message says why, in
// Chinese; nothing of it is used before every check has passed.

import { namedTensors, plan } from "./lenet_architecture.js";
import {
  ARCH_FIELDS, BASE_CONFIG, ENGINES, FIELD_NAMES, FIELDS, LIMITS, NETWORK_FILE, WORDS, since,
} from "./lenet_contract.js";
import { unpackTensors } from "./lenet_forward.js";
import { say } from "./lenet_format.js";
import { layersWords, shown, textOf, unequalLayers, valueOf } from "./lenet_link.js";

export class NetworkFileError extends Error {}

const refuse = (message, values = {}) => { throw new NetworkFileError(say(message, values)); };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const isNumber = (value) => typeof value === "number";
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const shapeText = (shape) => shape.join("×");

/** A value of the file, as a message shows it. */
function shownValue(value) {
  if (value === undefined || value === null) return "（缺少）";
  if (["string", "number", "boolean"].includes(typeof value) || Array.isArray(value)) {
    return shown(textOf(value));
  }
  return "（不是可用的值）";
}

/** The configuration of a file: every architecture field one the controls
 * can hold, a block's lists as long as each other; a training setting that
 * is not is the book's, as is a field newer than the file's version. */
function checkedConfig(values, version) {
  const given = isObject(values) ? values : {};
  const config = {};
  for (const field of Object.keys(FIELDS)) {
    if (since(field) > version) {
      config[field] = BASE_CONFIG[field];
      continue;
    }
    const value = given[field] === undefined || given[field] === null ? null
      : valueOf(textOf(given[field]), field, BASE_CONFIG[field]);
    if (value === null && ARCH_FIELDS.includes(field)) {
      refuse("network_bad_config", { name: FIELD_NAMES[field], field,
                                     value: shownValue(given[field]) });
    }
    config[field] = value === null ? BASE_CONFIG[field] : value;
  }
  const fields = unequalLayers(config);
  if (fields) {
    refuse("network_layers", layersWords(config, fields));
  }
  return config;
}

/** The plan's [{name, shape}] of `config`, when the file lists the same. */
function checkedTensors(listed, config) {
  const wanted = namedTensors(plan(config));
  const found = Array.isArray(listed) ? listed : [];
  wanted.forEach(({ name, shape }, index) => {
    const tensor = found[index];
    if (!isObject(tensor) || tensor.name !== name) {
      refuse("network_mismatch", { detail: `配置要第 ${index + 1} 个张量是 ${name}，` +
        `文件里是 ${shownValue(isObject(tensor) ? tensor.name : null)}` });
    }
    const same = Array.isArray(tensor.shape) && tensor.shape.length === shape.length &&
      tensor.shape.every((n, i) => n === shape[i]);
    if (!same) {
      const listedShape = Array.isArray(tensor.shape) && tensor.shape.every(Number.isInteger)
        ? shown(shapeText(tensor.shape)) : "（不是形状）";
      refuse("network_mismatch", { detail: `配置要 ${name} 的形状是 ${shapeText(shape)}，` +
        `文件里是 ${listedShape}` });
    }
  });
  if (found.length > wanted.length) {
    refuse("network_mismatch", { detail: `文件里多了 ${found.length - wanted.length}` +
      " 个配置里没有的张量" });
  }
  return wanted;
}

/** float32 numbers of the file's base64 text. */
function numbersOf(text, expected) {
  if (typeof text !== "string" || text.length % 4 || !BASE64.test(text)) {
    refuse("network_weights_unreadable");
  }
  const binary = atob(text);
  if (binary.length % 4 || binary.length / 4 !== expected) {
    refuse("network_weights_length", { found: Math.floor(binary.length / 4), expected });
  }
  const view = new DataView(Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer);
  const numbers = new Float32Array(expected);
  let bad = 0;
  for (let i = 0; i < expected; i++) {
    numbers[i] = view.getFloat32(4 * i, true);
    if (!Number.isFinite(numbers[i])) bad += 1;
  }
  if (bad) refuse("network_not_finite", { count: bad });
  return numbers;
}

/** An epoch of the file's run, with only the fields the format names, each
 * number in its range (LIMITS.epoch_ranges); its learning rate (optional)
 * kept only if it is a number. */
function checkedEpoch(index, epoch) {
  const given = isObject(epoch) ? epoch : {};
  const checked = {};
  for (const [field, bounds] of Object.entries(LIMITS.epoch_ranges)) {
    const value = given[field];
    if (!(isNumber(value) && bounds.min <= value && value <= (bounds.max ?? Infinity)
          && (!bounds.integer || Number.isInteger(value)))) {
      refuse("network_bad_epoch", { index, field, value: shownValue(value),
                                    range: bounds.words });
    }
    checked[field] = value;
  }
  if (isNumber(given.lr)) checked.lr = given.lr;
  return checked;
}

/** The replay's weights of a file ([] where it has none), each a {name:
 * Float32Array} of the `wanted` tensors: snapshot i is epoch i's, at most
 * one more than the run's epochs. */
function checkedSnapshots(listed, epochs, wanted, total) {
  if (listed === undefined) return [];
  const found = Array.isArray(listed) ? listed : [listed];
  if (found.length > epochs + 1) {
    refuse("network_too_many_snapshots", { count: found.length, epochs, limit: epochs + 1 });
  }
  return found.map((snapshot, index) => {
    const epoch = isObject(snapshot) ? snapshot.epoch : undefined;
    if (epoch !== index) {
      refuse("network_bad_snapshot", { index: index + 1, value: shownValue(epoch),
                                       expected: index });
    }
    return tensorsOf(numbersOf(snapshot.weights, total), wanted);
  });
}

// Each tensor a buffer of its own: IndexedDB stores each alone.
const tensorsOf = (numbers, wanted) => Object.fromEntries(Object.entries(
  unpackTensors(numbers, wanted)).map(([name, values]) => [name, values.slice()]));

/** The run's description: its engine and state (the book's when the file
 * names another), and its epochs, each checked. */
function checkedRun(run) {
  const given = isObject(run) ? run : {};
  const listed = Array.isArray(given.epochs) ? given.epochs : [];
  if (listed.length > LIMITS.epochs) {
    refuse("network_too_many_epochs", { count: listed.length, limit: LIMITS.epochs });
  }
  return { engine: Object.hasOwn(ENGINES, given.engine) ? given.engine : "kernel",
           state: Object.hasOwn(WORDS.run_results, given.state) ? given.state : "done",
           epochs: listed.map((epoch, i) => checkedEpoch(i + 1, epoch)) };
}

/** Refuse a document nested deeper than LIMITS.depth or holding a number
 * out of a double's range (walked without recursion). */
function checkValues(document) {
  const waiting = [[document, 0]];
  while (waiting.length) {
    const [value, depth] = waiting.pop();
    if (typeof value === "number" && !Number.isFinite(value)) refuse("network_number_too_large");
    if (value !== null && typeof value === "object") {
      if (depth >= LIMITS.depth) refuse("network_too_deep", { depth: LIMITS.depth });
      for (const item of Object.values(value)) waiting.push([item, depth + 1]);
    }
  }
}

/** The JSON of a file's text, once its size, nesting and numbers are
 * within the format's LIMITS. */
function documentOf(text) {
  const size = new TextEncoder().encode(text).length;
  if (size > LIMITS.file_bytes) refuse("network_too_large", { size, limit: LIMITS.file_bytes });
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) refuse("network_too_deep", { depth: LIMITS.depth });
    refuse("network_not_json");
  }
  checkValues(document);
  return document;
}

/** {config, tensors: {name: Float32Array}, run, snapshots: [tensors]} of
 * a file's text, or a NetworkFileError. */
export function readNetworkFile(text) {
  const file = documentOf(text);
  if (!isObject(file)) refuse("network_not_json");
  if (file.format !== NETWORK_FILE.format) {
    refuse("network_wrong_format", { format: NETWORK_FILE.format });
  }
  // Every version this book has written.
  if (!(Number.isInteger(file.version) && file.version >= 1 &&
        file.version <= NETWORK_FILE.version)) {
    refuse("network_version", { version: shownValue(file.version) });
  }
  const config = checkedConfig(file.config, file.version);
  const wanted = checkedTensors(file.tensors, config);
  const sizes = wanted.map(({ shape }) => shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const tensors = tensorsOf(numbersOf(file.weights, total), wanted);
  const run = checkedRun(file.run);
  return { config, tensors, run,
           snapshots: checkedSnapshots(file.snapshots, run.epochs.length, wanted, total) };
}

function base64Of(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The base64 text of `tensors` {name: Float32Array} in the order of
 * `listed`. */
function weightsText(listed, tensors) {
  const total = listed.reduce((sum, { shape }) => sum + shape.reduce((a, b) => a * b, 1), 0);
  const view = new DataView(new ArrayBuffer(4 * total));
  let at = 0;
  for (const { name } of listed) {
    for (const x of tensors[name]) view.setFloat32(4 * at++, x, true);
  }
  return base64Of(new Uint8Array(view.buffer));
}

/** The file of a network: `tensors` {name: Float32Array} of `config`'s
 * plan, `run` {engine, state, epochs}, `snapshots` the replay's tensors
 * (epoch 0 on), left out if the file would be too large with them. */
export function networkFileText(config, tensors, run, snapshots = []) {
  const listed = namedTensors(plan(config)).map(({ name, shape }) => ({ name, shape }));
  const file = {
    format: NETWORK_FILE.format, version: NETWORK_FILE.version, about: NETWORK_FILE.about,
    config, run, tensors: listed, weights: weightsText(listed, tensors),
  };
  if (snapshots.length) {
    const replay = snapshots.map((each, epoch) => ({ epoch, weights: weightsText(listed, each) }));
    const withReplay = JSON.stringify({ ...file, snapshots: replay }, null, 1);
    if (new TextEncoder().encode(withReplay).length <= LIMITS.file_bytes) return withReplay;
  }
  return JSON.stringify(file, null, 1);
}

// What the book's JavaScript and its Python agree on: the JSON files of
// book/lenet/contract/, imported as data, the same files
// lenet/contract/__init__.py loads.  esbuild's JSON loader bundles them,
// keeping only the parts a bundle uses (so they are imported by name, and
// what is made of them is marked pure); the tests' server gives the
// modules the same named exports (tests/built_site.py).  Nothing here is
// generated: this module only names the values read most often.

import { controls, fields } from "../../book/lenet/contract/configuration.json";
import { limits, link, network_file as networkFile } from "../../book/lenet/contract/formats.json";
import { custom, presets } from "../../book/lenet/contract/presets.json";
import * as site from "../../book/lenet/contract/site.json";
import * as words from "../../book/lenet/contract/words.json";
import { data_sets as dataSets } from "../../book/lenet/contract/data_sets.json";

export {
  image_size as IMAGE_SIZE, num_classes as NUM_CLASSES, test_set_size as TEST_SET_SIZE,
  tensors as TENSORS, batch_norm as BATCH_NORM, gluon_poolings as GLUON_POOLINGS,
  optimizers as OPTIMIZERS, adam as ADAM, exploded_loss as EXPLODED_LOSS,
} from "../../book/lenet/contract/network.json";

export {
  run_states as RUN_STATES, running_states as RUNNING_STATES,
  problem_states as PROBLEM_STATES, message_types as MESSAGE_TYPES, messages as MESSAGES,
  decimals as DECIMALS, live_interval_ms as LIVE_INTERVAL_MS,
} from "../../book/lenet/contract/protocol.json";

/** The configuration's fields, in order: {name: {group, type, name,
 * default, choices, ...}}. */
export { fields as FIELDS };
// What is made of the files: each one a pure call, which esbuild leaves
// out of a bundle that does not use it.
const inGroup = (group) => Object.keys(fields).filter((name) => fields[name].group === group);
const eachField = (value) => Object.fromEntries(
  Object.entries(fields).map(([name, field]) => [name, value(field)]));
export const ARCH_FIELDS = /* @__PURE__ */ inGroup("architecture");
export const TRAINING_FIELDS = /* @__PURE__ */ inGroup("training");
export const FIELD_NAMES = /* @__PURE__ */ eachField((field) => field.name);
/** The lists whose length is a block's depth: {conv: ["kernel_sizes",
 * "channels"], dense: ["dense_units"]} (lenet.contract.BLOCKS). */
export const BLOCKS = /* @__PURE__ */ (() => {
  const blocks = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.layers) (blocks[field.layers.block] ??= []).push(name);
  }
  return blocks;
})();
/** The first version of the link and the network file that holds
 * `field` (1: every version), as lenet.contract.since. */
export const since = (field) => fields[field].since ?? 1;
/** The book's LeNet: the fields' defaults. */
export const BASE_CONFIG = /* @__PURE__ */ eachField((field) => field.default);
export { controls as CONTROLS };
/** {name: its whole configuration}, in the contract's order. */
export const PRESETS = /* @__PURE__ */ (() => Object.fromEntries(Object.entries(presets).map(
  ([name, preset]) => [name, { ...BASE_CONFIG, ...preset.changes }])))();
/** Why each preset that fails on purpose fails, in the page's words. */
export const PRESET_NOTES = /* @__PURE__ */ (() => Object.fromEntries(
  Object.entries(presets).filter(([, preset]) => preset.fails)
    .map(([name, preset]) => [name, preset.fails.note])))();
export { custom as CUSTOM };

export { words as WORDS, site as SITE };
export { engines as ENGINES } from "../../book/lenet/contract/words.json";
/** The classes of `dataSet` as a reader sees them: “T恤（t-shirt）”, …
 * (the book's Chinese and d2lzh's English), or “0”, “1”, … (a digit). */
export function classNames(dataSet = BASE_CONFIG.data_set) {
  return dataSets[dataSet].class_names.map(([zh, en]) => (en ? `${zh}（${en}）` : zh));
}
export const CLASS_NAMES = /* @__PURE__ */ classNames();

export const LINK_PREFIX = link.prefix;
export const LINK_VERSION = link.version;
export { networkFile as NETWORK_FILE };
/** What a link and a network file may hold (lenet.contract.LIMITS). */
export { limits as LIMITS };
/** What the static page trains on, and its preset (SITE: paths under the
 * site's root, the pages `pages_to_root` below it). */
export { browser as BROWSER } from "../../book/lenet/contract/site.json";

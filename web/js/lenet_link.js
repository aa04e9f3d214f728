// The explorer's configuration as a link, and back: the rule of
// lenet.explorer_link, written once here (tests/test_browser_logic.py holds
// the two to the same results).  A link's fragment is
// lenet?v=2&kernel_sizes=5,5&...; a field the controls could not have set
// (a block's lists of different lengths among them) keeps the base
// configuration's value and gets a note in Chinese; a field newer than an
// older link's version (the contract's `since`) is the book's default.
// The notes are text: nothing of a link ever becomes HTML.

import {
  BLOCKS, FIELD_NAMES, FIELDS, LIMITS, LINK_PREFIX, LINK_VERSION, since,
} from "./lenet_contract.js";
import { pythonG, say } from "./lenet_format.js";

const SHOWN_CHARACTERS = 30;
const NUMBER = /^[0-9.eE+-]+$/;
// Control characters and the marks that reorder text (a file name with a
// right-to-left override would show the note's words reversed).
const HIDDEN_CHARACTERS =
  /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** One value as the link writes it: 5,5 · 0.9 · 1 (a checkbox) · relu. */
export function textOf(value) {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (Array.isArray(value)) return value.map(textOf).join(",");
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonG(value);
  return String(value);
}

/** The fragment (without #) of `config`, its fields in the contract's order. */
export function linkOf(config) {
  return LINK_PREFIX + [`v=${LINK_VERSION}`, ...Object.keys(FIELDS).map(
    (field) => `${field}=${textOf(config[field])}`)].join("&");
}

function number(text) {
  if (!NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** The option's own value that `value` is, or null. */
function allowed(value, option) {
  if (!Array.isArray(option)) {
    const steps = (value - option.min) / option.step;
    if (!(option.min <= value && value <= option.max
          && Math.abs(steps - Math.round(steps)) < 1e-9)) return null;
    return Number((option.min + Math.round(steps) * option.step).toFixed(6));
  }
  return option.find((item) => Math.abs(item - value) <= 1e-9 * Math.abs(item)) ?? null;
}

/** What a single control would hold for `text` (`option`: the field's
 * choices), or null. */
function oneValue(text, option, base) {
  if (option === null) return text === "1" ? true : text === "0" ? false : null;
  if (typeof base === "string") return option.includes(text) ? text : null;
  const value = number(text);
  return value === null ? null : allowed(value, option);
}

/** The value of `field` that `text` writes, if its controls could hold it
 * (a list: as many values as its block may have layers, each one a layer's
 * control could hold), else null; `base` is its value now. */
export function valueOf(text, field, base) {
  const { choices, layers, default: byDefault } = FIELDS[field];
  if (layers) {
    const parts = text ? text.split(",") : [];
    if (!(layers.min <= parts.length && parts.length <= layers.max)) return null;
    const values = parts.map((part) => oneValue(part, choices, byDefault[0]));
    return values.includes(null) ? null : values;
  }
  return oneValue(text, choices, base);
}

/** The first block whose lists in `values` differ in length, or null. */
export const unequalLayers = (values) => Object.values(BLOCKS).find(
  (fields) => new Set(fields.map((field) => values[field].length)).size > 1) ?? null;

/** A block's lists of different lengths, in words: {names, counts}. */
export const layersWords = (values, fields) => ({
  names: fields.map((f) => `${FIELD_NAMES[f]}（${f}）`).join("和"),
  counts: fields.map((f) => `${values[f].length} 个`).join("和 ") });

/** The note of a block's lists of different lengths. */
const layersNote = (values, fields, used) => say("link_layers", {
  ...layersWords(values, fields), used: fields.map((f) => textOf(used[f])).join(" 和 ") });

/** The version a link's v= names, if this book knows it, else null. */
const linkVersion = (text) => {
  for (let v = 1; v <= LINK_VERSION; v++) if (text === String(v)) return v;
  return null;
};

/** Python's unquote: each run of %-escapes decoded as UTF-8, a byte that
 * is not UTF-8 as U+FFFD, anything else as it is written. */
const UTF8 = new TextDecoder("utf-8");
const unquote = (text) => text.replace(/(%[0-9a-fA-F]{2})+/g, (run) =>
  UTF8.decode(Uint8Array.from(run.slice(1).split("%"), (hex) => parseInt(hex, 16))));

/** The link's field=value pairs, each field's first, and how many times
 * each field came. */
function pairs(fragment) {
  const found = new Map();
  const counts = new Map();
  for (const part of fragment.split("&")) {
    if (!part) continue;
    const at = part.indexOf("=");
    const field = unquote(at < 0 ? part : part.slice(0, at));
    if (!found.has(field)) found.set(field, unquote(at < 0 ? "" : part.slice(at + 1)));
    counts.set(field, (counts.get(field) ?? 0) + 1);
  }
  return { found, counts };
}

/** `text` as a message shows it: without control or reordering
 * characters, cut to `characters` with … */
export function shown(text, characters = SHOWN_CHARACTERS) {
  const points = [...text.replace(HIDDEN_CHARACTERS, "")];
  return points.length <= characters ? points.join("")
    : `${points.slice(0, characters).join("")}…`;
}

/** A file's name as the page and the kernel show it. */
export const shownName = (name) => shown(name, LIMITS.name_characters);

/** Is `fragment` (location.hash) a link of the explorer? */
export const isLink = (fragment) => fragment.replace(/^#/, "").startsWith(LINK_PREFIX);

/** {values, notes}: the configuration `fragment` gives over `base`, each
 * field checked against its choices, and a note for each field it could
 * not use (LIMITS.link_notes of them, then one that counts the rest).  A
 * fragment that is not the explorer's changes nothing. */
export function configFromLink(fragment, base) {
  const rest = fragment.replace(/^#/, "");
  if (!rest) return { values: { ...base }, notes: [] };
  if (!rest.startsWith(LINK_PREFIX)) {
    return { values: { ...base }, notes: [say("link_not_explorer", { prefix: LINK_PREFIX })] };
  }
  const { values, notes } = readPairs(rest.slice(LINK_PREFIX.length), base);
  const limit = LIMITS.link_notes;
  if (notes.length <= limit) return { values, notes };
  return { values, notes: [...notes.slice(0, limit),
                           say("link_more_notes", { count: notes.length - limit })] };
}

function readPairs(fragment, base) {
  const values = { ...base };
  const notes = [];
  const { found, counts } = pairs(fragment);
  const version = linkVersion(found.get("v") ?? String(LINK_VERSION));
  for (const field of Object.keys(FIELDS)) {
    if (since(field) > (version ?? LINK_VERSION)) values[field] = FIELDS[field].default;
  }
  for (const [field, text] of found) {
    if (counts.get(field) > 1) {
      notes.push(say("link_repeated", { field: shown(field), count: counts.get(field) }));
    }
    if (field === "v") {
      if (version === null) notes.push(say("link_version", { version: shown(text) }));
    } else if (!Object.hasOwn(FIELDS, field)) {
      notes.push(say("link_unknown", { field: shown(field) }));
    } else {
      const value = valueOf(text, field, base[field]);
      if (value === null) {
        notes.push(say("link_invalid", { name: FIELD_NAMES[field], field,
                                         value: shown(text), used: textOf(base[field]) }));
      } else {
        values[field] = value;
      }
    }
  }
  const fields = unequalLayers(values);
  if (fields) {
    notes.push(layersNote(values, fields, base));
    for (const field of fields) values[field] = base[field];
  }
  return { values, notes };
}

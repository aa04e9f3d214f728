// Numbers written as Python writes them, and the run's messages filled in
// as lenet.messages.say fills them, so that both engines read the same
// (tests/test_browser_logic.py compares them with Python).

import { DECIMALS, MESSAGES } from "./lenet_contract.js";

/** Python's str() of a float: 0.9 -> "0.9", 1 -> "1.0". */
export const pythonFloat = (x) => (Number.isInteger(x) ? `${x}.0` : `${x}`);

/** Python's format(x, "g") for short decimals such as the dropout's. */
export const pythonG = (x) => `${Number(x.toPrecision(6))}`;

/** Python's str() of a tuple of numbers: (5, 5). */
export const pythonTuple = (values) =>
  (values.length === 1 ? `(${values[0]},)` : `(${values.join(", ")})`);

/** Python's format(x, ".{digits}g"): 163, 0.5, 8.67e+03, nan. */
export function formatG(x, digits) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const [mantissa, power] = x.toExponential(digits - 1).split("e");
  const exponent = Number(power);
  if (exponent < -4 || exponent >= digits) {
    const shown = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const sign = exponent < 0 ? "-" : "+";
    return `${shown}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(digits)));
}

/** A template with its {placeholders} filled in as they are. */
export const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

/** A run message of the contract (the contract's protocol.messages), its numbers
 * written as Python's `say` writes them: DECIMALS rounded, a loss and a
 * rate to three significant digits, a learning rate as Python's float, a list of
 * problems joined by spaces. */
export function say(message, values) {
  const shown = (name, value) => {
    if (name in DECIMALS) {
      return Number.isFinite(value) ? value.toFixed(DECIMALS[name]) : formatG(value, 1);
    }
    if (name === "loss" || name === "rate") return formatG(value, 3);
    if (name === "lr") return pythonFloat(value);
    if (Array.isArray(value)) return value.join(" ");
    return String(value);
  };
  return MESSAGES[message].replace(/\{(\w+)\}/g,
                                   (_, name) => shown(name, values[name]));
}

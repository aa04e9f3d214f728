// The one way the book's pieces on a page talk to each other: the explorer
// hands a network it trained to the trained-network viewer; the 5.5.4 sweep
// chart hands its Vega view to the viewer, which follows its controls.
//
// Each widget is its own bundle, so each has its own copy of this module;
// the copies share one EventTarget kept under a registered symbol.  Every
// message is kept, so a piece drawn later still hears, in order, what was
// said before it was there.

export const TOPICS = Object.freeze({
  // detail: {key, label, test_acc, arch, tensors} of a network trained here
  // (or kept from an earlier visit)
  trainedNetwork: "lenet:trained-network",
  // detail: {key} of such a network, which the reader deleted
  forgottenNetwork: "lenet:forgotten-network",
  // detail: the sweep chart's Vega view (signals kernel, channels, activation)
  sweepView: "lenet:sweep-view",
});

const SHARED = Symbol.for("lenet.channel");

function channel() {
  globalThis[SHARED] ??= { target: new EventTarget(), said: [] };
  return globalThis[SHARED];
}

function known(topic) {
  if (!Object.values(TOPICS).includes(topic)) {
    throw new Error(`lenet_channel: no topic ${topic}`);
  }
}

/** Tell every listener of `topic` (and those that come later) `detail`. */
export function publish(topic, detail) {
  known(topic);
  const { target, said } = channel();
  said.push([topic, detail]);
  target.dispatchEvent(new CustomEvent(topic, { detail }));
}

/** Call `listener(detail)` for every message of `topic`, those said
 * already and those to come. */
export function subscribe(topic, listener) {
  known(topic);
  const { target, said } = channel();
  for (const [told, detail] of said) if (told === topic) listener(detail);
  target.addEventListener(topic, (event) => listener(event.detail));
}

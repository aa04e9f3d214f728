// The one way the book's pieces on a page talk to each other: the explorer
// hands a network it trained to the trained-network viewer; the 5.5.4 sweep
// chart hands its Vega view to the viewer, which follows its controls.
//
// Each widget is its own bundle, so each has its own copy of this module;
// the copies share one EventTarget kept under a registered symbol.  The
// last message of each topic is kept, so a piece drawn later still hears
// what was said before it was there.

export const TOPICS = Object.freeze({
  // detail: {key, label, test_acc, arch, tensors} of a network trained here
  trainedNetwork: "lenet:trained-network",
  // detail: the sweep chart's Vega view (signals kernel, channels, activation)
  sweepView: "lenet:sweep-view",
});

const SHARED = Symbol.for("lenet.channel");

function channel() {
  globalThis[SHARED] ??= { target: new EventTarget(), last: new Map() };
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
  const { target, last } = channel();
  last.set(topic, detail);
  target.dispatchEvent(new CustomEvent(topic, { detail }));
}

/** Call `listener(detail)` for the last message of `topic`, if any, and
 * for every one after it. */
export function subscribe(topic, listener) {
  known(topic);
  const { target, last } = channel();
  if (last.has(topic)) listener(last.get(topic));
  target.addEventListener(topic, (event) => listener(event.detail));
}

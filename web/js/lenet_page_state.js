// What one script of a page tells another: whether the page's explorer is
// training.  The explorer marks it (the root element's attribute and an
// event); lenet_offline.js reads it, so that 更新 never reloads a page in
// the middle of a run.

const ATTRIBUTE = "data-lenet-training";
const EVENT = "lenet-training";

/** The page trains (`on`) or no longer does. */
export function markTraining(on) {
  const root = document.documentElement;
  if (root.hasAttribute(ATTRIBUTE) === on) return;
  root.toggleAttribute(ATTRIBUTE, on);
  dispatchEvent(new Event(EVENT));
}

export const isTraining = () => document.documentElement.hasAttribute(ATTRIBUTE);

/** `listener()` each time the page starts or ends a run. */
export const onTrainingChange = (listener) => addEventListener(EVENT, listener);

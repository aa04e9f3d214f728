// The book's widgets in the static HTML, with no kernel and no widget
// manager.  Each widget is drawn when it comes near the screen
// (lenet_dom.js whenNear), so a phone loading the page runs no widget code
// until the reader scrolls towards one.  Every widget of this book is an anywidget: its module's text is
// in the page's saved widget state (`_esm`), so drawing one needs only a
// model that holds that state.  A few kilobytes instead of the 4 MB widget
// manager and RequireJS, and nothing loads before the text is drawn (this
// script is a module, so it runs after the page is parsed).
//
// The model is the part of anywidget's that the book's modules use: get,
// set, on/off ("change:NAME", "msg:custom"), save_changes and send, which
// here goes to no kernel.  widget_manager.kernel is null, which is how the
// modules know they are in the static book.

import { LINK_PREFIX } from "./lenet_contract.js";
import { whenNear } from "./lenet_dom.js";

const STATE = "application/vnd.jupyter.widget-state+json";
const VIEW = "application/vnd.jupyter.widget-view+json";

class StaticModel {
  constructor(id, state) {
    this.model_id = id;
    this.state = state;
    this.listeners = new Map();
    this.widget_manager = { kernel: null };
  }

  get(name) { return this.state[name]; }

  set(name, value) {
    const old = this.state[name];
    this.state[name] = value;
    if (old !== value) this.emit(`change:${name}`, value);
  }

  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }

  off(event, callback) {
    if (!event) this.listeners.clear();
    else if (!callback) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(callback);
  }

  emit(event, ...values) {
    for (const callback of this.listeners.get(event) ?? []) callback(...values);
  }

  save_changes() {}

  send() {}
}

/** Binary traits are saved base64-encoded beside the state. */
function withBuffers(state, buffers = []) {
  for (const { path, data, encoding } of buffers) {
    const bytes = encoding === "base64"
      ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(data);
    let target = state;
    for (const key of path.slice(0, -1)) target = target[key];
    target[path.at(-1)] = new DataView(bytes.buffer);
  }
  return state;
}

/** The module of a saved anywidget, drawn into `place` with its model. */
async function drawSaved(place, saved, id) {
  const model = new StaticModel(id, withBuffers({ ...saved.state },
                                                saved.buffers));
  const url = URL.createObjectURL(new Blob([model.get("_esm")],
                                           { type: "text/javascript" }));
  try {
    const module = await import(url);
    const widget = module.default ?? module;
    await widget.initialize?.({ model });
    await widget.render({ model, el: place });
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The state is in the page, or (book/_ext/page_weight.py) in a file beside
// it that the block names, fetched when the first widget comes near (and
// again by the next one if that failed).
const stateScript = document.querySelector(`script[type="${STATE}"]`);
let savedState = null;
function savedModels() {
  savedState ??= (stateScript.dataset.src
    ? fetch(new URL(stateScript.dataset.src, document.baseURI)).then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
      return r.json();
    })
    : Promise.resolve(JSON.parse(stateScript.textContent)))
    .catch((error) => {
      savedState = null;
      throw error;
    });
  return savedState.then(({ state }) => state);
}

async function draw(place, id) {
  try {
    const saved = (await savedModels())[id];
    if (!saved || saved.model_module !== "anywidget" || !saved.state._esm) {
      place.textContent = "（这个交互部件需要运行中的 Python 内核。）";
    } else {
      await drawSaved(place, saved, id);
    }
    place.dataset.drawn = "true";
  } catch (error) {
    place.textContent = `这个交互部件没能显示（${error.message}）。请检查网络后刷新页面。`;
    place.dataset.drawn = "failed";
    console.error(error);
  }
}

// A link to a configuration of the explorer (lenet_link.js) opens the
// page at the explorer, which then comes near the screen and reads it.
const EXPLORER_SECTION = "sec-lenet-explorer";
if (location.hash.startsWith(`#${LINK_PREFIX}`)) {
  document.getElementById(EXPLORER_SECTION)?.scrollIntoView();
}

if (stateScript) {
  for (const view of document.querySelectorAll(`script[type="${VIEW}"]`)) {
    const { model_id: id } = JSON.parse(view.textContent);
    const place = document.createElement("div");
    place.className = "lenet-static-widget";
    view.before(place);
    whenNear(place, () => draw(place, id));
  }
}

// Which trained network the viewer runs: the picker over the sweep's
// networks (and those the explorer of the same page trains), their weights
// (from the kernel in JupyterLab, from the site in the book) and the 5.5.4
// sweep chart, whose controls pick the network and follow the picker.

import { subscribe, TOPICS } from "../lenet_channel.js";
import { MESSAGE_TYPES as TYPES, SITE } from "../lenet_contract.js";
import { element, hasKernel } from "../lenet_dom.js";
import { decodeFloat16, unpackTensors } from "../lenet_forward.js";

/** The network's weights file, as an ArrayBuffer. */
function weightsFetcher(model) {
  const waiting = new Map();
  model.on("msg:custom", (message, buffers) => {
    if (message.type === TYPES.weights && waiting.has(message.key)) {
      const view = buffers[0];  // a DataView into the message
      waiting.get(message.key)(view.buffer.slice(view.byteOffset,
                                                 view.byteOffset + view.byteLength));
      waiting.delete(message.key);
    }
  });
  return (network) => {
    if (hasKernel(model)) {
      return new Promise((resolve) => {
        waiting.set(network.key, resolve);
        model.send({ type: TYPES.weights, key: network.key });
      });
    }
    const url = new URL(SITE.pages_to_root + SITE.weights_path + network.file,
                      document.baseURI);
    return fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.arrayBuffer();
    });
  };
}

/** The sweep chart's view picks the network by its controls' values
 * (`chart` of each network), and follows the picker. */
function followSweepChart(model, networks, view) {
  const signals = () => ({ kernel: view.signal("kernel"), channels: view.signal("channels"),
                           activation: view.signal("activation") });
  const shown = () => {
    const now = signals();
    return networks.find((n) => n.chart && Object.keys(now).every((k) => n.chart[k] === now[k]));
  };
  const fromChart = () => {
    const network = shown();
    if (network && network.key !== model.get("selected")) {
      model.set("selected", network.key);
      model.save_changes();
    }
  };
  for (const name of ["kernel", "channels", "activation"]) view.addSignalListener(name, fromChart);
  model.on("change:selected", () => {
    const network = networks.find((n) => n.key === model.get("selected"));
    if (!network?.chart || shown() === network) return;  // trained here: not on the chart
    view.signal("kernel", network.chart.kernel).signal("channels", network.chart.channels)
      .signal("activation", network.chart.activation).runAsync();
  });
}

/** The picker; `load(key)` a network with its tensors; `onChange()` when
 * another network is picked (by the reader, the chart or the explorer). */
export function networkPicker(model, onChange) {
  const networks = [...model.get("networks")];
  const fetchWeights = weightsFetcher(model);
  const cache = new Map();  // key -> Promise of a network with its tensors
  const picker = element("select", { "aria-label": "训练好的网络", class: "lenet-viewer-network" },
                         ...networks.map((n) => element("option", { value: n.key, text: n.label })),
                         // Networks the kernel could not offer, and why.
                         ...model.get("missing").map((text) => element("option", {
                           disabled: true, text })));
  picker.value = model.get("selected");
  picker.addEventListener("change", () => {
    model.set("selected", picker.value);
    model.save_changes();
    onChange();
  });
  model.on("change:selected", () => {
    picker.value = model.get("selected");
    onChange();
  });
  // A network the explorer of this page has trained: one more choice,
  // picked at once if it was trained just now (`fresh`), not if it was
  // kept from an earlier visit.
  subscribe(TOPICS.trainedNetwork, ({ fresh, ...network }) => {
    if (networks.some((n) => n.key === network.key)) return;
    networks.push(network);
    cache.set(network.key, Promise.resolve(network));
    picker.append(element("option", { value: network.key, text: network.label }));
    if (fresh) {
      picker.value = network.key;
      onChange();
    }
  });
  // A network the reader deleted from 历次运行: no longer a choice.
  subscribe(TOPICS.forgottenNetwork, ({ key }) => {
    const at = networks.findIndex((n) => n.key === key);
    if (at < 0) return;
    networks.splice(at, 1);
    cache.delete(key);
    picker.querySelector(`option[value="${CSS.escape(key)}"]`)?.remove();
    if (model.get("selected") === key || picker.value === key || !picker.value) {
      picker.value = networks[0].key;
      onChange();
    }
  });
  subscribe(TOPICS.sweepView, (view) => followSweepChart(model, networks, view));
  function load(key) {
    if (!cache.has(key)) {
      const network = networks.find((n) => n.key === key);
      // A download that failed is not kept: the next pick fetches again.
      cache.set(key, fetchWeights(network).then((buffer) => ({
        ...network, tensors: unpackTensors(decodeFloat16(buffer), network.tensors) }))
        .catch((error) => {
          cache.delete(key);
          throw error;
        }));
    }
    return cache.get(key);
  }
  return { picker, load, selected: () => picker.value };
}

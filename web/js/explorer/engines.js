// Who trains the explorer's network: the kernel (MXNet, in JupyterLab) or
// the browser (TensorFlow.js in lenet_train_worker.js, in the static book).
// Both write the widget's `run`, `history` and `inspection` alike and hand
// feature maps and live reports to `deliver(content, arrays)`; the panels
// draw from those.

import {
  BROWSER, ENGINES, LIMITS, MESSAGE_TYPES as TYPES, SITE, TEST_SET_SIZE,
} from "../lenet_contract.js";
import { saveFile } from "../lenet_dom.js";
// Made by ci/build_js.sh after it bundles the worker.
import * as SIZES from "../dist/download_sizes.json";
import { say } from "../lenet_format.js";
import { shownName } from "../lenet_link.js";
import { publish, TOPICS } from "../lenet_channel.js";
import { readNetworkFile } from "../lenet_network_file.js";
import { networkOf, runKeeper } from "./kept_runs.js";

/** What the reader is told of an import that failed: nothing changed. */
export const notImported = (file, problem) => say("network_not_imported", { file, problem });

/** A run's network as a file, and a file as a run, through the kernel
 * (lenet.explorer reads and writes them with lenet.network_file).  Each
 * run the kernel adds to 历次运行 goes to the viewer of the page too, with
 * its epochs' weights for the replay, from its file. */
function kernelNetworks(model) {
  const waiting = new Map();  // id of an import -> its resolver
  let sent = 0;
  const told = new Set();  // runs the viewer has
  const tellViewer = () => {
    for (const { number } of model.get("history")) {
      if (told.has(number)) continue;
      told.add(number);
      model.send({ type: TYPES.network_file, number, for: "viewer" });
    }
  };
  model.on("change:history", tellViewer);
  tellViewer();  // the runs of before this view was drawn
  model.on("msg:custom", (content, buffers) => {
    if (content.type === TYPES.network_file && content.for === "viewer") {
      publishKernelRun(content.number, new TextDecoder().decode(buffers[0]));
    } else if (content.type === TYPES.network_file) {
      saveFile(content.name, new TextDecoder().decode(buffers[0]));
    } else if (content.type === TYPES.import_network) {
      waiting.get(content.id)?.(content.message);
      waiting.delete(content.id);
    }
  });
  return {
    download(run) { model.send({ type: TYPES.network_file, number: run.number }); },
    async importFile(file) {
      const refused = tooLarge(file);
      if (refused) return refused;
      const text = await file.text();
      return new Promise((resolve) => {
        const id = ++sent;
        waiting.set(id, resolve);
        model.send({ type: TYPES.import_network, id, name: file.name, text });
      });
    },
  };
}

/** The kernel's run `number` of the file `text` it sent, to the viewer. */
function publishKernelRun(number, text) {
  const { config, tensors, run, snapshots } = readNetworkFile(text);
  publish(TOPICS.trainedNetwork, networkOf({ number, config, tensors, snapshots, ...run }, true));
}

/** Why a file is not read at all (larger than any network file), or null. */
function tooLarge(file) {
  if (file.size <= LIMITS.file_bytes) return null;
  return notImported(shownName(file.name), say("network_too_large", {
    size: file.size, limit: LIMITS.file_bytes }));
}

/** 单步's answers, in the order asked: {message, layers} of a step, or
 * {message} of why there was none.  The kernel words its own messages;
 * the worker sends a report or a failure (a run message) to word here. */
function stepAnswers() {
  const waiting = [];
  return {
    ask: () => new Promise((resolve) => waiting.push(resolve)),
    answer: ({ report, message, failure }) => waiting.shift()?.(report
      ? { message: message ?? say("step", report), layers: report.layers }
      : { message: message ?? say(failure.message, failure.details) }),
  };
}

/** The kernel as an engine: MXNet trains there (lenet.explorer), which
 * words its own messages. */
export function kernelEngine(model) {
  const steps = stepAnswers();
  model.on("msg:custom", (content) => {
    if (content.type === TYPES.step) steps.answer(content);
  });
  return {
    step(config) {
      model.send({ type: TYPES.step, config });
      return steps.ask();
    },
    name: ENGINES.kernel,
    trainSize: null,
    testSize: TEST_SET_SIZE,
    train(config) { model.send({ type: TYPES.train, config }); },
    stop() { model.send({ type: TYPES.stop }); },
    featureMaps(image) { model.send({ type: TYPES.feature_maps, image }); },
    live(image) { model.send({ type: TYPES.live, image }); },
    prefetch() {},  // the kernel reads its data when it trains
    networks: kernelNetworks(model),
  };
}

/** What the worker is told of the site: where it is and what it fetches,
 * with each file's bytes. */
export const workerSite = () => ({
  site_root: "../".repeat(SITE.train_worker.split("/").length - 1),
  tfjs_path: SITE.tfjs_path, data_paths: SITE.browser_data_paths, files: SIZES.files });

/** Training in the static page, in a worker: null where the browser lacks
 * what it needs. */
export function browserEngine(model, deliver) {
  if (typeof Worker === "undefined" || typeof WebAssembly === "undefined" ||
      typeof DecompressionStream === "undefined") return null;
  const browser = workerSite();
  let worker = null;
  let running = null;  // {config, epochs}
  let liveImage = null;  // what the live panel shows (a worker starts with none)
  const setRun = (changes) => model.set("run", { ...model.get("run"), ...changes });
  // 历次运行, kept in the browser; the viewer runs each network.
  const keeper = runKeeper(model);

  function finished({ state, details, message, epochs, tensors, confusion }) {
    const seconds = epochs.reduce((sum, e) => sum + e.seconds, 0);
    const finalAcc = epochs.at(-1)?.test_acc;
    setRun({ state, message: state === "done"
      ? say("done", { test_acc: finalAcc, seconds }) : say(message ?? state, details) });
    keeper.finished(state, epochs, tensors);
    if (epochs.length) {
      model.set("inspection", { ready: true, confusion, data_set: running.config.data_set });
    }
  }

  // The download's progress, shown while a run waits for it.
  let downloaded = null;
  const showDownload = () => {
    if (!downloaded || model.get("run").state !== "loading") return;
    const { loaded, total } = downloaded;
    setRun({ downloaded: loaded, download_total: total, message: say("downloading", {
      loaded: loaded / 1e6, total: total / 1e6, percent: 100 * loaded / total }) });
  };
  const steps = stepAnswers();
  // TF.js did not start: a new worker (a new TF.js) for the next try.
  const restartIfBroken = (message) => {
    if (message !== "engine_failed") return;
    worker.terminate();
    worker = null;
    downloaded = null;
  };
  const handlers = {
    [TYPES.step]: (answer) => {
      steps.answer(answer);
      restartIfBroken(answer.failure?.message);
    },
    [TYPES.download]: ({ loaded, total }) => {
      downloaded = { loaded, total };
      showDownload();
    },
    [TYPES.state]: ({ state }) => {
      setRun({ state, message: state === "loading"
        ? say("loading_browser", { megabytes: SIZES.megabytes }) : "" });
      showDownload();
    },
    [TYPES.progress]: ({ done, total }) => setRun({ done, total }),
    [TYPES.epoch]: ({ record, tensors }) => {
      if (!record) {  // the weights it starts from
        keeper.start(tensors);
        return;
      }
      running.epochs = [...running.epochs, record];
      keeper.epoch(running.config, running.epochs, tensors);
      setRun({ epochs: running.epochs, message: say("epoch", {
        ...record, num_epochs: running.config.num_epochs }) });
    },
    [TYPES.finished]: finished,
    [TYPES.feature_maps]: (message) => deliver(message, message.arrays),
    [TYPES.live]: (message) => deliver(message, message.arrays ?? []),
    [TYPES.failed]: ({ message, details }) => {
      setRun({ state: "failed", message: say(message, details) });
      keeper.finished("failed", running?.epochs ?? [], null);
      restartIfBroken(message);
    },
  };

  function start() {
    if (!worker) {
      worker = new Worker(new URL(SITE.pages_to_root + SITE.train_worker, document.baseURI),
                          { type: "module" });
      worker.onmessage = ({ data }) => handlers[data.type]?.(data);
      worker.onerror = (event) => {
        event.preventDefault?.();
        // Offline, the program did not come: not a broken page.
        setRun({ state: "failed", message: navigator.onLine === false
          ? say("download_offline", {})
          : say("worker_failed", { error: event.message || "无法读取 lenet_train_worker.js" }) });
        worker = null;
      };
    }
    return worker;
  }

  const networks = {
    download(run) {
      const { name, text } = keeper.fileOf(run.number);
      saveFile(name, text);
    },
    async importFile(file) {
      const name = shownName(file.name);
      const refused = tooLarge(file);
      if (refused) return refused;
      try {
        const { number, problem } = await keeper.importFile(name, await file.text());
        return problem ? say("network_imported_unsaved", { file: name, number, reason: problem })
          : say("network_imported", { file: name, number });
      } catch (error) {
        return notImported(name, error.message);
      }
    },
  };

  return {
    name: ENGINES.browser,
    keeper,
    networks,
    trainSize: BROWSER.train_size,
    testSize: BROWSER.test_size,
    train(config) {
      running = { config, epochs: [] };
      model.set("run", { state: "loading", done: 0, total: 0, epochs: [],
                         num_epochs: config.num_epochs, message: "" });
      // Until the worker's first count: what is here already (nothing,
      // unless a prefetch began), of all there is to fetch.
      downloaded ??= { loaded: 0, total: SIZES.download_bytes };
      showDownload();
      start().postMessage({ type: TYPES.live, image: liveImage });
      worker.postMessage({ type: TYPES.train, config, browser });
    },
    /** Fetch what training needs before 训练 (the reader is setting up a
     * run), unless the reader asked the browser to save data. */
    prefetch() {
      if (navigator.connection?.saveData) return;
      start().postMessage({ type: TYPES.prefetch, browser,
                            dataSet: model.get("config").data_set });
    },
    stop() { worker?.postMessage({ type: TYPES.stop }); },
    featureMaps(image) { worker?.postMessage({ type: TYPES.feature_maps, image }); },
    live(image) {
      liveImage = image;
      worker?.postMessage({ type: TYPES.live, image });
    },
    step(config) {
      start().postMessage({ type: TYPES.step, config, browser });
      return steps.ask();
    },
  };
}

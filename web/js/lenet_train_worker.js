// The 5.5.4 explorer's browser engine: a module worker that trains with
// lenet_train.js, so that the page stays responsive.  Started when the
// reader first sets up the explorer or presses 训练 in the static book;
// TensorFlow.js, its WebAssembly and the shipped images are fetched then,
// once, with their progress, and a stop or a cut-off line loses only what
// had not arrived (lenet_download.js).
//
// Messages (their types: MESSAGE_TYPES of lenet_contract.js)
//   in:  prefetch {browser, dataSet}, train {config, browser}, stop,
//        feature_maps {image}, step {config, browser},
//        live {image} (the test image whose maps the page shows while a
//          run trains; null: it shows none)
//        (browser: where the site is and its files' bytes, engines.js workerSite)
//   out: download {loaded, total}, state {state}, progress {done, total},
//        epoch {record, tensors} (the weights after that epoch; record
//          null: before the first, as it starts),
//        finished {state, details, message?, epochs, tensors, confusion}
//          (train()'s outcome; tensors: {name: Float32Array}),
//        feature_maps {image, label, layers, arrays},
//        live {done, total, first, losses, picture?, arrays?} (liveReports),
//        failed {message, details} (a run message of the contract),
//        step {report} (createStepper's next()) or step {failure} (as failed's)
// The page words what it is told (lenet_format.say).

import { LIVE_INTERVAL_MS, MESSAGE_TYPES as TYPES } from "./lenet_contract.js";
import { downloads, fileName, gunzip, WordedError } from "./lenet_download.js";
import { say } from "./lenet_format.js";
import { startBackend } from "./lenet_tfjs_kernels.js";
import * as training from "./lenet_train.js";

// TF.js's own test for SIMD (tfjs-backend-wasm's flags_wasm.js): it decides
// which of the two .wasm files this browser runs, so only that one is
// fetched.
const SIMD_TEST = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0,
                                  0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15,
                                  26, 11]);
const WASM_NAMES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm",
                    "tfjs-backend-wasm-threaded-simd.wasm"];
const DATA = ["train-images", "train-labels", "test-images", "test-labels"];
// Progress is posted at most this often (milliseconds).
const PROGRESS_INTERVAL = 200;

let tf = null;
// Each data set's images once fetched ({trainImages, ...}), by its key;
// the one the last run's network was trained on, for its feature maps.
const loaded = {};
let data = null;
let network = null;  // the last run's, for the feature maps
let files = null;    // the downloads, kept across attempts
let loading = null;  // the load in progress
let controller = null;
let stopRequested = false;
let liveImage = null;  // the test image the page shows live, or null

class DownloadError extends Error {}

const blobUrl = (bytes, type) => URL.createObjectURL(new Blob([bytes], { type }));

/** What to fetch for `dataSet`, as URLs from this worker, with the
 * contract's sizes. */
function wanted(browser, simd, dataSet) {
  const paths = { tfjs: `${browser.tfjs_path}tfjs.esm.min.js`,
                  wasm: `${browser.tfjs_path}${WASM_NAMES[simd ? 1 : 0]}` };
  for (const name of DATA) paths[name] = `${browser.data_paths[dataSet]}${name}.u8.gz`;
  const url = (path) => new URL(browser.site_root + path, self.location.href).href;
  return { urls: Object.fromEntries(Object.entries(paths).map(
    ([key, path]) => [key, url(path)])), sizes: Object.fromEntries(
    Object.values(paths).map((path) => [url(path), browser.files[path]])) };
}

/** TF.js and its WebAssembly backend, from the fetched bytes.  If they do
 * not start (a file that arrived corrupt), the files are dropped and the
 * page starts a new worker for the next attempt: TF.js cannot be given
 * its binaries a second time. */
async function startEngine(got, urls, simd) {
  if (tf?.getBackend() === "wasm") return;  // started for another data set
  try {
    tf ??= await import(blobUrl(got[urls.tfjs], "text/javascript"));
    // TF.js asks for a path of each of its binaries; with its SIMD flag set
    // as tested above (and no threads) it loads the one fetched.
    tf.env().set("WASM_HAS_SIMD_SUPPORT", simd);
    const fetched = blobUrl(got[urls.wasm], "application/wasm");
    await startBackend(tf, Object.fromEntries(WASM_NAMES.map((name) => [name, fetched])));
  } catch (error) {
    files.forget(urls.tfjs);
    files.forget(urls.wasm);
    throw new WordedError("engine_failed", { file: fileName(urls.wasm),
                                            error: error.message });
  }
}

async function load(browser, dataSet, signal) {
  const simd = WebAssembly.validate(SIMD_TEST);
  const { urls, sizes } = wanted(browser, simd, dataSet);
  files ??= downloads(sizes);
  let sent = 0;
  const got = await files.fetchAll(Object.values(urls), signal, (loaded, total) => {
    const now = performance.now();
    if (now - sent >= PROGRESS_INTERVAL || loaded === total) {
      sent = now;
      self.postMessage({ type: TYPES.download, loaded, total });
    }
  }).catch((error) => {
    if (error.name === "AbortError" || error instanceof WordedError) throw error;
    throw new DownloadError(error.message);
  });
  await startEngine(got, urls, simd);
  const unpacked = await Promise.all(DATA.map((name) => gunzip(got[urls[name]], urls[name])
    .catch((error) => {
      files.forget(urls[name]);
      throw error;
    })));
  const [trainImages, trainLabels, testImages, testLabels] = unpacked;
  for (const [images, labels] of [[trainImages, trainLabels], [testImages, testLabels]]) {
    if (images.length !== labels.length * training.PIXELS) {
      throw new Error(say("data_incomplete", { labels: labels.length,
                                               bytes: images.length }));
    }
  }
  loaded[dataSet] = { trainImages, trainLabels, testImages, testLabels };
}

/** `dataSet`'s images and TF.js, loading them unless they are here or on
 * the way; resolves to the images. */
async function ready(browser, dataSet = "fashion_mnist") {
  while (!loaded[dataSet]) {
    if (!loading) {
      controller = new AbortController();
      loading = load(browser, dataSet, controller.signal).finally(() => { loading = null; });
    }
    await loading;  // another data set's load ends first, then this one's
  }
  return loaded[dataSet];
}

// Between two batches: let the 停止 message in.
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function train({ config, browser }) {
  stopRequested = false;
  self.postMessage({ type: TYPES.state, state: "loading" });
  let images;
  try {
    images = await ready(browser, config.data_set);
  } catch (error) {
    if (error.name !== "AbortError") throw error;
    self.postMessage({ type: TYPES.finished, state: "stopped", message: "stopped_loading",
                       details: {}, epochs: [], tensors: null, confusion: null });
    return;
  }
  self.postMessage({ type: TYPES.state, state: "training" });
  let sent = 0;
  const live = liveReports(images);
  const result = await training.trainRun(tf, config, images, {
    pause,
    shouldStop: () => stopRequested,
    onBatch: (done, total, loss, trained) => {
      live.batch(done, total, loss, trained);
      const now = performance.now();
      if (now - sent >= PROGRESS_INTERVAL || done === total) {
        sent = now;
        self.postMessage({ type: TYPES.progress, done, total });
      }
    },
    // The weights as it starts and after each epoch: the page keeps them,
    // so that a run cut off by a reload is kept up to its last finished
    // epoch, and the viewer replays them.
    onStart: (trained) => sendWeights(null, trained),
    onEpoch: sendWeights,
  });
  finished(result, images);
}

function sendWeights(record, trained) {
  const tensors = trained.values();
  self.postMessage({ type: TYPES.epoch, record, tensors },
                   Object.values(tensors).map((t) => t.buffer));
}

/** What the page sees of a run while it trains, as lenet.explorer's
 * LiveReports sends it from the kernel: the mean loss of every batch, at
 * most every LIVE_INTERVAL_MS (and after the last batch), with the first
 * convolution's kernels and test image liveImage's maps while the page
 * shows them.  arrays: the image, each block's maps, the kernels. */
function liveReports(images) {
  const losses = [];
  let first = 0;
  let sent = -Infinity;
  return {
    batch(done, total, loss, trained) {
      losses.push(loss);
      const now = performance.now();
      if (now - sent < LIVE_INTERVAL_MS && done < total) return;
      sent = now;
      const message = { type: TYPES.live, done, total, first, losses: losses.slice(first) };
      first = losses.length;
      if (liveImage === null) {
        self.postMessage(message);
        return;
      }
      const { content, arrays } = mapsOf(trained, images, liveImage);
      const kernels = training.firstKernels(trained);
      message.picture = { ...content, kernels: { channels: kernels.channels,
                                                 size: kernels.size } };
      message.arrays = [...arrays, kernels.data];
      self.postMessage(message, message.arrays.map((a) => a.buffer));
    },
  };
}

/** Test image `image`'s feature maps through `trained`: the message's
 * part {image, label, layers} and its arrays (the image, each block's). */
function mapsOf(trained, images, image) {
  const index = Math.min(images.testLabels.length - 1, Math.max(0, image));
  const pixels = images.testImages.subarray(index * training.PIXELS,
                                            (index + 1) * training.PIXELS);
  const maps = training.featureMaps(tf, trained, pixels);
  return {
    content: { image: index, label: images.testLabels[index],
               layers: maps.map(({ name, channels, size }) => ({ name, channels, size })) },
    arrays: [Float32Array.from(pixels, (v) => v / 255), ...maps.map((m) => m.data)],
  };
}

function finished(result, images) {
  if (result.epochs.length) {
    network?.dispose();
    network = result.network;
    data = images;
  } else {
    result.network.dispose();
  }
  const tensors = result.epochs.length ? network.values() : null;
  self.postMessage({
    type: TYPES.finished, state: result.state, details: result.details,
    epochs: result.epochs, tensors,
    confusion: tensors && training.confusionMatrix(tf, network, images.testImages,
                                                   images.testLabels),
  }, tensors ? Object.values(tensors).map((t) => t.buffer) : []);
}

/** 单步: one batch of the run 训练 would make of `config`, continuing
 * while the configuration stays (training.createStepper). */
let stepper = null;  // {key, run}
async function step({ config, browser }) {
  const images = await ready(browser, config.data_set);
  const key = JSON.stringify(config);
  if (stepper?.key !== key) {
    stepper?.run.dispose();
    stepper = { key, run: training.createStepper(tf, config, images) };
  }
  self.postMessage({ type: TYPES.step, report: stepper.run.next() });
}

function sendFeatureMaps({ image }) {
  if (!network || !data) return;
  const { content, arrays } = mapsOf(network, data, image);
  self.postMessage({ type: TYPES.feature_maps, ...content, arrays });
}

self.onmessage = ({ data: message }) => {
  if (message.type === TYPES.stop) {
    stopRequested = true;
    if (loading) controller?.abort();
  } else if (message.type === TYPES.prefetch) {
    // 训练 says what went wrong
    ready(message.browser, message.dataSet).catch(() => {});
  } else if (message.type === TYPES.live) {
    liveImage = message.image;
  } else if (message.type === TYPES.feature_maps) {
    sendFeatureMaps(message);
  } else if (message.type === TYPES.step) {
    step(message).catch((error) => {
      self.postMessage({ type: TYPES.step, failure: failureOf(error) });
    });
  } else if (message.type === TYPES.train) {
    train(message).catch((error) => {
      self.postMessage({ type: TYPES.failed, ...failureOf(error) });
    });
  }
};

/** What went wrong, as a run message of the contract {message, details}. */
function failureOf(error) {
  if (error.worded) return error.worded;  // a file missing or corrupt, in words
  const cutOff = error instanceof DownloadError;
  if (!cutOff) console.error(error);  // a line that drops is no bug
  // Offline is not "interrupted": nothing may have been fetched at all.
  const offline = cutOff && self.navigator?.onLine === false;
  return { details: { error: error.message },
           message: offline ? "download_offline" : cutOff ? "download_failed" : "failed" };
}

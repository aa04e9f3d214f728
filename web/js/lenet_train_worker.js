// The 5.5.4 explorer's browser engine: a module worker that trains with
// lenet_train.js, so that the page stays responsive.  Started on the first
// 训练 in the static book; TensorFlow.js and the shipped images are fetched
// then, once.
//
// Messages (their types: MESSAGE_TYPES of lenet_contract.js)
//   in:  train {config, urls: {tfjs, data}}, stop, feature_maps {image}
//   out: state {state}, progress {done, total}, epoch {record},
//        finished {state, details, epochs, tensors, confusion}
//          (train()'s outcome; tensors: {name: Float32Array}),
//        feature_maps {image, label, layers, arrays}, failed {error}
// The page words what it is told (lenet_format.say).

import * as tf from "../vendor/tfjs/tfjs.esm.min.js";
import { MESSAGE_TYPES as TYPES } from "./lenet_contract.js";
import { say } from "./lenet_format.js";
import { startBackend } from "./lenet_tfjs_kernels.js";
import * as training from "./lenet_train.js";

let stopRequested = false;
let network = null;  // the last run's, for the feature maps
let data = null;
// Progress is posted at most this often (milliseconds).
const PROGRESS_INTERVAL = 200;

async function bytesOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // The files are gzipped for any server; unpack them here.
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function load(urls) {
  if (data) return data;
  const base = new URL(urls.data, self.location.href);
  await startBackend(tf, new URL(urls.tfjs, self.location.href).href);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ["train-images", "train-labels", "test-images", "test-labels"].map(
      (name) => bytesOf(new URL(`${name}.u8.gz`, base))));
  for (const [images, labels] of [[trainImages, trainLabels], [testImages, testLabels]]) {
    if (images.length !== labels.length * training.PIXELS) {
      throw new Error(say("data_incomplete", { labels: labels.length, bytes: images.length }));
    }
  }
  data = { trainImages, trainLabels, testImages, testLabels };
  return data;
}

// Between two batches: let the 停止 message in.
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function train({ config, urls }) {
  stopRequested = false;
  self.postMessage({ type: TYPES.state, state: "loading" });
  await load(urls);
  self.postMessage({ type: TYPES.state, state: "training" });
  let sent = 0;
  const result = await training.trainRun(tf, config, data, {
    pause,
    shouldStop: () => stopRequested,
    onBatch: (done, total) => {
      const now = performance.now();
      if (now - sent >= PROGRESS_INTERVAL || done === total) {
        sent = now;
        self.postMessage({ type: TYPES.progress, done, total });
      }
    },
    onEpoch: (record) => self.postMessage({ type: TYPES.epoch, record }),
  });
  if (result.epochs.length) {
    network?.dispose();
    network = result.network;
  } else {
    result.network.dispose();
  }
  const tensors = result.epochs.length ? network.values() : null;
  self.postMessage({
    type: TYPES.finished, state: result.state, details: result.details,
    epochs: result.epochs, tensors,
    confusion: tensors && training.confusionMatrix(tf, network, data.testImages,
                                                   data.testLabels),
  }, tensors ? Object.values(tensors).map((t) => t.buffer) : []);
}

function sendFeatureMaps({ image }) {
  if (!network || !data) return;
  const index = Math.min(data.testLabels.length - 1, Math.max(0, image));
  const pixels = data.testImages.subarray(index * training.PIXELS,
                                          (index + 1) * training.PIXELS);
  const maps = training.featureMaps(tf, network, pixels);
  const picture = Float32Array.from(pixels, (v) => v / 255);
  self.postMessage({
    type: TYPES.feature_maps, image: index, label: data.testLabels[index],
    layers: maps.map(({ name, channels, size }) => ({ name, channels, size })),
    arrays: [picture, ...maps.map((m) => m.data)],
  });
}

self.onmessage = ({ data: message }) => {
  if (message.type === TYPES.stop) {
    stopRequested = true;
  } else if (message.type === TYPES.feature_maps) {
    sendFeatureMaps(message);
  } else if (message.type === TYPES.train) {
    train(message).catch((error) => {
      console.error(error);
      self.postMessage({ type: TYPES.failed, error: error.message });
    });
  }
};

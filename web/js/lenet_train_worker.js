// The 5.5.4 explorer's browser engine: a module worker that trains with
// lenet_train.js, so that the page stays responsive.  Started on the first
// 训练 in the static book; TensorFlow.js and the shipped images are fetched
// then, once.
//
// Messages in:  {type: "train", config, contract}, {type: "stop"},
//               {type: "feature_maps", image}
// Messages out: {type: "state", state}, {type: "progress", done, total},
//               {type: "epoch", record, message},
//               {type: "finished", state, message, epochs, tensors,
//                confusion}  (tensors: {name: Float32Array}),
//               {type: "feature_maps", image, label, layers, arrays},
//               {type: "failed", message}

import * as tf from "../vendor/tfjs/tfjs.esm.min.js";
import * as training from "./lenet_train.js";

let stopRequested = false;
let network = null;  // the last run's, for the feature maps
let data = null;

async function bytesOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // The files are gzipped for any server; unpack them here.
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function load(contract) {
  if (data) return data;
  const base = new URL(contract.browser.data_url, self.location.href);
  await training.startBackend(tf, new URL(contract.browser.tfjs_url,
                                          self.location.href).href);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ["train-images", "train-labels", "test-images", "test-labels"].map(
      (name) => bytesOf(new URL(`${name}.u8.gz`, base))));
  for (const [images, labels] of [[trainImages, trainLabels], [testImages, testLabels]]) {
    if (images.length !== labels.length * 784) {
      throw new Error(`数据文件不完整：${labels.length} 个标签，${images.length} 字节图像`);
    }
  }
  data = { trainImages, trainLabels, testImages, testLabels };
  return data;
}

// Between two batches: let the 停止 message in.
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

async function train({ config, contract }) {
  stopRequested = false;
  self.postMessage({ type: "state", state: "loading" });
  await load(contract);
  self.postMessage({ type: "state", state: "training" });
  let sent = 0;
  const result = await training.trainRun(tf, contract, config, data, {
    pause,
    shouldStop: () => stopRequested,
    onBatch: (done, total) => {
      const now = performance.now();
      if (now - sent >= 200 || done === total) {
        sent = now;
        self.postMessage({ type: "progress", done, total });
      }
    },
    onEpoch: (record, message) => self.postMessage({ type: "epoch", record, message }),
  });
  if (result.epochs.length) {
    network?.dispose();
    network = result.network;
  } else {
    result.network.dispose();
  }
  const tensors = result.epochs.length ? network.values() : null;
  self.postMessage({
    type: "finished", state: result.state, message: result.message,
    epochs: result.epochs, tensors,
    confusion: result.epochs.length ? training.confusionMatrix(
      tf, network, data.testImages, data.testLabels) : null,
  }, tensors ? Object.values(tensors).map((t) => t.buffer) : []);
}

function sendFeatureMaps({ image }) {
  if (!network || !data) return;
  const index = Math.min(data.testLabels.length - 1, Math.max(0, image));
  const pixels = data.testImages.subarray(index * 784, (index + 1) * 784);
  const maps = training.featureMaps(tf, network, pixels);
  const picture = Float32Array.from(pixels, (v) => v / 255);
  self.postMessage({
    type: "feature_maps", image: index, label: data.testLabels[index],
    layers: maps.map(({ name, channels, size }) => ({ name, channels, size })),
    arrays: [picture, ...maps.map((m) => m.data)],
  });
}

self.onmessage = ({ data: message }) => {
  if (message.type === "stop") {
    stopRequested = true;
  } else if (message.type === "feature_maps") {
    sendFeatureMaps(message);
  } else if (message.type === "train") {
    train(message).catch((error) => {
      console.error(error);
      self.postMessage({ type: "failed", message: `训练没有完成：${error.message}` });
    });
  }
};

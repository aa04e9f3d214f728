// What the first 训练 of the static page downloads, for its progress and
// its "约 N MB" (web/js/explorer/engines.js) and for the page's prose
// (lenet.paths.download_sizes): the bytes of each file the training worker
// fetches, of what it fetches with the SIMD WebAssembly (the other .wasm is
// smaller; Fashion-MNIST's images, the default), and, in megabytes, of that and the worker's own bundle.
// Usage: node ci/js/download_sizes.mjs WEB_DIR WORKER_BUNDLE  (prints JSON)
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [web, workerBundle] = process.argv.slice(2);
const site = JSON.parse(readFileSync("book/lenet/contract/site.json", "utf8"));
const first = Object.fromEntries(site.browser_files.map(
  (path) => [path, statSync(join(web, path)).size]));
// Every data set's images too, for the progress of a run on another one.
const files = { ...first, ...Object.fromEntries(Object.values(site.browser_data_paths).flatMap(
  (folder) => ["train-images", "train-labels", "test-images", "test-labels"].map(
    (name) => [`${folder}${name}.u8.gz`, statSync(join(web, folder, `${name}.u8.gz`)).size]))) };
const downloadBytes = Object.entries(first)
  .filter(([path]) => !path.endsWith("tfjs-backend-wasm.wasm"))
  .reduce((sum, [, size]) => sum + size, 0);
const megabytes = Math.round((downloadBytes + statSync(workerBundle).size) / 1e5) / 10;
process.stdout.write(JSON.stringify({
  generated: "by ci/build_js.sh (ci/js/download_sizes.mjs) from the files of web/: do not edit",
  files, download_bytes: downloadBytes, megabytes }, null, 1) + "\n");

// What web/vendor/tfjs/tfjs.esm.min.js exports (ci/vendor_web_assets.sh):
// TensorFlow.js's core with every gradient registered (its own
// tf-core.min.js registers none) and the WebAssembly backend.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
export * from "@tensorflow/tfjs-core";
export { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

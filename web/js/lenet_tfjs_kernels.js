// The TensorFlow.js kernels the book's training needs and the WebAssembly
// backend lacks, gets wrong or runs slowly (python -m bench.tfjs_kernels
// measures the last two), and starting that backend.  `tf` is passed
// in (web/vendor/tfjs/tfjs.esm.min.js), so this runs in the training worker
// and in a test page alike; tests/test_browser_training.py compares each
// kernel with a float64 computation of its own.

// The longest float32 sum the filter's gradient is left to: the backend's
// Conv2D adds all of a sum's products in one running total, whose rounding
// grows with its length.  The book's LeNet in the step tests sums 100 images
// x 24 x 24 = 57,600 products, within 1e-5 of float64; padded 5 x 5 windows
// sum 100 x 28 x 28 = 78,400, and three padded blocks (sigmoid, average
// pooling) were then 1.2e-5 from float64 where MXNet float32 is 1.1e-6.
// Longer sums are split over the images, as evenly as they go.
const LONGEST_SUM = 65536;

/** Conv2DBackpropFilter for the WebAssembly backend (tfjs#8474), from its
 * own Slice, Transpose, Conv2D and Add: for a valid convolution of stride 1,
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh + kh, ow + kw, ci] dy[n, oh, ow, co],
 * which is a convolution of x with the images as channels (ci, H, W, n) by
 * dy as the filter (oh, ow, n, co), over a few images at a time when the
 * sum would be longer than LONGEST_SUM.  The explorer's convolutions are
 * all of that kind; anything else is refused, not computed wrongly. */
export function registerConv2DBackpropFilter(tf, backendName = "wasm") {
  if (tf.getKernel("Conv2DBackpropFilter", backendName)) return false;
  const kernel = (name) => tf.getKernel(name, backendName).kernelFunc;
  const [slice, transpose, conv2d, add] = ["Slice", "Transpose", "Conv2D", "Add"].map(kernel);
  const ones = (v) => (Array.isArray(v) ? v : [v, v]).every((x) => x === 1);
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs: { x, dy }, backend, attrs }) => {
      const { strides, pad, dataFormat, filterShape } = attrs;
      if (!ones(strides) || !(pad === "valid" || pad === 0) ||
          (dataFormat && dataFormat !== "NHWC")) {
        throw new Error("Conv2DBackpropFilter: only stride 1, no padding, NHWC " +
                        `(got strides ${strides}, pad ${pad}, ${dataFormat})`);
      }
      const free = (...made) => made.forEach((info) => backend.disposeData(info.dataId));
      const perm = (input, order) => transpose({ inputs: { x: input }, backend,
                                                 attrs: { perm: order } });
      const [n, oh, ow] = dy.shape;
      const parts = Math.ceil(n * oh * ow / LONGEST_SUM);
      const step = Math.ceil(n / parts);
      let dW = null;
      for (let from = 0; from < n; from += step) {
        const count = Math.min(step, n - from);
        const part = (input) => (count === n ? input : slice({ inputs: { x: input }, backend,
          attrs: { begin: [from, 0, 0, 0], size: [count, -1, -1, -1] } }));
        const [xs, dys] = [part(x), part(dy)];
        const images = perm(xs, [3, 1, 2, 0]);    // (ci, H, W, n)
        const filter = perm(dys, [1, 2, 0, 3]);   // (oh, ow, n, co)
        const sums = conv2d({ inputs: { x: images, filter }, backend, attrs: {
          strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1],
          dimRoundingMode: undefined } });        // (ci, kh, kw, co)
        const partial = perm(sums, [1, 2, 0, 3]); // (kh, kw, ci, co)
        free(images, filter, sums, ...(count === n ? [] : [xs, dys]));
        if (dW === null) {
          dW = partial;
        } else {
          const total = add({ inputs: { a: dW, b: partial }, backend });
          free(dW, partial);
          dW = total;
        }
      }
      if (dW.shape.join() !== filterShape.join()) {
        throw new Error(`Conv2DBackpropFilter: shape ${dW.shape} for ${filterShape}`);
      }
      return dW;
    },
  });
  return true;
}

/** Register the kernel `make(own)` makes as `name`, in place of the
 * backend's own (`own`, undefined if it has none), once: false if the
 * book's is registered already. */
function replaceKernel(tf, name, backendName, make) {
  const existing = tf.getKernel(name, backendName);
  if (existing?.kernelFunc.theBooks) return false;
  const kernelFunc = make(existing?.kernelFunc);
  kernelFunc.theBooks = true;
  if (existing) tf.unregisterKernel(name, backendName);
  tf.registerKernel({ kernelName: name, backendName, kernelFunc });
  return true;
}

/** MaxPoolGrad for the WebAssembly backend, in place of its own, which
 * sends a window's gradient to its first element when the whole window is
 * negative (tanh's outputs; measured: windows [-4, -3, -2, -1] and
 * [-1, -2, -3, -4] both give [1, 0, 0, 0]) and to the last of tied maxima.
 * MXNet sends it to the first maximum in row-major order; so does this.
 * Only the explorer's pooling: 2 x 2 windows, stride 2, no padding. */
export function registerMaxPoolGrad(tf, backendName = "wasm") {
  return replaceKernel(tf, "MaxPoolGrad", backendName, () => (
    { inputs: { dy, input }, backend, attrs }) => {
    const { filterSize, strides, pad } = attrs;
    const pair = (v) => (Array.isArray(v) ? v : [v, v]);
    if (pair(filterSize).join() !== "2,2" || pair(strides).join() !== "2,2" ||
        !(pad === "valid" || pad === 0)) {
      throw new Error("MaxPoolGrad: only 2x2 windows, stride 2, no padding " +
                      `(got ${filterSize}, ${strides}, ${pad})`);
    }
    const [n, height, width, channels] = input.shape;
    const [, rows, columns] = dy.shape;
    const out = backend.makeOutput(input.shape, "float32");
    // Views of the heap after the output is made (making it may move it).
    const x = backend.typedArrayFromHeap(input);
    const g = backend.typedArrayFromHeap(dy);
    const dx = backend.typedArrayFromHeap(out);
    dx.fill(0);
    const offsets = [0, channels, width * channels, (width + 1) * channels];
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < columns; j++) {
          const corner = ((b * height + 2 * i) * width + 2 * j) * channels;
          const from = ((b * rows + i) * columns + j) * channels;
          for (let c = 0; c < channels; c++) {
            let best = corner + c;
            for (let k = 1; k < 4; k++) {
              if (x[corner + c + offsets[k]] > x[best]) best = corner + c + offsets[k];
            }
            dx[best] += g[from + c];
          }
        }
      }
    }
    return out;
  });
}

/** Conv2DBackpropInput for the WebAssembly backend, in place of its own
 * (a quarter of a training step's time in the explorer's networks): for a
 * valid convolution of stride 1 the input's gradient is the convolution of
 * dy, padded by k - 1 on each side, with the filter turned by 180 degrees
 * and its input and output channels swapped,
 *   dx[n, h, w, ci] = Σ_{kh, kw, co} dy[n, h - kh, w - kw, co] W[kh, kw, ci, co],
 * which the backend's own Conv2D computes.  Anything else is refused. */
export function registerConv2DBackpropInput(tf, backendName = "wasm") {
  const kernel = (name) => tf.getKernel(name, backendName).kernelFunc;
  const [reverse, transpose, conv2d] = ["Reverse", "Transpose", "Conv2D"].map(kernel);
  const ones = (v) => (Array.isArray(v) ? v : [v, v]).every((x) => x === 1);
  return replaceKernel(tf, "Conv2DBackpropInput", backendName, () => (
    { inputs: { dy, filter }, backend, attrs }) => {
    const { strides, pad, dataFormat, inputShape } = attrs;
    if (!ones(strides) || !(pad === "valid" || pad === 0) ||
        (dataFormat && dataFormat !== "NHWC")) {
      throw new Error("Conv2DBackpropInput: only stride 1, no padding, NHWC " +
                      `(got strides ${strides}, pad ${pad}, ${dataFormat})`);
    }
    const [kh, kw] = filter.shape;
    const turned = reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
    const swapped = transpose({ inputs: { x: turned }, backend,
                                attrs: { perm: [0, 1, 3, 2] } });  // (kh, kw, co, ci)
    const dx = conv2d({ inputs: { x: dy, filter: swapped }, backend, attrs: {
      strides: [1, 1], pad: [[0, 0], [kh - 1, kh - 1], [kw - 1, kw - 1], [0, 0]],
      dataFormat: "NHWC", dilations: [1, 1], dimRoundingMode: undefined } });
    for (const info of [turned, swapped]) backend.disposeData(info.dataId);
    if (dx.shape.join() !== inputShape.join()) {
      throw new Error(`Conv2DBackpropInput: shape ${dx.shape} for ${inputShape}`);
    }
    return dx;
  });
}

/** BatchMatMul for the WebAssembly backend with its operands transposed
 * first where asked (the dense layers' forward pass, W transposed, and
 * their weights' gradient, the outputs' gradient transposed): the
 * backend's own kernel multiplies untransposed operands faster than it
 * transposes inside. */
export function registerBatchMatMul(tf, backendName = "wasm") {
  const transpose = tf.getKernel("Transpose", backendName).kernelFunc;
  return replaceKernel(tf, "BatchMatMul", backendName, (own) => (
    { inputs: { a, b }, backend, attrs }) => {
    const { transposeA, transposeB } = attrs;
    if (!transposeA && !transposeB) return own({ inputs: { a, b }, backend, attrs });
    const turned = (x, asked) => (asked ? transpose({ inputs: { x }, backend, attrs: {
      perm: [...x.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i
        : all.length * 2 - 3 - i)) } }) : x);
    const [a1, b1] = [turned(a, transposeA), turned(b, transposeB)];
    const out = own({ inputs: { a: a1, b: b1 }, backend,
                      attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const [made, given] of [[a1, a], [b1, b]]) {
      if (made !== given) backend.disposeData(made.dataId);
    }
    return out;
  });
}

/** TF.js on WebAssembly (SIMD where the browser has it, one thread: the
 * threaded build needs cross-origin isolation), with the book's kernels. */
export async function startBackend(tf, wasmPath) {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  tf.setWasmPaths(wasmPath);
  await tf.setBackend("wasm");
  await tf.ready();
  registerConv2DBackpropFilter(tf);
  registerConv2DBackpropInput(tf);
  registerBatchMatMul(tf);
  registerMaxPoolGrad(tf);
  return tf.getBackend();
}

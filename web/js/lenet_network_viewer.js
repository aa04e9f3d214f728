// Trained LeNets in the reader's browser (5.5.4), as an anywidget module
// (loaded after lenet_shared.js).
//
// Pick one of the sweep's trained networks (the book's LeNet is 5.5.2's
// run), pick a test image from the strip or draw one, and see the ten class
// probabilities and the feature maps of both convolution layers, after the
// activation and after pooling: a forward pass of our own over the weights
// that training produced (float16 files, see book/lenet/weights.py).
// tests/test_browser_logic.py compares `forward` with MXNet on every shipped
// image and every network.

export const IMAGE_SIZE = 28;

/** float16 (little-endian) bytes -> Float32Array. */
export function decodeFloat16(buffer) {
  const halves = new Uint16Array(buffer);
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] = exponent === 0 ? sign * 2 ** -14 * (fraction / 1024)
      : exponent === 31 ? (fraction ? NaN : sign * Infinity)
        : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

/** {name: Float32Array} from the flat numbers and the file's tensor list. */
export function unpackTensors(numbers, tensors) {
  const named = {};
  let start = 0;
  for (const { name, shape } of tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    named[name] = numbers.subarray(start, start + size);
    start += size;
  }
  if (start !== numbers.length) {
    throw new Error(`weights file holds ${numbers.length} numbers, ` +
                    `the tensors ${start}`);
  }
  return named;
}

const ACTIVATIONS = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x > 0 ? x : 0),
  tanh: Math.tanh,
  softrelu: (x) => Math.log1p(Math.exp(x)),
};

// A valid convolution, stride 1: input (c, n, n), weight (out, c, k, k).
function conv2d(input, c, n, weight, bias, out, k, activation) {
  const m = n - k + 1;
  const result = new Float32Array(out * m * m);
  for (let o = 0; o < out; o++) {
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        let sum = bias[o];
        for (let i = 0; i < c; i++) {
          const w0 = ((o * c + i) * k) * k;
          const in0 = i * n * n;
          for (let dy = 0; dy < k; dy++) {
            const row = in0 + (y + dy) * n + x;
            const wRow = w0 + dy * k;
            for (let dx = 0; dx < k; dx++) {
              sum += input[row + dx] * weight[wRow + dx];
            }
          }
        }
        result[(o * m + y) * m + x] = activation(sum);
      }
    }
  }
  return { data: result, size: m };
}

// 2x2 pooling, stride 2, as MXNet's MaxPool2D / AvgPool2D (floor).
function pool2d(input, c, n, kind) {
  const m = Math.floor((n - 2) / 2) + 1;
  const result = new Float32Array(c * m * m);
  for (let i = 0; i < c; i++) {
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        const at = (dy, dx) => input[(i * n + 2 * y + dy) * n + 2 * x + dx];
        const window = [at(0, 0), at(0, 1), at(1, 0), at(1, 1)];
        result[(i * m + y) * m + x] = kind === "max" ? Math.max(...window)
          : (window[0] + window[1] + window[2] + window[3]) / 4;
      }
    }
  }
  return { data: result, size: m };
}

function dense(input, weight, bias, activation) {
  const out = bias.length;
  const inSize = input.length;
  const result = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let sum = bias[o];
    const w0 = o * inSize;
    for (let i = 0; i < inSize; i++) sum += weight[w0 + i] * input[i];
    result[o] = activation ? activation(sum) : sum;
  }
  return result;
}

function softmax(logits) {
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

// Batch normalization with the running statistics (inference), then the
// activation; `features` values of `per` numbers each.
function batchNorm(values, features, per, t, name, activation) {
  const out = new Float32Array(values.length);
  for (let f = 0; f < features; f++) {
    const scale = t[`${name}.gamma`][f] / Math.sqrt(t[`${name}.running_var`][f] + 1e-5);
    const mean = t[`${name}.running_mean`][f];
    const beta = t[`${name}.beta`][f];
    for (let i = f * per; i < (f + 1) * per; i++) {
      out[i] = activation((values[i] - mean) * scale + beta);
    }
  }
  return out;
}

const identity = (x) => x;

/** The network's forward pass for one image (784 numbers in [0, 1]).
 * `network`: {kernel or kernel_sizes: [k1, k2], channels: [c1, c2],
 * activation, pooling, batch_norm, tensors} (tensors named as the layer
 * table names the layers: conv0, batchnorm0, ..., dense0, ...).
 * Returns the class probabilities and the feature maps of both
 * convolution layers, after the activation and after pooling. */
export function forward(network, image) {
  const act = ACTIVATIONS[network.activation];
  const t = network.tensors;
  const maps = [];
  let x = image;
  let channels = 1;
  let size = IMAGE_SIZE;
  let norms = 0;  // batchnorm layers so far
  const normalised = (values, features, per) => (network.batch_norm
    ? batchNorm(values, features, per, t, `batchnorm${norms++}`, act) : values);
  network.channels.forEach((out, i) => {
    const kernel = network.kernel_sizes ? network.kernel_sizes[i] : network.kernel;
    const conv = conv2d(x, channels, size, t[`conv${i}.weight`],
                        t[`conv${i}.bias`], out, kernel,
                        network.batch_norm ? identity : act);
    conv.data = normalised(conv.data, out, conv.size * conv.size);
    maps.push({ name: `conv${i}`, channels: out, size: conv.size,
                data: conv.data });
    const pooled = pool2d(conv.data, out, conv.size, network.pooling);
    maps.push({ name: `pool${i}`, channels: out, size: pooled.size,
                data: pooled.data });
    x = pooled.data;
    channels = out;
    size = pooled.size;
  });
  let layer = 0;
  while (t[`dense${layer + 1}.weight`]) {
    x = dense(x, t[`dense${layer}.weight`], t[`dense${layer}.bias`],
              network.batch_norm ? identity : act);
    x = normalised(x, x.length, 1);
    layer += 1;
  }
  const logits = dense(x, t[`dense${layer}.weight`], t[`dense${layer}.bias`]);
  return { probabilities: softmax(Array.from(logits)), maps };
}

// --- the widget ------------------------------------------------------------
// element(), hasKernel(), drawMap(), keepKeys() and SHARED_STYLE come from
// lenet_shared.js, which Python puts in front of this file.

const MAP_TITLES = { conv0: "卷积层1（激活后）", pool0: "池化层1",
                     conv1: "卷积层2（激活后）", pool1: "池化层2" };

const STYLE = `
.lenet-viewer { font-size: 0.9rem; max-width: 100%; }
.lenet-viewer select { max-width: 100%; min-width: 0; }
.lenet-viewer-pick { display: flex; align-items: center; gap: 6px; max-width: 100%; min-width: 0; }
.lenet-viewer canvas { image-rendering: pixelated; }
.lenet-viewer-row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; margin: 8px 0; }
.lenet-viewer-strip-box { width: 100%; max-width: 336px; }
.lenet-viewer-strip { width: 100%; cursor: pointer; border: 1px solid #ccc; }
.lenet-viewer-strip:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
.lenet-viewer-picked { font-size: 0.85rem; color: #444; min-height: 1.2em; }
.lenet-viewer-draw { width: 168px; height: 168px; border: 1px solid #888; touch-action: none; cursor: crosshair; background: #000; }
.lenet-viewer-side { flex: 1; min-width: min(100%, 260px); display: flex; flex-direction: column; gap: 8px; }
.lenet-viewer-bars { min-width: 0; }
.lenet-viewer-bar { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.lenet-viewer-bar span:first-child { width: 9em; }
.lenet-viewer-bar .fill { height: 12px; background: #1f77b4; }
.lenet-viewer-bar.top .fill { background: #d62728; }
.lenet-viewer-bar .value { width: 4.5em; text-align: right; font-variant-numeric: tabular-nums; }
.lenet-viewer-maps h3 { margin: 8px 0 2px; font-size: 0.85rem; }
.lenet-viewer-maps canvas { margin: 1px; border: 1px solid #ddd; }
.lenet-viewer-status { color: #555; }
`;

function render({ model, el }) {
  const networks = model.get("networks");
  const classNames = model.get("class_names");
  const labels = model.get("strip_labels");
  const cache = new Map();  // key -> Promise of a network
  const timings = [];
  let image = null;  // Float32Array(784) shown now
  let truth = null;  // its label, when it comes from the strip

  const root = element("div", { class: "lenet-viewer" },
                       element("style", { text: STYLE }));
  const picker = element("select", { "aria-label": "训练好的网络" },
                         ...networks.map((n) => element("option", {
                           value: n.key, text: n.label })));
  const status = element("span", { class: "lenet-viewer-status" });
  // The strip takes the keyboard too: arrow keys move the choice (up and
  // down by a row, that is a class), and it says which image is chosen.
  const strip = element("canvas", {
    class: "lenet-viewer-strip", tabindex: "0", role: "img",
    "aria-label": "100 张测试图像，每行一类：点击一张，或用方向键选择" });
  const picked = element("div", { class: "lenet-viewer-picked",
                                  "aria-live": "polite" });
  const draw = element("canvas", { class: "lenet-viewer-draw",
                                   width: IMAGE_SIZE, height: IMAGE_SIZE,
                                   role: "img",
                                   "aria-label": "黑色画板：用鼠标或手指画一件衣物（28×28）" });
  const clear = element("button", { type: "button", text: "清空画板" });
  const bars = element("div", { class: "lenet-viewer-bars" });
  const maps = element("div", { class: "lenet-viewer-maps" });
  root.append(
    element("div", { class: "lenet-viewer-row" },
            element("label", { class: "lenet-viewer-pick" }, "网络", picker), status),
    element("div", {}, "点一张测试图像（每行一类，各 10 张），或在右边的黑色画板上画一张："),
    element("div", { class: "lenet-viewer-row" },
            element("div", { class: "lenet-viewer-strip-box" }, strip, picked),
            element("div", { class: "lenet-viewer-side" },
                    element("div", {}, draw, element("br"), clear), bars)),
    maps);

  // The strip: 10 x 10 images of 28 x 28, one class per row.
  const stripPixels = new Promise((resolve) => {
    const png = new Blob([model.get("strip_png")], { type: "image/png" });
    const img = new Image();
    img.onload = () => {
      strip.width = img.width;
      strip.height = img.height;
      const ctx = strip.getContext("2d");
      ctx.drawImage(img, 0, 0);
      resolve(ctx.getImageData(0, 0, img.width, img.height));
      URL.revokeObjectURL(img.src);
      markChoice();
    };
    img.src = URL.createObjectURL(png);
  });
  const perRow = 10;
  let choice = null;  // the strip image shown now, or null for a drawing
  // The chosen image gets a frame; the strip is redrawn from its pixels.
  async function markChoice() {
    const pixels = await stripPixels;
    const ctx = strip.getContext("2d");
    ctx.putImageData(pixels, 0, 0);
    if (choice === null) return;
    ctx.strokeStyle = "#ff3b30";
    ctx.lineWidth = 2;
    ctx.strokeRect((choice % perRow) * IMAGE_SIZE + 1,
                   Math.floor(choice / perRow) * IMAGE_SIZE + 1,
                   IMAGE_SIZE - 2, IMAGE_SIZE - 2);
  }
  async function stripImage(index) {
    const pixels = await stripPixels;
    const x0 = (index % perRow) * IMAGE_SIZE;
    const y0 = Math.floor(index / perRow) * IMAGE_SIZE;
    const values = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let x = 0; x < IMAGE_SIZE; x++) {
        values[y * IMAGE_SIZE + x] =
          pixels.data[4 * ((y0 + y) * pixels.width + x0 + x)] / 255;
      }
    }
    return values;
  }

  // Weights: from the kernel in JupyterLab, from the site in the book.
  const waiting = new Map();
  model.on("msg:custom", (message, buffers) => {
    if (message.type === "weights" && waiting.has(message.key)) {
      const view = buffers[0];  // a DataView into the message
      waiting.get(message.key)(view.buffer.slice(
        view.byteOffset, view.byteOffset + view.byteLength));
      waiting.delete(message.key);
    }
  });
  function weightsBytes(network) {
    if (hasKernel(model)) {
      return new Promise((resolve) => {
        waiting.set(network.key, resolve);
        model.send({ type: "weights", key: network.key });
      });
    }
    const url = new URL(model.get("weights_url") + network.file,
                        document.baseURI);
    return fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.arrayBuffer();
    });
  }
  function load(key) {
    if (!cache.has(key)) {
      const network = networks.find((n) => n.key === key);
      cache.set(key, weightsBytes(network).then((buffer) => ({
        ...network,
        tensors: unpackTensors(decodeFloat16(buffer), network.tensors),
      })));
    }
    return cache.get(key);
  }

  // Bars and feature-map canvases are made once per layout and then only
  // updated: rebuilding ~200 elements per image would cost more than the
  // forward pass itself.
  const barRows = classNames.map((name, i) => {
    const row = element("div", { class: "lenet-viewer-bar",
                                 "data-class": String(i) },
                        element("span"), element("span", { class: "fill" }),
                        element("span", { class: "value" }));
    bars.append(row);
    return row;
  });
  function showBars(probabilities) {
    if (probabilities === null) {  // no image: no bars, no top class
      barRows.forEach((row, i) => {
        const [name, fill, value] = row.children;
        row.classList.remove("top");
        delete row.dataset.probability;
        name.textContent = classNames[i];
        fill.style.width = "0px";
        value.textContent = "–";
      });
      return;
    }
    const top = probabilities.indexOf(Math.max(...probabilities));
    probabilities.forEach((p, i) => {
      const [name, fill, value] = barRows[i].children;
      barRows[i].classList.toggle("top", i === top);
      barRows[i].dataset.probability = String(p);
      name.textContent = classNames[i] + (i === truth ? " ✓" : "");
      fill.style.width = `${Math.round(p * 200)}px`;
      value.textContent = `${(100 * p).toFixed(1)}%`;
    });
  }

  let mapLayout = "";
  let mapCanvases = [];
  function showMaps(featureMaps) {
    const layout = featureMaps.map((m) => `${m.name}:${m.channels}:${m.size}`)
      .join(",");
    if (layout !== mapLayout) {
      mapLayout = layout;
      mapCanvases = [];
      maps.replaceChildren(...featureMaps.map((m) => {
        const group = element("div", { "data-map": m.name }, element("h3", {
          text: `${MAP_TITLES[m.name]}：${m.channels} 个通道，各 ${m.size}×${m.size}` }));
        const shown = `${Math.max(36, 2 * m.size)}px`;
        const canvases = Array.from({ length: m.channels }, (_, c) => {
          const canvas = element("canvas", { title: `${m.name} 通道 ${c}` });
          canvas.style.width = canvas.style.height = shown;
          group.append(canvas);
          return canvas;
        });
        mapCanvases.push(canvases);
        return group;
      }));
    }
    featureMaps.forEach((m, layer) => {
      const area = m.size * m.size;
      mapCanvases[layer].forEach((canvas, c) => drawMap(
        canvas, m.data.subarray(c * area, (c + 1) * area), m.size, true));
    });
  }

  let pending = 0;
  const isEmpty = (values) => values.every((v) => v === 0);
  async function update() {
    if (!image) return;
    if (isEmpty(image)) {  // nothing to classify: no prediction at all
      ++pending;
      showBars(null);
      maps.replaceChildren();
      mapLayout = "";
      status.textContent = "画板是空的：画一件衣物，或选一张测试图像。";
      return;
    }
    const ticket = ++pending;
    let network;
    try {
      network = await load(picker.value);
    } catch (error) {
      status.textContent = `无法读取这个网络的权重：${error.message}`;
      return;
    }
    if (ticket !== pending) return;  // a newer request came meanwhile
    const started = performance.now();
    const result = forward(network, image);
    showBars(result.probabilities);
    showMaps(result.maps);
    timings.push(performance.now() - started);
    status.textContent = `测试集准确率 ${network.test_acc.toFixed(4)}；` +
      `这次前向计算和重绘用了 ${timings.at(-1).toFixed(1)} 毫秒`;
    root.dataset.updates = String(timings.length);
  }
  root.lenetTimings = timings;  // read by the browser test
  root.lenetShow = async (index) => {  // also for the test
    image = await stripImage(index);
    truth = labels[index];
    choice = index;
    markChoice();
    picked.textContent = `已选第 ${index + 1} 张测试图像：${classNames[truth]}`;
    drawMap(draw, image, IMAGE_SIZE, false);
    await update();
  };
  strip.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -perRow,
                   ArrowDown: perRow }[event.key];
    const last = labels.length - 1;
    let next = null;
    if (step !== undefined) next = Math.min(last, Math.max(0, (choice ?? 0) + step));
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = last;
    if (next === null) return;
    event.preventDefault();
    root.lenetShow(next);
  });

  strip.addEventListener("click", (event) => {
    const box = strip.getBoundingClientRect();
    const column = Math.floor((event.clientX - box.left) / box.width * perRow);
    const row = Math.floor((event.clientY - box.top) / box.height *
                           (labels.length / perRow));
    root.lenetShow(row * perRow + column);
  });

  // Drawing: white strokes with soft edges on black, like Fashion-MNIST.
  let drawing = false;
  const paint = (event) => {
    const box = draw.getBoundingClientRect();
    const cx = (event.clientX - box.left) / box.width * IMAGE_SIZE;
    const cy = (event.clientY - box.top) / box.height * IMAGE_SIZE;
    if (!image || truth !== null) image = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    truth = null;
    if (choice !== null) {
      choice = null;
      markChoice();
      picked.textContent = "现在显示的是画板上的图";
    }
    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2;
        const i = y * IMAGE_SIZE + x;
        image[i] = Math.max(image[i], Math.exp(-d2 / 2));
      }
    }
    drawMap(draw, image, IMAGE_SIZE, false);
  };
  draw.addEventListener("pointerdown", (event) => {
    drawing = true;
    draw.setPointerCapture(event.pointerId);
    paint(event);
  });
  draw.addEventListener("pointermove", (event) => { if (drawing) paint(event); });
  draw.addEventListener("pointerup", () => { drawing = false; update(); });
  clear.addEventListener("click", () => {
    image = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    truth = null;
    choice = null;
    markChoice();
    picked.textContent = "画板已清空";
    drawMap(draw, image, IMAGE_SIZE, false);
    update();
  });

  picker.value = model.get("selected");
  picker.addEventListener("change", () => {
    model.set("selected", picker.value);
    model.save_changes();
    update();
  });
  model.on("change:selected", () => {
    picker.value = model.get("selected");
    update();
  });
  // A network the explorer of the same page has just trained in the
  // browser (lenet_explorer.js): one more choice, picked at once.
  document.addEventListener("lenet-trained-network", ({ detail }) => {
    const { config } = detail;
    const network = {
      key: detail.key, label: detail.label, test_acc: detail.test_acc,
      kernel_sizes: config.kernel_sizes, channels: config.channels,
      activation: config.activation, pooling: config.pooling,
      batch_norm: config.batch_norm, tensors: detail.tensors };
    networks.push(network);
    cache.set(network.key, Promise.resolve(network));
    picker.append(element("option", { value: network.key, text: network.label }));
    picker.value = network.key;
    update();
  });
  keepKeys(root);
  followSweepChart(model, networks);

  el.append(root);
  root.lenetShow(0);
}

// In the book, the 5.5.4 sweep chart (vega-embed) announces its view; its
// three controls pick the network here, and picking here moves them.
function followSweepChart(model, networks) {
  // The chart's signals name a network by its fields (channels as "6,16").
  const shownBy = (view) => networks.find((n) => n.kernel === view.signal("kernel") &&
    n.channels.join(",") === view.signal("channels") &&
    n.activation === view.signal("activation"));
  const connect = (view) => {
    const fromChart = () => {
      const network = shownBy(view);
      if (network && network.key !== model.get("selected")) {
        model.set("selected", network.key);
        model.save_changes();
      }
    };
    for (const name of ["kernel", "channels", "activation"]) {
      view.addSignalListener(name, fromChart);
    }
    model.on("change:selected", () => {
      const n = networks.find((x) => x.key === model.get("selected"));
      if (!n || n.kernel === undefined) return;  // trained here: not on the chart
      if (shownBy(view) === n) return;
      view.signal("kernel", n.kernel).signal("channels", n.channels.join(","))
        .signal("activation", n.activation).runAsync();
    });
  };
  const chart = document.querySelector(".lenet-sweep-chart");
  if (chart && chart.lenetSweepView) connect(chart.lenetSweepView);
  else document.addEventListener("lenet-sweep-view", (e) => connect(e.detail));
}

export default { render };

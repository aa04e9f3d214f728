// Trained LeNets in the reader's browser (5.5.4), as an anywidget module
// (bundled by ci/build_js.sh into book/lenet/esm/network_viewer.js).
//
// Pick one of the sweep's trained networks (the book's LeNet is 5.5.2's
// run), one of handwritten digits, or one the explorer trained in this page
// (with a replay of its epochs),
// pick a test image of its data set from the strip or draw one, and see the
// ten class probabilities and the feature
// maps of both convolution blocks, after the activation and after pooling:
// a forward pass of our own (lenet_forward.js) over the weights that
// training produced.  The panels are in web/js/viewer/.

import { BASE_CONFIG, classNames as classNamesOf } from "./lenet_contract.js";
import { element, keepKeys } from "./lenet_dom.js";
import { forward, topClass } from "./lenet_forward.js";
import { cellView } from "./viewer/cells.js";
import { compareView } from "./viewer/compare.js";
import { drawingBoard } from "./viewer/drawing.js";
import { foolPanel } from "./viewer/fool_panel.js";
import { effectLine, inputsPanel } from "./viewer/inputs_panel.js";
import { featureMapsView } from "./viewer/maps.js";
import { networkPicker } from "./viewer/networks.js";
import { probabilityBars } from "./viewer/probabilities.js";
import { replayPanel } from "./viewer/replay_panel.js";
import { strip as testImageStrip } from "./viewer/strip.js";
import { whyPanel } from "./viewer/why_panel.js";
// Style sheets as text (esbuild's text loader, ci/build_js.sh).
import SHARED_STYLE from "./lenet_widgets.css";
import VIEWER_STYLE from "./viewer/viewer.css";

// What the board asks the reader to draw, by the network's data set.
const SUBJECTS = { fashion_mnist: "一件衣物", mnist: "一个数字" };

/** stripCorrect(network): a promise of how many of the strip's images
 * (`shown()`: {strip, labels}) `network` answers right, its weights at a
 * place of the replay; each set of weights counted once, a few images at
 * a time so that the page keeps answering. */
function stripScorer(shown) {
  const counted = new WeakMap();  // the step's weights -> its count
  return (network) => {
    const key = network.step.tensors;
    if (!counted.has(key)) {
      const { strip, labels } = shown();
      counted.set(key, (async () => {
        let correct = 0;
        for (let i = 0; i < labels.length; i++) {
          if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
          const answer = topClass(forward(network, await strip.imageOf(i)).probabilities);
          if (answer === labels[i]) correct += 1;
        }
        return correct;
      })());
    }
    return counted.get(key);
  };
}

function render({ model, el }) {
  const strips = model.get("strips");
  let dataSet = null;  // whose strip, class names and pairs are shown
  let classNames, labels, bars, compare, strip;
  const timings = [];
  let image = null;  // Float32Array(784) shown now
  let truth = null;  // its class, when it is a test image
  let pending = 0;   // the newest request; older ones are dropped

  const root = element("div", { class: "lenet-viewer" },
                       element("style", { text: SHARED_STYLE + VIEWER_STYLE }));
  const status = element("span", { class: "lenet-viewer-status" });
  const picked = element("div", { class: "lenet-viewer-picked", "aria-live": "polite" });
  const maps = featureMapsView();
  const cells = cellView();
  let drawnImage = null;  // the board's last drawing, for 两张图比较
  let chosen = null;      // the strip's image chosen last
  let pickedText = "";    // the line under the strip: what was picked
  const retry = element("button", { type: "button", class: "lenet-viewer-retry", text: "重试" });
  retry.addEventListener("click", () => update());

  async function update() {
    if (!image) return;
    const ticket = ++pending;
    const input = inputs.input(image);  // what 没见过的输入 makes of it
    const known = inputs.keepsClass() ? truth : null;
    picked.textContent = pickedText + (inputs.changed() ? `；网络看到的是${inputs.describe()}` : "");
    if (!inputs.changed() && image.every((v) => v === 0)) {  // nothing to classify: no prediction at all
      bars.show(null, null);
      maps.clear();
      cells.element.hidden = true;
      status.textContent = `画板是空的：画${SUBJECTS[dataSet]}，或选一张测试图像。`;
      return;
    }
    let network;
    try {
      network = replay.apply(await networks.load(networks.selected()));
    } catch (error) {
      if (ticket !== pending) return;
      // No bars of the network shown before: they would be taken for this one's.
      bars.show(null, null);
      maps.clear();
      cells.element.hidden = true;
      status.replaceChildren(`没能下载这个网络的权重（${error.message}）。请检查网络后`, retry, "。");
      return;
    }
    if (ticket !== pending) return;  // a newer request came meanwhile
    if (useDataSet(network.data_set) && chosen !== null && truth !== null) {
      await show(chosen);  // the same place in the other data set's strip
      return;
    }
    const started = performance.now();
    const trace = [];
    const result = forward(network, input, trace);
    root.lenetProbabilities = Array.from(result.probabilities);  // read by the tests
    bars.show(result.probabilities, known);
    maps.show(result.maps);
    timings.push(performance.now() - started);  // the bars and maps, as before
    inputs.showEffect(inputs.changed() && inputs.keepsClass()
      ? effectLine(forward(network, image), result, classNames) : "");
    const predicted = topClass(result.probabilities);
    why.show(network, input, classNames, predicted);
    fool.show(network, input, classNames, predicted);
    cells.show(trace, network.tensors, input);
    cells.element.hidden = false;
    replay.show(network, stripCorrect);
    await compare.show(network, strip.imageOf, drawnImage, chosen);
    if (ticket !== pending) return;
    const accuracy = network.test_acc === null ? "未知" : network.test_acc.toFixed(4);
    status.textContent = `测试集准确率 ${accuracy}；` +
      `这次前向计算和重绘概率与特征图用了 ${timings.at(-1).toFixed(1)} 毫秒`;
    root.dataset.updates = String(timings.length);
  }

  const networks = networkPicker(model, update);
  const replay = replayPanel(() => update());
  const stripCorrect = stripScorer(() => ({ strip, labels }));
  const inputs = inputsPanel(() => update());
  const why = whyPanel();
  const fool = foolPanel();
  const board = drawingBoard({
    onStroke: () => {
      truth = null;
      strip.mark(null);
      pickedText = "现在显示的是画板上的图";
      picked.textContent = pickedText;
    },
    onDrawn: (drawn, note) => {
      image = drawn;
      drawnImage = drawn.some((v) => v !== 0) ? drawn : null;
      truth = null;
      if (note) {
        strip.mark(null);
        pickedText = note;
      }
      update();
    },
  });
  async function show(index) {
    image = await strip.imageOf(index);
    chosen = index;
    truth = labels[index];
    strip.mark(index);
    pickedText = `已选第 ${index + 1} 张测试图像：${classNames[truth]}`;
    board.showTestImage(image);
    await update();
  }
  const stripBox = element("div", { class: "lenet-viewer-strip-box" }, picked);
  const side = element("div", { class: "lenet-viewer-side" }, board.element);
  const compareBox = element("div");
  /** The strip, the bars' names and the pairs of `next` data set (of the
   * network picked); true when they changed. */
  function useDataSet(next = BASE_CONFIG.data_set) {
    if (next === dataSet || !strips[next]) return false;
    dataSet = next;
    classNames = classNamesOf(next);
    labels = strips[next].labels;
    strip?.canvas.remove();
    strip = testImageStrip(strips[next].png, labels.length, show);
    stripBox.prepend(strip.canvas);
    bars?.element.remove();
    bars = probabilityBars(classNames);
    side.append(bars.element);
    compare = compareView(classNames, next);
    compareBox.replaceChildren(compare.element);
    return true;
  }
  useDataSet(model.get("networks").find((n) => n.key === networks.selected())?.data_set);

  root.append(
    element("div", { class: "lenet-viewer-row" },
            element("label", { class: "lenet-viewer-pick" }, "网络", networks.picker), status),
    element("div", {}, "点一张测试图像（每行一类，各 10 张），或在右边的黑色画板上画一张："),
    element("div", { class: "lenet-viewer-row" }, stripBox, side),
    replay.element, inputs.element, why.element, fool.element, maps.element, cells.element,
    compareBox);
  root.lenetTimings = timings;  // read by the browser test
  root.lenetCell = cells.selected;  // read by the tests
  root.lenetShow = show;        // also for the test
  keepKeys(root);
  el.append(root);
  show(0);
}

export default { render };

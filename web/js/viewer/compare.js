// 两张图比较: each layer's feature maps of two inputs, one row each, and a
// third row of their difference, for the viewer's network.  The pairs are
// classes the network confuses most easily, 套衫 and 外套 first (the
// exercise of the newer edition's LeNet section, added to 5.5.4), or digits
// that look alike, and the drawing board against the test image chosen now.  The two inputs' maps
// of a channel share one gray scale, so brighter means larger in both; the
// difference row shows |A − B| on its own scale.

import { mapTitle } from "../lenet_architecture.js";
import { drawMap, element } from "../lenet_dom.js";
import { forward } from "../lenet_forward.js";

// Class pairs of each data set: Fashion-MNIST's, 套衫 and 外套 first; digits
// whose strokes are alike.
export const PAIRS = { fashion_mnist: [[2, 4], [0, 6], [2, 6], [5, 7], [7, 9]],
                       mnist: [[4, 9], [3, 5], [1, 7], [3, 8], [5, 6]] };
const DRAWING = "drawing";

/** One channel's values of the two maps and their difference, each
 * scaled for a canvas: A and B to their shared range. */
function channelValues(a, b) {
  let low = Infinity;
  let high = -Infinity;
  for (const v of [...a, ...b]) {
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  const range = high - low || 1;
  const scaled = (values) => values.map((v) => (v - low) / range);
  return [scaled(a), scaled(b), a.map((v, i) => Math.abs(v - b[i]))];
}

function layerRows(mapA, mapB, labels) {
  const area = mapA.size * mapA.size;
  const shown = `${Math.max(28, 2 * mapA.size)}px`;
  const rows = labels.map((label) => element("div", { class: "lenet-compare-row" },
                                             element("span", { text: label })));
  for (let c = 0; c < mapA.channels; c++) {
    const part = (m) => m.data.subarray(c * area, (c + 1) * area);
    channelValues(part(mapA), part(mapB)).forEach((values, row) => {
      const canvas = element("canvas", { title: `${labels[row]} 通道 ${c}` });
      canvas.style.width = canvas.style.height = shown;
      drawMap(canvas, values, mapA.size, row === 2);
      rows[row].append(canvas);
    });
  }
  return element("div", { class: "lenet-compare-layer", "data-map": mapA.name },
                 element("h4", { text: `${mapTitle(mapA.name)}：${mapA.channels} 个通道` }),
                 ...rows);
}

/** The view; `show(network, imageOf, drawn, chosen)` after each change:
 * `imageOf(index)` a strip image, `drawn` the board's image (or null),
 * `chosen` the strip index shown now (or null). */
export function compareView(classNames, dataSet) {
  const pairs = PAIRS[dataSet];
  const pair = element("select", { "aria-label": "比较哪两张图" },
    ...pairs.map(([a, b], i) => element("option", {
      value: String(i), text: `${classNames[a]} 与 ${classNames[b]}` })),
    element("option", { value: DRAWING, text: "画板上的图 与 现在选中的测试图像" }));
  const which = element("select", { "aria-label": "每类的第几张" },
    ...Array.from({ length: 10 }, (_, i) => element("option", {
      value: String(i), text: `每类第 ${i + 1} 张` })));
  const note = element("p", { class: "lenet-compare-note", role: "status" });
  const layers = element("div", { class: "lenet-compare-layers" });
  let last = null;
  let drawnFor = null;  // {network, choice} of the rows shown, in pair mode
  const redraw = () => last && show(...last);
  pair.addEventListener("change", redraw);
  which.addEventListener("change", redraw);

  async function show(network, imageOf, drawn, chosen) {
    last = [network, imageOf, drawn, chosen];
    // A pair of test images does not change with the image the viewer
    // shows: the viewer's every update need not draw them again.
    const choice = `${pair.value}|${which.value}`;
    if (pair.value !== DRAWING && drawnFor?.network === network && drawnFor.choice === choice) {
      return;
    }
    drawnFor = pair.value === DRAWING ? null : { network, choice };
    let inputs;
    if (pair.value === DRAWING) {
      if (!drawn || chosen === null) {
        layers.replaceChildren();
        note.textContent = "先在画板上画一张，再在上面的图像条里选一张测试图像，就能比较两者。";
        return;
      }
      inputs = [["画板上的图", drawn], [`测试图像 ${chosen + 1}`, await imageOf(chosen)]];
    } else {
      const [a, b] = pairs[Number(pair.value)];
      const k = Number(which.value);
      inputs = [[classNames[a], await imageOf(a * 10 + k)],
                [classNames[b], await imageOf(b * 10 + k)]];
    }
    const [mapsA, mapsB] = inputs.map(([, image]) => forward(network, image).maps);
    const labels = [inputs[0][0], inputs[1][0], "两者之差 |A − B|"];
    note.textContent = `上一行是${labels[0]}，中间一行是${labels[1]}（同一通道用同一个灰度标尺），` +
      "下一行是两者之差：越亮，这个位置上两张图的激活差得越多。";
    layers.replaceChildren(...mapsA.map((m, i) => layerRows(m, mapsB[i], labels)));
  }

  const root = element("section", { class: "lenet-compare" },
    element("h3", { text: "两张图比较" }),
    element("div", { class: "lenet-compare-controls" }, pair, which), note, layers);
  return { element: root, show };
}

// 为什么这样判断：显著图与遮挡.  For the viewer's network and input and a
// class (the predicted one unless chosen): the saliency map, each pixel's
// gradient of the class's score drawn in red over the input; and the
// occlusion map, a gray patch slid over the image (its size and stride
// chosen) and at each place how far the class's probability drops.
// Folded until opened, and computed only while open: an occlusion map is
// up to 169 forward passes.

import { IMAGE_SIZE } from "../lenet_contract.js";
import { element } from "../lenet_dom.js";
import { occlusionMap, saliency } from "../lenet_attribution.js";

const SIZES = [4, 6, 8, 10];
const STRIDES = [2, 4];
const SHOWN_PX = 140;

function choice(label, values, chosen, unit) {
  return element("select", { "aria-label": label },
    ...values.map((v) => element("option", { value: String(v), text: `${v}${unit}`,
                                              selected: v === chosen })));
}

/** An n x n canvas, each pixel's [r, g, b] from `colour(i, share)`, where
 * share is |values[i]| over the largest |value|. */
function paint(canvas, n, values, colour) {
  canvas.width = canvas.height = n;
  const context = canvas.getContext("2d");
  const pixels = context.createImageData(n, n);
  const largest = Math.max(1e-12, ...values.map(Math.abs));
  values.forEach((v, i) => pixels.data.set([...colour(i, Math.abs(v) / largest), 255], 4 * i));
  context.putImageData(pixels, 0, 0);
}

/** Red where the patch lowers the class's probability, blue where it
 * raises it. */
const drawDrops = (canvas, drops, n) => paint(canvas, n, drops, (i, share) => {
  const s = 255 * share;
  return drops[i] >= 0 ? [255, 255 - s, 255 - s] : [255 - s, 255 - s, 255];
});

/** The input in gray with |gradient| in red over it. */
const drawSaliency = (canvas, input, gradient) => paint(canvas, IMAGE_SIZE, gradient, (i, red) => {
  const gray = 80 * input[i];
  return [gray + (255 - gray) * red, gray * (1 - red), gray * (1 - red)];
});

/** The panel; `show(network, input, classNames, predicted)` after each
 * update of the viewer (nothing is computed while it is folded). */
export function whyPanel() {
  const size = choice("遮挡块的边长", SIZES, 6, " 像素");
  const stride = choice("每次挪动", STRIDES, 2, " 像素");
  const label = element("select", { "aria-label": "看哪一类的概率" });
  const map = element("canvas", { class: "lenet-occlusion-map", role: "img",
                                  "aria-label": "遮挡图：越红，遮住这里时概率掉得越多" });
  const salient = element("canvas", { class: "lenet-occlusion-map", role: "img",
                                      "aria-label": "显著图：越红，这个像素对这一类的得分影响越大" });
  for (const canvas of [map, salient]) canvas.style.width = canvas.style.height = `${SHOWN_PX}px`;
  const salientLine = element("p", { class: "lenet-occlusion-line" });
  const line = element("p", { class: "lenet-occlusion-line", "aria-live": "polite" });
  const root = element("details", { class: "lenet-occlusion" },
    element("summary", { text: "为什么这样判断：显著图与遮挡" }),
    element("div", { class: "lenet-inputs-controls" }, element("label", {}, "类别 ", label)),
    element("h4", { text: "显著图（梯度）" }),
    element("div", { class: "lenet-inputs-controls" }, salient, salientLine),
    element("h4", { text: "遮挡（遮住一块，看概率掉多少）" }),
    element("div", { class: "lenet-inputs-controls" },
            element("label", {}, "遮挡块 ", size), element("label", {}, "步幅 ", stride)),
    element("div", { class: "lenet-inputs-controls" }, map, line));
  let last = null;
  let names = null;

  function draw() {
    if (!root.open || !last) return;
    const [network, input, classNames, predicted] = last;
    if (names !== classNames) {  // another data set: other classes
      names = classNames;
      label.replaceChildren(element("option", { value: "", text: "预测的类别" }),
        ...classNames.map((name, i) => element("option", { value: String(i), text: name })));
    }
    const chosen = label.value === "" ? predicted : Number(label.value);
    const gradient = saliency(network, input, chosen);
    drawSaliency(salient, input, gradient);
    const strongest = gradient.reduce((a, v, i) => (Math.abs(v) > Math.abs(gradient[a]) ? i : a), 0);
    salientLine.textContent = `${classNames[chosen]}的得分（softmax 之前）对每个像素的梯度：越红，` +
      `这个像素变亮一点时得分变化越大（只看大小，不分升降）。最大的在第 ${Math.floor(strongest / IMAGE_SIZE) + 1} 行、` +
      `第 ${strongest % IMAGE_SIZE + 1} 列（${gradient[strongest].toFixed(4)}）。`;
    root.lenetSaliency = Array.from(gradient);  // read by the tests
    const { places, base, drops } = occlusionMap(network, input, chosen, Number(size.value),
                                                 Number(stride.value));
    drawDrops(map, drops, places.length);
    const most = drops.indexOf(Math.max(...drops));
    const [top, left] = [places[Math.floor(most / places.length)], places[most % places.length]];
    line.textContent = `${classNames[chosen]}的概率是 ${(100 * base).toFixed(1)}%；` +
      `遮住第 ${top + 1} 行、第 ${left + 1} 列起的 ${size.value}×${size.value} 个像素时掉得最多，` +
      `降到 ${(100 * (base - drops[most])).toFixed(1)}%。图的每一格是遮挡块的一个位置（共 ` +
      `${places.length}×${places.length} 个，覆盖 ${IMAGE_SIZE}×${IMAGE_SIZE} 的图像）：越红掉得越多，蓝的是反而升高。`;
    root.lenetDrops = Array.from(drops);  // read by the tests
  }
  for (const control of [size, stride, label]) control.addEventListener("change", draw);
  root.addEventListener("toggle", draw);
  return {
    element: root,
    show(...args) {
      last = args;
      draw();
    },
  };
}

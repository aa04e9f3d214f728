// 能骗过它的图（对抗样本）.  For the viewer's network and input: the fast
// gradient sign method against the predicted class, with ε in gray levels
// chosen on a slider; the perturbed image, the perturbation magnified, and
// what the network now says; and a button that finds the smallest ε that
// changes its answer.  Folded until opened, computed only while open.

import { IMAGE_SIZE } from "../lenet_contract.js";
import { drawMap, element } from "../lenet_dom.js";
import { fgsm, lossGradient, smallestFooling } from "../lenet_attribution.js";
import { forward, topClass } from "../lenet_forward.js";

const MOST_LEVELS = 64;  // the slider's end; the search goes on to 255
const SHOWN_PX = 112;

function picture(label) {
  const canvas = element("canvas", { class: "lenet-fool-picture", role: "img", "aria-label": label });
  canvas.style.width = canvas.style.height = `${SHOWN_PX}px`;
  return canvas;
}

/** The panel; `show(network, input, classNames, predicted)` after each
 * update of the viewer. */
export function foolPanel() {
  const epsilon = element("input", { type: "range", min: "0", max: String(MOST_LEVELS), step: "1",
                                     value: "4", "aria-label": "ε（灰度级）" });
  const shown = element("output", { text: "4 级" });
  const search = element("button", { type: "button", text: "找能改变答案的最小 ε" });
  const moved = picture("加上扰动之后的图像");
  const change = picture("扰动本身，放大显示：亮的像素变亮，暗的变暗");
  const line = element("p", { class: "lenet-fool-line", "aria-live": "polite" });
  const root = element("details", { class: "lenet-fool" },
    element("summary", { text: "能骗过它的图（对抗样本）" }),
    element("div", { class: "lenet-inputs-controls" },
            element("label", { class: "lenet-inputs-slider" }, "ε ", epsilon, shown), search),
    element("div", { class: "lenet-inputs-controls" },
            element("figure", { class: "lenet-inputs-figure" }, moved,
                    element("figcaption", { text: "加上扰动之后" })),
            element("figure", { class: "lenet-inputs-figure" }, change,
                    element("figcaption", { text: "扰动（放大）" }))),
    line);
  let last = null;
  let gradient = null;  // of the input shown, against its predicted class

  function draw(levels) {
    const [network, input, classNames, predicted] = last;
    const image = fgsm(input, gradient, levels);
    const probabilities = forward(network, image).probabilities;
    const now = topClass(probabilities);
    drawMap(moved, image, IMAGE_SIZE, false);
    drawMap(change, gradient.map((g) => 0.5 + 0.5 * Math.sign(g) * (levels > 0)), IMAGE_SIZE, false);
    line.textContent = `每个像素最多改变 ${levels} 个灰度级（满量程 255）：网络${now === predicted
      ? `仍然说是 ${classNames[now]}（${(100 * probabilities[now]).toFixed(1)}%）`
      : `不再说 ${classNames[predicted]}，而说是 ${classNames[now]}（${(100 * probabilities[now]).toFixed(1)}%）`}。`;
    root.lenetFooled = { levels, predicted: now };  // read by the tests
  }
  function redraw() {
    if (!root.open || !last) return;
    const [network, input, , predicted] = last;
    gradient ??= lossGradient(network, input, predicted);
    draw(Number(epsilon.value));
  }
  epsilon.addEventListener("input", () => {
    shown.textContent = `${epsilon.value} 级`;
    redraw();
  });
  search.addEventListener("click", () => {
    if (!last) return;
    const [network, input, classNames, predicted] = last;
    const found = smallestFooling(network, input, predicted);
    if (!found) {
      line.textContent = `直到 255 级，网络都还说是 ${classNames[predicted]}。`;
      return;
    }
    epsilon.max = String(Math.max(MOST_LEVELS, found.levels));
    epsilon.value = String(found.levels);
    shown.textContent = `${found.levels} 级`;
    draw(found.levels);
    line.textContent = `最小的 ε 是 ${found.levels} 个灰度级：` + line.textContent;
  });
  root.addEventListener("toggle", redraw);
  return {
    element: root,
    show(...args) {
      last = args;
      gradient = null;
      redraw();
    },
  };
}

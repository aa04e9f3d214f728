// 没见过的输入: what the viewer's network gets instead of the picked image
// (noise, all black, all white, the reader's photo) and what is done to it
// (inverted, shifted, turned, scaled), by lenet_inputs.js's rules.  Folded
// away until opened, so that the phone's page stays as short as it was.

import { mapTitle } from "../lenet_architecture.js";
import { IMAGE_SIZE } from "../lenet_contract.js";
import { drawMap, element } from "../lenet_dom.js";
import { topClass } from "../lenet_forward.js";
import { constant, invert, noise, photoInput, rotateAndScale, shift } from "../lenet_inputs.js";

// The photo's side is first brought down to at most this by the browser: a
// phone's 12-megapixel photo would otherwise be 48 MB of pixels to average.
const PHOTO_MAX_SIDE = 1024;

const SOURCES = { picked: "选中的测试图像或画板上的图", noise: "随机噪声", black: "全黑",
                  white: "全白", photo: "我的照片" };

/** A labelled range input; `value()` its number. */
function slider(label, min, max, step, unit) {
  const input = element("input", { type: "range", min, max, step, value: "0",
                                   "aria-label": label });
  const shown = element("output", { text: `0${unit}` });
  input.addEventListener("input", () => { shown.textContent = `${input.value}${unit}`; });
  return { input, value: () => Number(input.value),
           set: (v) => { input.value = String(v); shown.textContent = `${v}${unit}`; },
           element: element("label", { class: "lenet-inputs-slider" }, label, input, shown) };
}

/** A photo file as ImageData: its pixels, oriented as taken. */
async function photoPixels(file) {
  const bitmap = await createImageBitmap(file);
  let { width, height } = bitmap;
  const side = Math.min(width, height);
  let source = bitmap;
  if (side > PHOTO_MAX_SIDE) {
    const ratio = PHOTO_MAX_SIDE / side;
    [width, height] = [Math.round(width * ratio), Math.round(height * ratio)];
    source = await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height,
                                               resizeQuality: "high" });
  }
  const canvas = element("canvas", { width, height });
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0);
  return context.getImageData(0, 0, width, height);
}

/** The panel; `onChange()` when the input it gives changes.  `input(base)`:
 * the image the network gets, from `base` (the picked image) or not;
 * `keepsClass()`: whether that image is still the picked image's class;
 * `changed()`: whether it differs from the picked image at all. */
export function inputsPanel(onChange) {
  const source = element("select", { "aria-label": "输入" },
    ...Object.entries(SOURCES).map(([value, text]) => element("option", { value, text })));
  const another = element("button", { type: "button", text: "换一张噪声", hidden: true });
  const file = element("input", { type: "file", accept: "image/*", hidden: true,
                                  "aria-label": "选一张照片（手机上也可以拍一张）" });
  const inverted = element("input", { type: "checkbox" });
  const dx = slider("左右平移", -6, 6, 1, " 像素");
  const dy = slider("上下平移", -6, 6, 1, " 像素");
  const turn = slider("旋转", -45, 45, 5, "°");
  const grow = slider("缩放", 0.5, 1.5, 0.1, " 倍");
  grow.set(1);
  const reset = element("button", { type: "button", text: "复原" });
  const note = element("p", { class: "lenet-inputs-note", role: "status" });
  // The image the network gets, as it gets it; and what that did to it.
  const seen = element("canvas", { class: "lenet-inputs-seen", width: IMAGE_SIZE,
                                   height: IMAGE_SIZE, role: "img",
                                   "aria-label": "网络看到的输入（28×28）" });
  const effect = element("p", { class: "lenet-inputs-effect", "aria-live": "polite" });
  let seed = 0;
  let photo = null;  // Float32Array of the photo, once one is chosen

  const changedHere = () => onChange();
  source.addEventListener("change", () => {
    another.hidden = source.value !== "noise";
    file.hidden = source.value !== "photo";
    note.textContent = source.value === "photo" && !photo ? "选一张照片：取中间的正方形，变成灰度，缩小到 28×28。" : "";
    if (source.value === "photo" && !photo) file.click();
    onChange();
  });
  another.addEventListener("click", () => {
    seed += 1;
    onChange();
  });
  file.addEventListener("change", async () => {
    if (!file.files.length) return;
    try {
      photo = photoInput(await photoPixels(file.files[0]));
      note.textContent = "照片多是浅底深色：勾选“反色”，它就像训练图像一样是黑底亮色。";
    } catch (error) {
      photo = null;
      note.textContent = `读不出这张照片（${error.message}）：换一张 JPEG 或 PNG 图片试试。`;
    }
    onChange();
  });
  for (const control of [inverted, dx.input, dy.input, turn.input, grow.input]) {
    control.addEventListener("input", changedHere);
  }
  reset.addEventListener("click", () => {
    source.value = "picked";
    source.dispatchEvent(new Event("change"));
    inverted.checked = false;
    for (const s of [dx, dy, turn]) s.set(0);
    grow.set(1);
    onChange();
  });

  function sourceImage(base) {
    if (source.value === "noise") return noise(seed);
    if (source.value === "black") return constant(0);
    if (source.value === "white") return constant(1);
    if (source.value === "photo") return photo ?? constant(0);
    return base;
  }
  function input(base) {
    let image = sourceImage(base);
    if (inverted.checked) image = invert(image);
    if (turn.value() !== 0 || grow.value() !== 1) image = rotateAndScale(image, turn.value(), grow.value());
    if (dx.value() !== 0 || dy.value() !== 0) image = shift(image, dx.value(), dy.value());
    drawMap(seen, image, IMAGE_SIZE, false);
    return image;
  }
  const keepsClass = () => source.value === "picked";
  /** What the network gets, in words: “它反色、平移 (3, 0) 之后”. */
  function describe() {
    const done = [inverted.checked && "反色",
                  (dx.value() || dy.value()) && `平移 (${dx.value()}, ${dy.value()})`,
                  turn.value() && `旋转 ${turn.value()}°`,
                  grow.value() !== 1 && `缩放 ${grow.value()} 倍`].filter(Boolean);
    const what = keepsClass() ? "它" : SOURCES[source.value];
    return done.length ? `${what}${done.join("、")}之后（见“没见过的输入”）`
      : `${what}（见“没见过的输入”）`;
  }
  const changed = () => !keepsClass() || inverted.checked || dx.value() !== 0
    || dy.value() !== 0 || turn.value() !== 0 || grow.value() !== 1;

  const root = element("details", { class: "lenet-inputs" },
    element("summary", { text: "没见过的输入：噪声、反色、平移、旋转、缩放、照片" }),
    element("div", { class: "lenet-inputs-controls" },
            element("label", {}, "输入 ", source), another, file,
            element("label", {}, inverted, " 反色")),
    element("div", { class: "lenet-inputs-controls" },
            dx.element, dy.element, turn.element, grow.element, reset),
    element("div", { class: "lenet-inputs-controls" },
            element("figure", { class: "lenet-inputs-figure" }, seen,
                    element("figcaption", { text: "网络看到的输入" })),
            element("div", {}, note, effect)));
  return { element: root, input, keepsClass, changed, describe,
           showEffect: (text) => { effect.textContent = text; } };
}

/** How far each layer's maps moved from the picked image's (`before`, a
 * forward pass) to the changed input's (`after`): |after − before| over
 * |before|, and whether the prediction changed. */
export function effectLine(before, after, classNames) {
  const changes = before.maps.map((m, layer) => {
    let moved = 0;
    let size = 0;
    m.data.forEach((v, i) => {
      moved += (after.maps[layer].data[i] - v) ** 2;
      size += v * v;
    });
    return `${mapTitle(m.name)} ${(100 * Math.sqrt(moved / (size || 1))).toFixed(0)}%`;
  });
  const [was, now] = [topClass(before.probabilities), topClass(after.probabilities)];
  return `与原图相比，各层输出变了（相对大小）：${changes.join("，")}；预测${
    was === now ? `仍是 ${classNames[now]}` : `从 ${classNames[was]} 变成了 ${classNames[now]}`}。`;
}

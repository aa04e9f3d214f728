// The drawing board: white strokes with soft edges on black, like
// Fashion-MNIST, 28 x 28 pixels shown larger, by mouse or finger.

import { IMAGE_SIZE } from "../lenet_contract.js";
import { drawMap, element } from "../lenet_dom.js";

/** The board and its 清空画板 button.  `onStroke()` when the reader starts
 * drawing over what was shown, `onDrawn(image)` when a stroke ends or the
 * board is cleared.  `show(image)` puts an image on the board. */
export function drawingBoard({ onStroke, onDrawn }) {
  const canvas = element("canvas", { class: "lenet-viewer-draw", width: IMAGE_SIZE,
                                     height: IMAGE_SIZE, role: "img",
                                     "aria-label": "黑色画板：用鼠标或手指画一件衣物或一个数字（28×28）" });
  const clear = element("button", { type: "button", text: "清空画板" });
  let image = null;  // the reader's drawing, or null while a test image shows
  let drawing = false;
  const show = (values) => drawMap(canvas, values, IMAGE_SIZE, false);
  const paint = (event) => {
    const box = canvas.getBoundingClientRect();
    const cx = (event.clientX - box.left) / box.width * IMAGE_SIZE;
    const cy = (event.clientY - box.top) / box.height * IMAGE_SIZE;
    if (!image) {
      image = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
      onStroke();
    }
    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2;
        const i = y * IMAGE_SIZE + x;
        image[i] = Math.max(image[i], Math.exp(-d2 / 2));
      }
    }
    show(image);
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    paint(event);
  });
  canvas.addEventListener("pointermove", (event) => { if (drawing) paint(event); });
  canvas.addEventListener("pointerup", () => {
    if (!drawing) return;
    drawing = false;
    onDrawn(image);
  });
  clear.addEventListener("click", () => {
    const empty = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    show(empty);
    onDrawn(empty, "画板已清空");
    image = null;  // the next stroke starts a drawing, and says so
  });
  return {
    element: element("div", {}, canvas, element("br"), clear),
    /** A test image on the board: the next stroke starts a new drawing. */
    showTestImage: (values) => {
      image = null;
      show(values);
    },
  };
}

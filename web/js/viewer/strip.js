// The strip of test images: 10 x 10 images of 28 x 28 pixels, one class a
// row, from a PNG the kernel made (lossless: the exact pixels).  A click,
// a tap or the arrow keys (up and down by a row, that is a class) choose
// one; the chosen one gets a frame.

import { IMAGE_SIZE } from "../lenet_contract.js";
import { element } from "../lenet_dom.js";

const PER_ROW = 10;

/** The strip's canvas; `onPick(index)` when the reader chooses an image.
 * Returns {canvas, imageOf(index), mark(index or null)}. */
export function strip(pngBytes, count, onPick) {
  const canvas = element("canvas", {
    class: "lenet-viewer-strip", tabindex: "0", role: "img",
    "aria-label": "100 张测试图像，每行一类：点击一张，或用方向键选择" });
  let marked = null;
  const pixels = new Promise((resolve) => {
    const img = new Image();
    img.onload = () => {
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0);
      resolve(ctx.getImageData(0, 0, img.width, img.height));
      URL.revokeObjectURL(img.src);
      mark(marked);
    };
    img.src = URL.createObjectURL(new Blob([pngBytes], { type: "image/png" }));
  });
  /** Redraw the strip, with a frame around image `index` (null: none). */
  async function mark(index) {
    marked = index;
    const drawn = await pixels;
    const ctx = canvas.getContext("2d");
    ctx.putImageData(drawn, 0, 0);
    if (index === null) return;
    ctx.strokeStyle = "#ff3b30";
    ctx.lineWidth = 2;
    ctx.strokeRect((index % PER_ROW) * IMAGE_SIZE + 1, Math.floor(index / PER_ROW) * IMAGE_SIZE + 1,
                   IMAGE_SIZE - 2, IMAGE_SIZE - 2);
  }
  /** Image `index` as 784 values in [0, 1]. */
  async function imageOf(index) {
    const drawn = await pixels;
    const x0 = (index % PER_ROW) * IMAGE_SIZE;
    const y0 = Math.floor(index / PER_ROW) * IMAGE_SIZE;
    const values = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    for (let y = 0; y < IMAGE_SIZE; y++) {
      for (let x = 0; x < IMAGE_SIZE; x++) {
        values[y * IMAGE_SIZE + x] = drawn.data[4 * ((y0 + y) * drawn.width + x0 + x)] / 255;
      }
    }
    return values;
  }
  canvas.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -PER_ROW,
                   ArrowDown: PER_ROW }[event.key];
    let next = null;
    if (step !== undefined) next = Math.min(count - 1, Math.max(0, (marked ?? 0) + step));
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = count - 1;
    if (next === null) return;
    event.preventDefault();
    onPick(next);
  });
  canvas.addEventListener("click", (event) => {
    const box = canvas.getBoundingClientRect();
    const column = Math.floor((event.clientX - box.left) / box.width * PER_ROW);
    const row = Math.floor((event.clientY - box.top) / box.height * (count / PER_ROW));
    onPick(row * PER_ROW + column);
  });
  return { canvas, imageOf, mark };
}

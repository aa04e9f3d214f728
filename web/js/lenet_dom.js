// What the book's widgets share to build their pages: elements, a map of
// values drawn in gray, a box that scrolls sideways on a phone (its style
// is lenet_widgets.css).  Each widget's bundle imports what it uses.

/** A DOM element with attributes ("text" sets the text) and children. */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== false && value !== null && value !== undefined) {
      node.setAttribute(name, value === true ? "" : value);
    }
  }
  node.append(...children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function svgElement(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** Call `draw()` once, when `place` comes within NEAR of the screen (at
 * once where there is no IntersectionObserver).  A widget far down the page
 * is drawn as the reader scrolls towards it, not while the page loads on a
 * phone's CPU. */
const NEAR = "400px";
export function whenNear(place, draw) {
  if (!("IntersectionObserver" in globalThis)) {
    draw();
    return;
  }
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      seen.disconnect();
      draw();
    }
  }, { rootMargin: NEAR });
  seen.observe(place);
}

/** Is a kernel behind this page (JupyterLab), or is it the static book? */
export function hasKernel(model) {
  return Boolean(model.widget_manager && model.widget_manager.kernel);
}

/** A kernel message's buffer (a DataView) or a worker's array as a
 * Float32Array of its own bytes. */
export const asFloats = (view) => (view instanceof Float32Array ? view : new Float32Array(
  view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));

/** Gray pixels of `values` (0..1, or scaled to their own range) in a canvas
 * of `size` x `size` pixels (CSS shows it larger). */
export function drawMap(canvas, values, size, normalise) {
  if (canvas.width !== size) canvas.width = canvas.height = size;
  let low = 0;
  let high = 1;
  if (normalise) {
    low = Infinity;
    high = -Infinity;
    for (const v of values) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  const range = high - low || 1;
  const pixels = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, (values[i] - low) / range)));
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  canvas.getContext("2d").putImageData(pixels, 0, 0);
}

/** Kernels drawn on one scale, so that they compare with each other: 0
 * mid-gray, the largest |weight| among them white or black; one canvas
 * each in `box`.  `kernels`: {channels, size}; `data`: the first
 * convolution's weights in MXNet's order. */
export function drawKernels(box, kernels, data) {
  const area = kernels.size * kernels.size;
  let largest = 0;
  for (const v of data) largest = Math.max(largest, Math.abs(v));
  const scale = largest ? 0.5 / largest : 0;
  const inChannels = data.length / (kernels.channels * area);
  while (box.children.length > kernels.channels) box.lastChild.remove();
  for (let c = 0; c < kernels.channels; c++) {
    let canvas = box.children[c];
    if (!canvas) {
      canvas = element("canvas", { title: `卷积核 ${c}` });
      canvas.style.width = canvas.style.height = "40px";
      box.append(canvas);
    }
    const first = data.subarray(c * inChannels * area, (c * inChannels + 1) * area);
    drawMap(canvas, first.map((v) => 0.5 + v * scale), kernels.size, false);
  }
}

// Keys pressed in a widget are the widget's (arrow keys on a slider), not
// JupyterLab's notebook shortcuts, which listen as the event bubbles up.
export function keepKeys(root) {
  root.addEventListener("keydown", (event) => event.stopPropagation());
}

/** A box that scrolls sideways when `child` is wider than the page, with
 * a visible cue while there is more to see; reachable by keyboard. */
export function scrollBox(child, label) {
  const box = element("div", { class: "lenet-scroll", tabindex: "0",
                               role: "region", "aria-label": label }, child);
  const cue = element("div", { class: "lenet-scroll-cue", "aria-hidden": "true",
                               text: "← 左右滑动查看更多 →" });
  const wrapper = element("div", { class: "lenet-scroll-wrapper" }, box, cue);
  const check = () => {
    const more = box.scrollWidth > box.clientWidth + 1;
    wrapper.classList.toggle("has-more", more);
    wrapper.classList.toggle("at-end",
      box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
  };
  box.addEventListener("scroll", check, { passive: true });
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(check).observe(box);
  new MutationObserver(check).observe(box, { childList: true, subtree: true });
  requestAnimationFrame(check);
  return wrapper;
}

/** Hand `text` to the reader as a file called `name` (the browser's own
 * download, from memory: nothing is sent anywhere). */
export function saveFile(name, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = element("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// What the book's anywidget modules share: building elements, drawing a
// map of values, a chart of per-epoch curves.  Python puts this file in
// front of each module's own text when it gives the module to the front end
// (lenet.web_assets.widget_esm), so it is written once and loaded with each.

/** A DOM element with attributes ("text" sets the text) and children. */
function element(tag, attributes = {}, ...children) {
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
function svgElement(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** Is a kernel behind this page (JupyterLab), or is it the static book? */
function hasKernel(model) {
  return Boolean(model.widget_manager && model.widget_manager.kernel);
}

/** Gray pixels of `values` (0..1, or scaled to their own range) in a canvas
 * of `size` x `size` pixels (CSS shows it larger). */
function drawMap(canvas, values, size, normalise) {
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

// The series a run's chart can show, in the book's words.
const CURVE_SERIES = {
  train_loss: { label: "训练损失", color: "#1f77b4", dash: "" },
  train_acc: { label: "训练准确率", color: "#ff7f0e", dash: "6 3" },
  test_acc: { label: "测试准确率", color: "#2ca02c", dash: "2 2" },
};
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** An SVG line chart over epochs 1..numEpochs.  `lines`: [{label, color,
 * dash, points: [[epoch, value], ...]}].  It scales to its box's width. */
function epochChart(lines, numEpochs, title) {
  const width = 480;
  const height = 220;
  const left = 42;
  const right = 12;
  const top = 12;
  const bottom = 58;
  const values = lines.flatMap((l) => l.points.map((p) => p[1]));
  const high = Math.max(1, ...values.filter(Number.isFinite));
  const x = (epoch) => left + (numEpochs > 1
    ? (epoch - 1) / (numEpochs - 1) * (width - left - right)
    : (width - left - right) / 2);
  const y = (v) => top + (1 - v / high) * (height - top - bottom);
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`,
                                  class: "lenet-chart", role: "img",
                                  "aria-label": title });
  svg.append(svgElement("title", { text: title }));
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const v = high * i / ticks;
    svg.append(
      svgElement("line", { x1: left, x2: width - right, y1: y(v), y2: y(v),
                           stroke: "#ddd" }),
      svgElement("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end",
                           "font-size": 11, text: v.toFixed(1) }));
  }
  const step = Math.max(1, Math.ceil(numEpochs / 10));
  for (let e = 1; e <= numEpochs; e += step) {
    svg.append(svgElement("text", { x: x(e), y: height - bottom + 16,
                                    "text-anchor": "middle", "font-size": 11,
                                    text: String(e) }));
  }
  svg.append(svgElement("text", { x: (left + width - right) / 2,
                                  y: height - bottom + 32,
                                  "text-anchor": "middle", "font-size": 12,
                                  text: "迭代周期" }));
  let legendX = left;
  for (const line of lines) {
    if (line.points.length) {
      const d = line.points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ");
      svg.append(svgElement("path", { d, fill: "none", stroke: line.color,
                                      "stroke-width": 2,
                                      "stroke-dasharray": line.dash || "" }));
      for (const p of line.points) {
        svg.append(svgElement("circle", { cx: x(p[0]), cy: y(p[1]), r: 3,
                                          fill: line.color }));
      }
    }
    svg.append(
      svgElement("line", { x1: legendX, x2: legendX + 18, y1: height - 8,
                           y2: height - 8, stroke: line.color,
                           "stroke-width": 2,
                           "stroke-dasharray": line.dash || "" }),
      svgElement("text", { x: legendX + 22, y: height - 4, "font-size": 12,
                           text: line.label }));
    legendX += 30 + 13 * line.label.length;
  }
  return svg;
}

/** The curves of one run's epochs ({epoch, train_loss, ...}). */
function runChart(epochs, numEpochs) {
  const lines = Object.entries(CURVE_SERIES).map(([field, series]) => ({
    ...series, points: epochs.map((e) => [e.epoch, e[field]]) }));
  return epochChart(lines, numEpochs,
                    "每个迭代周期的训练损失、训练准确率和测试准确率");
}

// Keys pressed in a widget are the widget's (arrow keys on a slider), not
// JupyterLab's notebook shortcuts, which listen as the event bubbles up.
function keepKeys(root) {
  root.addEventListener("keydown", (event) => event.stopPropagation());
}

/** A box that scrolls sideways when `child` is wider than the page, with
 * a visible cue while there is more to see; reachable by keyboard. */
function scrollBox(child, label) {
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

const SHARED_STYLE = `
.lenet-scroll-wrapper { position: relative; max-width: 100%; }
.lenet-scroll { overflow-x: auto; max-width: 100%; }
.lenet-scroll:focus-visible { outline: 2px solid #1a5fb4; }
.lenet-scroll-cue { display: none; font-size: 0.8rem; color: #555; text-align: right; }
.lenet-scroll-wrapper.has-more .lenet-scroll-cue { display: block; }
.lenet-scroll-wrapper.has-more:not(.at-end)::after { content: ""; position: absolute; top: 0; right: 0; bottom: 1.2em; width: 24px; pointer-events: none; background: linear-gradient(to right, rgba(255,255,255,0), rgba(128,128,128,0.35)); }
.lenet-chart { width: 100%; max-width: 560px; height: auto; display: block; }
.lenet-chart text { fill: currentColor; }
`;

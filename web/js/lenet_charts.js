// Line charts over epochs, as SVG: one run's curves, or one curve per run
// (the explorer's history), in the book's words.

import { svgElement } from "./lenet_dom.js";

// The series a run's chart can show, in the book's words.
export const CURVE_SERIES = {
  train_loss: { label: "训练损失", color: "#1f77b4", dash: "" },
  train_acc: { label: "训练准确率", color: "#ff7f0e", dash: "6 3" },
  test_acc: { label: "测试准确率", color: "#2ca02c", dash: "2 2" },
};
export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** An SVG line chart over epochs 1..numEpochs.  `lines`: [{label, color,
 * dash, points: [[epoch, value], ...]}].  It scales to its box's width. */
export function epochChart(lines, numEpochs, title) {
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
  // The legend wraps onto more rows (the chart grows) rather than run
  // past the right edge: 历次运行 may hold many runs.
  let legendX = left;
  let legendY = height;
  const legendWidth = (line) => 30 + 13 * line.label.length;
  for (const line of lines) {
    if (legendX > left && legendX + legendWidth(line) > width - right) {
      legendX = left;
      legendY += 18;
    }
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
      svgElement("line", { x1: legendX, x2: legendX + 18, y1: legendY - 8,
                           y2: legendY - 8, stroke: line.color,
                           "stroke-width": 2,
                           "stroke-dasharray": line.dash || "" }),
      svgElement("text", { x: legendX + 22, y: legendY - 4, "font-size": 12,
                           text: line.label }));
    legendX += legendWidth(line);
  }
  svg.setAttribute("viewBox", `0 0 ${width} ${legendY}`);
  return svg;
}

/** The curves of one run's epochs ({epoch, train_loss, ...}). */
export function runChart(epochs, numEpochs) {
  const lines = Object.entries(CURVE_SERIES).map(([field, series]) => ({
    ...series, points: epochs.map((e) => [e.epoch, e[field]]) }));
  return epochChart(lines, numEpochs,
                    "每个迭代周期的训练损失、训练准确率和测试准确率");
}

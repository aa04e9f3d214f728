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

/** The loss of every batch of a run as it trains, on a canvas (redrawn a
 * few times a second: one path, not thousands of SVG nodes): x from the
 * first batch to the run's last (`total`), a line at each epoch's end.
 * draw(losses, total, numEpochs). */
export function batchLossChart() {
  const width = 480;
  const height = 150;
  const [left, right, top, bottom] = [42, 12, 10, 30];
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.className = "lenet-batch-chart";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "每个批量的训练损失：还没有批量");
  function draw(losses, total, numEpochs) {
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, width, height);
    const finite = losses.filter(Number.isFinite);
    const high = Math.max(1, ...finite);
    const span = Math.max(1, total || losses.length);
    const x = (batch) => left + batch / span * (width - left - right);
    const y = (v) => top + (1 - v / high) * (height - top - bottom);
    g.font = "11px sans-serif";
    g.fillStyle = "#333";
    g.strokeStyle = "#ddd";
    g.textAlign = "right";
    for (let i = 0; i <= 4; i++) {
      const v = high * i / 4;
      g.beginPath();
      g.moveTo(left, y(v));
      g.lineTo(width - right, y(v));
      g.stroke();
      g.fillText(v.toFixed(1), left - 4, y(v) + 4);
    }
    g.textAlign = "center";
    const perEpoch = span / Math.max(1, numEpochs);
    const step = Math.max(1, Math.ceil(numEpochs / 10));
    for (let e = step; e <= numEpochs; e += step) {
      g.beginPath();
      g.moveTo(x(e * perEpoch), top);
      g.lineTo(x(e * perEpoch), height - bottom);
      g.stroke();
      g.fillText(`周期 ${e}`, x((e - 0.5) * perEpoch), height - bottom + 14);
    }
    g.fillText("批量", (left + width - right) / 2, height - 4);
    g.strokeStyle = CURVE_SERIES.train_loss.color;
    g.beginPath();
    losses.forEach((v, i) => g[i ? "lineTo" : "moveTo"](x(i + 1), y(Math.min(v, high))));
    g.stroke();
    canvas.setAttribute("aria-label", losses.length
      ? `每个批量的训练损失：第 ${losses.length}/${span} 个批量，损失 ${losses.at(-1).toFixed(4)}`
      : "每个批量的训练损失：还没有批量");
  }
  return { element: canvas, draw };
}

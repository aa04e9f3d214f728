// 一个格子是怎么算出来的: pick any cell of any map of the viewer's network
// (click, tap, or the arrow keys on the map) and see what it computes
// (lenet_cell.js): its window on the layer's input, its receptive field on
// the image, the kernel, the products, the sums, the bias, the activation;
// or a pooling window and what it keeps.  上一格 / 下一格 / 播放 slide the
// window along the rows, so the map is seen being computed.

import { cellArithmetic, cellMaps, receptiveField } from "../lenet_cell.js";
import { drawMap, element, scrollBox } from "../lenet_dom.js";

const PLAY_STEP_MS = 400;
const shown = (x) => (Object.is(x, -0) ? 0 : x).toFixed(3);
const mapTitle = (map) => `${map.kind === "conv" ? "卷积层" : "池化层"}` +
  `${Number(map.name.at(-1)) + 1}（${map.name}）`;
const ACTIVATION_FORMULAS = { sigmoid: "sigmoid", relu: "ReLU", tanh: "tanh", softrelu: "softrelu" };

/** A canvas of a map with a box over it (top, left, height, width, in
 * cells; a padding's rows above or left of the map are negative). */
function picture(label) {
  const canvas = element("canvas", { "aria-hidden": "true" });
  const frame = element("div", { class: "lenet-cell-box", "aria-hidden": "true" });
  const caption = element("figcaption", { text: label });
  const holder = element("div", { class: "lenet-cell-picture" }, canvas, frame);
  return {
    element: element("figure", { class: "lenet-cell-figure" }, caption, holder),
    canvas, holder, caption,
    draw(values, size, normalise, top, left, height, width = height) {
      drawMap(canvas, values, size, normalise);
      Object.assign(frame.style, {
        top: `${(100 * top) / size}%`, left: `${(100 * left) / size}%`,
        width: `${(100 * width) / size}%`, height: `${(100 * height) / size}%` });
    },
  };
}

/** A k x k table of numbers, `mark`ed cells emphasised. */
function grid(title, values, k, mark = () => false) {
  const rows = Array.from({ length: k }, (_, y) => element("tr", {},
    ...Array.from({ length: k }, (_, x) => element("td", {
      class: mark(y * k + x) ? "kept" : null, text: shown(values[y * k + x]) }))));
  return element("figure", { class: "lenet-cell-numbers" }, element("figcaption", { text: title }),
                 scrollBox(element("table", { class: "lenet-cell-grid" }, ...rows), title));
}

function convSteps(cell, inputChannel, inputName) {
  const one = cell.inputs[inputChannel];
  const k = cell.k;
  const parts = [
    element("div", { class: "lenet-cell-grids" },
            grid(`感受野里的输入（${inputName}）`, one.patch, k),
            grid(`卷积核（权重），输出通道 ${cell.channel}`, one.weights, k),
            grid("逐个相乘", one.products, k)),
  ];
  const lines = [];
  if (cell.inputs.length > 1) {
    lines.push(`每个输入通道的乘积之和：${cell.inputs.map((i) => `通道 ${i.channel}：${shown(i.sum)}`)
      .join("，")}`);
    lines.push(`全部相加：${shown(cell.sum)}`);
  } else {
    lines.push(`${k}×${k} 个乘积相加：${shown(cell.sum)}`);
  }
  lines.push(`加上偏差 ${shown(cell.bias)}：${shown(cell.sum)} + ${shown(cell.bias)} = ${shown(cell.computed)}`);
  let before = cell.computed;
  if (cell.batchNorm) {
    const n = cell.batchNorm;
    lines.push(`批量归一化：(${shown(before)} − ${shown(n.mean)}) ÷ √(${shown(n.variance)} + ε)` +
               ` × ${shown(n.gamma)} + ${shown(n.beta)} = ${shown(cell.normalized)}`);
    before = cell.normalized;
  }
  lines.push(`激活函数 ${ACTIVATION_FORMULAS[cell.activation]}(${shown(before)}) = ${shown(cell.value)}：` +
             "这就是特征图里这一格的值。");
  parts.push(element("ol", { class: "lenet-cell-lines" },
                     ...lines.map((line) => element("li", { text: line }))));
  return parts;
}

function poolSteps(cell) {
  const values = cell.window.map((w) => w.value);
  const line = cell.pooling === "max"
    ? `最大池化：2×2 池化窗口里最大的数是 ${shown(cell.value)}，只保留它。`
    : `平均池化：(${values.map(shown).join(" + ")}) ÷ 4 = ${shown(cell.value)}。`;
  return [element("div", { class: "lenet-cell-grids" },
                  grid("池化窗口", values, 2, (i) => i === cell.kept)),
          element("p", { class: "lenet-cell-lines", text: line })];
}

function controls(onChange) {
  const layer = element("select", { "aria-label": "层" });
  const channel = element("select", { "aria-label": "输出通道" });
  const input = element("select", { "aria-label": "输入通道" });
  for (const select of [layer, channel, input]) select.addEventListener("change", onChange);
  const button = (text) => element("button", { type: "button", text });
  const back = button("上一格");
  const next = button("下一格");
  const play = button("播放");
  play.setAttribute("aria-pressed", "false");
  const inputLabel = element("label", {}, "输入通道 ", input);
  return {
    layer, channel, input, back, next, play, inputLabel,
    element: element("div", { class: "lenet-cell-controls" },
                     element("label", {}, "层 ", layer), element("label", {}, "输出通道 ", channel),
                     inputLabel, back, next, play),
  };
}

const fill = (select, options, value) => {
  const wanted = options.map(([v, text]) => `${v}:${text}`).join("|");
  if (select.dataset.options !== wanted) {
    select.replaceChildren(...options.map(([v, text]) => element("option", { value: v, text })));
    select.dataset.options = wanted;
  }
  select.value = String(value);
};

/** The view; `show(trace, tensors, image)` after each forward pass. */
export function cellView() {
  let maps = [];
  let tensors = null;
  let image = null;
  let at = { name: "conv0", channel: 0, row: 0, col: 0, input: 0 };
  let timer = null;
  const ui = controls(() => {
    stop();
    at = { ...at, name: ui.layer.value, channel: Number(ui.channel.value),
           input: Number(ui.input.value) };
    fit();
    draw();
  });
  const input = picture("");
  const field = picture("图像上的感受野");
  const output = picture("");
  output.holder.tabIndex = 0;
  output.holder.setAttribute("role", "application");
  const details = element("div", { class: "lenet-cell-details" });
  const status = element("p", { class: "lenet-cell-status", "aria-live": "polite" });
  const map = () => maps.find((m) => m.name === at.name);
  /** The selection within the map shown now (another layer or network
   * may be smaller). */
  function fit() {
    const current = map() ?? maps[0];
    const last = current.size - 1;
    const inputs = current.kind === "conv" ? current.block.conv.input.channels : 1;
    at = { ...at, name: current.name, channel: Math.min(at.channel, current.channels - 1),
           row: Math.min(at.row, last), col: Math.min(at.col, last),
           input: Math.min(at.input, inputs - 1) };
  }

  function move(row, col) {
    const { size } = map();
    at = { ...at, row: Math.min(size - 1, Math.max(0, row)), col: Math.min(size - 1, Math.max(0, col)) };
    draw();
  }
  function step(by) {
    const { size } = map();
    const index = (at.row * size + at.col + by + size * size) % (size * size);
    move(Math.floor(index / size), index % size);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    ui.play.textContent = "播放";
    ui.play.setAttribute("aria-pressed", "false");
  }
  ui.back.addEventListener("click", () => { stop(); step(-1); });
  ui.next.addEventListener("click", () => { stop(); step(1); });
  ui.play.addEventListener("click", () => {
    if (timer) return stop();
    ui.play.textContent = "暂停";
    ui.play.setAttribute("aria-pressed", "true");
    timer = setInterval(() => step(1), PLAY_STEP_MS);
  });
  output.holder.addEventListener("click", (event) => {
    stop();
    const box = output.canvas.getBoundingClientRect();
    const { size } = map();
    move(Math.floor(((event.clientY - box.top) / box.height) * size),
         Math.floor(((event.clientX - box.left) / box.width) * size));
  });
  const KEYS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  output.holder.addEventListener("keydown", (event) => {
    if (!KEYS[event.key]) return;
    event.preventDefault();
    stop();
    move(at.row + KEYS[event.key][0], at.col + KEYS[event.key][1]);
  });

  function draw() {
    const current = map();
    const index = maps.indexOf(current);
    const before = index > 0 ? maps[index - 1] : null;  // the layer's input map
    const cell = cellArithmetic(maps, tensors, at.name, at.channel, at.row, at.col);
    const reach = receptiveField(maps, at.name, at.row, at.col);
    fill(ui.layer, maps.map((m) => [m.name, mapTitle(m)]), at.name);
    fill(ui.channel, Array.from({ length: current.channels }, (_, c) => [c, `通道 ${c}`]), at.channel);
    const inputs = current.kind === "conv" ? cell.inputs.length : 1;
    ui.inputLabel.hidden = inputs < 2;
    fill(ui.input, Array.from({ length: inputs }, (_, c) => [c, `通道 ${c}`]), at.input);
    const area = (m, c) => m.data.subarray(c * m.size * m.size, (c + 1) * m.size * m.size);
    const inputChannel = current.kind === "conv" ? at.input : at.channel;
    const window = current.kind === "conv" ? cell.k : 2;
    const scale = current.kind === "conv" ? 1 : 2;
    const pad = current.kind === "conv" ? cell.padding : 0;
    const [top, left] = [at.row * scale - pad, at.col * scale - pad];
    input.caption.textContent = before ? `输入：${mapTitle(before)} 通道 ${inputChannel}` : "输入：图像";
    if (before) input.draw(area(before, inputChannel), before.size, true, top, left, window);
    else input.draw(image, 28, false, top, left, window);
    field.element.hidden = !before;
    field.draw(image, 28, false, reach.top, reach.left, reach.height, reach.width);
    output.caption.textContent = `输出：${mapTitle(current)} 通道 ${at.channel}`;
    output.draw(area(current, at.channel), current.size, true, at.row, at.col, 1);
    output.holder.setAttribute("aria-label", `${mapTitle(current)} 通道 ${at.channel} 的特征图：` +
                               "点一格，或用方向键移动");
    const inputName = before ? `${before.name} 通道 ${at.input}` : "图像";
    details.replaceChildren(...(cell.kind === "conv" ? convSteps(cell, at.input, inputName)
      : poolSteps(cell)));
    status.textContent = `${mapTitle(current)} 通道 ${at.channel}，第 ${at.row + 1} 行第 ${at.col + 1} 列：` +
      `值 ${shown(cell.value)}。感受野是图像上第 ${reach.top + 1}–${reach.top + reach.height} 行、` +
      `第 ${reach.left + 1}–${reach.left + reach.width} 列（${reach.height}×${reach.width}）。`;
  }

  const root = element("section", { class: "lenet-cells" },
    element("h3", { text: "一个格子是怎么算出来的" }),
    element("p", { class: "lenet-cell-hint", text: "选一层、一个通道，再点输出特征图里的一格（也可以" +
      "先点一下它，再用方向键移动）：下面列出这一格的感受野、卷积核、逐个相乘、求和、加偏差和激活函数；" +
      "池化层则是 2×2 的池化窗口。" }),
    ui.element,
    element("div", { class: "lenet-cell-pictures" }, input.element, field.element, output.element),
    status, details);
  return {
    element: root,
    show(trace, networkTensors, picture28) {
      const first = !maps.length;
      maps = cellMaps(trace);
      tensors = networkTensors;
      image = picture28;
      if (first) {  // a cell in the middle of the first map, to begin with
        const middle = Math.floor(maps[0].size / 2);
        at = { ...at, row: middle, col: middle };
      }
      fit();
      draw();
    },
    stop,
    /** The cell shown now (for the tests). */
    selected: () => ({ ...at }),
  };
}

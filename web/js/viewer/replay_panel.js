// 训练过程回放: for a network the explorer trained in this page (or one
// imported from a file that carries them), a slider through the weights it
// started from and had after each epoch.  At each place the whole viewer
// runs that network: the prediction, the maps, the cells, why it decides;
// this panel adds the first convolution's kernels and the accuracies at
// that epoch (the run's own on its test images, and on the strip's 100).

import { namedTensors, plan } from "../lenet_architecture.js";
import { drawKernels, element } from "../lenet_dom.js";

/** What a step of the replay is called. */
function stepName(step, last) {
  if (step.epoch === 0) return "训练前（初始化的权重）";
  if (step.epoch === null) return step.state === "diverged" ? "发散时的权重" : "停止时的权重";
  return `第 ${step.epoch}/${last} 个迭代周期之后`;
}

/** {channels, size, data} of the first convolution's weights in `tensors`. */
function firstKernels(arch, tensors) {
  const { name, shape } = namedTensors(plan(arch)).find((t) => t.name.endsWith(".weight"));
  return { kernels: { channels: shape[0], size: shape.at(-1) }, data: tensors[name] };
}

/** The panel: `apply(network)` is the network at the slider's place (the
 * network itself where it has no replay); `show(network, stripCorrect)`
 * after the viewer ran it (stripCorrect(network): a promise of how many of
 * the strip's images it answers right); `onMove()` when the reader moves
 * the slider. */
export function replayPanel(onMove) {
  const slider = element("input", { type: "range", min: 0, max: 0, step: 1, value: 0,
                                    "aria-label": "回放到第几个迭代周期" });
  const where = element("p", { class: "lenet-replay-line", "aria-live": "polite" });
  const kernels = element("div", { class: "lenet-replay-kernels" });
  const root = element("div", { class: "lenet-replay", hidden: true },
    element("h3", { text: "训练过程回放" }),
    element("p", { text: "拖动滑块，看这个网络从初始化开始、每个迭代周期之后的样子：" +
                         "上面的概率、特征图和下面的各部分都换成那时的权重。" }),
    slider, where,
    element("div", { class: "lenet-replay-caption", text: "第一个卷积层的卷积核（灰色为 0，白正黑负）：" }),
    kernels);
  let key = null;  // whose replay the slider is on
  let shown = 0;   // the newest show(); an older one's count is dropped
  slider.addEventListener("input", () => onMove());

  function apply(network) {
    const steps = network.replay;
    root.hidden = !steps;
    if (!steps) return network;
    if (network.key !== key) {  // another network: its end first
      key = network.key;
      slider.max = String(steps.length - 1);
      slider.value = slider.max;
    }
    const step = steps[Number(slider.value)];
    return { ...network, tensors: step.tensors, test_acc: step.test_acc, step };
  }

  async function show(network, stripCorrect) {
    if (!network.step) return;
    const { step, replay } = network;
    const last = replay.filter((s) => s.epoch).length;
    const name = stepName(step, last);
    slider.setAttribute("aria-valuetext", name);
    const { kernels: shape, data } = firstKernels(network.arch, step.tensors);
    drawKernels(kernels, shape, data);
    const recorded = step.test_acc === null ? "" : `测试集准确率 ${step.test_acc.toFixed(4)}，`;
    where.textContent = `${name}：${recorded}上面 100 张测试图像答对……`;
    const ticket = ++shown;
    const correct = await stripCorrect(network);
    if (ticket !== shown) return;
    where.textContent = `${name}：${recorded}上面 100 张测试图像答对 ${correct} 张。`;
  }
  return { element: root, apply, show };
}

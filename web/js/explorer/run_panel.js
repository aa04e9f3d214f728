// 训练 and 停止, the line that says who trains (or why not), and a run's
// progress, status and curves, from the widget's `run`.

import { runChart } from "../lenet_charts.js";
import { MESSAGES, PROBLEM_STATES, RUNNING_STATES, WORDS } from "../lenet_contract.js";
import { element } from "../lenet_dom.js";

/** The buttons (for the controls' row) and the progress (for the 训练
 * tab).  `wanted()` is the configuration 训练 trains; `problems()` the
 * network's, if it cannot be built. */
export function runPanel(model, engine, { wanted, problems, lock, newId }) {
  const trainButton = element("button", { type: "button", class: "lenet-train", text: "训练" });
  const stopButton = element("button", { type: "button", class: "lenet-stop", text: "停止",
                                         disabled: true });
  const why = element("span", { class: "lenet-engine", id: newId("why") });
  trainButton.setAttribute("aria-describedby", why.id);
  trainButton.addEventListener("click", () => {
    if (!trainButton.disabled) engine.train(wanted());
  });
  stopButton.addEventListener("click", () => engine.stop());
  // About to press 训练: what it needs starts to arrive now.
  for (const event of ["pointerdown", "focus"]) {
    trainButton.addEventListener(event, () => engine?.prefetch(), { once: true });
  }
  const progress = element("progress", { class: "lenet-progress", max: 1, value: 0,
                                         "aria-label": "训练进度" });
  const status = element("div", { class: "lenet-status", role: "status", "aria-live": "polite" });
  const curves = element("div", { class: "lenet-curves" });

  // The controls are locked and freed when a run starts and ends, not at
  // each of its progress messages (a few a second, while the reader clicks).
  let locked = null;
  function updateControls() {
    const { state } = model.get("run");
    const running = RUNNING_STATES.includes(state);
    if (running !== locked) lock(running);
    locked = running;
    stopButton.disabled = !running;
    trainButton.disabled = running || !engine || problems().length > 0;
    if (!engine) why.textContent = WORDS.no_browser_engine;
    else if (problems().length) why.textContent = "这个配置无法构造，见上面的说明。";
    else if (state === "loading") why.textContent = "正在准备训练。";
    else if (running) why.textContent = "正在训练。";
    else why.textContent = `由 ${engine.name} 训练。`;
  }
  /** The bar: the download's bytes while a run waits for them, then the
   * batches. */
  function showProgress(run) {
    const downloading = run.state === "loading" && run.download_total;
    const [done, total] = downloading ? [run.downloaded, run.download_total]
      : [run.done || 0, run.total || 0];
    progress.max = Math.max(1, total || 1);
    progress.value = done;
    progress.setAttribute("aria-valuetext", downloading
      ? `已下载 ${(done / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`
      : total ? `${done} / ${total} 个批量` : "尚未开始");
  }
  // The curves are drawn again only when the epochs change, not at each
  // of the progress messages between them.
  let drawn = null;
  function showCurves(run) {
    if (run.epochs === drawn) return;
    drawn = run.epochs;
    curves.replaceChildren();
    if (run.epochs?.length) curves.append(runChart(run.epochs, run.num_epochs || run.epochs.length));
  }
  function update() {
    const run = model.get("run");
    showProgress(run);
    status.classList.toggle("problem", PROBLEM_STATES.includes(run.state));
    status.textContent = run.message || MESSAGES[run.state] || "";
    showCurves(run);
    updateControls();
  }
  return {
    buttons: element("div", { class: "lenet-run-buttons" }, trainButton, stopButton, why),
    progress: [progress, status, curves],
    update, updateControls,
  };
}

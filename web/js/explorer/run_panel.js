// 训练 and 停止, the line that says who trains (or why not), and a run's
// progress, status and curves, from the widget's `run`.

import { runChart } from "../lenet_charts.js";
import { MESSAGES, PROBLEM_STATES, RUNNING_STATES } from "../lenet_contract.js";
import { element } from "../lenet_dom.js";

/** The buttons (for the controls' row) and the progress (for the 训练
 * tab).  `wanted()` is the configuration 训练 trains; `problems()` the
 * network's, if it cannot be built. */
export function runPanel(model, engine, contract, { wanted, problems, lock, newId }) {
  const trainButton = element("button", { type: "button", class: "lenet-train", text: "训练" });
  const stopButton = element("button", { type: "button", class: "lenet-stop", text: "停止",
                                         disabled: true });
  const why = element("span", { class: "lenet-engine", id: newId("why") });
  trainButton.setAttribute("aria-describedby", why.id);
  trainButton.addEventListener("click", () => {
    if (!trainButton.disabled) engine.train(wanted());
  });
  stopButton.addEventListener("click", () => engine.stop());
  const progress = element("progress", { class: "lenet-progress", max: 1, value: 0,
                                         "aria-label": "训练进度" });
  const status = element("div", { class: "lenet-status", role: "status", "aria-live": "polite" });
  const curves = element("div", { class: "lenet-curves" });

  function updateControls() {
    const running = RUNNING_STATES.includes(model.get("run").state);
    lock(running);
    stopButton.disabled = !running;
    trainButton.disabled = running || !engine || problems().length > 0;
    if (!engine) why.textContent = contract.words.no_browser_engine;
    else if (problems().length) why.textContent = "这个配置无法构造，见上面的说明。";
    else if (running) why.textContent = "正在训练。";
    else why.textContent = `由 ${engine.name} 训练。`;
  }
  function update() {
    const run = model.get("run");
    progress.max = Math.max(1, run.total || 1);
    progress.value = run.done || 0;
    progress.setAttribute("aria-valuetext", run.total ? `${run.done} / ${run.total} 个批量`
      : "尚未开始");
    status.classList.toggle("problem", PROBLEM_STATES.includes(run.state));
    status.textContent = run.message || MESSAGES[run.state] || "";
    curves.replaceChildren();
    if (run.epochs?.length) curves.append(runChart(run.epochs, run.num_epochs || run.epochs.length));
    updateControls();
  }
  return {
    buttons: element("div", { class: "lenet-run-buttons" }, trainButton, stopButton, why),
    progress: [progress, status, curves],
    update, updateControls,
  };
}

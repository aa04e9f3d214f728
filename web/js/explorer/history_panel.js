// 历次运行: every finished run of this explorer, a row each (its
// configuration, epochs, how it ended, final test accuracy and time), and
// their test accuracy curves in one chart.  In the static page the runs
// are kept in the browser (kept_runs.js): a line says so, or why not, and
// each run, or all, can be deleted.

import { epochChart, PALETTE } from "../lenet_charts.js";
import { element, scrollBox } from "../lenet_dom.js";

const resultOf = (run, results) => results[run.state ?? (run.stopped ? "stopped" : "done")];

function deleteButton(text, label, onClick) {
  const button = element("button", { type: "button", class: "lenet-delete", text,
                                     "aria-label": label });
  button.addEventListener("click", onClick);
  return button;
}

function historyTable(runs, words, keeper) {
  const columns = ["#", "配置", "周期", "结果", "测试准确率", "用时（秒）"];
  if (keeper) columns.push("");
  const head = element("tr", {}, ...columns.map((t) => element("th", { scope: "col", text: t })));
  const rows = runs.map((r) => {
    const row = element("tr", {},
      element("td", { text: String(r.number) }),
      element("td", { text: r.description }),
      element("td", { class: "number", text: String(r.epochs.length) }),
      element("td", { text: resultOf(r, words.run_results) }),
      element("td", { class: "number", text: r.final_test_acc.toFixed(3) }),
      element("td", { class: "number", text: r.seconds.toFixed(1) }));
    if (keeper) {
      row.append(element("td", {}, deleteButton(words.delete_run, `${words.delete_run} #${r.number}`,
                                                () => keeper.remove(r.number))));
    }
    return row;
  });
  return scrollBox(element("table", { class: "lenet-table lenet-history" }, head, ...rows),
                   "历次运行表");
}

export function showHistory(panel, runs, words, keeper) {
  panel.replaceChildren();
  const line = keeper?.line();
  if (line) {
    panel.append(element("p", { class: "lenet-kept", role: "status" }, line, " ",
                            ...(runs.length ? [deleteButton(words.delete_all_runs,
                                                            words.delete_all_runs,
                                                            () => keeper.clear())] : [])));
  }
  if (!runs.length) {
    panel.append(element("p", { class: "lenet-empty", text: words.history_empty }));
    return;
  }
  panel.append(historyTable(runs, words, keeper));
  const most = Math.max(...runs.map((r) => r.num_epochs));
  panel.append(epochChart(runs.map((r, i) => ({
    label: `#${r.number}`, color: PALETTE[i % PALETTE.length], dash: "",
    points: r.epochs.map((e) => [e.epoch, e.test_acc]) })), most, "各次运行的测试准确率"));
}

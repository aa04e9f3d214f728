// 历次运行: every finished run of this explorer, a row each (its
// configuration, epochs, how it ended, final test accuracy and time), and
// their test accuracy curves in one chart.  Each run's network can be
// downloaded as a file (lenet_network_file.js), and such a file imported
// as one more run.  In the static page the runs are kept in the browser
// (kept_runs.js): a line says so, or why not, and each run, or all, can be
// deleted.

import { epochChart, PALETTE } from "../lenet_charts.js";
import { element, scrollBox } from "../lenet_dom.js";

function resultOf(run, words) {
  const result = words.run_results[run.state ?? (run.stopped ? "stopped" : "done")];
  return run.imported ? result + words.imported : result;
}

function button(text, label, onClick, kind = "lenet-delete") {
  const made = element("button", { type: "button", class: kind, text, "aria-label": label });
  made.addEventListener("click", onClick);
  return made;
}

function historyTable(runs, words, { keeper, networks }) {
  const columns = ["#", "配置", "周期", "结果", "测试准确率", "用时（秒）"];
  if (keeper || networks) columns.push("");
  const head = element("tr", {}, ...columns.map((t) => element("th", { scope: "col", text: t })));
  const rows = runs.map((r) => {
    const row = element("tr", {},
      element("td", { text: String(r.number) }),
      element("td", { text: r.description }),
      element("td", { class: "number", text: String(r.epochs.length) }),
      element("td", { text: resultOf(r, words) }),
      element("td", { class: "number", text: r.final_test_acc === null
        ? words.unknown_accuracy : r.final_test_acc.toFixed(3) }),
      element("td", { class: "number", text: r.seconds.toFixed(1) }));
    const actions = [];
    if (networks) {
      actions.push(button(words.download_network, `${words.download_network} #${r.number}`,
                          () => networks.download(r), "lenet-download-network"));
    }
    if (keeper) {
      actions.push(button(words.delete_run, `${words.delete_run} #${r.number}`,
                          () => keeper.remove(r.number)));
    }
    if (actions.length) row.append(element("td", { class: "lenet-run-actions" }, ...actions));
    return row;
  });
  return scrollBox(element("table", { class: "lenet-table lenet-history" }, head, ...rows),
                   "历次运行表");
}

/** 导入网络文件…: a button over a file picker, and a line for what came of
 * it (the line outlives the panel's redraws). */
function importer(words, networks) {
  const note = element("p", { class: "lenet-import-note", role: "status" });
  const picker = element("input", { type: "file", accept: ".json,application/json",
                                    hidden: true, class: "lenet-import-file",
                                    "aria-label": words.import_network });
  let imports = 0;
  picker.addEventListener("change", async () => {
    const [file] = picker.files;
    picker.value = "";  // the same file can be picked again
    if (!file) return;
    note.textContent = "";
    note.textContent = await networks.importFile(file);
    note.dataset.imports = String(++imports);  // the tests wait for it
  });
  const open = button(words.import_network, words.import_network, () => picker.click(),
                      "lenet-import-network");
  return element("div", { class: "lenet-import" }, open, picker, note);
}

/** The panel; `draw(runs)` redraws it.  `keeper`: the page's kept runs
 * (null in JupyterLab); `networks`: {download(run), importFile(file) ->
 * the message to show} of the engine (null where there is none). */
export function historyPanel(panel, words, { keeper, networks }) {
  const imports = networks ? importer(words, networks) : null;
  return function draw(runs) {
    panel.replaceChildren();
    const line = keeper?.line();
    if (line) {
      panel.append(element("p", { class: "lenet-kept", role: "status" }, line, " ",
                              ...(runs.length ? [button(words.delete_all_runs,
                                                        words.delete_all_runs,
                                                        () => keeper.clear())] : [])));
    }
    if (imports) panel.append(imports);
    if (!runs.length) {
      panel.append(element("p", { class: "lenet-empty", text: words.history_empty }));
      return;
    }
    panel.append(historyTable(runs, words, { keeper, networks }));
    const most = Math.max(1, ...runs.map((r) => r.num_epochs));
    panel.append(epochChart(runs.map((r, i) => ({
      label: `#${r.number}`, color: PALETTE[i % PALETTE.length], dash: "",
      points: r.epochs.map((e) => [e.epoch, e.test_acc]) })), most, "各次运行的测试准确率"));
  };
}

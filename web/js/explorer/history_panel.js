// 历次运行: every finished run of this explorer, a row each (its
// configuration, epochs, final test accuracy and time), and their test
// accuracy curves in one chart.

import { epochChart, PALETTE } from "../lenet_charts.js";
import { element, scrollBox } from "../lenet_dom.js";

export function showHistory(panel, runs, emptyText) {
  panel.replaceChildren();
  if (!runs.length) {
    panel.append(element("p", { class: "lenet-empty", text: emptyText }));
    return;
  }
  const head = element("tr", {}, ...["#", "配置", "周期", "测试准确率", "用时（秒）"]
    .map((t) => element("th", { scope: "col", text: t })));
  const rows = runs.map((r) => element("tr", {},
    element("td", { text: String(r.number) }),
    element("td", { text: r.description }),
    element("td", { class: "number", text: String(r.epochs.length) }),
    element("td", { class: "number", text: r.final_test_acc.toFixed(3) }),
    element("td", { class: "number", text: r.seconds.toFixed(1) })));
  panel.append(scrollBox(element("table", { class: "lenet-table lenet-history" }, head, ...rows),
                         "历次运行表"));
  const most = Math.max(...runs.map((r) => r.num_epochs));
  panel.append(epochChart(runs.map((r, i) => ({
    label: `#${r.number}`, color: PALETTE[i % PALETTE.length], dash: "",
    points: r.epochs.map((e) => [e.epoch, e.test_acc]) })), most, "各次运行的测试准确率"));
}

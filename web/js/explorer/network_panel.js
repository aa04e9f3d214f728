// The explorer's network, as the controls set it: why it cannot be built,
// or its layer table and the Gluon code that builds and trains it, both
// from the network's plan (lenet_architecture.js).

import { gluonCode, layerRows, validate } from "../lenet_architecture.js";
import { element, scrollBox } from "../lenet_dom.js";

/** The layer table, with the totals. */
function tableOf(rows) {
  const number = (n) => n.toLocaleString("en-US");
  const total = (key) => number(rows.reduce((sum, r) => sum + r[key], 0));
  const head = element("tr", {}, ...["层", "输出形状", "参数个数", "计算方法", "乘加次数"]
    .map((t) => element("th", { scope: "col", text: t })));
  const body = rows.map((r) => element(
    "tr", {}, element("td", { text: r.name }),
    element("td", { text: `(${r.output_shape.join(", ")})` }),
    element("td", { class: "number", text: number(r.num_params) }),
    element("td", { text: r.formula }),
    element("td", { class: "number", text: number(r.multiply_adds) })));
  const foot = element("tr", { class: "total" }, element("td", { text: "合计" }),
                       element("td"),
                       element("td", { class: "number", text: total("num_params") }),
                       element("td"),
                       element("td", { class: "number", text: total("multiply_adds") }));
  return element("table", { class: "lenet-table lenet-arch-table" }, head, ...body, foot);
}

/** Two views that take turns, chosen by a row of buttons. */
function views(panes, first) {
  const buttons = element("div", { class: "lenet-views" });
  for (const [title, pane] of Object.entries(panes)) {
    const button = element("button", { type: "button", text: title,
                                       "aria-pressed": String(title === first) });
    button.dataset.view = title;
    button.addEventListener("click", () => {
      for (const [other, otherPane] of Object.entries(panes)) {
        otherPane.hidden = other !== title;
        buttons.querySelector(`[data-view="${other}"]`)
          .setAttribute("aria-pressed", String(other === title));
      }
    });
    buttons.append(button);
    pane.hidden = title !== first;
  }
  return buttons;
}

/** The message, the two views and their panes; `update(arch, training)`
 * shows a configuration and returns its problems ([] when it builds). */
export function networkPanel() {
  const message = element("div", { class: "lenet-message", role: "alert" });
  const table = element("div", { class: "lenet-table-view" });
  const code = element("textarea", { class: "lenet-code", readonly: true,
                                     "aria-label": "构造并训练这个网络的 Gluon 代码" });
  const buttons = views({ "各层形状与参数": table, "Gluon 代码": code }, "各层形状与参数");
  function update(arch, training) {
    const problems = validate(arch);
    message.replaceChildren();
    if (problems.length) {
      message.append(element("b", { text: "这个配置无法构造：" }));
      for (const p of problems) message.append(element("br"), p);
      message.append(element("br"), "修正之前不能训练。");
      table.replaceChildren();
      code.value = "";
    } else {
      table.replaceChildren(scrollBox(tableOf(layerRows(arch)), "各层形状与参数表"));
      code.value = gluonCode(arch, training);
    }
    return problems;
  }
  return { elements: [message, buttons, table, code], update };
}

// 单步: one batch of the run 训练 would make (the same initial parameters,
// images and rates), in whichever engine trains, and what that step did:
// the batch's loss before and after, and each layer's gradient, update and
// parameter sizes (explorer_logic.step_report, lenet_train.stepReport).

import { RUNNING_STATES, WORDS as words } from "../lenet_contract.js";
import { element, scrollBox } from "../lenet_dom.js";
import { formatG } from "../lenet_format.js";

/** The button (for the row of 训练 and 停止) and what it shows.
 * `wanted()` is the configuration 训练 would train; `problems()` the
 * network's, if it cannot be built. */
export function stepPanel(model, engine, { wanted, problems }) {
  const button = element("button", { type: "button", class: "lenet-step-button",
                                     text: words.step_button });
  const line = element("p", { class: "lenet-step-line", role: "status", "aria-live": "polite" });
  const table = element("table", { class: "lenet-table lenet-step-table" });
  const box = element("div", { class: "lenet-step", hidden: true }, line,
                      scrollBox(table, "单步的结果"),
                      element("p", { class: "lenet-pointer", text: words.step_explained }));
  let asking = false;

  function show({ message, layers }) {
    line.textContent = message;
    table.replaceChildren();
    if (!layers) return;
    table.append(element("thead", {}, element("tr", {}, ...words.step_columns.map(
      (text) => element("th", { scope: "col", text })))));
    table.append(element("tbody", {}, ...layers.map((layer) => element("tr", {},
      element("th", { scope: "row", text: layer.name }),
      ...["gradient", "update", "parameters"].map((what) =>
        element("td", { text: formatG(layer[what], 3) }))))));
  }
  function update() {
    const running = RUNNING_STATES.includes(model.get("run").state);
    button.disabled = asking || running || !engine || problems().length > 0;
  }
  button.addEventListener("click", async () => {
    if (button.disabled) return;
    asking = true;
    update();
    box.hidden = false;
    line.textContent = "正在算这一步……";
    try {
      show(await engine.step(wanted()));
    } finally {
      asking = false;
      update();
    }
  });
  return { button, box, update };
}

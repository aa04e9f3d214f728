// A row of tabs over panels, as the WAI-ARIA tabs pattern has them: one
// selected at a time, the arrow keys, Home and End move between them.

import { element } from "../lenet_dom.js";

/** Tabs named `titles`; returns {list, panels, panel(title), show(title)}. */
export function tabs(titles, label, newId) {
  const list = element("div", { class: "lenet-tabs", role: "tablist", "aria-label": label });
  const panels = element("div");
  const byTitle = {};
  function show(title) {
    for (const [other, { button, panel }] of Object.entries(byTitle)) {
      const on = other === title;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
  }
  titles.forEach((title, at) => {
    const panel = element("div", { class: "lenet-tabpanel", role: "tabpanel", id: newId("panel") });
    const button = element("button", { type: "button", role: "tab", text: title,
                                       "aria-controls": panel.id, "aria-selected": "false",
                                       tabindex: "-1", id: newId("tab") });
    panel.setAttribute("aria-labelledby", button.id);
    button.addEventListener("click", () => show(title));
    button.addEventListener("keydown", (event) => {
      const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0,
                     End: titles.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = titles[(next + titles.length) % titles.length];
      show(target);
      byTitle[target].button.focus();
    });
    byTitle[title] = { button, panel };
    list.append(button);
    panels.append(panel);
  });
  show(titles[0]);
  return { list, panels, panel: (title) => byTitle[title].panel, show };
}

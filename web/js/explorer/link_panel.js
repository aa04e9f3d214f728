// The configuration as a link (lenet_link.js).  In the static page the
// address follows the controls (history.replaceState: no new history
// entries) and 复制链接 copies it; a link the page is opened with, or
// pasted into the address bar, sets the controls (during a run, for the
// next one, which it says), and whatever it could not use is listed.  In JupyterLab the kernel read the link
// (LeNetExplorer(link=...)) and its notes come in `link_notes`.

import { MESSAGES, RUNNING_STATES } from "../lenet_contract.js";
import { element } from "../lenet_dom.js";
import { configFromLink, isLink, linkOf } from "../lenet_link.js";

export function linkPanel(model, config, setConfig, kernel) {
  const status = element("div", { class: "lenet-link-status", role: "status" });
  const notes = element("ul", { class: "lenet-link-notes" });
  const shown = element("input", { type: "text", readonly: true, hidden: true,
                                   class: "lenet-link-text", "aria-label": "这个配置的链接" });
  const tell = (text, lines = []) => {
    status.textContent = text;
    notes.replaceChildren(...lines.map((line) => element("li", { text: line })));
  };
  const write = () => history.replaceState(history.state, "", `#${linkOf(config())}`);
  const read = () => {
    if (!isLink(location.hash)) return;
    const { values, notes: lines } = configFromLink(location.hash, config());
    setConfig(values);
    // The run on its way keeps the configuration it started with.
    const training = RUNNING_STATES.includes(model.get("run")?.state);
    tell(MESSAGES.link_applied, training ? [MESSAGES.link_next_run, ...lines] : lines);
  };
  const copy = element("button", { type: "button", class: "lenet-copy-link", text: "复制链接" });
  copy.addEventListener("click", async () => {
    write();
    try {
      await navigator.clipboard.writeText(location.href);
      shown.hidden = true;
      tell(MESSAGES.link_copied);
    } catch {
      shown.value = location.href;
      shown.hidden = false;
      tell(MESSAGES.link_copy_refused);
      shown.select();
    }
  });
  if (kernel) {
    const kernelNotes = model.get("link_notes") ?? [];
    if (kernelNotes.length) tell(MESSAGES.link_applied, kernelNotes);
    return { elements: [status, notes], start() {} };
  }
  return {
    elements: [element("div", { class: "lenet-link-row" }, copy, status), notes, shown],
    start() {
      read();
      window.addEventListener("hashchange", read);
      model.on("change:config", write);
    },
  };
}

// The ten class probabilities as bars, the most likely class in red and
// the true class (of a test image) ticked.  The rows are made once and
// then only updated: rebuilding them per image would cost more than the
// forward pass itself.

import { element } from "../lenet_dom.js";

export function probabilityBars(classNames) {
  const box = element("div", { class: "lenet-viewer-bars" });
  const rows = classNames.map((name, i) => {
    const row = element("div", { class: "lenet-viewer-bar", "data-class": String(i) },
                        element("span"), element("span", { class: "fill" }),
                        element("span", { class: "value" }));
    box.append(row);
    return row;
  });
  /** `probabilities` (null: no image, no prediction) and the true class
   * (null when unknown). */
  function show(probabilities, truth) {
    const top = probabilities && probabilities.indexOf(Math.max(...probabilities));
    rows.forEach((row, i) => {
      const [name, fill, value] = row.children;
      row.classList.toggle("top", probabilities !== null && i === top);
      name.textContent = classNames[i] + (probabilities && i === truth ? " ✓" : "");
      if (probabilities === null) {
        delete row.dataset.probability;
        fill.style.width = "0px";
        value.textContent = "–";
        return;
      }
      row.dataset.probability = String(probabilities[i]);
      fill.style.width = `${Math.round(probabilities[i] * 200)}px`;
      value.textContent = `${(100 * probabilities[i]).toFixed(1)}%`;
    });
  }
  return { element: box, show };
}

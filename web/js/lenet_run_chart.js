// One finished run's curves (5.5.4's short run at build time), drawn with
// the explorer's chart: training loss, training and test accuracy per
// epoch.  An anywidget module, bundled into book/lenet/esm/run_chart.js.

import { runChart } from "./lenet_charts.js";
import { element } from "./lenet_dom.js";
// The style sheet as text (esbuild's text loader, ci/build_js.sh).
import SHARED_STYLE from "./lenet_widgets.css";

function render({ model, el }) {
  const root = element("div", { class: "lenet-run-chart" },
                       element("style", { text: SHARED_STYLE }));
  const draw = () => root.replaceChildren(
    root.firstChild, runChart(model.get("epochs"), model.get("num_epochs")));
  model.on("change:epochs", draw);
  draw();
  el.append(root);
}

export default { render };

// One finished run's curves (5.5.4's short run at build time), drawn with
// the explorer's chart: training loss, training and test accuracy per epoch.
// Python (lenet.contract.widget_esm) loads it after lenet_shared.js.

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

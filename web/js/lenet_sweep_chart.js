// The 5.5.4 sweep chart in the static book (lenet.sweep_chart writes its
// place and its Vega-Lite spec into the page).  Vega (0.28 MB compressed)
// loads when the chart comes near the screen, after the text and the
// explorer on a slow line; a click on the scatter picks that point's
// configuration; the view is published for the trained-network viewer,
// which follows the chart's controls (lenet_channel.js).

import { publish, TOPICS } from "./lenet_channel.js";
import { whenNear } from "./lenet_dom.js";

const VEGA = new URL("../vendor/vega/", import.meta.url);

function script(name) {
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = new URL(`${name}.min.js`, VEGA).href;
    tag.onload = resolve;
    tag.onerror = reject;
    document.head.appendChild(tag);
  });
}

/** The spec: in the page, or in a file beside it that its block names
 * (book/_ext/page_weight.py moves large JSON blocks out). */
function spec(block) {
  return block.dataset.src
    ? fetch(new URL(block.dataset.src, document.baseURI)).then((r) => r.json())
    : Promise.resolve(JSON.parse(block.textContent));
}

async function draw(chart) {
  await script("vega");
  await script("vega-lite");
  await script("vega-embed");
  const { view } = await globalThis.vegaEmbed(
    chart, await spec(document.getElementById(`${chart.id}-spec`)),
    { renderer: "svg", actions: false });
  view.addSignalListener("pick", (_, v) => {
    if (!v || !v.kernel) return;
    view.signal("kernel", v.kernel[0]).signal("channels", v.channels[0])
      .signal("activation", v.activation[0]).runAsync();
  });
  publish(TOPICS.sweepView, view);
  chart.dataset.drawn = "true";
}

for (const chart of document.querySelectorAll(".lenet-sweep-chart")) {
  whenNear(chart, () => draw(chart));
}

// The 5.5.4 sweep chart in the static book (lenet.sweep_chart writes its
// place and its Vega-Lite spec into the page).  Vega (0.28 MB compressed)
// loads when the chart comes near the screen, after the text and the
// explorer on a slow line; a click on the scatter picks that point's
// configuration; the view is published for the trained-network viewer,
// which follows the chart's controls (lenet_channel.js).  What a screen
// reader hears is Chinese: the spec describes every mark
// (lenet.sweep_chart), and what Vega words itself is put into Chinese here.

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

// Vega's words for the parts of a chart (vega-scenegraph's aria.js), which
// no spec can change.
const ROLE_WORDS = {
  axis: "坐标轴", legend: "图例", title: "标题", subtitle: "副标题",
  point: "数据点", "line mark": "折线", "text mark": "文字", "symbol mark": "符号",
  visualization: "图表",
};
function chineseRole(text) {
  if (Object.hasOwn(ROLE_WORDS, text)) return ROLE_WORDS[text];
  return / mark container$/.test(text) ? "图表的一部分" : text;
}
// ...and its sentences for axes, legends and titles, whose `description`
// Vega 5's SVG does not use.
const values = (text) => text.replace(/^values from (.+) to (.+)$/s, "从 $1 到 $2")
  .replace(/^(\d+) values: (.+)$/s, "$1 个值：$2");
function chineseLabel(text) {
  let found = /^Title text '(.*)'$/s.exec(text);
  if (found) return `标题：${found[1]}`;
  found = /^([XY])-axis titled '(.*)' for an? .+? scale with (.+)$/s.exec(text);
  if (found) return `${found[1] === "X" ? "横轴" : "纵轴"}：${found[2]}，${values(found[3])}`;
  found = /^\w+ legend(?: titled '(.*)')? for .+? with (.+)$/s.exec(text);
  if (found) return `图例${found[1] ? `：${found[1]}` : ""}，${values(found[2])}`;
  return text;
}

/** Vega's English role words and title captions in `chart`, in Chinese,
 * now and whenever Vega redraws. */
function speakChinese(chart) {
  const translate = () => {
    for (const node of chart.querySelectorAll("[aria-roledescription], [aria-label]")) {
      for (const [name, change] of [["aria-roledescription", chineseRole],
                                    ["aria-label", chineseLabel]]) {
        const text = node.getAttribute(name);
        if (text !== null && change(text) !== text) node.setAttribute(name, change(text));
      }
    }
  };
  translate();
  new MutationObserver(translate).observe(chart, {
    subtree: true, childList: true, attributeFilter: ["aria-roledescription", "aria-label"] });
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
  speakChinese(chart);
  publish(TOPICS.sweepView, view);
  chart.dataset.drawn = "true";
}

for (const chart of document.querySelectorAll(".lenet-sweep-chart")) {
  whenNear(chart, () => draw(chart));
}

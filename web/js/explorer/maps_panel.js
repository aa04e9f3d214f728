// 特征图与混淆矩阵: the last trained network's feature maps of one test
// image (each convolution block after its activation) and its confusion
// matrix over the test set.  The maps come from the engine, as the
// kernel's messages or the worker's arrive.

import { mapTitle } from "../lenet_architecture.js";
import { classNames, IMAGE_SIZE, TEST_SET_SIZE, WORDS } from "../lenet_contract.js";
import { asFloats, drawMap, element, scrollBox } from "../lenet_dom.js";
import { labelled } from "./controls.js";

function confusionTable(counts, classNames) {
  const short = classNames.map((name) => name.split("（")[0]);
  const head = element("tr", {}, element("th", { scope: "col", text: "真实 \\ 预测" }),
                       ...short.map((n) => element("th", { scope: "col", text: n })));
  const top = Math.max(...counts.flat());
  const rows = counts.map((row, i) => element("tr", {},
    element("th", { scope: "row", text: short[i] }),
    ...row.map((count) => {
      const cell = element("td", { text: String(count) });
      const shade = count / top;
      cell.style.background = `rgba(26, 95, 180, ${(0.85 * shade).toFixed(2)})`;
      if (shade > 0.5) cell.style.color = "#fff";
      return cell;
    })));
  return element("div", {}, element("h4", { text: "整个测试集上的混淆矩阵（行：真实类别，列：预测类别）" }),
                 scrollBox(element("table", { class: "lenet-table lenet-confusion" }, head, ...rows),
                           "混淆矩阵"));
}

/** One test image and its maps, drawn into `maps`. */
function drawMaps(maps, content, arrays, names) {
  const classOf = names[content.label];
  const image = element("canvas", { "aria-label": `测试图像 ${content.image}：${classOf}` });
  drawMap(image, arrays[0], IMAGE_SIZE, false);
  image.style.width = image.style.height = `${3 * IMAGE_SIZE}px`;
  maps.replaceChildren(element("h4", { text: `测试图像 #${content.image}（${classOf}）` }), image);
  content.layers.forEach((layer, i) => {
    const area = layer.size * layer.size;
    const group = element("div", {}, element("h4", {
      text: `${mapTitle(layer.name)}：${layer.channels} 个通道，` +
        `各 ${layer.size}×${layer.size}` }));
    for (let c = 0; c < layer.channels; c++) {
      const canvas = element("canvas", { title: `${layer.name} 通道 ${c}` });
      drawMap(canvas, arrays[i + 1].subarray(c * area, (c + 1) * area), layer.size, true);
      canvas.style.width = canvas.style.height = `${Math.max(36, 2 * layer.size)}px`;
      group.append(canvas);
    }
    maps.append(group);
  });
}

/** The panel's `update(inspection)`, and `deliver(content, buffers)` for
 * the engine's feature maps (no engine: nothing is ever trained). */
export function mapsPanel(panel, engine, newId) {
  const lastImage = (engine?.testSize ?? TEST_SET_SIZE) - 1;
  const imageIndex = element("input", { type: "number", min: 0, max: lastImage, step: 1,
                                        value: 0, inputmode: "numeric" });
  const maps = element("div", { class: "lenet-maps" });
  const confusion = element("div");
  function requestMaps() {
    const index = Math.min(lastImage, Math.max(0, Math.round(Number(imageIndex.value) || 0)));
    imageIndex.value = String(index);
    engine?.featureMaps(index);
  }
  imageIndex.addEventListener("change", requestMaps);
  let names = classNames();  // the last run's data set's
  function update(inspection) {
    panel.replaceChildren();
    if (!inspection.ready) {
      panel.append(element("p", { class: "lenet-empty", text: WORDS.maps_empty }));
      return;
    }
    panel.append(labelled("测试图像编号", imageIndex, newId), maps, confusion);
    names = classNames(inspection.data_set);
    confusion.replaceChildren(confusionTable(inspection.confusion, names));
    requestMaps();
  }
  let shown = null;  // {content, arrays} drawn last (read by the tests)
  function deliver(content, buffers) {
    shown = { content, arrays: buffers.map(asFloats) };
    drawMaps(maps, content, shown.arrays, names);
  }
  return { update, deliver, shown: () => shown };
}

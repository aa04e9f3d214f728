// The feature maps of the viewer's forward pass: each convolution block
// after its activation and after its pooling, one small canvas a channel.
// The canvases are made once per layout and then only redrawn.

import { mapTitle } from "../lenet_architecture.js";
import { drawMap, element } from "../lenet_dom.js";


export function featureMapsView() {
  const box = element("div", { class: "lenet-viewer-maps" });
  let layout = "";
  let canvases = [];
  function build(maps) {
    canvases = [];
    box.replaceChildren(...maps.map((m) => {
      const group = element("div", { "data-map": m.name }, element("h3", {
        text: `${mapTitle(m.name)}：${m.channels} 个通道，各 ${m.size}×${m.size}` }));
      const shown = `${Math.max(36, 2 * m.size)}px`;
      canvases.push(Array.from({ length: m.channels }, (_, c) => {
        const canvas = element("canvas", { title: `${m.name} 通道 ${c}` });
        canvas.style.width = canvas.style.height = shown;
        group.append(canvas);
        return canvas;
      }));
      return group;
    }));
  }
  function show(maps) {
    const shape = maps.map((m) => `${m.name}:${m.channels}:${m.size}`).join(",");
    if (shape !== layout) {
      layout = shape;
      build(maps);
    }
    maps.forEach((m, layer) => {
      const area = m.size * m.size;
      canvases[layer].forEach((canvas, c) => drawMap(
        canvas, m.data.subarray(c * area, (c + 1) * area), m.size, true));
    });
  }
  function clear() {
    box.replaceChildren();
    layout = "";
  }
  return { element: box, show, clear };
}

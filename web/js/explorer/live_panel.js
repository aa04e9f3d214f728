// 训练中的网络: while a run trains, the loss of every batch beside the
// per-epoch curves, the first convolution's kernels and one test image's
// maps at every block, as the engine sends them (lenet.explorer's
// LiveReports from the kernel, liveReports of lenet_train_worker.js in the
// page).  The engine computes the pictures only while the reader sees
// them: the panel on screen, its tab shown, the switch on.

import { batchLossChart } from "../lenet_charts.js";
import { classNames, IMAGE_SIZE, TEST_SET_SIZE } from "../lenet_contract.js";
import { asFloats, drawKernels, drawMap, element } from "../lenet_dom.js";
import { featureMapsView } from "../viewer/maps.js";
import { labelled } from "./controls.js";

/** The panel: `element`, `start(config)` when a run of `config` begins,
 * `deliver(content, arrays)` for each live message, and what it holds
 * (`losses()`, `picture()`, `pictures()`: read by the tests). */
export function livePanel(engine, newId) {
  const lastImage = (engine?.testSize ?? TEST_SET_SIZE) - 1;
  const shown = element("input", { type: "checkbox", checked: true });
  const imageIndex = element("input", { type: "number", min: 0, max: lastImage, step: 1,
                                        value: 0, inputmode: "numeric" });
  const chart = batchLossChart();
  const kernels = element("div", { class: "lenet-live-kernels" });
  const image = element("canvas", {});
  image.style.width = image.style.height = "56px";
  const caption = element("div", { class: "lenet-live-caption" });
  const maps = featureMapsView();
  const pictureBox = element("div", { class: "lenet-live-pictures" },
    element("h4", { text: "第一个卷积层的卷积核（灰色为 0，白正黑负）" }), kernels,
    caption, image, maps.element);
  const box = element("div", { class: "lenet-live" },
    element("h4", { text: "训练中的网络" }),
    element("label", { class: "lenet-live-switch" }, shown, "边训练边画出网络"),
    labelled("测试图像编号", imageIndex, newId),
    element("div", { class: "lenet-live-caption", text: "每个批量的训练损失（上面的曲线是每个迭代周期的）：" }),
    chart.element, pictureBox);

  let losses = [];
  let total = 0;
  let run = { num_epochs: 1, data_set: undefined };  // the run's config
  let last = null;     // the newest message with a picture, and its arrays
  let received = 0;    // pictures that came (read by the tests)
  let visible = false;
  let asked;           // what the engine was last told to draw

  const wanted = () => (visible && shown.checked && !document.hidden
    ? Math.min(lastImage, Math.max(0, Math.round(Number(imageIndex.value) || 0))) : null);
  function tell() {
    const image = wanted();
    pictureBox.hidden = !shown.checked;
    if (image !== asked) engine?.live(image);
    asked = image;
  }
  function draw() {
    if (!visible) return;
    chart.draw(losses, total, run.num_epochs);
    if (!last || !shown.checked) return;
    const { picture, arrays } = last;
    const names = classNames(run.data_set);
    caption.textContent = `测试图像 #${picture.image}（${names[picture.label]}）在各卷积块（激活之后）的特征图：`;
    drawMap(image, arrays[0], IMAGE_SIZE, false);
    maps.show(picture.layers.map((layer, i) => ({ ...layer, data: arrays[i + 1] })));
    drawKernels(kernels, picture.kernels, arrays.at(-1));
  }
  let frame = 0;  // one redraw per frame, however many messages came
  const redraw = () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); });
  };

  if ("IntersectionObserver" in globalThis) {
    new IntersectionObserver((entries) => {
      visible = entries.at(-1).isIntersecting;
      tell();
      redraw();
    }).observe(box);
  } else {
    visible = true;
  }
  shown.addEventListener("change", () => { tell(); redraw(); });
  imageIndex.addEventListener("change", tell);
  document.addEventListener("visibilitychange", tell);

  return {
    element: box,
    start(config) {
      run = config;
      losses = [];
      total = 0;
      last = null;
      asked = undefined;  // a new worker or kernel run: say it again
      tell();
      kernels.replaceChildren();
      maps.clear();
      caption.textContent = "";
      chart.draw(losses, total, run.num_epochs);
    },
    deliver(content, arrays) {
      losses.length = content.first;
      losses.push(...content.losses);
      total = content.total;
      if (content.picture) {
        last = { picture: content.picture, arrays: arrays.map(asFloats) };
        received += 1;
      }
      redraw();
    },
    losses: () => losses,
    picture: () => last,
    pictures: () => received,
  };
}

// The 5.5.4 explorer, as one anywidget module (bundled by ci/build_js.sh
// into book/lenet/esm/explorer.js): the network's controls with its layer
// table and Gluon code, the training settings, 训练 and 停止, progress and
// curves, the network as it learns (训练中的网络), the history of runs and
// the last run's feature maps, each a panel of web/js/explorer/.
//
// The same module runs in JupyterLab, where the kernel trains (MXNet), and
// in the static book, where it draws from the page's saved state, computes
// the network's shapes and code in the browser and trains there too
// (explorer/engines.js).  Both engines write the same `run`, `history` and
// `inspection` the panels draw.  What the controls may hold, the presets
// and the words are the contract's (book/lenet/contract.json, which the
// panels import through lenet_contract.js, as Python reads it).

import {
  ARCH_FIELDS, MESSAGE_TYPES as TYPES, RUNNING_STATES, TRAINING_FIELDS, WORDS,
} from "./lenet_contract.js";
import { element, hasKernel, keepKeys } from "./lenet_dom.js";
// Style sheets as text (esbuild's text loader, ci/build_js.sh).
import SHARED_STYLE from "./lenet_widgets.css";
import EXPLORER_STYLE from "./explorer/explorer.css";
import { controlsPanel } from "./explorer/controls.js";
import { browserEngine, kernelEngine } from "./explorer/engines.js";
import { historyPanel } from "./explorer/history_panel.js";
import { linkPanel } from "./explorer/link_panel.js";
import { livePanel } from "./explorer/live_panel.js";
import { mapsPanel } from "./explorer/maps_panel.js";
import { networkPanel } from "./explorer/network_panel.js";
import { staticNotice } from "./explorer/notice.js";
import { runPanel } from "./explorer/run_panel.js";
import { markTraining } from "./lenet_page_state.js";
import { stepPanel } from "./explorer/step_panel.js";
import { tabs } from "./explorer/tabs.js";

const pick = (config, fields) => Object.fromEntries(fields.map((f) => [f, config[f]]));

/** Test hooks on the root: set fields as the controls do, read the state
 * and the kept runs (lenetKept.settled() waits for their writes),
 * the network panel's timings (read by the browser benchmark). */
function exposeForTests(root, model, setConfig, config, timings, engine) {
  root.lenetKept = engine?.keeper;
  root.lenetTimings = timings;
  root.lenetSetConfig = (changes) => setConfig({ ...config(), ...changes });
  root.lenetRun = () => model.get("run");
  root.lenetConfig = () => model.get("config");
  root.lenetInspection = () => model.get("inspection");
  root.lenetHistory = () => model.get("history");
}

function render({ model, el }) {
  const kernel = hasKernel(model);
  const root = element("div", { class: "lenet-explorer" },
                       element("style", { text: SHARED_STYLE + EXPLORER_STYLE }));
  let ids = 0;
  const newId = (what) => `lenet-explorer-${what}-${++ids}-${Math.random().toString(36).slice(2, 7)}`;
  const config = () => model.get("config");
  const setConfig = (changed) => {
    model.set("config", changed);
    model.save_changes();
  };
  // The engine's feature maps and live reports, to the panel that draws them.
  const deliver = (content, arrays) => (content.type === TYPES.live ? live : maps)
    .deliver(content, arrays);
  const engine = kernel ? kernelEngine(model) : browserEngine(model, deliver);

  const controls = controlsPanel(config, setConfig, newId, engine?.trainSize);
  const network = networkPanel();
  const link = linkPanel(model, config, setConfig, kernel);
  const timings = [];
  let problems = [];
  const results = tabs(["训练", "历次运行", "特征图与混淆矩阵"], "训练结果", newId);
  // What 训练 and 单步 train; in the page: on the shipped images, which
  // the slider already offers.
  const wanted = () => {
    if (engine.trainSize && config().train_size > engine.trainSize) {
      setConfig({ ...config(), train_size: engine.trainSize });
    }
    return config();
  };
  const run = runPanel(model, engine, {
    wanted, problems: () => problems, lock: controls.lock, newId });
  const live = livePanel(engine, newId);
  results.panel("训练").append(...run.progress, live.element);
  const step = stepPanel(model, engine, { wanted, problems: () => problems });
  run.buttons.querySelector(".lenet-stop").after(step.button);
  const maps = mapsPanel(results.panel("特征图与混淆矩阵"), engine, newId);

  const refresh = () => {
    controls.refresh();
    const started = performance.now();
    problems = network.update(pick(config(), ARCH_FIELDS), pick(config(), TRAINING_FIELDS));
    timings.push(performance.now() - started);
    root.dataset.updates = String(timings.length);
    run.updateControls();
    step.update();
  };
  const history = historyPanel(results.panel("历次运行"), WORDS,
                               { keeper: engine?.keeper, networks: engine?.networks });
  const drawHistory = () => history(model.get("history"));
  const drawInspection = () => maps.update(model.get("inspection"));
  model.on("change:config", refresh);
  model.on("change:run", run.update);
  model.on("change:run", step.update);
  model.on("change:history", drawHistory);
  model.on("change:inspection", drawInspection);
  // 更新 (lenet_offline.js) waits while the page trains.
  if (!kernel) {
    model.on("change:run", () => markTraining(RUNNING_STATES.includes(model.get("run").state)));
  }
  model.on("msg:custom", (content, buffers) => {
    if ([TYPES.feature_maps, TYPES.live].includes(content.type)) deliver(content, buffers);
  });
  // A run begins: the live panel starts over.
  let wasRunning = false;
  model.on("change:run", () => {
    const running = RUNNING_STATES.includes(model.get("run").state);
    if (running && !wasRunning) live.start(config());
    wasRunning = running;
  });
  // The reader sets up a run: what training needs starts to arrive.
  root.addEventListener("change", () => engine?.prefetch(), { once: true });
  exposeForTests(root, model, setConfig, config, timings, engine);
  root.lenetLive = live;
  root.lenetMaps = maps.shown;
  keepKeys(root);
  root.append(
    element("h3", { class: "lenet-section", text: "网络结构" }), controls.preset,
    ...link.elements,
    controls.architecture,
    element("div", { class: "lenet-pointer", text: WORDS.arch_pointer }),
    ...network.elements,
    element("h3", { class: "lenet-section", text: "训练设置" }), controls.training,
    element("div", { class: "lenet-pointer", text: WORDS.training_pointer }),
    run.buttons, step.box);
  if (!kernel) root.append(staticNotice(Boolean(engine)));
  root.append(results.list, results.panels);
  link.start();
  refresh();
  run.update();
  drawHistory();
  drawInspection();
  if (kernel) model.send({ type: TYPES.front_end });
  el.append(root);
}

export default { render };

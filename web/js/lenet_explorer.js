// The 5.5.4 explorer, as one anywidget module: the network's controls with
// its layer table and Gluon code, the training settings, 训练 and 停止,
// progress and curves, the history of runs and the last run's feature maps.
// Python (lenet.web_assets) loads it after lenet_shared.js and
// lenet_architecture.js, whose functions it uses.
//
// The same module runs in JupyterLab, where the kernel trains (MXNet), and
// in the static book, where it draws from the page's saved state, computes
// the network's shapes and code in the browser and trains there too (the
// browser engine below: lenet_train_worker.js, TensorFlow.js).  Both engines
// write the same `run`, `history` and `inspection` the panel draws.
// Everything the controls may hold, the presets and the words of the
// contract come from Python (the `contract` trait, lenet.contract).

function presetOf(config, presets, custom) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const found = Object.entries(presets).find(([, preset]) =>
    Object.keys(preset).every((field) => same(preset[field], config[field])));
  return found ? found[0] : custom;
}

// Fields of a pair (["kernel_sizes", 0]) or whole ("activation").
const fieldValue = (config, field, index) =>
  (index === null ? config[field] : config[field][index]);

function withField(config, field, index, value) {
  const changed = { ...config };
  if (index === null) changed[field] = value;
  else {
    changed[field] = [...config[field]];
    changed[field][index] = value;
  }
  return changed;
}

/** A contract phrase with its {placeholders} filled in. */
const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

/** Training in the static page, in a worker (lenet_train_worker.js): it
 * writes `run`, `history` and `inspection` as the kernel does, and hands
 * feature maps to `deliver` as the kernel's messages arrive.  null where
 * the browser lacks what it needs. */
function browserEngine(model, contract, deliver) {
  if (typeof Worker === "undefined" || typeof WebAssembly === "undefined" ||
      typeof DecompressionStream === "undefined") return null;
  const browser = contract.browser;
  let worker = null;
  let running = null;  // {config, epochs}
  const setRun = (changes) => model.set("run", { ...model.get("run"), ...changes });

  function finished({ state, message, epochs, tensors, confusion }) {
    setRun({ state, message });
    if (!epochs.length) return;
    const config = running.config;
    const number = model.get("history").length + 1;
    const finalAcc = epochs.at(-1).test_acc;
    const seconds = epochs.reduce((sum, e) => sum + e.seconds, 0);
    model.set("history", [...model.get("history"), {
      number, description: describe(config), config, epochs,
      num_epochs: config.num_epochs, final_test_acc: finalAcc, seconds,
      stopped: state === "stopped", engine: "browser" }]);
    model.set("inspection", { ready: true, confusion });
    // The trained-network viewer of the same page can run it (its own
    // forward pass over these tensors).
    document.dispatchEvent(new CustomEvent("lenet-trained-network", { detail: {
      key: `trained-${number}`, config, tensors, test_acc: finalAcc,
      label: fill(contract.words.trained_network, {
        number, engine: contract.engines.browser, test_acc: finalAcc.toFixed(4) }) } }));
  }

  function handle(message) {
    if (message.type === "state") {
      setRun({ state: message.state, message: message.state === "loading"
        ? fill(contract.words.browser_loading, { megabytes: browser.megabytes }) : "" });
    } else if (message.type === "progress") {
      setRun({ done: message.done, total: message.total });
    } else if (message.type === "epoch") {
      running.epochs = [...running.epochs, message.record];
      setRun({ epochs: running.epochs, message: message.message });
    } else if (message.type === "finished") {
      finished(message);
    } else if (message.type === "feature_maps") {
      deliver(message, message.arrays);
    } else if (message.type === "failed") {
      setRun({ state: "failed", message: message.message });
    }
  }

  function start() {
    if (!worker) {
      worker = new Worker(new URL(browser.worker_url, document.baseURI), { type: "module" });
      worker.onmessage = ({ data }) => handle(data);
      worker.onerror = (event) => {
        event.preventDefault?.();
        setRun({ state: "failed", message: "训练没有完成：网页里的训练程序没能启动" +
                 `（${event.message || "无法读取 lenet_train_worker.js"}）。` });
        worker = null;
      };
    }
    return worker;
  }

  return {
    name: contract.engines.browser,
    trainSize: browser.train_size,
    testSize: browser.test_size,
    train(config) {
      running = { config, epochs: [] };
      model.set("run", { state: "loading", done: 0, total: 0, epochs: [],
                         num_epochs: config.num_epochs, message: "" });
      start().postMessage({ type: "train", config, contract: {
        browser, messages: contract.messages, decimals: contract.decimals,
        exploded_loss: contract.exploded_loss } });
    },
    stop() { worker?.postMessage({ type: "stop" }); },
    featureMaps(image) { worker?.postMessage({ type: "feature_maps", image }); },
  };
}

/** The kernel as an engine: MXNet trains there (lenet.explorer). */
function kernelEngine(model, contract) {
  return {
    name: contract.engines.kernel,
    trainSize: null,
    testSize: 10000,
    train(config) { model.send({ type: "train", config }); },
    stop() { model.send({ type: "stop" }); },
    featureMaps(image) { model.send({ type: "feature_maps", image }); },
  };
}

const EXPLORER_STYLE = `
.lenet-explorer { font-size: 0.9rem; max-width: 100%; }
.lenet-explorer h3.lenet-section { font-size: 1rem; margin: 12px 0 4px; }
.lenet-controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 290px), 1fr)); gap: 4px 16px; margin: 6px 0; }
.lenet-control { display: flex; align-items: center; gap: 8px; margin: 0; min-width: 0; }
.lenet-control-label { width: 7.5em; flex: none; text-align: right; }
.lenet-control input[type=range] { flex: 1; min-width: 80px; }
.lenet-control select, .lenet-control input[type=number] { flex: 1; min-width: 0; max-width: 100%; }
.lenet-readout { width: 3.5em; flex: none; text-align: right; font-variant-numeric: tabular-nums; }
.lenet-pointer { color: #444; font-size: 0.85rem; margin: 2px 0 6px; }
.lenet-message { color: #b00020; margin: 6px 0; }
.lenet-table { border-collapse: collapse; font-family: monospace; margin: 6px 0; white-space: nowrap; }
.lenet-table th, .lenet-table td { padding: 1px 10px; text-align: left; }
.lenet-table td.number { text-align: right; }
.lenet-table tr.total td { border-top: 1px solid #888; font-weight: bold; }
.lenet-code { width: 100%; height: 17em; font-family: monospace; font-size: 0.85rem; box-sizing: border-box; }
.lenet-views button, .lenet-tabs button { margin: 2px 4px 2px 0; }
.lenet-views button[aria-pressed=true], .lenet-tabs button[aria-selected=true] { font-weight: bold; border-bottom: 3px solid #1a5fb4; }
.lenet-run-buttons { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 8px 0; }
.lenet-run-buttons button { padding: 4px 16px; }
.lenet-engine { color: #444; }
.lenet-notice { background: #fff8e1; border-left: 4px solid #b26a00; padding: 6px 10px; margin: 8px 0; color: #222; }
.lenet-tabpanel { border-top: 1px solid #ccc; padding: 6px 0; }
.lenet-progress { width: min(100%, 420px); height: 1.2em; }
.lenet-status { margin: 4px 0; }
.lenet-status.problem { color: #b00020; }
.lenet-empty { color: #444; font-style: italic; }
.lenet-maps canvas { image-rendering: pixelated; margin: 1px; border: 1px solid #ddd; }
.lenet-maps h4, .lenet-explorer h4 { margin: 8px 0 2px; font-size: 0.85rem; }
.lenet-confusion td, .lenet-confusion th { padding: 1px 5px; text-align: right; font-size: 0.8rem; }
`;

function render({ model, el }) {
  const contract = model.get("contract");
  const options = contract.options;
  const presets = contract.presets;
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
  // Feature maps, from the kernel's messages or the browser's worker.
  const mapHandlers = [];
  const engine = kernel ? kernelEngine(model, contract)
    : browserEngine(model, contract, (content, arrays) =>
      mapHandlers.forEach((handler) => handler(content, arrays)));

  // -- controls -------------------------------------------------------------
  const refreshers = [];
  const enablers = [];  // controls locked while a run is in progress
  function labelled(text, control, readout) {
    const id = newId("control");
    control.id = id;
    const row = element("div", { class: "lenet-control" },
                        element("label", { class: "lenet-control-label",
                                           for: id, text }), control);
    if (readout) row.append(readout);
    return row;
  }
  /** A slider over `values` (the positions are their indexes). */
  function choiceSlider(field, index, values, label, format) {
    const input = element("input", { type: "range", min: 0,
                                      max: values.length - 1, step: 1 });
    const readout = element("output", { class: "lenet-readout" });
    const nearest = (v) => values.reduce((best, x, i) =>
      (Math.abs(x - v) < Math.abs(values[best] - v) ? i : best), 0);
    const show = (v) => {
      readout.textContent = format(v);
      input.setAttribute("aria-valuetext", format(v));
    };
    refreshers.push(() => {
      const v = fieldValue(config(), field, index);
      input.value = String(nearest(v));
      show(v);
    });
    input.addEventListener("input", () => show(values[Number(input.value)]));
    // `change`, not `input`: the kernel sees one value per move.
    input.addEventListener("change", () => setConfig(
      withField(config(), field, index, values[Number(input.value)])));
    enablers.push(input);
    return labelled(label, input, readout);
  }
  const rangeValues = ({ min, max, step }) => {
    const values = [];
    for (let v = min; v <= max + 1e-9; v += step) values.push(Number(v.toFixed(6)));
    return values;
  };
  function select(field, index, choices, label) {
    // choices: [value, text] pairs
    const control = element("select", {}, ...choices.map(([value, text]) =>
      element("option", { value: String(value), text: String(text) })));
    refreshers.push(() => {
      control.value = String(fieldValue(config(), field, index));
    });
    control.addEventListener("change", () => {
      const current = fieldValue(config(), field, index);
      const picked = typeof current === "number" ? Number(control.value)
        : control.value;
      setConfig(withField(config(), field, index, picked));
    });
    enablers.push(control);
    return labelled(label, control);
  }
  const plain = (list) => list.map((v) => [v, v]);
  function checkbox(field, label) {
    const input = element("input", { type: "checkbox" });
    refreshers.push(() => { input.checked = config()[field]; });
    input.addEventListener("change", () =>
      setConfig(withField(config(), field, null, input.checked)));
    enablers.push(input);
    return labelled(label, input);
  }
  function number(field, { min, max }, label) {
    const input = element("input", { type: "number", min, max, step: 1,
                                      inputmode: "numeric" });
    refreshers.push(() => { input.value = String(config()[field]); });
    input.addEventListener("change", () => {
      const value = Math.round(Number(input.value));
      if (Number.isFinite(value) && value >= min && value <= max) {
        setConfig(withField(config(), field, null, value));
      } else {
        input.value = String(config()[field]);
      }
    });
    enablers.push(input);
    return labelled(label, input);
  }

  const preset = element("select", {}, ...[...Object.keys(presets),
    contract.custom].map((name) => element("option", { value: name, text: name })));
  preset.addEventListener("change", () => {
    if (presets[preset.value]) setConfig({ ...config(), ...presets[preset.value] });
  });
  refreshers.push(() => {
    preset.value = presetOf(config(), presets, contract.custom);
  });
  enablers.push(preset);

  const int = (x) => String(x);
  const architecture = element(
    "div", { class: "lenet-controls" },
    choiceSlider("kernel_sizes", 0, rangeValues(options.kernel_range), "卷积层1 窗口", int),
    select("activation", null, plain(options.activations), "激活函数"),
    choiceSlider("kernel_sizes", 1, rangeValues(options.kernel_range), "卷积层2 窗口", int),
    select("pooling", null, options.poolings.map((p) => [p, options.pooling_labels[p]]), "池化"),
    select("channels", 0, plain(options.channel_options), "卷积层1 通道数"),
    choiceSlider("dense_units", 0, rangeValues(options.dense_range), "全连接层1 输出", int),
    select("channels", 1, plain(options.channel_options), "卷积层2 通道数"),
    choiceSlider("dense_units", 1, rangeValues(options.dense_range), "全连接层2 输出", int),
    choiceSlider("dropout", null, rangeValues(options.dropout_range), "丢弃概率",
                 (x) => Number(x).toFixed(1)),
    checkbox("batch_norm", "批量归一化"));
  const training = element(
    "div", { class: "lenet-controls" },
    select("optimizer", null, Object.keys(options.optimizers).map((name) =>
      [name, options.optimizer_labels[name]]), "优化算法"),
    choiceSlider("lr", null, options.learning_rates, "学习率", (x) => `${Number(x.toPrecision(3))}`),
    select("initializer", null, plain(options.initializers), "初始化"),
    choiceSlider("num_epochs", null, rangeValues(options.epochs_range), "迭代周期", int),
    select("batch_size", null, plain(options.batch_sizes), "批量大小"),
    choiceSlider("train_size", null, rangeValues(engine?.trainSize
      ? { ...options.train_size_range, max: engine.trainSize }
      : options.train_size_range), "训练样本数", int),
    number("seed", options.seed_range, "随机种子"));

  // -- the network: message, table, code -----------------------------------
  const message = element("div", { class: "lenet-message", role: "alert" });
  const table = element("div", { class: "lenet-table-view" });
  const code = element("textarea", { class: "lenet-code", readonly: true,
                                     "aria-label": "构造并训练这个网络的 Gluon 代码" });
  const views = element("div", { class: "lenet-views" });
  const panes = { "各层形状与参数": table, "Gluon 代码": code };
  for (const [title, pane] of Object.entries(panes)) {
    const button = element("button", { type: "button", text: title,
                                       "aria-pressed": String(pane === table) });
    button.addEventListener("click", () => {
      for (const [other, otherPane] of Object.entries(panes)) {
        otherPane.hidden = other !== title;
        views.querySelector(`[data-view="${other}"]`)
          .setAttribute("aria-pressed", String(other === title));
      }
    });
    button.dataset.view = title;
    views.append(button);
  }
  code.hidden = true;
  const archOf = (c) => Object.fromEntries(contract.arch_fields.map((f) => [f, c[f]]));
  const trainingOf = (c) => Object.fromEntries(contract.training_fields.map((f) => [f, c[f]]));
  let problems = [];
  const timings = [];
  function updateNetwork() {
    const started = performance.now();
    const arch = archOf(config());
    problems = validate(arch);
    message.replaceChildren();
    if (problems.length) {
      message.append(element("b", { text: "这个配置无法构造：" }));
      for (const p of problems) message.append(element("br"), p);
      message.append(element("br"), "修正之前不能训练。");
      table.replaceChildren();
      code.value = "";
    } else {
      table.replaceChildren(scrollBox(tableOf(layerInfos(arch)), "各层形状与参数表"));
      code.value = gluonCode(arch, trainingOf(config()), options.optimizers);
    }
    timings.push(performance.now() - started);
    root.dataset.updates = String(timings.length);
  }
  root.lenetTimings = timings;  // read by the browser benchmark
  // For the tests and benchmarks: set fields as the controls do, read state.
  root.lenetSetConfig = (changes) => setConfig({ ...config(), ...changes });
  root.lenetRun = () => model.get("run");
  root.lenetInspection = () => model.get("inspection");

  // -- training: buttons, engine, tabs ---------------------------------------
  const trainButton = element("button", { type: "button", class: "lenet-train",
                                          text: "训练" });
  const stopButton = element("button", { type: "button", class: "lenet-stop",
                                         text: "停止", disabled: true });
  const why = element("span", { class: "lenet-engine", id: newId("why") });
  trainButton.setAttribute("aria-describedby", why.id);
  trainButton.addEventListener("click", () => {
    if (trainButton.disabled) return;
    let wanted = config();
    // In the page: the shipped images, which the slider already offers.
    if (engine.trainSize && wanted.train_size > engine.trainSize) {
      wanted = { ...wanted, train_size: engine.trainSize };
      setConfig(wanted);
    }
    engine.train(wanted);
  });
  stopButton.addEventListener("click", () => engine.stop());

  const tabList = element("div", { class: "lenet-tabs", role: "tablist",
                                   "aria-label": "训练结果" });
  const tabPanels = element("div");
  const tabs = {};
  function tab(title) {
    const panel = element("div", { class: "lenet-tabpanel", role: "tabpanel",
                                   id: newId("panel") });
    const button = element("button", { type: "button", role: "tab", text: title,
                                       "aria-controls": panel.id,
                                       "aria-selected": "false", tabindex: "-1",
                                       id: newId("tab") });
    panel.setAttribute("aria-labelledby", button.id);
    button.addEventListener("click", () => showTab(title));
    button.addEventListener("keydown", (event) => {
      const titles = Object.keys(tabs);
      const at = titles.indexOf(title);
      const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0,
                     End: titles.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = titles[(next + titles.length) % titles.length];
      showTab(target);
      tabs[target].button.focus();
    });
    tabs[title] = { button, panel };
    tabList.append(button);
    tabPanels.append(panel);
    return panel;
  }
  function showTab(title) {
    for (const [other, { button, panel }] of Object.entries(tabs)) {
      const on = other === title;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
  }
  const trainPanel = tab("训练");
  const historyPanel = tab("历次运行");
  const mapsPanel = tab("特征图与混淆矩阵");
  showTab("训练");

  const progress = element("progress", { class: "lenet-progress", max: 1, value: 0,
                                         "aria-label": "训练进度" });
  const status = element("div", { class: "lenet-status", role: "status",
                                  "aria-live": "polite" });
  const curves = element("div", { class: "lenet-curves" });
  trainPanel.append(progress, status, curves);

  const engineName = engine ? engine.name : null;
  function updateRunControls() {
    const run = model.get("run");
    const running = ["loading", "training"].includes(run.state);
    for (const control of enablers) control.disabled = running;
    stopButton.disabled = !running;
    let reason = "";
    if (!engineName) reason = contract.words.no_browser_engine;
    else if (problems.length) reason = "这个配置无法构造，见上面的说明。";
    else if (running) reason = "正在训练。";
    else reason = `由 ${engineName} 训练。`;
    trainButton.disabled = running || !engineName || problems.length > 0;
    why.textContent = reason;
  }

  function updateRun() {
    const run = model.get("run");
    progress.max = Math.max(1, run.total || 1);
    progress.value = run.done || 0;
    progress.setAttribute("aria-valuetext", run.total
      ? `${run.done} / ${run.total} 个批量` : "尚未开始");
    status.classList.toggle("problem", ["diverged", "failed", "refused"].includes(run.state));
    status.textContent = run.message || contract.words.run_states[run.state] || "";
    curves.replaceChildren();
    if (run.epochs && run.epochs.length) {
      curves.append(runChart(run.epochs, run.num_epochs || run.epochs.length));
    }
    updateRunControls();
  }

  // -- history --------------------------------------------------------------
  function updateHistory() {
    const runs = model.get("history");
    historyPanel.replaceChildren();
    if (!runs.length) {
      historyPanel.append(element("p", { class: "lenet-empty", text: contract.words.history_empty }));
      return;
    }
    const head = element("tr", {}, ...["#", "配置", "周期", "测试准确率", "用时（秒）"]
      .map((t) => element("th", { scope: "col", text: t })));
    const rows = runs.map((r) => element("tr", {},
      element("td", { text: String(r.number) }),
      element("td", { text: r.description }),
      element("td", { class: "number", text: String(r.epochs.length) }),
      element("td", { class: "number", text: r.final_test_acc.toFixed(3) }),
      element("td", { class: "number", text: r.seconds.toFixed(1) })));
    historyPanel.append(scrollBox(element("table", { class: "lenet-table lenet-history" },
                                          head, ...rows), "历次运行表"));
    const most = Math.max(...runs.map((r) => r.num_epochs));
    historyPanel.append(epochChart(runs.map((r, i) => ({
      label: `#${r.number}`, color: PALETTE[i % PALETTE.length], dash: "",
      points: r.epochs.map((e) => [e.epoch, e.test_acc]) })), most,
      "各次运行的测试准确率"));
  }

  // -- feature maps and confusion matrix -------------------------------------
  const lastImage = (engine ? engine.testSize : 10000) - 1;
  const imageIndex = element("input", { type: "number", min: 0, max: lastImage, step: 1,
                                        value: 0, inputmode: "numeric" });
  const maps = element("div", { class: "lenet-maps" });
  const confusion = element("div");
  function updateInspection() {
    const inspection = model.get("inspection");
    mapsPanel.replaceChildren();
    if (!inspection.ready) {
      mapsPanel.append(element("p", { class: "lenet-empty", text: contract.words.maps_empty }));
      return;
    }
    mapsPanel.append(labelled("测试图像编号", imageIndex), maps, confusion);
    confusion.replaceChildren(confusionTable(inspection.confusion, contract.class_names));
    requestMaps();
  }
  imageIndex.addEventListener("change", requestMaps);
  function requestMaps() {
    const index = Math.min(lastImage, Math.max(0, Math.round(Number(imageIndex.value) || 0)));
    imageIndex.value = String(index);
    engine?.featureMaps(index);
  }
  model.on("msg:custom", (content, buffers) => {
    if (content.type === "feature_maps") mapHandlers.forEach((handler) => handler(content, buffers));
  });
  mapHandlers.push((content, buffers) => {
    const arrays = buffers.map((view) => new Float32Array(
      view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));
    const image = element("canvas", { "aria-label": `测试图像 ${content.image}：${contract.class_names[content.label]}` });
    drawMap(image, arrays[0], 28, false);
    image.style.width = image.style.height = "84px";
    maps.replaceChildren(element("h4", {
      text: `测试图像 #${content.image}（${contract.class_names[content.label]}）` }), image);
    content.layers.forEach((layer, i) => {
      const area = layer.size * layer.size;
      const group = element("div", {}, element("h4", {
        text: `${contract.words.map_titles[layer.name] ?? layer.name}：${layer.channels} 个通道，` +
          `各 ${layer.size}×${layer.size}` }));
      for (let c = 0; c < layer.channels; c++) {
        const canvas = element("canvas", { title: `${layer.name} 通道 ${c}` });
        drawMap(canvas, arrays[i + 1].subarray(c * area, (c + 1) * area), layer.size, true);
        canvas.style.width = canvas.style.height = `${Math.max(36, 2 * layer.size)}px`;
        group.append(canvas);
      }
      maps.append(group);
    });
  });

  // -- assemble --------------------------------------------------------------
  const refresh = () => {
    for (const show of refreshers) show();
    updateNetwork();
    updateRunControls();
  };
  model.on("change:config", refresh);
  model.on("change:run", updateRun);
  model.on("change:history", updateHistory);
  model.on("change:inspection", updateInspection);
  keepKeys(root);
  root.append(
    element("h3", { class: "lenet-section", text: "网络结构" }), labelled("预设", preset), architecture,
    element("div", { class: "lenet-pointer", text: contract.words.arch_pointer }),
    message, views, table, code,
    element("h3", { class: "lenet-section", text: "训练设置" }), training,
    element("div", { class: "lenet-pointer", text: contract.words.training_pointer }),
    element("div", { class: "lenet-run-buttons" }, trainButton, stopButton, why));
  if (!kernel) root.append(staticNotice(contract, Boolean(engine)));
  root.append(tabList, tabPanels);
  refresh();
  updateRun();
  updateHistory();
  updateInspection();
  if (kernel) model.send({ type: contract.kernel_front_end });
  el.append(root);
}

function tableOf(rows) {
  const number = (n) => n.toLocaleString("en-US");
  const total = (key) => number(rows.reduce((sum, r) => sum + r[key], 0));
  const head = element("tr", {}, ...["层", "输出形状", "参数个数", "计算方法",
                                     "乘加次数"].map((t) => element("th", { scope: "col", text: t })));
  const body = rows.map((r) => element(
    "tr", {}, element("td", { text: r.name }),
    element("td", { text: `(${r.output_shape.join(", ")})` }),
    element("td", { class: "number", text: number(r.num_params) }),
    element("td", { text: r.formula }),
    element("td", { class: "number", text: number(r.multiply_adds) })));
  const foot = element("tr", { class: "total" }, element("td", { text: "合计" }),
                       element("td"),
                       element("td", { class: "number", text: total("num_params") }),
                       element("td"),
                       element("td", { class: "number", text: total("multiply_adds") }));
  return element("table", { class: "lenet-table lenet-arch-table" }, head, ...body, foot);
}

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

function staticNotice(contract, trainsHere) {
  // The book's Sphinx extension puts the page's Binder link in a meta tag
  // when it knows the repository (book/_ext/repository_links.py).
  const binder = document.querySelector('meta[name="book-binder-url"]');
  const { train_size: train, test_size: test } = contract.browser;
  const notice = element("div", { class: "lenet-notice lenet-static-notice" },
                         contract.words.static_notice, " ",
                         trainsHere ? fill(contract.words.browser_train_size, { train, test })
                           : contract.words.no_browser_engine, " ");
  const yourself = element("a", { href: contract.words.help_url,
                                  text: "“关于本书”一页的说明" });
  if (binder) {
    notice.append("用 MXNet 训练，请", element("a", { href: binder.content, target: "_blank",
                                              rel: "noopener", text: "在 Binder 上打开本页" }),
                  "，或者按", yourself, "在自己的电脑上运行本页。");
  } else {
    notice.append("用 MXNet 训练，请按", yourself, "在自己的电脑上运行本页。");
  }
  return notice;
}

export default { render };

"""What the static book computes in JavaScript equals what Python computes.

The modules of web/js/ run in Debian's Chromium (served from web/ on
127.0.0.1, every other host blocked) and are compared with Python:

* the network's plan (lenet_architecture.js) with lenet.plan, over every
  configuration the controls offer: every layer's kind, name, shape,
  tensors, settings, formula and multiply-adds, and what follows from it
  (the layer table, the Gluon code), and the validation's messages;
* the trained-network viewer's forward pass (lenet_forward.js) with MXNet
  on the same weights, for every shipped network and test image.
"""
import itertools
import json

import numpy as np
import pytest

from tests.built_site import page_on_web_modules
from tests.layer_grid import GRID_SIZE, KERNELS, layer_grid
from lenet import contract
from lenet import messages
from lenet import explorer_logic as logic
from lenet import weights
from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.network_viewer import strip_indices
from lenet.contract import FIELDS
from lenet.explorer_logic import arch_of, training_of
from lenet.plan import named_tensors
from lenet.sweep import WEIGHTS_DIR, config_of, load_sweep

pytestmark = [pytest.mark.browser, pytest.mark.real_data,
              pytest.mark.usefixtures("real_data_dir")]

LEARNING_RATES = FIELDS["lr"]["choices"]
LR_DECAYS = FIELDS["lr_decay"]["choices"]
# Float32 arithmetic in MXNet, float64 in JavaScript, on the same float16
# weights: what is left is rounding, far below what a reader could see.
PROBABILITY_TOLERANCE = 1e-5
FEATURE_MAP_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        yield page


def grid_configs():
    """The layer controls' grid (tests/layer_grid.py, as the Python grid
    test), then each other control at its extremes."""
    yield from layer_grid()
    for activation, units, dropout, batch_norm, lr, optimizer in (
            itertools.product(
                logic.ACTIVATIONS, [(1, 1), (120, 84), (512, 512)],
                [0.0, 0.1, 0.3, 0.9], [False, True], [0.001, 0.05, 10.0],
                logic.OPTIMIZERS)):
        yield logic.ExplorerConfig(activation=activation, dense_units=units,
                                   dropout=dropout, batch_norm=batch_norm,
                                   lr=lr, optimizer=optimizer)
    for initializer, k1, pooling in itertools.product(
            logic.INITIALIZERS, KERNELS, logic.POOLINGS):
        yield logic.ExplorerConfig(initializer=initializer, batch_norm=True,
                                   kernel_sizes=(k1, 3), pooling=pooling)
    for lr, lr_decay in itertools.product(LEARNING_RATES, LR_DECAYS):
        yield logic.ExplorerConfig(lr=lr, lr_decay=lr_decay)
    for data_set in contract.FIELDS["data_set"]["choices"]:
        yield logic.ExplorerConfig(data_set=data_set)


def python_plan(config):
    """lenet.plan's layers as the JavaScript's plan gives them (JSON)."""
    return [{"kind": layer.kind, "name": layer.name,
             "output_shape": list(layer.output_shape),
             "tensors": [[what, list(shape)] for what, shape in layer.tensors],
             "formula": layer.formula, "multiply_adds": layer.multiply_adds,
             "settings": layer.settings} for layer in logic.plan(config)]


def test_the_two_plans_and_what_follows_from_them_agree(page):
    configs = list(grid_configs())
    assert len(configs) > GRID_SIZE
    # One JSON string each way: Playwright's own encoding of 16,000 nested
    # objects would take most of the test's time.
    computed = json.loads(page.evaluate(
        """async (cases) => {
          const m = await import('./lenet_architecture.js');
          return JSON.stringify(JSON.parse(cases).map(([arch, training]) => {
            const problems = m.validate(arch);
            return problems.length ? {problems}
              : {plan: m.plan(arch), rows: m.layerRows(arch),
                 tensors: m.namedTensors(m.plan(arch)),
                 code: m.gluonCode(arch, training)};
          }));
        }""", json.dumps([[arch_of(c), training_of(c)] for c in configs])))
    rejected = 0
    for config, js in zip(configs, computed, strict=True):
        problems = logic.validate(config)
        if problems:
            rejected += 1
            assert js == {"problems": problems}, config
            continue
        assert "problems" not in js, config
        assert js["plan"] == python_plan(config), config
        assert js["rows"] == [row._asdict() | {
            "output_shape": list(row.output_shape)}
            for row in logic.layer_rows(config)], config
        assert [(t["name"], t["shape"]) for t in js["tensors"]] == [
            (name, list(shape)) for name, shape in
            named_tensors(logic.plan(config))], config
        assert js["code"] == logic.gluon_code(config), config
    assert 0 < rejected < len(configs)


@pytest.fixture(scope="module")
def strip_images():
    images, labels = read_fashion_mnist("test")
    picked = strip_indices(labels)
    return to_unit_float32(images[picked]), labels[picked]


def mxnet_feature_maps(net, image):
    """Each convolution layer's output (after its activation) and each
    pooling layer's, for one image."""
    import mxnet as mx

    X, maps = mx.nd.array(image[np.newaxis]), []
    for layer in list(net)[:4]:
        X = layer(X)
        maps.append(X[0].asnumpy())
    return maps


@pytest.mark.parametrize("run", load_sweep()["runs"],
                         ids=lambda run: run["weights"]["file"])
def test_the_browser_runs_each_trained_network_as_mxnet_does(
        page, strip_images, run):
    images, _ = strip_images
    record = run["weights"]
    data = (WEIGHTS_DIR / record["file"]).read_bytes()
    net = weights.network_from_file(config_of(run), record, data)
    expected = weights.probabilities(net, images)
    looked_at = [0, 37, 99]  # feature maps of a few images
    network = {"arch": arch_of(config_of(run)), "tensors": record["tensors"]}
    js = json.loads(page.evaluate(
        """async ([network, file, images, lookedAt]) => {
          const m = await import('./lenet_forward.js');
          const buffer = await (await fetch('../data/lenet-weights/' + file))
            .arrayBuffer();
          const net = {...network, tensors: m.unpackTensors(
            m.decodeFloat16(buffer), network.tensors)};
          const results = JSON.parse(images).map((image) =>
            m.forward(net, Float32Array.from(image)));
          return JSON.stringify({
            probabilities: results.map((r) => r.probabilities),
            maps: lookedAt.map((i) => results[i].maps.map((map) =>
              Array.from(map.data))),
          });
        }""", [network, record["file"],
               json.dumps(images.reshape(len(images), -1).tolist()),
               looked_at]))
    ours = np.array(js["probabilities"])
    assert np.abs(ours - expected).max() <= PROBABILITY_TOLERANCE
    assert (ours.argmax(1) == expected.argmax(1)).all()
    for index, maps in zip(looked_at, js["maps"]):
        for theirs, mine in zip(mxnet_feature_maps(net, images[index]), maps):
            assert np.abs(theirs.ravel() - np.array(mine)).max() <= (
                FEATURE_MAP_TOLERANCE)


def test_the_history_and_the_messages_read_as_pythons(page):
    """The browser engine's run description (lenet_architecture.describe)
    and its messages (lenet_format.say) are lenet.explorer_config.
    describe's and lenet.messages.say's, over every preset and numbers of
    every kind; the class names are explorer_config.class_names()."""
    from lenet.explorer_logic import class_names, describe

    configs = [*logic.PRESETS.values(),
               *itertools.islice(grid_configs(), 0, None, 997),
               *(logic.ExplorerConfig(lr=0.003, lr_decay=g) for g in LR_DECAYS)]
    values = [
        ("epoch", dict(epoch=3, num_epochs=20, train_loss=0.123456,
                       train_acc=0.9, test_acc=0.87654, seconds=12.345)),
        ("done", dict(test_acc=0.8999, seconds=102.96)),
        ("stopped", dict(epoch=1)),
        *[("diverged", dict(epoch=2, loss=loss, lr=lr)) for loss, lr in [
            (163.0, 10.0), (8671.2, 0.9), (1.5, 0.001), (float("nan"), 2.0),
            (2.0e-5, 5.0), (123456789.0, 3.0), (101.0, 1.0)]],
        ("refused", dict(problems=["第 1 个卷积层：太大。", "学习率必须是正数。"])),
        ("failed", dict(error="找不到数据")),
        ("loading_browser", dict(megabytes=3.5)),
        ("data_incomplete", dict(labels=10, bytes=7000)),
        ("downloading", dict(loaded=0.123456, total=2.21, percent=5.586)),
        ("downloading", dict(loaded=2.21, total=2.21, percent=100.0)),
        ("download_failed", dict(error="Failed to fetch")),
        ("file_missing", dict(file="train-labels.u8.gz", status=404)),
        ("data_corrupt", dict(file="test-images.u8.gz", error="解压失败")),
        ("engine_failed", dict(file="tfjs-backend-wasm-simd.wasm",
                               error="CompileError: expected magic word")),
        ("stopped_loading", {}),
        *[("step", dict(step=step, epoch=epoch, size=size, rate=rate,
                        loss_before=before, loss_after=after))
          for step, epoch, size, rate, before, after in [
              (1, 1, 256, 0.9, 2.302585, 2.2990041),
              (236, 2, 96, 0.005 * 0.3, 0.51234, 0.49876),
              (7, 3, 512, 0.001 * 0.1 * 0.1, float("nan"), 1e5)]],
    ]
    js = page.evaluate("""async ([configs, values]) => {
      const a = await import('./lenet_architecture.js');
      const f = await import('./lenet_format.js');
      const c = await import('./lenet_contract.js');
      const nan = (v) => Object.fromEntries(Object.entries(v).map(
        ([k, x]) => [k, x === null ? NaN : x]));
      return [configs.map(a.describe),
              values.map(([name, v]) => f.say(name, nan(v))), c.CLASS_NAMES];
    }""", [[logic.config_json(c) for c in configs],
           [[n, {k: (None if v != v else v) for k, v in vs.items()}]
            for n, vs in values]])
    assert js[0] == [describe(c) for c in configs]
    # JSON has no NaN: it travels as null and is NaN again in the page.
    python = [messages.say(name, **vs) for name, vs in values]
    assert js[1] == python
    assert js[2] == class_names()


def test_each_epochs_learning_rate_is_pythons(page):
    """lenet_train.epochLearningRate gives the very doubles of
    explorer_config.epoch_learning_rate, for every rate and decay the
    controls offer, at every epoch they allow."""
    cases = [(lr, g) for lr in LEARNING_RATES for g in LR_DECAYS]
    last_epoch = FIELDS["num_epochs"]["choices"]["max"]
    epochs = range(1, last_epoch + 1)
    js = page.evaluate("""async ([cases, last]) => {
      const m = await import('./lenet_train.js');
      return cases.map(([lr, lr_decay]) => Array.from({ length: last },
        (_, e) => m.epochLearningRate({ lr, lr_decay }, e + 1)));
    }""", [cases, last_epoch])
    python = [[logic.epoch_learning_rate(
        logic.ExplorerConfig(lr=lr, lr_decay=g), e) for e in epochs]
        for lr, g in cases]
    assert js == python
    # The rule itself: constant at 1, the rate times γ^(e-1) otherwise.
    assert python[LR_DECAYS.index(1.0)] == [LEARNING_RATES[0]] * len(epochs)
    assert python[LR_DECAYS.index(0.1)][:3] == pytest.approx(
        [LEARNING_RATES[0] * 0.1 ** k for k in range(3)], rel=1e-12)


def test_the_viewer_runs_a_network_with_batch_norm_as_mxnet_does(
        page, strip_images):
    """A network trained in the page has batch norm layers and any windows;
    the viewer's forward pass (running statistics, per-layer windows) is
    MXNet's on the same float32 tensors."""
    import mxnet as mx

    images, labels = strip_images
    config = logic.ExplorerConfig(
        kernel_sizes=(3, 5), channels=(4, 8), dense_units=(32, 16),
        activation="tanh", pooling="avg", batch_norm=True, optimizer="adam",
        lr=0.01, batch_size=50)
    net, trainer, loss = logic.prepare_training(config)
    X = mx.nd.array(images)
    for start in (0, 50):  # a few steps: running statistics away from 0, 1
        logic.train_step(net, trainer, loss, X[start:start + 50],
                         mx.nd.array(labels[start:start + 50]), 50)
    expected = weights.probabilities(net, images)
    tensors = weights.network_tensors(net, config)
    assert any(name.startswith("batchnorm") for name, _ in tensors)
    js = json.loads(page.evaluate(
        """async ([network, tensors, images]) => {
          const m = await import('./lenet_forward.js');
          const net = {...network, tensors: Object.fromEntries(
            Object.entries(tensors).map(([n, v]) => [n, Float32Array.from(v)]))};
          return JSON.stringify(JSON.parse(images).map((image) =>
            m.forward(net, Float32Array.from(image)).probabilities));
        }""", [{"arch": arch_of(config)},
               {name: array.ravel().tolist() for name, array in tensors},
               json.dumps(images.reshape(len(images), -1).tolist())]))
    ours = np.array(js)
    assert np.abs(ours - expected).max() <= PROBABILITY_TOLERANCE
    assert (ours.argmax(1) == expected.argmax(1)).all()


@pytest.mark.browser
def test_the_page_pairs_the_kernels_import_answers_by_id(page):
    """Answers that come back in another order (or one never) still reach
    the import that asked."""
    said = page.evaluate("""async () => {
      const { kernelEngine } = await import('./explorer/engines.js');
      const handlers = [];
      const sent = [];
      // The widget's model as far as the kernel's engine uses it: no runs
      // in 历次运行 yet, so nothing goes to the viewer.
      const model = { on: (event, handler) => event === 'msg:custom' && handlers.push(handler),
                      get: (name) => (name === 'history' ? [] : undefined),
                      send: (message) => sent.push(message) };
      const { networks } = kernelEngine(model);
      const file = (name) => new File(['{}'], name);
      const answers = ['a.json', 'b.json', 'c.json'].map((n) => networks.importFile(file(n)));
      while (sent.length < 3) await new Promise((r) => setTimeout(r, 10));
      const answer = (m) => handlers.forEach((h) => h(
        { type: m.type, id: m.id, message: 'answer to ' + m.name }, []));
      answer(sent[2]);
      answer(sent[0]);
      return Promise.all([answers[0], answers[2]]);
    }""")
    assert said == ["answer to a.json", "answer to c.json"]

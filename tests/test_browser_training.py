"""Training in the browser (web/js/lenet_train.js on TensorFlow.js's
WebAssembly backend) takes the steps the explorer's MXNet training takes.

For every activation x pooling x batch norm x optimizer (dropout 0), from
the same initial weights and the same batch, one step in Chromium and one in
MXNet float32 (`explorer_logic.train_step`, the explorer's own loop) are both
compared with the same step in MXNet float64.  The bound is MXNet's own: the
loss and each gradient may be at most twice as far from float64 as MXNet
float32's are, or FLOAT32_FLOOR relative, whichever is larger (MXNet's
first-convolution weight gradient is itself off by up to a few 1e-3).  The
updated parameters are MXNet's rule applied to each side's gradient, checked
on MXNet's step as well; comparing them with float64 directly would say
little for Adam, whose first step is ±lr for any gradient well above 1e-8,
so that where the exact gradient is tiny the rounding of either side flips
the sign.  The batch is shorter than the configured batch size, so the
gradient's scaling (by the configured size, as train_ch5 does it) is
checked too.

The kernels the book registers itself (Conv2DBackpropFilter, MaxPoolGrad)
are compared with float64 computations of their own.
"""
import base64
import itertools
import json

import mxnet as mx
import numpy as np
import pytest

from tests.built_site import page_on_web_modules
from lenet import explorer_logic as logic
from lenet import weights
from lenet.explorer_logic import config_json
from lenet.data import read_fashion_mnist

pytestmark = [pytest.mark.browser, pytest.mark.real_data,
              pytest.mark.usefixtures("real_data_dir")]

# Relative error (max |a - b| / max |b|) that float32 arithmetic leaves in
# a tensor of this network: measured below 1e-6 for every tensor but the
# first convolution's weight gradient, for MXNet float32 and the browser
# alike; the floor is ten times that.
FLOAT32_FLOOR = 1e-5
# A gradient that is zero but for rounding, over 1e-3 of the network's
# largest gradient: measured up to 0.073 in the browser and 0.067 in MXNet
# float32 (softrelu, max pooling, batch norm), rounding noise of 7e-5 of the
# largest gradient; under DNNL_MAX_CPU_ISA=AVX MXNet's fell to 0.0024 where
# the browser's was 0.0062, so MXNet's sample cannot bound it.  Three
# padded blocks with batch norm give more: conv0.bias 0.345 in the browser,
# 0.349 in MXNet float32 (sigmoid, max pooling, Adam).  About three times
# the largest seen.  A batch norm that failed to remove the mean gives 100
# or more.
ZERO_NOISE = 1.0
# A max-pooling window whose two largest inputs differ by less than this
# (relative; a float32 step is 6e-8 to 1.2e-7) but are not equal sends its
# gradient to whichever of the two an engine's float32 rounding makes the
# larger, and either is right.  Three padded blocks (relu, max pooling) have
# one such window in image 63 of the batch, 4.1e-8 apart in float64, 4.7e-7
# in MXNet float32 and the other way round in the browser, whose first
# layer's weight gradient was then 2.8e-3 from float64 (MXNet's 4.1e-7).
# Such images leave the batch: none to 13 of the 100 in the shapes here,
# the most with sigmoid (python -m tests.near_ties counts them).  Equal
# inputs stay: both engines send the gradient to the first.
NEAR_TIE = 3e-7
# MXNet's Adam steps are 6.7e-6 (relative) longer than its rule computed in
# double precision (measured here; its coefficients are float32).
RULE_RELATIVE = 2e-5
# Each optimizer at a rate its runs use (the presets and the sweep).
RATES = {"sgd": 0.9, "momentum": 0.1, "adam": 0.001}
BATCH_SIZE, BATCH = 128, 100  # a short batch: scaled by 1/128, not 1/100
COMBINATIONS = list(itertools.product(
    logic.ACTIVATIONS, logic.POOLINGS, (False, True), logic.OPTIMIZERS))
# Other depths and padding, each under every activation x pooling x batch
# norm, the optimizers taken in turn.
SAME = dict(padding="same")
SHAPES = {
    "one-block-no-hidden": dict(kernel_sizes=(5,), channels=(6,),
                                dense_units=()),
    "three-blocks": dict(kernel_sizes=(3, 3, 3), channels=(6, 8, 16),
                         dense_units=(32, 16, 8)),
    "one-block-padded": dict(kernel_sizes=(5,), channels=(6,),
                             dense_units=(), **SAME),
    # The newer edition's LeNet (padding=2 in its first layer, here in both).
    "two-blocks-padded": dict(kernel_sizes=(5, 5), channels=(6, 16), **SAME),
    # An even window: ⌊4/2⌋ = 2 a side makes 14 into 15.
    "even-window-padded": dict(kernel_sizes=(5, 4), channels=(4, 8),
                               dense_units=(24,), **SAME),
    "three-blocks-padded": dict(kernel_sizes=(5, 3, 3), channels=(6, 8, 16),
                                dense_units=(32, 16, 8), **SAME),
}
SHAPE_CASES = [
    (shape, activation, pooling, batch_norm, optimizer)
    for (shape, activation, pooling, batch_norm), optimizer in zip(
        itertools.product(SHAPES, logic.ACTIVATIONS, logic.POOLINGS,
                          (False, True)),
        itertools.cycle(logic.OPTIMIZERS))]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        assert page.evaluate("""async () => {
          window.tf = await import('../vendor/tfjs/tfjs.esm.min.js');
          // float32 arrays travel as base64 both ways (JSON lists would be
          // slow and lose nothing but time).
          window.bytesOf = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
          window.floatsOf = (text) => new Float32Array(bytesOf(text).buffer);
          // A batch as training data, its own test set too (as_bytes).
          window.dataOf = (images, labels) => ({
            trainImages: bytesOf(images), trainLabels: bytesOf(labels),
            testImages: bytesOf(images), testLabels: bytesOf(labels) });
          window.base64Of = (array) => {
            const b = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
            let text = '';
            for (let i = 0; i < b.length; i += 0x8000) {
              text += String.fromCharCode(...b.subarray(i, i + 0x8000));
            }
            return btoa(text);
          };
          const kernels = await import('./lenet_tfjs_kernels.js');
          return kernels.startBackend(tf, '../vendor/tfjs/');
        }""") == "wasm"
        yield page


@pytest.fixture(scope="module")
def batch():
    images, labels = read_fashion_mnist("train")
    return images[:BATCH], labels[:BATCH]


def as_bytes(batch):
    """The images and labels of `batch` as base64 bytes, for dataOf."""
    images, labels = batch
    return [base64.b64encode(images.tobytes()).decode(),
            base64.b64encode(labels.astype("uint8").tobytes()).decode()]


def encode(array):
    return base64.b64encode(np.ascontiguousarray(array, "<f4")).decode()


def decode(text, shape):
    return np.frombuffer(base64.b64decode(text), "<f4").reshape(shape)


def mxnet_step(config, values, images, labels, dtype, epoch=1):
    """One step of the explorer's training from `values`, at epoch
    `epoch`'s learning rate: the loss, the gradients and every tensor after
    it, in `dtype`."""
    net, trainer, loss = logic.prepare_training(config, dtype=dtype)
    trainer.set_learning_rate(logic.epoch_learning_rate(config, epoch))
    X = mx.nd.array(images.reshape(-1, 1, 28, 28) / 255.0, dtype=dtype)
    y = mx.nd.array(labels, dtype=dtype)
    net(X)  # the deferred shapes; in inference mode nothing changes
    params = weights.named_parameters(net, config)
    for name, param in params:
        param.set_data(mx.nd.array(values[name], dtype=dtype))
    _, batch_loss = logic.train_step(net, trainer, loss, X, y, BATCH_SIZE)
    return {"loss": float(batch_loss.asscalar()),
            "gradients": {name: param.grad().asnumpy().astype("float64")
                          for name, param in params
                          if param.grad_req != "null"},
            "after": {name: param.data().asnumpy().astype("float64")
                      for name, param in params}}


def near_tie_images(config, values, images):
    """Which of `images` have a max-pooling window, in the training step's
    float64 forward pass from `values`, whose two largest inputs differ by
    less than NEAR_TIE of the larger but are not equal."""
    net, _, _ = logic.prepare_training(config, dtype="float64")
    x = mx.nd.array(images.reshape(-1, 1, 28, 28) / 255.0, dtype="float64")
    net(x)
    for name, param in weights.named_parameters(net, config):
        param.set_data(mx.nd.array(values[name], dtype="float64"))
    near = np.zeros(len(images), bool)
    with mx.autograd.train_mode():  # a batch norm's batch statistics
        for layer in net:
            if isinstance(layer, mx.gluon.nn.MaxPool2D):
                a = x.asnumpy()
                n, c, h, w = a.shape
                windows = a[:, :, :h // 2 * 2, :w // 2 * 2].reshape(
                    n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5)
                ordered = np.sort(windows.reshape(n, c, h // 2, w // 2, 4))
                gap = ordered[..., 3] - ordered[..., 2]
                close = (gap > 0) & (gap <= NEAR_TIE * np.abs(ordered[..., 3]))
                near |= close.reshape(n, -1).any(axis=1)
            x = layer(x)
    return near


def without_near_ties(config, values, images, labels):
    """The batch without the images near_tie_images names (their removal
    changes a batch norm's statistics, so until none is left)."""
    for _ in range(3):
        near = near_tie_images(config, values, images)
        if not near.any():
            return images, labels
        images, labels = images[~near], labels[~near]
    raise AssertionError(f"near ties after three rounds: {near.sum()}")


def initial_values(config, images):
    """The explorer's initial tensors for `config` (MXNet, its seed)."""
    net, _, _ = logic.prepare_training(config)
    net(mx.nd.array(images.reshape(-1, 1, 28, 28) / 255.0))
    return {name: param.data().asnumpy()
            for name, param in weights.named_parameters(net, config)}


def browser_step(page, config, values, images, labels, epoch=1):
    out = page.evaluate(
        """async ([config, values, images, labels, batchSize, epoch]) => {
          const m = await import('./lenet_train.js');
          const a = await import('./lenet_architecture.js');
          const net = m.createNetwork(tf, config, Object.fromEntries(
            Object.entries(values).map(([name, text]) => [name, floatsOf(text)])));
          const optimizer = m.createOptimizer(tf, net, config.optimizer, config.lr);
          optimizer.setLearningRate(m.epochLearningRate(config, epoch));
          const x = m.imageTensor(tf, bytesOf(images), labels.length);
          const y = tf.tensor1d(labels, 'int32');
          const step = m.trainStep(tf, net, optimizer, x, y, batchSize,
                                   { keepGradients: true });
          const after = net.values();
          const result = {
            loss: step.loss, specs: a.namedTensors(a.plan(config)),
            gradients: Object.fromEntries(Object.entries(step.gradients).map(
              ([name, g]) => [name, base64Of(g)])),
            after: Object.fromEntries(Object.entries(after).map(
              ([name, a]) => [name, base64Of(a)])),
          };
          tf.dispose([x, y]);
          optimizer.dispose();
          net.dispose();
          return JSON.stringify(result);
        }""", [config_json(config), {n: encode(v) for n, v in values.items()},
               base64.b64encode(images.tobytes()).decode(),
               labels.tolist(), BATCH_SIZE, epoch])
    out = json.loads(out)
    shapes = {spec["name"]: spec["shape"] for spec in out["specs"]}
    return {"loss": out["loss"],
            "gradients": {n: decode(t, shapes[n]).astype("float64")
                          for n, t in out["gradients"].items()},
            "after": {n: decode(t, shapes[n]).astype("float64")
                      for n, t in out["after"].items()},
            "names": [spec["name"] for spec in out["specs"]]}


def relative_error(value, reference, least_scale=0.0):
    """max |value - reference| over the larger of max |reference| and
    `least_scale` (for a tensor whose exact value is nearly zero, such as
    the gradient of a bias that a batch norm follows: its float32 value
    is rounding noise, measured against the network's gradients)."""
    scale = max(float(np.abs(reference).max()), least_scale)
    return float(np.abs(value - reference).max() / scale) if scale else (
        float(np.abs(value).max()))


def bound(mxnet_error):
    return max(FLOAT32_FLOOR, 2 * mxnet_error)


def mxnet_update(optimizer, lr, start, gradient, batch_size):
    """The first step of MXNet's update rules (sgd_update,
    sgd_mom_update, adam_update with Adam.update's bias correction), in
    float64; the test checks it against MXNet's own step too."""
    g = gradient / batch_size
    if optimizer == "sgd":
        return start - lr * g
    if optimizer == "momentum":
        return start + (0.9 * 0 - lr * g)
    m, v = 0.1 * g, 0.001 * g ** 2
    rate = lr * np.sqrt(1 - 0.999) / (1 - 0.9)
    return start - rate * m / (np.sqrt(v) + 1e-8)


# MXNet float32's side moves with oneDNN's instruction set: ci/test.sh runs
# this again under DNNL_MAX_CPU_ISA=AVX.
@pytest.mark.cpu_dependent
@pytest.mark.parametrize(
    "activation,pooling,batch_norm,optimizer", COMBINATIONS,
    ids=["-".join([a, p, "bn" if b else "plain", o])
         for a, p, b, o in COMBINATIONS])
def test_one_browser_step_is_one_mxnet_step(page, batch, activation, pooling,
                                            batch_norm, optimizer):
    """The loss and every gradient no further from float64 than MXNet
    float32's, the update MXNet's rule applied to those gradients, the
    batch norm's running statistics as MXNet updates them."""
    check_one_step(page, batch, logic.ExplorerConfig(
        activation=activation, pooling=pooling, batch_norm=batch_norm,
        optimizer=optimizer, lr=RATES[optimizer], batch_size=BATCH_SIZE))


@pytest.mark.cpu_dependent
@pytest.mark.parametrize("shape,activation,pooling,batch_norm,optimizer",
                         SHAPE_CASES,
                         ids=["-".join([s, a, p, "bn" if b else "plain", o])
                              for s, a, p, b, o in SHAPE_CASES])
def test_one_step_is_mxnets_at_every_depth(
        page, batch, shape, activation, pooling, batch_norm, optimizer):
    """The same, for one block and no hidden dense layer, three blocks
    (maps of odd sizes, 13, 11, 5 and 3) with three hidden layers, and
    padded networks of one to three blocks."""
    check_one_step(page, batch, logic.ExplorerConfig(
        **SHAPES[shape], activation=activation, pooling=pooling,
        batch_norm=batch_norm, optimizer=optimizer, lr=RATES[optimizer],
        batch_size=BATCH_SIZE))


def check_one_step(page, batch, config):
    images, labels = batch
    values = initial_values(config, images)
    images, labels = without_near_ties(config, values, images, labels)
    assert len(images) >= 0.85 * BATCH
    reference = mxnet_step(config, values, images, labels, "float64")
    mxnet32 = mxnet_step(config, values, images, labels, "float32")
    browser = browser_step(page, config, values, images, labels)
    # The same tensors under the same names, in the same order.
    assert browser["names"] == list(values)
    report = {}

    def compare(what, ours, theirs, exact, least_scale=0.0):
        errors = (relative_error(ours, exact, least_scale),
                  relative_error(theirs, exact, least_scale))
        report[what] = errors
        if np.abs(exact).max() < least_scale:
            # Exactly zero but for rounding (a bias a batch norm follows):
            # both sides are noise, whose size no single sample of MXNet's
            # sets (it differs between instruction sets); bounded as such.
            assert errors[0] <= ZERO_NOISE, (what, errors)
        else:
            assert errors[0] <= bound(errors[1]), (what, errors)

    compare("loss", np.float64(browser["loss"]), np.float64(mxnet32["loss"]),
            np.float64(reference["loss"]))
    largest = max(np.abs(g).max() for g in reference["gradients"].values())
    for name, exact in reference["gradients"].items():
        compare(f"gradient {name}", browser["gradients"][name],
                mxnet32["gradients"][name], exact, 1e-3 * largest)
    for name, exact in reference["after"].items():
        start = values[name].astype("float64")
        if name not in reference["gradients"]:  # running mean and variance
            compare(f"{name} after", browser["after"][name] - start,
                    mxnet32["after"][name] - start, exact - start)
            continue
        # Each side's update is MXNet's rule applied to its own gradient,
        # to the rounding of a few float32 operations per number.
        for side in (browser, mxnet32):
            expected = mxnet_update(config.optimizer, config.lr, start,
                                    side["gradients"][name], BATCH_SIZE)
            change = np.abs(expected - start)
            allowed = (4 * np.spacing(np.maximum(np.abs(start), change)
                                      .astype("float32")).astype("float64")
                       + RULE_RELATIVE * change)
            excess = np.abs(side["after"][name] - expected) / allowed
            assert excess.max() <= 1, (name, side is browser, excess.max())
    print(json.dumps({"case": logic.describe(config),
                      "worst": max(report.items(), key=lambda kv: kv[1][0])}))


@pytest.mark.parametrize("optimizer", list(logic.OPTIMIZERS))
def test_a_step_late_in_a_schedule_uses_the_epochs_rate(page, batch,
                                                        optimizer):
    """A step of epoch 3 with the rate multiplied by 0.3 after each epoch:
    both engines update by MXNet's rule at lr * 0.3 * 0.3, not at lr (the
    rule's own effect on the update, for each optimizer)."""
    config = logic.ExplorerConfig(
        activation="relu", batch_norm=True, optimizer=optimizer,
        lr=RATES[optimizer], lr_decay=0.3, batch_size=BATCH_SIZE)
    images, labels = batch
    values = initial_values(config, images)
    rate = logic.epoch_learning_rate(config, 3)
    assert rate == pytest.approx(RATES[optimizer] * 0.09)
    for side in (mxnet_step(config, values, images, labels, "float32", 3),
                 browser_step(page, config, values, images, labels, 3)):
        off_schedule = 0.0
        for name, gradient in side["gradients"].items():
            start = values[name].astype("float64")
            expected = mxnet_update(optimizer, rate, start, gradient,
                                    BATCH_SIZE)
            unscheduled = mxnet_update(optimizer, config.lr, start, gradient,
                                       BATCH_SIZE)
            change = np.abs(expected - start)
            allowed = (4 * np.spacing(np.maximum(np.abs(start), change)
                                      .astype("float32")).astype("float64")
                       + RULE_RELATIVE * change)
            excess = np.abs(side["after"][name] - expected) / allowed
            assert excess.max() <= 1, (name, excess.max())
            off_schedule = max(off_schedule, float(
                (np.abs(side["after"][name] - unscheduled) / allowed).max()))
        # A step at the first epoch's rate would be far outside the bound.
        assert off_schedule > 100


def test_a_whole_run_in_the_browser_follows_the_schedule(page, batch):
    """lenet_train.trainRun sets each epoch's rate before its first batch,
    as explorer_logic.train does, and reports it."""
    config = logic.ExplorerConfig(activation="relu", lr=0.1, lr_decay=0.5,
                                  num_epochs=3, batch_size=32,
                                  train_size=BATCH)
    rates = page.evaluate("""async ([config, images, labels]) => {
      const m = await import('./lenet_train.js');
      const data = dataOf(images, labels);
      const run = await m.trainRun(tf, config, data);
      run.network.dispose();
      return [run.state, run.epochs.map((e) => e.lr)];
    }""", [config_json(config), *as_bytes(batch)])
    assert rates == ["done", [logic.epoch_learning_rate(config, e)
                              for e in (1, 2, 3)]] == ["done", [0.1, 0.05, 0.025]]


def mxnet_step_report(config, values, images, labels, dtype):
    net, trainer, loss = logic.prepare_training(config, dtype=dtype)
    X = mx.nd.array(images.reshape(-1, 1, 28, 28) / 255.0, dtype=dtype)
    y = mx.nd.array(labels, dtype=dtype)
    net(X)
    for name, param in weights.named_parameters(net, config):
        param.set_data(mx.nd.array(values[name], dtype=dtype))
    return logic.step_report(net, config, trainer, loss, X, y)


def browser_step_report(page, config, values, images, labels):
    return page.evaluate(
        """async ([config, values, images, labels, batchSize]) => {
          const m = await import('./lenet_train.js');
          const net = m.createNetwork(tf, config, Object.fromEntries(
            Object.entries(values).map(([name, text]) => [name, floatsOf(text)])));
          const optimizer = m.createOptimizer(tf, net, config.optimizer, config.lr);
          const x = m.imageTensor(tf, bytesOf(images), labels.length);
          const y = tf.tensor1d(labels, 'int32');
          const report = m.stepReport(tf, net, optimizer, x, y, batchSize);
          tf.dispose([x, y]);
          optimizer.dispose();
          net.dispose();
          return report;
        }""", [config_json(config), {n: encode(v) for n, v in values.items()},
               base64.b64encode(images.tobytes()).decode(),
               labels.tolist(), BATCH_SIZE])


STEP_REPORT_CASES = [
    logic.ExplorerConfig(batch_size=BATCH_SIZE),  # the book's LeNet
    logic.ExplorerConfig(activation="relu", batch_norm=True, optimizer="adam",
                         lr=0.001, batch_size=BATCH_SIZE),
    logic.ExplorerConfig(activation="tanh", pooling="avg", kernel_sizes=(3, 7),
                         optimizer="momentum", lr=0.1, batch_size=BATCH_SIZE),
]


@pytest.mark.cpu_dependent
@pytest.mark.parametrize("config", STEP_REPORT_CASES,
                         ids=["book", "relu-bn-adam", "tanh-avg-momentum"])
def test_单步_reports_the_same_numbers_in_both_engines(page, batch, config):
    """From the same weights and batch, the browser's stepReport and
    MXNet's step_report give the loss before and after and each layer's
    gradient, update and parameter sizes no further from MXNet float64's
    than the step-equality bounds (FLOAT32_FLOOR, or twice MXNet float32's
    own distance; for an update at least RULE_RELATIVE)."""
    images, labels = batch
    values = initial_values(config, images)
    exact = mxnet_step_report(config, values, images, labels, "float64")
    mxnet32 = mxnet_step_report(config, values, images, labels, "float32")
    browser = browser_step_report(page, config, values, images, labels)
    assert [layer["name"] for layer in browser["layers"]] == [
        layer["name"] for layer in exact["layers"]] == [
        layer.name for layer in logic.plan(config) if layer.tensors]

    def numbers(report):
        return {"loss_before": report["loss_before"],
                "loss_after": report["loss_after"],
                **{f"{layer['name']} {what}": layer[what]
                   for layer in report["layers"]
                   for what in ("gradient", "update", "parameters")}}

    ours, theirs = numbers(browser), numbers(mxnet32)
    for what, value in numbers(exact).items():
        mxnet_error = abs(theirs[what] - value) / abs(value)
        # An update is also the rule's own arithmetic, which the step test
        # allows RULE_RELATIVE (Adam's coefficients are float32 in MXNet).
        allowed = max(bound(mxnet_error),
                      RULE_RELATIVE if what.endswith("update") else 0.0)
        assert abs(ours[what] - value) / abs(value) <= allowed, (
            what, ours[what], theirs[what], value)
    # The step did something: the loss on the batch went down.
    assert exact["loss_after"] < exact["loss_before"]
    print(json.dumps({"config": config_json(config), "numbers": {
        what: [f"{ours[what]:.7g}", f"{theirs[what]:.7g}", f"{value:.7g}"]
        for what, value in numbers(exact).items()}}, ensure_ascii=False))


def test_单步_in_the_browser_is_the_run_训练_would_make(page, batch):
    """Five steps of createStepper (four batches an epoch, so the fifth is
    epoch 2's first, reshuffled, at the decayed rate) leave the network
    exactly as trainRun leaves it when stopped after five batches."""
    config = logic.ExplorerConfig(activation="relu", batch_norm=True,
                                  optimizer="adam", lr=0.01, lr_decay=0.5,
                                  num_epochs=2, batch_size=32,
                                  train_size=BATCH)
    out = page.evaluate("""async ([config, images, labels]) => {
      const m = await import('./lenet_train.js');
      const data = dataOf(images, labels);
      const stepper = m.createStepper(tf, config, data);
      const steps = Array.from({ length: 5 }, () => stepper.next());
      let batches = 0;
      const run = await m.trainRun(tf, config, data, {
        onBatch: () => { batches += 1; }, shouldStop: () => batches >= 5 });
      const ours = stepper.values(), theirs = run.network.values();
      const same = Object.keys(theirs).every((name) =>
        theirs[name].every((v, i) => Object.is(v, ours[name][i])));
      stepper.dispose();
      run.network.dispose();
      return { same, state: run.state,
               steps: steps.map(({ step, epoch, size, rate, layers }) =>
                 [step, epoch, size, rate, layers.length]) };
    }""", [config_json(config), *as_bytes(batch)])
    assert out["state"] == "stopped" and out["same"]
    assert out["steps"] == [[1, 1, 32, 0.01, 9], [2, 1, 32, 0.01, 9],
                            [3, 1, 32, 0.01, 9], [4, 1, 4, 0.01, 9],
                            [5, 2, 32, 0.005, 9]]


def test_the_registered_kernel_is_the_filter_gradient(page):
    """Conv2DBackpropFilter as the book registers it, against float64:
    dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh+kh, ow+kw, ci] *
    dy[n, oh, ow, co], for the shapes the explorer's layers have."""
    rng = np.random.default_rng(0)
    # The last three sum more than LONGEST_SUM products, each in two parts
    # (of 50 and 50 images, 65 and 65, 101 and 100).
    for n, size, ci, co, k in [(3, 28, 1, 6, 5), (2, 12, 6, 16, 5),
                               (4, 9, 3, 2, 1), (1, 11, 2, 3, 11),
                               (100, 32, 1, 6, 5), (130, 30, 2, 3, 5),
                               (201, 28, 1, 2, 5)]:
        x = rng.standard_normal((n, size, size, ci)).astype("float32")
        out = size - k + 1
        dy = rng.standard_normal((n, out, out, co)).astype("float32")
        got = decode(page.evaluate(
            """([x, xShape, dy, dyShape, filterShape]) => {
              const result = tf.engine().runKernel('Conv2DBackpropFilter',
                { x: tf.tensor(floatsOf(x), xShape), dy: tf.tensor(floatsOf(dy), dyShape) },
                { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC',
                  dimRoundingMode: undefined, filterShape });
              const data = result.dataSync();
              result.dispose();
              return base64Of(data);
            }""", [encode(x), list(x.shape), encode(dy), list(dy.shape),
                   [k, k, ci, co]]), (k, k, ci, co))
        windows = np.lib.stride_tricks.sliding_window_view(
            x.astype("float64"), (out, out), axis=(1, 2))  # n, k, k, ci, oh, ow
        exact = np.einsum("nabcij,nijd->abcd", windows, dy.astype("float64"))
        assert relative_error(got, exact) <= FLOAT32_FLOOR, (n, size, ci, co, k)
    # Anything but the explorer's kind of convolution is refused.
    message = page.evaluate("""() => {
      try {
        tf.engine().runKernel('Conv2DBackpropFilter',
          { x: tf.zeros([1, 8, 8, 1]), dy: tf.zeros([1, 4, 4, 1]) },
          { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 1, 1] });
        return 'computed';
      } catch (error) { return error.message; }
    }""")
    assert "only stride 1" in message


def test_the_registered_max_pool_gradient_goes_to_the_first_maximum(page):
    """MaxPoolGrad as the book registers it, against a float64 loop: each
    window's gradient goes to its first maximum in row-major order (MXNet's
    rule), for negative windows and ties too (the backend's own kernel got
    both wrong)."""
    rng = np.random.default_rng(1)
    for n, size, channels in [(2, 24, 6), (3, 9, 16), (1, 2, 1)]:
        x = rng.standard_normal((n, size, size, channels)).astype("float32")
        x[0, :4, :4, 0] = 0.0     # ties, as a blank background gives
        x[-1, -2:, -2:, -1] = -3.0  # a negative tie
        out = size // 2
        dy = rng.standard_normal((n, out, out, channels)).astype("float32")
        got = decode(page.evaluate(
            """([x, xShape, dy, dyShape]) => {
              const input = tf.tensor(floatsOf(x), xShape);
              const result = tf.engine().runKernel('MaxPoolGrad',
                { dy: tf.tensor(floatsOf(dy), dyShape), input,
                  output: tf.maxPool(input, 2, 2, 'valid') },
                { filterSize: 2, strides: 2, pad: 'valid' });
              return base64Of(result.dataSync());
            }""", [encode(x), list(x.shape), encode(dy), list(dy.shape)]),
            x.shape)
        exact = np.zeros(x.shape)
        for b, i, j, c in np.ndindex(n, out, out, channels):
            window = x[b, 2 * i:2 * i + 2, 2 * j:2 * j + 2, c].ravel()
            first = int(np.argmax(window))  # the first of equal maxima
            exact[b, 2 * i + first // 2, 2 * j + first % 2, c] = dy[b, i, j, c]
        assert np.array_equal(got, exact), (n, size, channels)


def test_the_registered_kernel_is_the_input_gradient(page):
    """Conv2DBackpropInput as the book registers it (a convolution with the
    turned filter), against float64: dx[n, h, w, ci] = sum over kh, kw, co
    of dy[n, h - kh, w - kw, co] * W[kh, kw, ci, co], for the shapes the
    explorer's layers have."""
    rng = np.random.default_rng(2)
    for n, size, ci, co, k in [(3, 12, 6, 16, 5), (2, 13, 4, 8, 3),
                               (4, 9, 3, 2, 1), (1, 11, 2, 3, 11)]:
        out = size - k + 1
        dy = rng.standard_normal((n, out, out, co)).astype("float32")
        w = rng.standard_normal((k, k, ci, co)).astype("float32")
        got = decode(page.evaluate(
            """([dy, dyShape, w, wShape, inputShape]) => {
              const result = tf.engine().runKernel('Conv2DBackpropInput',
                { dy: tf.tensor(floatsOf(dy), dyShape), filter: tf.tensor(floatsOf(w), wShape) },
                { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC',
                  dimRoundingMode: undefined, inputShape });
              return base64Of(result.dataSync());
            }""", [encode(dy), list(dy.shape), encode(w), list(w.shape),
                   [n, size, size, ci]]), (n, size, size, ci))
        exact = np.zeros((n, size, size, ci))
        for a, b in np.ndindex(k, k):
            exact[:, a:a + out, b:b + out, :] += np.einsum(
                "nhwo,io->nhwi", dy.astype("float64"), w[a, b].astype("float64"))
        assert relative_error(got, exact) <= FLOAT32_FLOOR, (n, size, ci, co, k)


@pytest.mark.parametrize("transpose_a, transpose_b", [
    (False, False), (False, True), (True, False), (True, True)])
def test_the_registered_matrix_product_transposes_as_asked(
        page, transpose_a, transpose_b):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((1, 84, 120)).astype("float32")
    b = rng.standard_normal((1, 120, 64)).astype("float32")
    a_in = a.transpose(0, 2, 1) if transpose_a else a
    b_in = b.transpose(0, 2, 1) if transpose_b else b
    got = decode(page.evaluate(
        """([a, aShape, b, bShape, transposeA, transposeB]) => {
          const result = tf.engine().runKernel('BatchMatMul',
            { a: tf.tensor(floatsOf(a), aShape), b: tf.tensor(floatsOf(b), bShape) },
            { transposeA, transposeB });
          return base64Of(result.dataSync());
        }""", [encode(np.ascontiguousarray(a_in)), list(a_in.shape),
               encode(np.ascontiguousarray(b_in)), list(b_in.shape),
               transpose_a, transpose_b]), (1, 84, 64))
    exact = a.astype("float64") @ b.astype("float64")
    assert relative_error(got, exact) <= FLOAT32_FLOOR

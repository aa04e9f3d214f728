"""Training in the browser beside MXNet: images per second, and the browser
preset's accuracy and time.

    OMP_NUM_THREADS=2 .venv/bin/python -m ci.record.browser_training \
        [--repeats 3] [--record book/data/browser_training.json]

Serves web/ on 127.0.0.1 and opens Debian's headless Chromium (every other
host blocked), where web/js/lenet_train.js trains on TensorFlow.js's
WebAssembly backend (one thread, SIMD) on the images the book ships.  For the
book's LeNet and for the browser preset, BATCHES batches of their batch
size are timed in the browser, then the same batches in MXNet with the
explorer's own step (explorer_logic.train_step), one after the other, never
at once, `--repeats` times in turn; the ratio is taken within each
repetition.  Then the browser preset trains start to end, as the page's
worker runs it (lenet_train.trainRun), once for each seed of `--seeds`,
and its accuracy on the shipped test images and its time are printed.  `--record` keeps all of it
with where and when it was measured, for the 5.5.4 page to quote.
"""
import argparse
import datetime
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from lenet import paths
from lenet import contract, measurements
from lenet import explorer_logic as logic
from lenet.measurements import spread
from lenet.files import write_json_atomically
from tests.built_site import launch_chromium, only_this_host, serve_sources

BATCHES = 12
CONFIGS = {"原书LeNet": logic.PRESETS["原书LeNet"],
           contract.BROWSER_PRESET: logic.PRESETS[contract.BROWSER_PRESET]}

LOAD = """async (dataUrl) => {
  window.tf = await import('../vendor/tfjs/tfjs.esm.min.js');
  window.lenetTrain = await import('./lenet_train.js');
  const kernels = await import('./lenet_tfjs_kernels.js');
  await kernels.startBackend(tf, '../vendor/tfjs/');
  const get = async (name) => new Uint8Array(await new Response(
    (await fetch(dataUrl + name + '.u8.gz')).body.pipeThrough(
      new DecompressionStream('gzip'))).arrayBuffer());
  window.lenetData = {trainImages: await get('train-images'),
                      trainLabels: await get('train-labels'),
                      testImages: await get('test-images'),
                      testLabels: await get('test-labels')};
  return {simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
          backend: tf.getBackend(), agent: navigator.userAgent};
}"""

STEPS = """([config, batches]) => {
  const m = lenetTrain, d = lenetData, b = config.batch_size;
  const net = m.createNetwork(tf, config, m.initialValues(config, config.initializer, 0));
  const optimizer = m.createOptimizer(tf, net, config.optimizer, config.lr);
  const batch = (i) => [m.imageTensor(tf, d.trainImages.subarray(i * b * 784, (i + 1) * b * 784), b),
                        tf.tensor1d(d.trainLabels.subarray(i * b, (i + 1) * b), 'int32')];
  const warm = batch(batches);
  m.trainStep(tf, net, optimizer, ...warm, b);
  const all = Array.from({length: batches}, (_, i) => batch(i));
  const started = performance.now();
  for (const [x, y] of all) m.trainStep(tf, net, optimizer, x, y, b);
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([...warm, ...all.flat()]);
  optimizer.dispose();
  net.dispose();
  return batches * b / seconds;
}"""

RUN = """async (config) => {
  const started = performance.now();
  const result = await lenetTrain.trainRun(tf, config, lenetData);
  result.network.dispose();
  return {state: result.state, epochs: result.epochs,
          seconds: (performance.now() - started) / 1000};
}"""


@contextmanager
def training_page(data_set="fashion_mnist"):
    """Chromium on web/js/ (served as it is) with every other host blocked, TF.js, lenet_train.js
    and the shipped images of `data_set` loaded (LOAD): (the page, what LOAD
    says of the browser)."""
    with serve_sources() as site, tempfile.TemporaryDirectory() as profile, \
            launch_chromium(profile) as context:
        blocked = only_this_host(context)
        page = context.new_page()
        page.goto(f"{site}/js/")
        yield page, page.evaluate(LOAD, paths.BROWSER_DATA_URLS[data_set])
        assert blocked == [], blocked


def mxnet_images_per_second(config, images, labels):
    """BATCHES batches of the explorer's own training step, after one."""
    import mxnet as mx

    b = config.batch_size
    net, trainer, loss = logic.prepare_training(config)
    batches = [(mx.nd.array(images[i * b:(i + 1) * b].reshape(-1, 1, 28, 28)
                            / 255.0), mx.nd.array(labels[i * b:(i + 1) * b]))
               for i in range(BATCHES + 1)]
    logic.train_step(net, trainer, loss, *batches[-1], b)[1].asscalar()
    started = time.perf_counter()
    for X, y in batches[:-1]:
        logic.train_step(net, trainer, loss, X, y, b)[1].asscalar()
    return BATCHES * b / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--record", type=Path, metavar="JSON")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4],
                        help="seeds of the browser preset's whole runs")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    from lenet.data import read_fashion_mnist

    images, labels = read_fashion_mnist("train")
    speeds = {name: {"browser": [], "mxnet": [], "ratio": []}
              for name in CONFIGS}
    with training_page() as (page, browser):
        print(f"[browser] {browser}")
        for repeat in range(args.repeats):
            for name, config in CONFIGS.items():
                ours = page.evaluate(STEPS, [logic.config_json(config),
                                             BATCHES])
                theirs = mxnet_images_per_second(config, images, labels)
                for key, value in (("browser", ours), ("mxnet", theirs),
                                   ("ratio", ours / theirs)):
                    speeds[name][key].append(value)
                print(f"[repeat {repeat + 1}] {name}: browser {ours:,.0f}"
                      f" images/s, MXNet {theirs:,.0f}, browser / MXNet"
                      f" {ours / theirs:.3f}", flush=True)
        preset = logic.PRESETS[contract.BROWSER_PRESET]
        runs = [{"seed": seed, **page.evaluate(RUN, logic.config_json(
            preset.replace(seed=seed)))} for seed in args.seeds]
    for name, measured in speeds.items():
        print(f"{name}: browser {spread(measured['browser'], '{:,.0f}')}"
              f" images/s, MXNet {spread(measured['mxnet'], '{:,.0f}')},"
              f" browser / MXNet {spread(measured['ratio'], '{:.3f}')}")
    for run in runs:
        accuracy = [round(e["test_acc"], 4) for e in run["epochs"]]
        print(f"{contract.BROWSER_PRESET}, seed {run['seed']}, in the"
              f" browser: {run['state']}, test accuracy by epoch {accuracy}"
              f" on {contract.BROWSER_TEST_SIZE} test images,"
              f" {run['seconds']:.1f} s")
    if args.record:
        command = ("python -m ci.record.browser_training "
                   + " ".join(sys.argv[1:]))
        write_json_atomically(args.record, {
            "preset": contract.BROWSER_PRESET,
            "config": logic.config_json(
                logic.PRESETS[contract.BROWSER_PRESET]),
            "runs": runs, "speeds": speeds, "batches": BATCHES,
            "browser": browser,
            "provenance": measurements.provenance(started, command)})
        print(f"wrote {args.record}")


if __name__ == "__main__":
    main()

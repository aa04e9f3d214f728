"""Do the book's own TF.js kernels make a training step faster?

    .venv/bin/python -m bench.tfjs_kernels [--rotations 7] [--batches 20]

In headless Chromium (web/ served on 127.0.0.1), the browser preset's
training step (web/js/lenet_train.js) on the shipped images, timed over
`--batches` batches with the WebAssembly backend's own Conv2DBackpropInput
and BatchMatMul and with the book's (lenet_tfjs_kernels.js: the input's
gradient as a convolution with the turned filter; the matrix product with
its operands transposed first), each alone and both; the variants take
turns in a rotating order, and each one's images per second is divided by
the backend's own in the same rotation.  Prints min-median-max of those
ratios.  tests/test_browser_training.py checks the kernels against float64.
"""
import argparse
import tempfile

from lenet import paths
from lenet import contract
from lenet import explorer_logic as logic
from lenet.measurements import spread
from tests.built_site import launch_chromium, only_this_host, serve_sources

LOAD = """async (dataUrl) => {
  window.tf = await import('../vendor/tfjs/tfjs.esm.min.js');
  window.lenetTrain = await import('./lenet_train.js');
  const kernels = await import('./lenet_tfjs_kernels.js');
  // Each variant's kernels: the backend's own before startBackend, the
  // book's after it.
  const saved = () => Object.fromEntries(['Conv2DBackpropInput', 'BatchMatMul'].map(
    (name) => [name, {...tf.getKernel(name, 'wasm')}]));
  window.own = saved();
  await kernels.startBackend(tf, '../vendor/tfjs/');
  window.book = saved();
  const get = async (name) => new Uint8Array(await new Response(
    (await fetch(dataUrl + name + '.u8.gz')).body.pipeThrough(
      new DecompressionStream('gzip'))).arrayBuffer());
  window.lenetData = {trainImages: await get('train-images'),
                      trainLabels: await get('train-labels')};
}"""

STEPS = """([config, batches, books]) => {
  for (const name of Object.keys(own)) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel((books.includes(name) ? book : own)[name]);
  }
  const m = lenetTrain, d = lenetData, b = config.batch_size;
  const net = m.createNetwork(tf, config, m.initialValues(config, config.initializer, 0));
  const optimizer = m.createOptimizer(tf, net, config.optimizer, config.lr);
  const batch = (i) => [m.imageTensor(tf, d.trainImages.subarray(i * b * 784, (i + 1) * b * 784), b),
                        tf.tensor1d(d.trainLabels.subarray(i * b, (i + 1) * b), 'int32')];
  const all = Array.from({length: batches + 2}, (_, i) => batch(i));
  for (const [x, y] of all.slice(0, 2)) m.trainStep(tf, net, optimizer, x, y, b);
  const started = performance.now();
  for (const [x, y] of all.slice(2)) m.trainStep(tf, net, optimizer, x, y, b);
  const seconds = (performance.now() - started) / 1000;
  tf.dispose(all.flat());
  optimizer.dispose();
  net.dispose();
  return batches * b / seconds;
}"""

VARIANTS = {"backend's own": [], "Conv2DBackpropInput": ["Conv2DBackpropInput"],
            "BatchMatMul": ["BatchMatMul"],
            "both": ["Conv2DBackpropInput", "BatchMatMul"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotations", type=int, default=7)
    parser.add_argument("--batches", type=int, default=20)
    args = parser.parse_args()
    config = logic.config_json(logic.PRESETS[contract.BROWSER_PRESET])
    names = list(VARIANTS)
    speeds = {name: [] for name in names}
    with serve_sources() as site, tempfile.TemporaryDirectory() as profile, \
            launch_chromium(profile) as context:
        only_this_host(context)
        page = context.new_page()
        page.goto(f"{site}/js/")
        page.evaluate(LOAD, paths.BROWSER_DATA_URLS["fashion_mnist"])
        for rotation in range(args.rotations):
            order = names[rotation % len(names):] + names[:rotation % len(names)]
            for name in order:
                speeds[name].append(page.evaluate(
                    STEPS, [config, args.batches, VARIANTS[name]]))
            print(f"[rotation {rotation + 1}] " + ", ".join(
                f"{name} {speeds[name][-1]:,.0f}" for name in names)
                + " images/s", flush=True)
    base = speeds["backend's own"]
    for name in names:
        ratios = [v / b for v, b in zip(speeds[name], base)]
        above = sum(r > 1 for r in ratios)
        print(f"{name:22} {spread(speeds[name], '{:,.0f}')} images/s;"
              f" / backend's own {spread(ratios, '{:.3f}')}"
              f" (above 1 in {above} of {len(ratios)})")


if __name__ == "__main__":
    main()

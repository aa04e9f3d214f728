"""Why the 5.5.4 viewer runs its own forward pass: bytes and latency.

    bash ci/build.sh && .venv/bin/python -m bench.forward_pass_alternatives

Packs @tensorflow/tfjs and onnxruntime-web from the npm registry into a
temporary folder (nothing is vendored), prints the bytes a page would load
for each, then, in headless Chromium with every other host blocked, runs the
book's LeNet (5.5.2's network, the sweep's float16 weights) on the 100
shipped test images with TensorFlow.js (its CPU backend: no GPU here) and
with the book's own module, and prints the median milliseconds per image of
the forward pass alone (no drawing), each repeated 5 times in turn.
ONNX Runtime Web's latency is not measured: its WebAssembly file alone is
14 MB, which rules it out for a page that should load fast.
"""
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from lenet.explorer_logic import arch_of
from lenet.sweep import config_of
from tests.built_site import ROOT, page_on_web_modules

TFJS = "@tensorflow/tfjs@4.22.0"
ORT = "onnxruntime-web@1.30.0"
BOOK_NETWORK = "k5-c6x16-sigmoid.bin"

RUN = """async ([arch, tensors, images, repeats]) => {
  const own = await import('./lenet_forward.js');
  const buffer = await (await fetch('../data/lenet-weights/%s')).arrayBuffer();
  const numbers = own.decodeFloat16(buffer);
  const named = own.unpackTensors(numbers, tensors);
  const net = {arch, tensors: named};
  const inputs = images.map((image) => Float32Array.from(image));
  // TensorFlow.js: the same layers, NHWC, weights transposed from MXNet.
  await tf.setBackend('cpu');
  const w = (name, shape, perm) => tf.tensor(named[name], shape)
    .transpose(perm);
  const c0 = w('conv0.weight', [6, 1, 5, 5], [2, 3, 1, 0]);
  const c1 = w('conv1.weight', [16, 6, 5, 5], [2, 3, 1, 0]);
  // MXNet flattens (C, H, W); TF.js has (H, W, C): transpose back first.
  const d0 = tf.tensor(named['dense0.weight'], [120, 256]).transpose();
  const d1 = tf.tensor(named['dense1.weight'], [84, 120]).transpose();
  const d2 = tf.tensor(named['dense2.weight'], [10, 84]).transpose();
  const b = (name) => tf.tensor(named[name]);
  const tfForward = (x) => tf.tidy(() => {
    let y = tf.tensor(x, [1, 28, 28, 1]);
    y = tf.sigmoid(tf.conv2d(y, c0, 1, 'valid').add(b('conv0.bias')));
    y = tf.maxPool(y, 2, 2, 'valid');
    y = tf.sigmoid(tf.conv2d(y, c1, 1, 'valid').add(b('conv1.bias')));
    y = tf.maxPool(y, 2, 2, 'valid').transpose([0, 3, 1, 2]).reshape([1, 256]);
    y = tf.sigmoid(y.matMul(d0).add(b('dense0.bias')));
    y = tf.sigmoid(y.matMul(d1).add(b('dense1.bias')));
    return tf.softmax(y.matMul(d2).add(b('dense2.bias'))).dataSync();
  });
  const times = {own: [], tfjs: []};
  let difference = 0;
  for (let r = 0; r < repeats; r++) {
    for (const [name, run] of [['own', (x) => own.forward(net, x).probabilities],
                               ['tfjs', tfForward]]) {
      for (const x of inputs) {
        const t0 = performance.now();
        run(x);
        times[name].push(performance.now() - t0);
      }
    }
  }
  for (const x of inputs) {
    const a = own.forward(net, x).probabilities;
    const c = tfForward(x);
    a.forEach((p, i) => { difference = Math.max(difference, Math.abs(p - c[i])); });
  }
  return JSON.stringify({times, difference});
}""" % BOOK_NETWORK


def pack(package, folder):
    tarball = subprocess.run(["npm", "pack", "--silent", package], cwd=folder,
                             capture_output=True, text=True,
                             check=True).stdout.split()[-1]
    target = folder / tarball.removesuffix(".tgz")
    with tarfile.open(folder / tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def main():
    from lenet.data import read_fashion_mnist, to_unit_float32
    from lenet.network_viewer import strip_indices
    from lenet.sweep import load_sweep

    if shutil.which("npm") is None:
        sys.exit("npm is needed to pack the alternatives")
    run = next(r for r in load_sweep()["runs"]
               if r["weights"]["file"] == BOOK_NETWORK)
    images, labels = read_fashion_mnist("test")
    strip = to_unit_float32(images[strip_indices(labels)]).reshape(100, -1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tfjs, ort = pack(TFJS, tmp), pack(ORT, tmp)
        own_bytes = (ROOT / "book" / "lenet" / "esm" / "network_viewer.js").stat()
        print("bytes a page would load for the forward pass:")
        print(f"  own module (the viewer's bundle)   {own_bytes.st_size:>12,}")
        print(f"  {TFJS} dist/tf.min.js"
              f" {(tfjs / 'dist' / 'tf.min.js').stat().st_size:>12,}")
        ort_files = ("ort.wasm.min.js", "ort-wasm-simd-threaded.wasm")
        print(f"  {ORT} {' + '.join(ort_files)}"
              f" {sum((ort / 'dist' / f).stat().st_size for f in ort_files):>12,}")
        # The modules as they are (they import the contract's JSON files,
        # which serve_sources gives as modules), TF.js put in the page.
        with page_on_web_modules(tmp / "profile") as page:
            page.add_script_tag(path=str(tfjs / "dist" / "tf.min.js"))
            result = json.loads(page.evaluate(
                RUN, [arch_of(config_of(run)), run["weights"]["tensors"],
                      strip.tolist(), 5]))
    print("\nforward pass of the book's LeNet, one image, 5 x 100 images:")
    for name, times in result["times"].items():
        print(f"  {name:5s} median {statistics.median(times):.3f} ms"
              f" (min {min(times):.3f}, max {max(times):.3f})")
    print(f"largest difference of a class probability, own vs TF.js:"
          f" {result['difference']:.2e}")


if __name__ == "__main__":
    main()

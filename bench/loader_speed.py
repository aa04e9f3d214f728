"""Benchmark: this book's Fashion-MNIST loader against d2lzh's pipeline.

    OMP_NUM_THREADS=2 python ci/benchmark_loader.py [--repeats 3]

Both read the same files. The d2lzh-style pipeline is what
`d2l.load_data_fashion_mnist` builds: Gluon's `FashionMNIST` dataset, a
per-sample `ToTensor` transform and a `DataLoader` with `num_workers=4`
(only the file reading is ours, since Gluon would insist on downloading its
own gzip bytes). Each pipeline runs in a fresh process, so decoding is
counted in the time to the first batch and peak memory is its own.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BOOK_DIR = Path(__file__).resolve().parents[1] / "book"
BATCH_SIZE = 256

MEASURE = r"""
import json, resource, sys, time
start = time.perf_counter()
sys.path.insert(0, BOOK_DIR)
import mxnet as mx
from mxnet import gluon
import lenet
from lenet import load_data_fashion_mnist, read_fashion_mnist

class FashionMNISTFromLocalFiles(gluon.data.vision.FashionMNIST):
    # Gluon's dataset, with the arrays set as its own _get_data would set
    # them: uint8 NDArray (N, 28, 28, 1) and int32 labels.
    def _get_data(self):
        images, labels = lenet.data.read_raw_split(
            lenet.data.find_data_dir(), "train" if self._train else "test")
        self._data = mx.nd.array(images[..., None], dtype=images.dtype)
        self._label = labels.astype("int32")

imported = time.perf_counter()
if PIPELINE == "lenet":
    train_iter, _ = load_data_fashion_mnist(BATCH_SIZE)
else:
    to_tensor = gluon.data.vision.transforms.ToTensor()
    train_iter = gluon.data.DataLoader(
        FashionMNISTFromLocalFiles(train=True).transform_first(to_tensor),
        BATCH_SIZE, shuffle=True, num_workers=4)
first = None
batches = samples = 0
for X, y in train_iter:
    X.wait_to_read()
    if first is None:
        first = time.perf_counter()
    batches += 1
    samples += X.shape[0]
done = time.perf_counter()
print(json.dumps({
    "first_batch_s": first - imported, "full_pass_s": done - imported,
    "batches": batches, "samples": samples,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(pipeline):
    code = (f"BOOK_DIR = {str(BOOK_DIR)!r}\nPIPELINE = {pipeline!r}\n"
            f"BATCH_SIZE = {BATCH_SIZE}\n" + MEASURE)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {"lenet": [], "d2lzh": []}
    for _ in range(args.repeats):
        for pipeline in results:  # alternate, so drift hits both alike
            results[pipeline].append(run(pipeline))
    print(f"one pass over the training set, batch size {BATCH_SIZE},"
          f" best of {args.repeats} runs each")
    print(f"{'pipeline':10} {'first batch':>12} {'full pass':>10}"
          f" {'peak RSS':>10}")
    best = {}
    for pipeline, runs in results.items():
        assert all(r["samples"] == 60000 for r in runs), runs
        best[pipeline] = {key: min(r[key] for r in runs) for key in runs[0]}
        b = best[pipeline]
        print(f"{pipeline:10} {b['first_batch_s']:11.2f}s"
              f" {b['full_pass_s']:9.2f}s {b['peak_rss_mib']:8.0f}MiB")
    ratio = best["d2lzh"]["full_pass_s"] / best["lenet"]["full_pass_s"]
    first_ratio = (best["d2lzh"]["first_batch_s"]
                   / best["lenet"]["first_batch_s"])
    print(f"full pass: lenet is {ratio:.1f}x faster than the d2lzh-style"
          f" pipeline (goal: at least 3x); first batch: {first_ratio:.1f}x")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(benchmark wall time {time.perf_counter() - started:.0f} s)")

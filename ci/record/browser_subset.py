"""The Fashion-MNIST images the static 5.5.4 page trains on, and why so many.

    python ci/record/browser_subset.py                 # write web/data/fashion-mnist-subset/
    OMP_NUM_THREADS=2 python ci/record/browser_subset.py --measure book/data/browser_subset.json

The page ships the first BROWSER_TRAIN_SIZE training images and the first
BROWSER_TEST_SIZE test images (lenet.contract), each file the raw uint8
bytes, gzipped (the page unpacks them with DecompressionStream, so any
server will do), with subset.json naming their counts, bytes and SHA-256.

`--measure` trains the browser preset with MXNet on the first 2,000, 5,000
and 10,000 training images (seeds 0 and 1) and evaluates it on the shipped
test images: accuracy against the bytes a reader downloads, the measurement
the size was chosen by.  The file keeps where and when it was measured.
"""
import argparse
import datetime
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

from lenet import contract, measurements
from lenet.data import FashionMNISTBatches, read_fashion_mnist
from lenet.explorer_logic import PRESETS, train
from lenet.sweep import write_json_atomically

SIZES = (2000, 5000, 10000)
SEEDS = (0, 1)


def packed(array):
    """One byte a pixel or a label, gzipped; mtime 0: the same images give
    the same bytes, run after run."""
    data = np.asarray(array)
    if data.min() < 0 or data.max() > 255:
        raise ValueError(f"not bytes: values {data.min()}..{data.max()}")
    return gzip.compress(data.astype(np.uint8).tobytes(), compresslevel=9,
                         mtime=0)


def files():
    """{file name: (gzipped bytes, count)} of the shipped subset."""
    train_x, train_y = read_fashion_mnist("train")
    test_x, test_y = read_fashion_mnist("test")
    n, m = contract.BROWSER_TRAIN_SIZE, contract.BROWSER_TEST_SIZE
    return {"train-images.u8.gz": (packed(train_x[:n]), n),
            "train-labels.u8.gz": (packed(train_y[:n]), n),
            "test-images.u8.gz": (packed(test_x[:m]), m),
            "test-labels.u8.gz": (packed(test_y[:m]), m)}


def write(directory):
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"source": "Fashion-MNIST, Zalando Research (MIT licence),"
                          " https://github.com/zalandoresearch/fashion-mnist",
                "format": "uint8, gzip; images 28x28 row by row",
                "train": contract.BROWSER_TRAIN_SIZE,
                "test": contract.BROWSER_TEST_SIZE, "files": {}}
    for name, (data, count) in files().items():
        temporary = directory / f".{name}.tmp"
        temporary.write_bytes(data)
        temporary.replace(directory / name)
        manifest["files"][name] = {
            "count": count, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
    write_json_atomically(directory / "subset.json", manifest)
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"[subset] wrote {directory} ({total:,} bytes)")
    return manifest


def measure(path, command):
    started = datetime.datetime.now(datetime.timezone.utc)
    train_x, train_y = read_fashion_mnist("train")
    test_x, test_y = read_fashion_mnist("test")
    m = contract.BROWSER_TEST_SIZE
    preset = PRESETS[contract.BROWSER_PRESET]
    rows = []
    for size in SIZES:
        for seed in SEEDS:
            config = preset.replace(train_size=size, seed=seed)
            result = train(config, FashionMNISTBatches(
                train_x[:size], train_y[:size], config.batch_size,
                shuffle=True), FashionMNISTBatches(test_x[:m], test_y[:m],
                                                   1000, shuffle=False))
            rows.append({"train_size": size, "seed": seed,
                         "gzip_bytes": len(packed(train_x[:size])),
                         "test_acc": [e.test_acc for e in result.epochs],
                         "seconds": result.seconds})
            print(f"[subset] {size} images, seed {seed}: test accuracy "
                  f"{rows[-1]['test_acc'][-1]:.3f}", flush=True)
    write_json_atomically(path, {
        "preset": contract.BROWSER_PRESET,
        "config": contract.config_json(preset), "test_size": m,
        "test_gzip_bytes": len(packed(test_x[:m])), "runs": rows,
        "provenance": measurements.provenance(started, command)})
    print(f"[subset] wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", type=Path, metavar="JSON",
                        help="train the browser preset on several sizes")
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.measure, " ".join(["python ci/record/browser_subset.py",
                                        *(argv or sys.argv[1:])]))
    else:
        write(contract.BROWSER_DATA_DIR)


if __name__ == "__main__":
    main()

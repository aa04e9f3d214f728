"""Tiny, valid Fashion-MNIST-shaped IDX files for tests of the loader."""
import hashlib
import struct

import numpy as np

import lenet.data as data

SIZES = {"train": 96, "test": 24}


def idx_bytes(magic, array):
    return (struct.pack(">I", magic)
            + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes())


def synthetic_files(num_train_labels=SIZES["train"]):
    """Decompressed bytes of four small, valid IDX files, by name."""
    rng = np.random.default_rng(0)
    files = {}
    for split, (images_name, labels_name) in data.SPLITS.items():
        count = SIZES[split]
        files[images_name] = idx_bytes(
            data.IMAGES_MAGIC,
            rng.integers(0, 256, (count, 28, 28), dtype=np.uint8))
        label_count = num_train_labels if split == "train" else count
        files[labels_name] = idx_bytes(
            data.LABELS_MAGIC, (np.arange(label_count) % 10).astype(np.uint8))
    return files


def checksums_of(files):
    """The sha256 table (a DataSet's) that makes the loader accept `files`."""
    return {name: hashlib.sha256(raw).hexdigest()
            for name, raw in files.items()}


def write_gz_files(folder, gz_files):
    """Write `{name: gzip bytes}` as `<name>.gz` into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in gz_files.items():
        (folder / f"{name}.gz").write_bytes(body)
    return folder

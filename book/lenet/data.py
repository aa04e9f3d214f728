"""Fashion-MNIST from local files, as iterators that `d2lzh` can train on.

`d2l.load_data_fashion_mnist` checks the *gzip* bytes against MXNet's own
copy and downloads when they differ, so it cannot use Debian's package (same
images, other gzip bytes) and fails with no network.  This module reads the
IDX files itself, checks the decompressed content by sha256 and hands out
batches shaped like d2lzh's: float32 (B, 1, H, W) in [0, 1], int32 labels.
"""
import functools
import gzip
import hashlib
import os
import struct
from pathlib import Path

import mxnet as mx
import numpy as np
from mxnet import nd

DATA_DIR_ENV_VAR = "FASHION_MNIST_DIR"
DEBIAN_DATA_DIR = Path("/usr/share/datasets/fashion-mnist")

# sha256 of the *decompressed* files, so any gzip packaging of them passes.
KNOWN_SHA256 = {
    "train-images-idx3-ubyte":
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte":
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte":
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte":
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049


class FashionMNISTNotFoundError(FileNotFoundError):
    """No folder that was looked in holds the four Fashion-MNIST files."""


class FashionMNISTFormatError(ValueError):
    """A Fashion-MNIST file exists but is not what it should be."""


def mxnet_cache_dir():
    """Where Gluon keeps its datasets: $MXNET_HOME or ~/.mxnet."""
    home = os.environ.get("MXNET_HOME") or os.path.join("~", ".mxnet")
    return Path(home).expanduser() / "datasets" / "fashion-mnist"


def _find_file(folder, name):
    """The decompressed file if present, else the .gz one, else None."""
    for candidate in (folder / name, folder / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _missing_files(folder):
    return [name for name in KNOWN_SHA256 if _find_file(folder, name) is None]


def _how_to_get_the_data():
    return (
        "获取数据的办法 / How to get the data:\n"
        "  1. sudo apt-get install dataset-fashion-mnist"
        f"   (Debian/Ubuntu, 安装到 / installs to {DEBIAN_DATA_DIR})\n"
        f"  2. export {DATA_DIR_ENV_VAR}=/path/to/folder"
        "   (含四个文件 / holding the four files, .gz or not:"
        f" {', '.join(KNOWN_SHA256)})\n"
        f"  3. 把这四个文件放进 MXNet 的缓存目录 / put them in MXNet's cache"
        f" folder: {mxnet_cache_dir()}\n"
        "  4. load_data_fashion_mnist(batch_size, root='/path/to/folder')")


def find_data_dir(root=None):
    """Return the folder to read Fashion-MNIST from.

    An explicit `root`, then $FASHION_MNIST_DIR, are taken at their word: if
    they lack a file, that is an error, not a reason to look elsewhere.
    Otherwise MXNet's cache folder, then Debian's package folder are tried.
    """
    explicit = [(root, "参数 root / argument root")] if root else []
    if os.environ.get(DATA_DIR_ENV_VAR):
        explicit.append((os.environ[DATA_DIR_ENV_VAR],
                         f"环境变量 / environment variable {DATA_DIR_ENV_VAR}"))
    if explicit:
        folder, origin = Path(explicit[0][0]).expanduser(), explicit[0][1]
        missing = _missing_files(folder)
        if missing:
            raise FashionMNISTNotFoundError(
                f"{origin} 指向的目录 {folder} 缺少 Fashion-MNIST 文件"
                f" / the folder {folder} given by {origin} lacks: "
                f"{', '.join(missing)}\n" + _how_to_get_the_data())
        return folder
    searched = [mxnet_cache_dir(), DEBIAN_DATA_DIR]
    for folder in searched:
        if not _missing_files(folder):
            return folder
    raise FashionMNISTNotFoundError(
        "找不到 Fashion-MNIST 数据集 / Fashion-MNIST was not found.\n"
        "查找过的目录 / folders searched: "
        + ", ".join(str(folder) for folder in searched) + "\n"
        + _how_to_get_the_data())


def _read_bytes(path):
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError) as err:
        raise FashionMNISTFormatError(
            f"无法读取 {path}（文件损坏或不完整）/ cannot read {path}"
            f" (corrupt or truncated): {err}. 请重新获取该文件"
            " / get a fresh copy of it.") from err


def parse_idx(raw, expected_magic, path="<bytes>"):
    """Decode an IDX file's bytes into a uint8 array, checking its header."""
    if len(raw) < 8:
        raise FashionMNISTFormatError(
            f"{path} 太短，不是 IDX 文件 / {path} is too short to be an"
            " IDX file. 请重新获取该文件 / get a fresh copy of it.")
    magic, = struct.unpack(">I", raw[:4])
    if magic != expected_magic:
        raise FashionMNISTFormatError(
            f"{path} 的文件头标识是 {magic}，应为 {expected_magic}"
            f" / {path} has magic number {magic}, expected {expected_magic}"
            " (wrong file, or images and labels swapped?).")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected_size = header + int(np.prod(dims))
    if len(raw) != expected_size:
        raise FashionMNISTFormatError(
            f"{path} 有 {len(raw)} 字节，按文件头应为 {expected_size}"
            f" / {path} has {len(raw)} bytes, its header says"
            f" {expected_size} (truncated?). 请重新获取该文件"
            " / get a fresh copy of it.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _read_checked(folder, name, expected_magic):
    path = _find_file(folder, name)
    raw = _read_bytes(path)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != KNOWN_SHA256[name]:
        raise FashionMNISTFormatError(
            f"{path} 的内容校验失败 / content check failed for {path}:"
            f" sha256 {digest}, expected {KNOWN_SHA256[name]}."
            " 请重新获取该文件 / get a fresh copy of it.")
    return parse_idx(raw, expected_magic, path)


@functools.lru_cache(maxsize=None)
def _decoded_split(folder, split, resize):
    """Images as float32 (N, 1, H, W) in [0, 1] and int32 labels, once."""
    images_name, labels_name = SPLITS[split]
    images = _read_checked(folder, images_name, IMAGES_MAGIC)
    labels = _read_checked(folder, labels_name, LABELS_MAGIC)
    if len(images) != len(labels):
        raise FashionMNISTFormatError(
            f"{folder}: {len(images)} 张图像却有 {len(labels)} 个标签"
            f" / {len(images)} images but {len(labels)} labels.")
    if resize:
        images = _resize_like_gluon(images, resize)
    # Same arithmetic as Gluon's ToTensor: float32 division by 255.
    features = images[:, np.newaxis].astype(np.float32) / np.float32(255)
    return features, labels.astype(np.int32)


def _resize_like_gluon(images, size):
    """Resize uint8 (N, H, W) images with Gluon's own `Resize` transform."""
    resize = mx.gluon.data.vision.transforms.Resize(size)
    return np.stack([resize(nd.array(image[:, :, np.newaxis], dtype="uint8"))
                     .asnumpy()[:, :, 0] for image in images])


class FashionMNISTBatches:
    """An iterable of (X, y) NDArray mini-batches, reshuffled every pass.

    Shuffling draws from NumPy's global generator, so `set_seed` makes the
    order repeatable.  The last batch may be smaller, as with Gluon's
    DataLoader.
    """

    def __init__(self, features, labels, batch_size, shuffle):
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(
                f"batch_size 必须是正整数，收到 {batch_size!r}"
                f" / batch_size must be a positive integer, got"
                f" {batch_size!r}.")
        self.features, self.labels = features, labels
        self.batch_size, self.shuffle = batch_size, shuffle

    def __len__(self):
        return -(-len(self.labels) // self.batch_size)

    def __iter__(self):
        n = len(self.labels)
        order = np.random.permutation(n) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            if order is None:
                rows = slice(start, start + self.batch_size)
            else:
                rows = order[start:start + self.batch_size]
            yield (nd.array(self.features[rows], dtype="float32"),
                   nd.array(self.labels[rows], dtype="int32"))


def load_data_fashion_mnist(batch_size, resize=None, root=None):
    """Return `(train_iter, test_iter)` over Fashion-MNIST, like d2lzh's.

    `root` (or $FASHION_MNIST_DIR) names the folder with the four IDX files;
    without it MXNet's cache folder and Debian's `dataset-fashion-mnist`
    folder are searched.  `resize` resizes images as d2lzh does.
    """
    train = read_fashion_mnist("train", resize, root)
    test = read_fashion_mnist("test", resize, root)
    return (FashionMNISTBatches(*train, batch_size, shuffle=True),
            FashionMNISTBatches(*test, batch_size, shuffle=False))


def read_fashion_mnist(split, resize=None, root=None):
    """`(features, labels)` of the "train" or "test" split as NumPy arrays.

    Decoded once per process; callers must not modify the arrays.
    """
    if split not in SPLITS:
        raise ValueError(f"split 只能是 {list(SPLITS)} / split must be one"
                         f" of {list(SPLITS)}, got {split!r}.")
    return _decoded_split(find_data_dir(root).resolve(), split, resize)

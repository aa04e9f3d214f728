"""Fashion-MNIST as iterators that `d2lzh` can train on, offline first.

`d2l.load_data_fashion_mnist` checks the *gzip* bytes against MXNet's own
copy and downloads when they differ, so it cannot use Debian's package (same
images, other gzip bytes) and fails with no network.  This module finds the
four IDX files itself (see `find_data_dir` for where it looks), checks the
decompressed content by sha256 and hands out batches shaped like d2lzh's:
float32 (B, 1, H, W) in [0, 1] and int32 labels.
"""
import functools
import gzip
import hashlib
import os
import struct
import sys
import zlib
from pathlib import Path

import mxnet as mx
import numpy as np
from mxnet import nd

from .download import DownloadError, fetch_verified

DATA_DIR_ENV_VAR = "FASHION_MNIST_DIR"
MIRRORS_ENV_VAR = "FASHION_MNIST_MIRRORS"
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
# Compressed sizes at Zalando's locations, to announce a download's size.
APPROX_GZ_BYTES = {
    "train-images-idx3-ubyte": 26_421_880,
    "train-labels-idx1-ubyte": 29_515,
    "t10k-images-idx3-ubyte": 4_422_102,
    "t10k-labels-idx1-ubyte": 5_148,
}
SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049
MAGIC_OF = {name: IMAGES_MAGIC if "images" in name else LABELS_MAGIC
            for name in KNOWN_SHA256}
GET_A_FRESH_COPY = "请重新获取该文件 / get a fresh copy of it."


class FashionMNISTNotFoundError(FileNotFoundError):
    """No folder that was looked in holds the four Fashion-MNIST files."""


class FashionMNISTFormatError(ValueError):
    """A Fashion-MNIST file exists but is not what it should be."""

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = path


def mxnet_cache_dir():
    """Where Gluon keeps its datasets: $MXNET_HOME or ~/.mxnet."""
    home = os.environ.get("MXNET_HOME") or os.path.join("~", ".mxnet")
    return Path(home).expanduser() / "datasets" / "fashion-mnist"


def mirrors():
    """Base URLs to download from, in order; $FASHION_MNIST_MIRRORS overrides.

    Zalando's own locations first, then MXNet's dataset bucket (or
    $MXNET_GLUON_REPO, as Gluon itself uses).
    """
    if os.environ.get(MIRRORS_ENV_VAR):
        return os.environ[MIRRORS_ENV_VAR].split()
    mxnet_repo = os.environ.get(
        "MXNET_GLUON_REPO",
        "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/")
    return [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
        "master/data/fashion/",
        mxnet_repo.rstrip("/") + "/gluon/dataset/fashion-mnist/",
    ]


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
        "  4. load_data_fashion_mnist(batch_size, root='/path/to/folder')\n"
        "  5. 联网后重试，会自动下载到上述缓存目录 / retry with a network"
        " connection: the files are then downloaded into that cache folder"
        f" (mirrors: {MIRRORS_ENV_VAR}).")


def _check_readable(folder, origin):
    if folder.is_dir() and not os.access(folder, os.R_OK | os.X_OK):
        raise FashionMNISTNotFoundError(
            f"{origin} 指向的目录 {folder} 没有读取权限"
            f" / the folder {folder} given by {origin} is not readable."
            " 请检查权限，或换一个目录 / fix its permissions or use another"
            " folder.")


def find_data_dir(root=None, download=True):
    """Return the folder to read Fashion-MNIST from.

    In order: the `root` argument, then $FASHION_MNIST_DIR, are taken at
    their word (if they lack a file, that is an error, not a reason to look
    elsewhere); then MXNet's cache folder and Debian's package folder, if
    one holds all four files; then a download into the cache folder.
    """
    explicit = [(root, "参数 root / argument root")] if root else []
    if os.environ.get(DATA_DIR_ENV_VAR):
        explicit.append((os.environ[DATA_DIR_ENV_VAR],
                         f"环境变量 / environment variable"
                         f" {DATA_DIR_ENV_VAR}"))
    if explicit:
        folder, origin = Path(explicit[0][0]).expanduser(), explicit[0][1]
        _check_readable(folder, origin)
        missing = _missing_files(folder)
        if missing:
            raise FashionMNISTNotFoundError(
                f"{origin} 指向的目录 {folder} 缺少 Fashion-MNIST 文件"
                f" / the folder {folder} given by {origin} lacks: "
                f"{', '.join(missing)}\n" + _how_to_get_the_data())
        return folder
    cache = mxnet_cache_dir()
    for folder in (cache, DEBIAN_DATA_DIR):
        if os.access(folder, os.R_OK | os.X_OK) and not _missing_files(folder):
            return folder
    if download:
        try:
            download_fashion_mnist(cache, _missing_files(cache))
            return cache
        except (DownloadError, OSError) as err:
            reason = f"{err}\n"
    else:
        reason = ""
    raise FashionMNISTNotFoundError(
        "找不到 Fashion-MNIST 数据集 / Fashion-MNIST was not found.\n"
        f"查找过的目录 / folders searched: {cache}, {DEBIAN_DATA_DIR}\n"
        + reason + _how_to_get_the_data())


def download_fashion_mnist(folder, names=tuple(KNOWN_SHA256), timeout=30.0,
                           retries=2, progress=True):
    """Download the given files into `folder`, each verified before use."""
    if not names:
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    total_mb = sum(APPROX_GZ_BYTES[name] for name in names) / 1e6
    print(f"下载 Fashion-MNIST 到 {folder}：{len(names)} 个文件，约"
          f" {total_mb:.1f} MB / downloading {len(names)} file(s),"
          f" about {total_mb:.1f} MB", file=sys.stderr)
    for name in names:
        fetch_verified(
            [base.rstrip("/") + f"/{name}.gz" for base in mirrors()],
            folder / f"{name}.gz",
            verify=lambda path, name=name: _verified_array(path, name),
            timeout=timeout, retries=retries, progress=progress)


def _read_bytes(path):
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except PermissionError as err:
        raise FashionMNISTNotFoundError(
            f"没有权限读取 {path} / no permission to read {path}."
            " 请检查权限 / fix its permissions.") from err
    except (OSError, EOFError, zlib.error) as err:
        raise FashionMNISTFormatError(
            f"无法读取 {path}（文件损坏或不完整）/ cannot read {path}"
            f" (corrupt or truncated): {err}. " + GET_A_FRESH_COPY,
            path) from err


def parse_idx(raw, expected_magic, path="<bytes>"):
    """Decode an IDX file's bytes into a uint8 array, checking its header."""
    if len(raw) < 8:
        raise FashionMNISTFormatError(
            f"{path} 太短，不是 IDX 文件 / {path} is too short to be an"
            " IDX file. " + GET_A_FRESH_COPY, path)
    magic, = struct.unpack(">I", raw[:4])
    if magic != expected_magic:
        raise FashionMNISTFormatError(
            f"{path} 的文件头标识是 {magic}，应为 {expected_magic}"
            f" / {path} has magic number {magic}, expected {expected_magic}"
            " (wrong file, or images and labels swapped?).", path)
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected_size = header + int(np.prod(dims))
    if len(raw) != expected_size:
        raise FashionMNISTFormatError(
            f"{path} 有 {len(raw)} 字节，按文件头应为 {expected_size}"
            f" / {path} has {len(raw)} bytes, its header says"
            f" {expected_size} (truncated?). " + GET_A_FRESH_COPY, path)
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _verified_array(path, name):
    """Read, parse and checksum one file; raise FashionMNISTFormatError."""
    raw = _read_bytes(path)
    array = parse_idx(raw, MAGIC_OF[name], path)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != KNOWN_SHA256[name]:
        raise FashionMNISTFormatError(
            f"{path} 的内容校验失败 / content check failed for {path}:"
            f" sha256 {digest}, expected {KNOWN_SHA256[name]}. "
            + GET_A_FRESH_COPY, path)
    return array


def read_raw_split(folder, split):
    """The split's verified uint8 images (N, H, W) and uint8 labels (N,)."""
    images_name, labels_name = SPLITS[split]
    images = _verified_array(_find_file(folder, images_name), images_name)
    labels = _verified_array(_find_file(folder, labels_name), labels_name)
    if len(images) != len(labels):
        raise FashionMNISTFormatError(
            f"{folder}: {len(images)} 张图像却有 {len(labels)} 个标签"
            f" / {len(images)} images but {len(labels)} labels.")
    return images, labels


@functools.lru_cache(maxsize=None)
def _decoded_split(folder, split):
    """uint8 images (N, 1, 28, 28) and int32 labels, decoded once.

    Pixels stay uint8 (a quarter of the memory of float32); the batches
    resize and scale them as they are handed out.
    """
    images, labels = read_raw_split(folder, split)
    return images[:, np.newaxis], labels.astype(np.int32)


def resize_like_gluon(images, size):
    """Resize uint8 (N, H, W) images with Gluon's own `Resize` transform,
    the one d2lzh applies (bilinear, on uint8 pixels)."""
    resize = mx.gluon.data.vision.transforms.Resize(size)
    return np.stack([resize(nd.array(image[:, :, np.newaxis], dtype="uint8"))
                     .asnumpy()[:, :, 0] for image in images])


def to_unit_float32(pixels):
    """uint8 pixels as float32 in [0, 1]; float input is passed through.

    Same arithmetic as Gluon's ToTensor: a float32 division by 255.
    """
    if pixels.dtype == np.uint8:
        return pixels.astype(np.float32) / np.float32(255)
    return pixels


def _check_batch_size(batch_size):
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"batch_size 必须是正整数，收到 {batch_size!r}"
            f" / batch_size must be a positive integer, got {batch_size!r}.")


class FashionMNISTBatches:
    """An iterable of (X, y) NDArray mini-batches, reshuffled every pass.

    Shuffling draws from NumPy's global generator, so `set_seed` makes the
    order repeatable.  The last batch may be smaller, as with Gluon's
    DataLoader.
    """

    def __init__(self, images, labels, batch_size, shuffle, resize=None):
        _check_batch_size(batch_size)
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self.resize = resize

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
            images = self.images[rows]
            if self.resize:
                # Per batch, like d2lzh: resizing all 70000 images up front
                # to 224x224 would hold 3.5 GB.
                images = resize_like_gluon(images[:, 0],
                                           self.resize)[:, np.newaxis]
            yield (nd.array(to_unit_float32(images), dtype="float32"),
                   nd.array(self.labels[rows], dtype="int32"))


def load_data_fashion_mnist(batch_size, resize=None, root=None):
    """Return `(train_iter, test_iter)` over Fashion-MNIST, like d2lzh's.

    `root` (or $FASHION_MNIST_DIR) names the folder with the four IDX files;
    without it MXNet's cache folder and Debian's `dataset-fashion-mnist`
    folder are searched.  `resize` resizes images as d2lzh does.
    """
    _check_batch_size(batch_size)  # before any search or download
    train = read_fashion_mnist("train", root)
    test = read_fashion_mnist("test", root)
    return (FashionMNISTBatches(*train, batch_size, True, resize),
            FashionMNISTBatches(*test, batch_size, False, resize))


def read_fashion_mnist(split, root=None):
    """`(images, labels)` of the "train" or "test" split as NumPy arrays.

    uint8 images (N, 1, 28, 28) and int32 labels, decoded once per process;
    callers must not modify them (`FashionMNISTBatches` scales the pixels).
    A bad file in MXNet's cache folder is kept as `<name>.corrupt`, reported
    and replaced by a verified download; elsewhere it is only reported.
    """
    if split not in SPLITS:
        raise ValueError(f"split 只能是 {list(SPLITS)} / split must be one"
                         f" of {list(SPLITS)}, got {split!r}.")
    folder = find_data_dir(root).resolve()
    try:
        return _decoded_split(folder, split)
    except FashionMNISTFormatError as err:
        if err.path is None or folder != mxnet_cache_dir().resolve():
            raise
        bad = Path(err.path)
        kept = bad.with_name(bad.name + ".corrupt")
        os.replace(bad, kept)
        print(f"{err}\n已把它改名为 {kept.name} 并重新下载"
              f" / renamed it to {kept.name}; downloading a fresh copy.",
              file=sys.stderr)
        try:
            download_fashion_mnist(folder, _missing_files(folder))
        except (DownloadError, OSError) as download_err:
            raise FashionMNISTNotFoundError(
                f"{download_err}\n" + _how_to_get_the_data()) from err
        return _decoded_split(folder, split)

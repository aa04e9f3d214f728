"""Fixtures shared by the tests: the real data set, and fakes of it."""
import gzip
import socket

import pytest

import lenet.data as data
from tests.idx_fixtures import checksums_of, synthetic_files, write_gz_files
from tests.prerequisites import require_fashion_mnist


@pytest.fixture(scope="session")
def real_data_dir():
    """Where the real Fashion-MNIST is; without it the test is skipped,
    saying how to get it (or fails, under CI=true)."""
    return require_fashion_mnist()


@pytest.fixture
def no_data_anywhere(tmp_path, monkeypatch):
    """Every place the loader looks is empty, for both data sets."""
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "mxnet-home"))
    for data_set in data.DATA_SETS.values():
        monkeypatch.delenv(data_set.dir_env_var, raising=False)
        monkeypatch.setattr(data_set, "system_dirs", tuple(
            (tmp_path / f"no-{data_set.key}", way)
            for _, way in data_set.system_dirs))
        # Should a test reach the download step, it must not leave this
        # machine.
        monkeypatch.setenv(data_set.mirrors_env_var, closed_port_url())
    return tmp_path


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def fake_dataset(monkeypatch, no_data_anywhere):
    """Make the loader accept the synthetic files as either data set and
    look nowhere real."""
    files = synthetic_files()
    for data_set in data.DATA_SETS.values():
        monkeypatch.setattr(data_set, "sha256", checksums_of(files))
    data._decoded_split.cache_clear()
    yield {name: gzip.compress(raw) for name, raw in files.items()}
    data._decoded_split.cache_clear()


@pytest.fixture
def fake_data_dir(fake_dataset, tmp_path, monkeypatch):
    """The synthetic files in a folder that $FASHION_MNIST_DIR points at."""
    folder = write_gz_files(tmp_path / "fake-fashion-mnist", fake_dataset)
    monkeypatch.setenv(data.DATA_DIR_ENV_VAR, str(folder))
    return folder

"""Fixtures shared by the loader tests."""
import gzip
import hashlib

import pytest

import lenet.data as data
from idx_fixtures import synthetic_files


@pytest.fixture
def no_data_anywhere(tmp_path, monkeypatch):
    """Every place the loader looks is empty."""
    monkeypatch.delenv(data.DATA_DIR_ENV_VAR, raising=False)
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "mxnet-home"))
    monkeypatch.setattr(data, "DEBIAN_DATA_DIR", tmp_path / "no-debian")
    return tmp_path


@pytest.fixture
def fake_dataset(monkeypatch, no_data_anywhere):
    """Make the loader accept the synthetic files and look nowhere real."""
    files = synthetic_files()
    monkeypatch.setattr(data, "KNOWN_SHA256", {
        name: hashlib.sha256(raw).hexdigest() for name, raw in files.items()})
    data._decoded_split.cache_clear()
    yield {name: gzip.compress(raw) for name, raw in files.items()}
    data._decoded_split.cache_clear()

"""Downloads from mirrors, against a local HTTP server on 127.0.0.1.

Tiny synthetic IDX files stand in for Fashion-MNIST (their checksums are
patched in), so every failure can be produced on purpose: garbage, a
connection dropped halfway, a 404, a server too slow to answer, no server.
"""
import http.server
import socket
import threading
from pathlib import Path

import pytest

import lenet.data as data
from lenet import (FashionMNISTFormatError, FashionMNISTNotFoundError,
                   download_fashion_mnist, read_fashion_mnist)
from lenet import download
from lenet.download import DownloadError, fetch_verified

from tests.conftest import closed_port_url
from tests.idx_fixtures import SIZES, checksums_of, synthetic_files, write_gz_files

pytestmark = pytest.mark.quick

class FixtureServer(http.server.ThreadingHTTPServer):
    """Serves /<mode>/<file>.gz; `mode` decides how it misbehaves."""

    daemon_threads = True

    def __init__(self, files):
        super().__init__(("127.0.0.1", 0), FixtureHandler)
        self.files, self.requests, self.lock = files, [], threading.Lock()
        # "hang" answers only once this is set (at the end of the test):
        # longer than any timeout, without a sleep to wait for.
        self.released = threading.Event()

    def url(self, mode):
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/"


class FixtureHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        _, mode, filename = self.path.split("/")
        name = filename.removesuffix(".gz")
        with self.server.lock:
            self.server.requests.append(self.path)
            tries = self.server.requests.count(self.path)
        body = self.server.files.get(name)
        if body is None or mode == "missing":
            self.send_error(404)
            return
        if mode == "garbage":
            body = b"<html>not the file you want</html>" * 50
        if mode == "hang":
            self.server.released.wait()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "drop" or (mode == "drop-once" and tries == 1):
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)


@pytest.fixture
def server(fake_dataset, monkeypatch):
    # The pause between two tries is real in use, not worth waiting for here.
    monkeypatch.setattr(download, "RETRY_PAUSE", 0.01)
    srv = FixtureServer(fake_dataset)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.released.set()
    srv.shutdown()
    srv.server_close()


def use_mirrors(monkeypatch, *urls):
    monkeypatch.setenv(data.MIRRORS_ENV_VAR, " ".join(urls))


def leftovers(folder):
    return sorted(path.name for path in Path(folder).glob(".*part*"))


def test_downloads_into_the_cache_when_nothing_is_local(
        server, monkeypatch, capsys):
    use_mirrors(monkeypatch, server.url("good"))
    features, labels = read_fashion_mnist("test")
    assert features.shape == (SIZES["test"], 1, 28, 28)
    assert labels.tolist() == [i % 10 for i in range(SIZES["test"])]
    cache = data.mxnet_cache_dir()
    assert sorted(path.name for path in cache.iterdir()) == sorted(
        name + ".gz" for name in data.FILE_NAMES)
    err = capsys.readouterr().err
    assert "downloading 4 file(s), about 30.9 MB" in err


def test_bad_mirrors_are_skipped_in_order(server, monkeypatch, capsys):
    use_mirrors(monkeypatch, server.url("garbage"), server.url("drop"),
                server.url("missing"), server.url("good"))
    read_fashion_mnist("train")
    out = capsys.readouterr().out
    assert out.count(f"from {server.url('good')}") == 4
    assert leftovers(data.mxnet_cache_dir()) == []


def test_every_mirror_failing_says_why_and_leaves_nothing(
        server, monkeypatch):
    use_mirrors(monkeypatch, server.url("garbage"), server.url("drop"),
                server.url("missing"), closed_port_url())
    with pytest.raises(FashionMNISTNotFoundError) as err:
        read_fashion_mnist("test")
    message = str(err.value)
    assert "could not download" in message and "下载" in message
    assert "cannot read" in message              # garbage is not gzip
    assert "connection closed after" in message  # dropped halfway
    assert "HTTP Error 404" in message
    assert "Connection refused" in message
    assert "apt-get install dataset-fashion-mnist" in message
    cache = data.mxnet_cache_dir()
    assert list(cache.iterdir()) == []


def test_no_network_and_no_local_copy(fake_dataset, monkeypatch):
    use_mirrors(monkeypatch, closed_port_url())
    with pytest.raises(FashionMNISTNotFoundError) as err:
        read_fashion_mnist("train")
    message = str(err.value)
    assert "找不到 Fashion-MNIST" in message and "not found" in message
    assert str(data.mxnet_cache_dir()) in message


def test_a_dropped_connection_is_retried(server, monkeypatch):
    use_mirrors(monkeypatch, server.url("drop-once"))
    read_fashion_mnist("test")
    assert server.requests.count("/drop-once/t10k-labels-idx1-ubyte.gz") == 2


def test_timeout_applies_per_mirror(server, monkeypatch, tmp_path):
    """Two mirrors that never answer: each times out in its turn, and the
    third one is used.  Without a timeout the first would wait forever."""
    use_mirrors(monkeypatch, server.url("hang"), server.url("hang"),
                server.url("good"))
    download_fashion_mnist(tmp_path, ["t10k-labels-idx1-ubyte"],
                           timeout=0.2, retries=1, progress=False)
    name = "t10k-labels-idx1-ubyte.gz"
    assert server.requests == [f"/hang/{name}"] * 2 + [f"/good/{name}"]
    assert (tmp_path / name).is_file()


def test_a_mirror_that_never_answers_is_reported_as_timed_out(
        server, tmp_path):
    with pytest.raises(DownloadError, match="timed out"):
        fetch_verified([server.url("hang") + "t10k-labels-idx1-ubyte.gz"],
                       tmp_path / "t10k-labels-idx1-ubyte.gz",
                       verify=lambda path: None, timeout=0.2, retries=1,
                       progress=False)
    assert leftovers(tmp_path) == []


def test_an_earlier_download_is_used_without_the_network(
        server, monkeypatch):
    use_mirrors(monkeypatch, server.url("good"))
    read_fashion_mnist("test")
    data._decoded_split.cache_clear()
    served = len(server.requests)
    use_mirrors(monkeypatch, closed_port_url())
    features, _ = read_fashion_mnist("test")
    assert features.shape[0] == SIZES["test"]
    assert len(server.requests) == served


def test_a_corrupt_cached_file_is_kept_reported_and_replaced(
        server, monkeypatch, fake_dataset, capsys):
    cache = write_gz_files(data.mxnet_cache_dir(), fake_dataset)
    broken = cache / "t10k-images-idx3-ubyte.gz"
    broken.write_bytes(fake_dataset["t10k-images-idx3-ubyte"][:100])
    use_mirrors(monkeypatch, server.url("good"))

    features, _ = read_fashion_mnist("test")

    assert features.shape[0] == SIZES["test"]
    kept = cache / "t10k-images-idx3-ubyte.gz.corrupt"
    assert kept.read_bytes() == fake_dataset["t10k-images-idx3-ubyte"][:100]
    assert broken.read_bytes() == fake_dataset["t10k-images-idx3-ubyte"]
    err = capsys.readouterr().err
    assert "corrupt or truncated" in err and kept.name in err
    assert server.requests == ["/good/t10k-images-idx3-ubyte.gz"]


def test_a_corrupt_file_outside_the_cache_is_reported_not_touched(
        fake_dataset, tmp_path):
    folder = write_gz_files(tmp_path / "mine", fake_dataset)
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(b"\x1f\x8b broken")
    with pytest.raises(FashionMNISTFormatError, match="corrupt or truncated"):
        read_fashion_mnist("train", root=folder)
    assert (folder / "train-labels-idx1-ubyte.gz").read_bytes() == (
        b"\x1f\x8b broken")


def test_image_and_label_counts_must_agree(monkeypatch, fake_dataset,
                                           tmp_path):
    files = synthetic_files(num_train_labels=SIZES["train"] - 1)
    monkeypatch.setattr(data.FASHION_MNIST, "sha256", checksums_of(files))
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    with pytest.raises(FashionMNISTFormatError) as err:
        read_fashion_mnist("train", root=tmp_path)
    assert (f"{SIZES['train']} images but {SIZES['train'] - 1} labels"
            in str(err.value))


def test_wrong_magic_in_a_real_named_file(fake_dataset, tmp_path):
    write_gz_files(tmp_path, fake_dataset)
    # Labels where the images should be.
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(
        fake_dataset["t10k-labels-idx1-ubyte"])
    with pytest.raises(FashionMNISTFormatError, match="magic number 2049"):
        read_fashion_mnist("test", root=tmp_path)


def test_an_unreadable_folder_is_named(fake_dataset, tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    # Tests run as root, for whom chmod 000 changes nothing; ask os.access.
    real_access = data.os.access
    monkeypatch.setattr(data.os, "access", lambda path, mode: (
        Path(path) != folder and real_access(path, mode)))
    with pytest.raises(FashionMNISTNotFoundError, match="not readable"):
        read_fashion_mnist("test", root=folder)


def test_fetch_verified_keeps_nothing_when_verification_fails(
        server, tmp_path):
    def reject(path):
        assert path.exists() and path.name.startswith(".")
        raise ValueError("rejected on purpose")

    destination = tmp_path / "t10k-labels-idx1-ubyte.gz"
    with pytest.raises(DownloadError, match="rejected on purpose"):
        fetch_verified([server.url("good") + "t10k-labels-idx1-ubyte.gz"],
                       destination, reject, progress=False)
    assert list(tmp_path.iterdir()) == []

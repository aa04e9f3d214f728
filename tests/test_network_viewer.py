"""The trained-network viewer's Python side and the weights files: what it
sends the page.  The page's forward pass is compared with MXNet in
tests/test_browser_logic.py."""
import io
import urllib.parse
from pathlib import Path

import d2lzh as d2l
import numpy as np
import pytest
from PIL import Image

from lenet import weights
from lenet.data import MNIST, read_data_set, read_fashion_mnist
from lenet.contract import DATA_SETS, SITE
from lenet.explorer_logic import class_names
from lenet.network_viewer import TrainedNetworkViewer, strip_indices, strip_png
from lenet.sweep import WEIGHTS_DIR, load_digit_networks, load_sweep

pytestmark = [pytest.mark.real_data, pytest.mark.usefixtures("real_data_dir")]
WEB = Path(__file__).resolve().parents[1] / "web"


def test_class_names_are_the_books_with_d2lzhs_labels():
    names = class_names()
    assert names[0] == "T恤（t-shirt）" and names[9] == "短靴（ankle boot）"
    pairs = DATA_SETS["fashion_mnist"]["class_names"]
    assert class_names("mnist") == [str(digit) for digit in range(10)]
    for name, (zh, en), d2lzh in zip(names, pairs,
                                     d2l.get_fashion_mnist_labels(range(10))):
        assert en == d2lzh and name == f"{zh}（{en}）"


def test_the_strip_is_ten_test_images_of_each_class_without_loss():
    images, labels = read_fashion_mnist("test")
    picked = strip_indices(labels)
    assert len(picked) == 100
    assert [int(labels[i]) for i in picked] == [c for c in range(10)
                                                for _ in range(10)]
    assert picked[:10] == sorted(picked[:10])  # the first ones, in order
    grid = np.array(Image.open(io.BytesIO(strip_png(images[picked]))))
    assert grid.shape == (280, 280)
    # Image 23 (class 2, third of its row) sits at row 2, column 3.
    assert (grid[56:84, 84:112] == images[picked[23]]).all()


def test_the_viewer_opens_on_the_book_lenet_and_sends_weights(monkeypatch):
    viewer = TrainedNetworkViewer()
    assert len(viewer.networks) == 27 + len(load_digit_networks()["runs"])
    book = next(n for n in viewer.networks if n["key"] == viewer.selected)
    assert book["label"].startswith("原书 LeNet，即 5.5.2 训练的网络")
    # The page book/exercises.html resolves the URL in the site, where the
    # build copies web/ to the root: it must land on the weights folder.
    site_path = urllib.parse.urljoin(
        "book/exercises.html", SITE["pages_to_root"] + SITE["weights_path"])
    assert (WEB / site_path).resolve() == WEIGHTS_DIR.resolve()
    sent = []
    monkeypatch.setattr(viewer, "send",
                        lambda content, buffers: sent.append(
                            (content, buffers)))
    viewer._send_weights(viewer, {"type": "weights", "key": book["key"]}, [])
    viewer._send_weights(viewer, {"type": "weights", "key": "nonsense"}, [])
    assert sent == [({"type": "weights", "key": book["key"]},
                     [(WEIGHTS_DIR / book["file"]).read_bytes()])]


def test_networks_of_digits_come_with_the_digits_strip():
    viewer = TrainedNetworkViewer()
    digits = [n for n in viewer.networks if n["data_set"] == "mnist"]
    assert [n["key"] for n in digits] == [
        "mnist-k5-c6x16-sigmoid", "mnist-k5-c6x16-relu"]
    assert all(n["label"].startswith("手写数字：") and "chart" not in n
               for n in digits)
    assert all("chart" in n for n in viewer.networks if n not in digits)
    images, labels = read_data_set(MNIST, "test")
    strip = viewer.strips["mnist"]
    assert strip["labels"] == [c for c in range(10) for _ in range(10)]
    grid = np.array(Image.open(io.BytesIO(strip["png"])))
    picked = strip_indices(labels)
    assert (grid[56:84, 84:112] == images[picked[23]]).all()
    assert viewer.missing == []


def test_without_mnist_the_viewer_says_why_it_has_no_digits(
        monkeypatch, tmp_path):
    monkeypatch.setenv(MNIST.dir_env_var, str(tmp_path))  # an empty folder
    viewer = TrainedNetworkViewer()
    assert len(viewer.networks) == 27 and list(viewer.strips) == [
        "fashion_mnist"]
    [why] = viewer.missing
    assert why.startswith("手写数字的网络不可用：") and str(tmp_path) in why


def test_float16_files_round_trip_and_refuse_a_wrong_size():
    run = load_sweep()["runs"][0]
    shapes = [t["shape"] for t in run["weights"]["tensors"]]
    data = (WEIGHTS_DIR / run["weights"]["file"]).read_bytes()
    arrays = weights.decode(data, shapes)
    assert [a.shape for a in arrays] == [tuple(s) for s in shapes]
    assert weights.encode(list(zip("abcdefghij", arrays))) == data
    with pytest.raises(ValueError, match="权重文件有"):
        weights.decode(data[:-2], shapes)

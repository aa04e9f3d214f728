"""Trained LeNets run by the reader's browser (5.5.4), as a widget.

`TrainedNetworkViewer()` shows the sweep's trained networks and those of
handwritten digits: the reader picks a network and a test image of its data
set (or draws one) and sees the class
probabilities and feature maps, and what any cell of a map computes (its
receptive field, kernel, products, sum, bias and activation), computed by
JavaScript
(web/js/lenet_network_viewer.js) from the weights training produced.  In the
static book the weights are fetched from the site, one network at a time; in
JupyterLab this kernel sends them.
"""
import io

import anywidget
import numpy as np
import traitlets
from PIL import Image

from .contract import MESSAGE_TYPES
from .data import DATA_SETS, DataSetNotFoundError, read_data_set
from .explorer_config import DEFAULT_DATA_SET, arch_of
from .paths import WEIGHTS_DIR, widget_esm
from .sweep import (BOOK_LENET_KEY, config_of, load_digit_networks,
                    load_sweep, network_key)

IMAGES_PER_CLASS = 10


def strip_indices(labels, per_class=IMAGES_PER_CLASS):
    """The first `per_class` test images of each class, class by class."""
    return [int(i) for label in range(10)
            for i in np.flatnonzero(labels == label)[:per_class]]


def strip_png(images):
    """uint8 images (N, 28, 28), N a multiple of 10, as one grayscale PNG
    with 10 images per row (lossless: the page reads the exact pixels)."""
    rows = images.reshape(-1, 10, 28, 28).transpose(0, 2, 1, 3)
    grid = rows.reshape(-1, 10 * 28)
    buffer = io.BytesIO()
    Image.fromarray(grid, mode="L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _label(run):
    channels = "/".join(map(str, run["channels"]))
    label = (f"窗口 {run['kernel_size']}，通道 {channels}，"
             f"{run['activation']}（测试准确率 {run['final_test_acc']:.4f}）")
    if network_key(run) == BOOK_LENET_KEY:
        return f"原书 LeNet，即 5.5.2 训练的网络：{label}"
    if "data_set" in run:
        return f"手写数字：{label}"
    return label


def network_records(sweep, digits=None):
    """What the page needs to know of each trained network: the sweep's
    (placed on its chart), then those of handwritten digits."""
    records = []
    for run in sweep["runs"] + (digits["runs"] if digits else []):
        weights = run["weights"]
        records.append({
            "key": network_key(run),
            "label": _label(run), "test_acc": run["final_test_acc"],
            "data_set": run.get("data_set", DEFAULT_DATA_SET),
            "arch": arch_of(config_of(run)),
            "file": weights["file"], "bytes": weights["bytes"],
            "tensors": weights["tensors"]})
        if "data_set" not in run:
            # Where the 5.5.4 sweep chart shows it: its controls' values.
            records[-1]["chart"] = {
                "kernel": run["kernel_size"],
                "channels": ",".join(map(str, run["channels"])),
                "activation": run["activation"]}
    return records


def image_strip(data_set, root=None):
    """The strip of `data_set`'s test images the viewer offers: its PNG
    and the images' classes."""
    images, labels = read_data_set(DATA_SETS[data_set], "test", root)
    picked = strip_indices(labels)
    return {"png": strip_png(images[picked]),
            "labels": [int(labels[i]) for i in picked]}


class TrainedNetworkViewer(anywidget.AnyWidget):
    _esm = traitlets.Unicode(widget_esm("network_viewer")).tag(sync=True)
    networks = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected = traitlets.Unicode().tag(sync=True)
    # Per data set: {"png": the strip, "labels": its images' classes}.
    strips = traitlets.Dict().tag(sync=True)
    # Why a data set's networks are not offered (its images not found).
    missing = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, sweep=None, root=None, book_only=False):
        """`book_only`: only the book's LeNet (5.5.1's convolution view).
        `root`: the folder of Fashion-MNIST's files."""
        strips = {DEFAULT_DATA_SET: image_strip(DEFAULT_DATA_SET, root)}
        missing, digits = [], None
        if not book_only:
            try:
                strips["mnist"] = image_strip("mnist")
                digits = load_digit_networks()
            except DataSetNotFoundError as error:
                missing.append(f"手写数字的网络不可用：{error}")
        networks = network_records(sweep or load_sweep(), digits)
        if book_only:
            networks = [n for n in networks if n["key"] == BOOK_LENET_KEY]
        super().__init__(networks=networks, selected=BOOK_LENET_KEY,
                         strips=strips, missing=missing)
        self.on_msg(self._send_weights)

    def __repr__(self):
        # Without it: the object's address, which nbval would compare.
        return (f"TrainedNetworkViewer({len(self.networks)} networks,"
                f" selected={self.selected!r})")

    def _send_weights(self, _widget, content, _buffers):
        """JupyterLab's page asks for a network's weights file."""
        if content.get("type") != MESSAGE_TYPES["weights"]:
            return
        network = next((n for n in self.networks
                        if n["key"] == content.get("key")), None)
        if network is not None:
            data = (WEIGHTS_DIR / network["file"]).read_bytes()
            self.send({"type": MESSAGE_TYPES["weights"],
                       "key": network["key"]}, [data])

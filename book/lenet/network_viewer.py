"""Trained LeNets run by the reader's browser (5.5.4), as a widget.

`TrainedNetworkViewer()` shows the sweep's trained networks: the reader
picks a network and a test image (or draws one) and sees the class
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
from .data import read_fashion_mnist
from .explorer_config import arch_of
from .paths import WEIGHTS_DIR, widget_esm
from .sweep import BOOK_LENET_KEY, config_of, load_sweep, network_key

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


def network_records(sweep):
    """What the page needs to know of each trained network."""
    records = []
    for run in sweep["runs"]:
        is_book = network_key(run) == BOOK_LENET_KEY
        channels = "/".join(map(str, run["channels"]))
        label = (f"窗口 {run['kernel_size']}，通道 {channels}，"
                 f"{run['activation']}（测试准确率 {run['final_test_acc']:.4f}）")
        if is_book:
            label = f"原书 LeNet，即 5.5.2 训练的网络：{label}"
        weights = run["weights"]
        records.append({
            "key": network_key(run),
            "label": label, "test_acc": run["final_test_acc"],
            "arch": arch_of(config_of(run)),
            # Where the 5.5.4 sweep chart shows it: its controls' values.
            "chart": {"kernel": run["kernel_size"], "channels": ",".join(
                map(str, run["channels"])), "activation": run["activation"]},
            "file": weights["file"], "bytes": weights["bytes"],
            "tensors": weights["tensors"]})
    return records


class TrainedNetworkViewer(anywidget.AnyWidget):
    _esm = traitlets.Unicode(widget_esm("network_viewer")).tag(sync=True)
    networks = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected = traitlets.Unicode().tag(sync=True)
    strip_png = traitlets.Bytes().tag(sync=True)
    strip_labels = traitlets.List(traitlets.Int()).tag(sync=True)

    def __init__(self, sweep=None, root=None, book_only=False):
        """`book_only`: only the book's LeNet (5.5.1's convolution view)."""
        networks = network_records(sweep or load_sweep())
        if book_only:
            networks = [n for n in networks if n["key"] == BOOK_LENET_KEY]
        images, labels = read_fashion_mnist("test", root)
        picked = strip_indices(labels)
        super().__init__(networks=networks,
                         selected=BOOK_LENET_KEY,
                         strip_png=strip_png(images[picked]),
                         strip_labels=[int(labels[i]) for i in picked])
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

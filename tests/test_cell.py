"""What one cell of a feature map computes (web/js/lenet_cell.js) is what
MXNet computes, in Chromium against MXNet on the same weights and images:

* the book's LeNet (its recorded float16 weights, as the viewer runs it), a
  7×7 tanh network of the sweep, a network with batch normalization,
  3×3 and 5×5 windows and average pooling, and one of three padded blocks
  (random weights, a few steps);
* three of the viewer's test images;
* cells of every map (conv0, pool0, conv1, pool1, ...): corners (where a
  padding's zeros are in the window), the middle and other channels.

Every shown input of a receptive field, weight, product, per-channel sum,
sum, the bias, the value before the activation, after batch normalization
and the cell's value, and every pooling window and its value, within 1e-5;
the receptive field in the image is where the cell's gradient reaches.
"""
import json

import mxnet as mx
import numpy as np
import pytest

from lenet import explorer_logic as logic
from lenet import weights
from lenet.explorer_logic import arch_of
from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.network_viewer import strip_indices
from lenet.plan import plan
from lenet.sweep import WEIGHTS_DIR, config_of, load_sweep
from tests.built_site import page_on_web_modules

pytestmark = [pytest.mark.browser, pytest.mark.real_data,
              pytest.mark.usefixtures("real_data_dir")]
TOLERANCE = 1e-5
IMAGES = [0, 37, 99]
CELLS_OF_JS = """async ([network, images, asked]) => {
  const f = await import('./lenet_forward.js');
  const c = await import('./lenet_cell.js');
  const net = {...network, tensors: Object.fromEntries(Object.entries(network.tensors)
    .map(([name, values]) => [name, Float32Array.from(values)]))};
  return JSON.stringify(JSON.parse(images).map((image) => {
    const trace = [];
    f.forward(net, Float32Array.from(image), trace);
    const maps = c.cellMaps(trace);
    return asked.map(([name, channel, row, col]) => ({
      cell: c.cellArithmetic(maps, net.tensors, name, channel, row, col),
      field: c.receptiveField(maps, name, row, col),
      shapes: maps.map((m) => [m.name, m.channels, m.size]) }));
  }));
}"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        yield page


@pytest.fixture(scope="module")
def images():
    pictures, labels = read_fashion_mnist("test")
    return to_unit_float32(pictures[strip_indices(labels)])[IMAGES]


def sweep_network(key):
    run = next(r for r in load_sweep()["runs"]
               if r["weights"]["file"] == f"{key}.bin")
    data = (WEIGHTS_DIR / run["weights"]["file"]).read_bytes()
    config = config_of(run)
    return weights.network_from_file(config, run["weights"], data), config


BATCH_NORM = logic.ExplorerConfig(
    kernel_sizes=(3, 5), channels=(4, 8), dense_units=(32, 16),
    activation="sigmoid", pooling="avg", batch_norm=True, optimizer="adam",
    lr=0.01, batch_size=50)
PADDED_3 = logic.ExplorerConfig(
    kernel_sizes=(5, 3, 3), channels=(4, 6, 8), dense_units=(32,),
    activation="relu", padding="same", optimizer="adam", lr=0.01,
    batch_size=50)


def trained_network(config):
    mx.random.seed(3)
    net, trainer, loss = logic.prepare_training(config)
    pictures, labels = read_fashion_mnist("train")
    X = mx.nd.array(to_unit_float32(pictures[:100]))
    for start in (0, 50):
        logic.train_step(net, trainer, loss, X[start:start + 50],
                         mx.nd.array(labels[start:start + 50]), 50)
    return net, config


NETWORKS = {"book": lambda: sweep_network("k5-c6x16-sigmoid"),
            "k7-tanh": lambda: sweep_network("k7-c16x32-tanh"),
            "batch-norm": lambda: trained_network(BATCH_NORM),
            "padded-3": lambda: trained_network(PADDED_3)}


def mxnet_layers(net, config, image):
    """{layer name: (input, output before the layer's own activation,
    output)} of every layer up to the last pooling, by MXNet."""
    X = mx.nd.array(image[np.newaxis])
    found = {}
    for layer, block in zip(plan(config), net):
        if layer.kind == "dense":
            break
        out = block(X)
        before = out
        if layer.kind == "conv":
            weight = block.weight.data()
            pad = layer.settings.get("padding", 0)
            before = mx.nd.Convolution(
                X, weight, block.bias.data(), kernel=weight.shape[2:],
                num_filter=weight.shape[0], pad=(pad, pad))
        found[layer.name] = (X[0].asnumpy(), before[0].asnumpy(),
                             out[0].asnumpy())
        X = out
    return found


def asked_cells(config):
    """(map, channel, row, col) of corners, the middle and other
    channels of every map."""
    sizes = {layer.name: layer.output_shape[1:3] for layer in plan(config)
             if layer.kind in ("conv", "pool")}
    return [(name, channel, row, col) for name, (c, n) in sizes.items()
            for channel, row, col in ((0, 0, 0), (c - 1, n - 1, n - 1),
                                      (c // 2, n // 2, n // 3))]


def near(ours, theirs):
    return np.abs(np.asarray(ours, float) - np.asarray(theirs, float)).max() \
        <= TOLERANCE


def check_conv(cell, layers, block_of):
    name, channel, row, col = (cell["layer"], cell["channel"], cell["row"],
                               cell["col"])
    conv_input, before, _ = layers[name]
    conv = block_of[name]
    k, pad = cell["k"], cell["padding"]
    conv_input = np.pad(conv_input, ((0, 0), (pad, pad), (pad, pad)))
    w = conv.weight.data().asnumpy()[channel]
    total = 0.0
    for shown, (patch, kernel) in zip(cell["inputs"], (
            (conv_input[i, row:row + k, col:col + k], w[i])
            for i in range(conv_input.shape[0]))):
        products = patch.astype(float) * kernel.astype(float)
        assert near(shown["patch"], patch.ravel())
        assert near(shown["weights"], kernel.ravel())
        assert near(shown["products"], products.ravel())
        assert near(shown["sum"], products.sum())
        total += products.sum()
    assert near(cell["sum"], total)
    assert near(cell["bias"], conv.bias.data().asnumpy()[channel])
    assert near(cell["computed"], before[channel, row, col])
    block_output = layers[name][2]
    if cell["batchNorm"] is not None:
        # The i-th convolution's batch norm and activation are the i-th.
        block = name.removeprefix("conv")
        assert near(cell["normalized"],
                    layers[f"batchnorm{block}"][2][channel, row, col])
        block_output = layers[f"activation{block}"][2]
    assert near(cell["value"], block_output[channel, row, col])


@pytest.mark.parametrize("which", list(NETWORKS))
def test_every_shown_number_of_a_cell_is_mxnets(page, images, which):
    net, config = NETWORKS[which]()
    network = {"arch": arch_of(config), "tensors": {
        name: array.ravel().tolist()
        for name, array in weights.network_tensors(net, config)}}
    asked = asked_cells(config)
    shown = json.loads(page.evaluate(CELLS_OF_JS, [
        network, json.dumps(images.reshape(len(images), -1).tolist()),
        asked]))
    block_of = {layer.name: block for layer, block in zip(plan(config), net)}
    for image, cells in zip(images, shown):
        layers = mxnet_layers(net, config, image)
        for (name, channel, row, col), found in zip(asked, cells):
            cell = found["cell"]
            if cell["kind"] == "conv":
                check_conv(cell, layers, block_of)
                continue
            window_input = layers[name][0]
            window = window_input[channel, 2 * row:2 * row + 2,
                                  2 * col:2 * col + 2].ravel()
            assert near([w["value"] for w in cell["window"]], window)
            assert near(cell["value"], layers[name][2][channel, row, col])
            if cell["pooling"] == "max":
                assert cell["kept"] == int(np.argmax(window))


def gradient_reach(net, config, name, channel, row, col):
    """The rows and columns of the image that cell's gradient reaches."""
    X = mx.nd.array(np.full((1, 1, 28, 28), 0.5, dtype=np.float32))
    X.attach_grad()
    with mx.autograd.record():
        out = X
        for layer, block in zip(plan(config), net):
            out = block(out)
            if layer.name == name:
                break
        picked = out[0, channel, row, col]
    picked.backward()
    rows, cols = np.nonzero(X.grad[0, 0].asnumpy())
    return (rows.min(), cols.min(), rows.max() - rows.min() + 1,
            cols.max() - cols.min() + 1)


REACHES = {
    # The book's LeNet's shape: 14×14 for a conv1 cell.
    "book": (logic.ExplorerConfig(pooling="avg"),
             [("conv0", 1, 3, 20), ("pool0", 2, 5, 1), ("conv1", 4, 7, 2),
              ("pool1", 9, 3, 0)],
             [(5, 5), (6, 6), (14, 14), (16, 16)]),
    # Three padded blocks (windows 5, 3, 3; padding 2, 1, 1): a conv2
    # cell's field is 20×20 and starts 8 pixels up and left of 4·(row,
    # col); at a corner the image's edge cuts it.
    "padded-3": (PADDED_3.replace(pooling="avg", activation="sigmoid"),
                 [("conv0", 0, 0, 0), ("conv1", 1, 0, 13), ("conv2", 2, 3, 3),
                  ("pool2", 3, 0, 2), ("conv2", 5, 6, 0)],
                 [(3, 3), (6, 6), (20, 20), (16, 20), (12, 12)]),
}


@pytest.mark.parametrize("which", list(REACHES))
def test_a_cells_receptive_field_is_where_its_gradient_reaches(page, which):
    """With average pooling every pixel of the field matters: the field
    the page draws is the box the cell's gradient fills, cut where a
    padding's zeros lie outside the image."""
    config, asked, expected = REACHES[which]
    net = logic.build_network(config)
    mx.random.seed(1)
    net.initialize(mx.init.Xavier())
    net(mx.nd.zeros((1, 1, 28, 28)))
    network = {"arch": arch_of(config), "tensors": {
        name: array.ravel().tolist()
        for name, array in weights.network_tensors(net, config)}}
    shown = json.loads(page.evaluate(CELLS_OF_JS, [
        network, json.dumps([[0.5] * 784]), asked]))[0]
    sizes = []
    for (name, channel, row, col), found in zip(asked, shown):
        field = found["field"]
        reach = gradient_reach(net, config, name, channel, row, col)
        assert (field["top"], field["left"], field["height"],
                field["width"]) == reach, (name, row, col)
        sizes.append(reach[2:])
    assert sizes == expected


"""显著图 and 遮挡: the page's (web/js/lenet_attribution.js, over its own
forward pass) against MXNet's (lenet.attribution): the saliency map against
autograd's gradient, the occlusion map against MXNet's probabilities on the
same occluded images, for the book's LeNet, a network of digits, a
batch-norm network and a deeper one (three padded blocks)."""
from pathlib import Path

import numpy as np
import pytest

from lenet import attribution, weights
from lenet.data import MNIST, read_data_set, read_fashion_mnist, to_unit_float32
from lenet.explorer_logic import arch_of
from lenet.network_file import load_network
from lenet.sweep import (load_digit_networks, load_sweep, network_key,
                         trained_network)
from tests.built_site import page_on_web_modules

pytestmark = [pytest.mark.browser, pytest.mark.real_data,
              pytest.mark.usefixtures("real_data_dir")]
FIXTURES = Path(__file__).parent / "fixtures" / "version_2"
TOLERANCE = 1e-5  # the page's float32 sums run in another order
PATCHES = [(6, 2), (10, 4), (4, 4)]  # (size, stride)

LOAD_WEIGHTS = """async ([arch, record]) => {
  const m = await import('./lenet_forward.js');
  const buffer = await (await fetch('../data/lenet-weights/' + record.file)).arrayBuffer();
  return {arch, tensors: m.unpackTensors(m.decodeFloat16(buffer), record.tensors)};
}"""
LOAD_FILE = """async ([text]) => {
  const files = await import('./lenet_network_file.js');
  const {config, tensors} = files.readNetworkFile(text);
  return {arch: config, tensors};
}"""
SALIENCY = """async ([network, image, label]) => {
  const a = await import('./lenet_attribution.js');
  return Array.from(a.saliency(network, Float32Array.from(image), label));
}"""
MAPS = """async ([network, image, label, patches]) => {
  const a = await import('./lenet_attribution.js');
  return patches.map(([size, stride]) => Array.from(
    a.occlusionMap(network, Float32Array.from(image), label, size, stride).drops));
}"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        yield page


def kept_network(key):
    """A kept network: (MXNet's, the page's loader script and its argument)."""
    runs = load_sweep()["runs"] + load_digit_networks()["runs"]
    run = next(r for r in runs if network_key(r) == key)
    config, net = trained_network(run)
    return net, LOAD_WEIGHTS, [arch_of(config), run["weights"]]


def file_network(name):
    net, _ = load_network(FIXTURES / name)
    return net, LOAD_FILE, [(FIXTURES / name).read_text("utf-8")]


NETWORKS = {
    "book": lambda: kept_network("k5-c6x16-sigmoid"),
    "digits": lambda: kept_network("mnist-k5-c6x16-relu"),
    "batch_norm": lambda: file_network("one_block_no_hidden_kernel.json"),
    "three_padded_blocks": lambda: file_network("three_padded_blocks_page.json"),
}


def opened(page, name):
    """Network `name` in MXNet and in the page, and its data set's test
    images (uint8) and labels."""
    net, script, argument = NETWORKS[name]()
    images, labels = (read_data_set(MNIST, "test") if name == "digits"
                      else read_fashion_mnist("test"))
    return net, page.evaluate(script, argument), images, labels


def test_the_occluded_images_are_numpys(page):
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    stack = attribution.occluded_images(image, 6, 4)
    theirs = page.evaluate("""async ([image]) => {
      const a = await import('./lenet_attribution.js');
      return [a.occlusionPositions(6, 4),
              Array.from(a.occludedImage(Float32Array.from(image), 4, 4, 6))];
    }""", [image.ravel().tolist()])
    assert theirs[0] == attribution.occlusion_positions(6, 4)
    assert (np.array(theirs[1], dtype=np.float32) == stack[7].ravel()).all()
    places = attribution.occlusion_positions(6, 4)
    assert places == [0, 4, 8, 12, 16, 20]
    assert stack.shape == (36, 28, 28)
    assert (stack[7, 4:10, 4:10] == attribution.OCCLUSION_FILL).all()
    changed = stack[7] != image
    assert changed.sum() == 36 and changed[4:10, 4:10].all()


@pytest.mark.parametrize("name", NETWORKS)
def test_the_page_occludes_as_mxnet_does(page, name):
    net, network, images, labels = opened(page, name)
    for index in (0, 37):
        image = to_unit_float32(images[index]).reshape(28, 28)
        label = int(labels[index])
        theirs = page.evaluate(MAPS, [network, image.ravel().tolist(), label,
                                      PATCHES])
        for (size, stride), drops in zip(PATCHES, theirs):
            mine = attribution.occlusion_map(net, image, label, size, stride)
            assert mine.shape == (len(attribution.occlusion_positions(
                size, stride)),) * 2
            assert np.abs(np.array(drops) - mine.ravel()).max() <= TOLERANCE, (
                name, index, size, stride)


@pytest.mark.parametrize("name", NETWORKS)
def test_the_page_saliency_is_mxnets_gradient(page, name):
    net, network, images, labels = opened(page, name)
    for index in (0, 37, 99):
        image = to_unit_float32(images[index]).reshape(28, 28)
        for label in (int(labels[index]), (int(labels[index]) + 3) % 10):
            theirs = np.array(page.evaluate(
                SALIENCY, [network, image.ravel().tolist(), label]))
            mine = attribution.saliency(net, image, label).ravel()
            assert np.abs(mine).max() > 0, (name, index, label)
            assert np.abs(theirs - mine).max() <= TOLERANCE, (
                name, index, label, np.abs(theirs - mine).max(), np.abs(mine).max())


# Not the digits' relu network: on MNIST's black background many relu
# units sit at their kink, where no finite difference is the gradient.
@pytest.mark.parametrize("name", [n for n in NETWORKS if n != "digits"])
def test_mxnets_saliency_is_the_slope_its_own_forward_pass_shows(name):
    """The reference itself: autograd's gradient equals central differences
    of MXNet's logit at a few pixels (oneDNN's inference-mode pooling
    backward would not: lenet.attribution says why)."""
    import mxnet as mx

    net = NETWORKS[name]()[0]
    images, labels = (read_data_set(MNIST, "test") if name == "digits"
                      else read_fashion_mnist("test"))
    image = to_unit_float32(images[0]).reshape(28, 28).astype(np.float64)
    label = int(labels[0])
    gradient = attribution.saliency(net, image.astype(np.float32), label)

    def logit(values):
        return float(net(mx.nd.array(values[np.newaxis, np.newaxis]))
                     .asnumpy()[0, label])

    step = 1e-3
    for y, x in ((14, 14), (10, 12), (20, 5), (7, 21)):
        up, down = image.copy(), image.copy()
        up[y, x] += step
        down[y, x] -= step
        # At a relu's kink only one side's slope is the gradient.
        slopes = [(logit(up) - logit(down)) / (2 * step),
                  (logit(up) - logit(image)) / step,
                  (logit(image) - logit(down)) / step]
        assert min(abs(gradient[y, x] - s) for s in slopes) <= 2e-3 * max(
            1, abs(slopes[0])), (y, x, gradient[y, x], slopes)


FOOL = """async ([network, image, label]) => {
  const a = await import('./lenet_attribution.js');
  const x = Float32Array.from(image);
  const gradient = a.lossGradient(network, x, label);
  const found = a.smallestFooling(network, x, label);
  return {gradient: Array.from(gradient),
          moved: Array.from(a.fgsm(x, gradient, 8)),
          levels: found && found.levels, predicted: found && found.predicted};
}"""


@pytest.mark.parametrize("name", NETWORKS)
def test_the_page_fools_the_network_as_mxnet_does(page, name):
    """对抗样本: the loss's gradient sign, the image 8 gray levels along it,
    and the fewest levels that change the prediction, as MXNet's."""
    net, network, images, _ = opened(page, name)
    for index in (0, 37, 99):
        image = to_unit_float32(images[index]).reshape(28, 28)
        label = int(weights.probabilities(net, image[np.newaxis, np.newaxis])[0].argmax())
        theirs = page.evaluate(FOOL, [network, image.ravel().tolist(), label])
        mine = attribution.loss_gradient(net, image, label).ravel()
        assert np.abs(np.array(theirs["gradient"]) - mine).max() <= TOLERANCE
        # Within the tolerance of 0, float32 rounding picks the sign.
        clear = np.abs(mine) > TOLERANCE
        assert clear.sum() >= 50, clear.sum()  # a comparison of something
        assert (np.sign(theirs["gradient"])[clear] == np.sign(mine)[clear]).all()
        moved = attribution.fgsm(image, mine.reshape(28, 28), 8).ravel()
        assert (np.array(theirs["moved"], dtype=np.float32)[clear] == moved[clear]).all()
        assert theirs["levels"] == attribution.smallest_fooling(net, image, label), (
            name, index)

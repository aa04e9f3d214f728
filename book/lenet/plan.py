"""LeNet as a plan: its layers in order, worked out from the architecture
alone, without MXNet.

The block rule of 5.5.1 with the explorer's additions is written here once:

* each convolution block (one to three): Conv2D (with ⌊k/2⌋ zeros on each
  side when the padding is "same"), [BatchNorm, Activation], 2x2 pooling;
* each hidden dense layer (none to three): Dense, [BatchNorm, Activation],
  [Dropout];
* the output: Dense(10).

Without batch normalization a convolution or hidden dense layer applies the
activation itself (Gluon's `activation=`).  Every other description of a
network follows from the plan: the Gluon network (`lenet.model`), the layer
table, the Gluon code the explorer shows, the weights files' tensor order
(`lenet.weights`) and the feature maps' names.  web/js/lenet_architecture.js
is the same rule in JavaScript; tests/test_browser_logic.py compares the two
plans over every configuration the controls offer.
"""
import dataclasses
import math
from typing import NamedTuple, Tuple

from .contract import NETWORK

IMAGE_SIZE, NUM_CLASSES = NETWORK["image_size"], NETWORK["num_classes"]
# A layer's tensors in the order of MXNet's collect_params(); the running
# statistics of batch normalization are not trained.
TENSORS = NETWORK["tensors"]
# Gluon's BatchNorm defaults, given to it explicitly (lenet.model) so that
# the browser's engine reads the same numbers.
BATCH_NORM = NETWORK["batch_norm"]


class LayerRow(NamedTuple):
    """One line of the layer table (5.5.1 and the explorer)."""
    name: str
    output_shape: tuple
    num_params: int
    formula: str
    # Per image: how much arithmetic the layer does (a convolution's weights
    # are used once per output position, a dense layer's once).
    multiply_adds: int = 0


@dataclasses.dataclass(frozen=True)
class Layer:
    """One layer of the plan.  `settings` are what Gluon's constructor of
    the layer takes (channels, kernel_size, units, activation, pooling,
    rate); `tensors` its parameters as (name, shape), in file order."""
    kind: str  # conv, batchnorm, activation, pool, dense, dropout
    name: str  # as Gluon names it in a new network: conv0, pool1, ...
    output_shape: Tuple[int, ...]
    tensors: Tuple[Tuple[str, Tuple[int, ...]], ...] = ()
    formula: str = "0"
    multiply_adds: int = 0
    settings: dict = dataclasses.field(default_factory=dict)

    @property
    def num_params(self):
        return sum(math.prod(shape) for _, shape in self.tensors)

    @property
    def row(self):
        return LayerRow(self.name, self.output_shape, self.num_params,
                        self.formula, self.multiply_adds)


def pool_output(size):
    """A 2x2 window, stride 2, no padding: floor((n - 2) / 2) + 1."""
    return (size - 2) // 2 + 1


def conv_padding(padding, kernel_size):
    """The zeros added on each side of a convolution's input: none, or
    ⌊k/2⌋ (an odd window then keeps the height and width)."""
    return kernel_size // 2 if padding == "same" else 0


def plan(arch, num_classes=NUM_CLASSES):
    """The layers of `arch` (anything with the architecture's fields:
    kernel_sizes, channels, activation, pooling, padding, dense_units,
    dropout, batch_norm: an ExplorerConfig), for one image.  `arch` must
    be valid (lenet.explorer_config.validate)."""
    layers, counts = [], {}

    def add(kind, shape, **parts):
        number = counts.get(kind, 0)
        counts[kind] = number + 1
        layers.append(Layer(kind, f"{kind}{number}", shape, **parts))

    def with_activation(kind, shape, features, **parts):
        """The layer and its activation: inside it, or after a batch norm
        (four vectors per feature, one multiply-add per value)."""
        if not arch.batch_norm:
            parts["settings"]["activation"] = arch.activation
            add(kind, shape, **parts)
            return
        add(kind, shape, **parts)
        add("batchnorm", shape, formula=f"4×{features}",
            multiply_adds=math.prod(shape),
            tensors=tuple((what, (features,))
                          for what in TENSORS["batchnorm"]))
        add("activation", shape, settings={"activation": arch.activation})

    size, in_channels = IMAGE_SIZE, 1
    for k, c in zip(arch.kernel_sizes, arch.channels):
        pad = conv_padding(arch.padding, k)
        size = size + 2 * pad - k + 1
        with_activation(
            "conv", (1, c, size, size), c,
            tensors=(("weight", (c, in_channels, k, k)), ("bias", (c,))),
            formula=f"({k}×{k}×{in_channels}+1)×{c}",
            multiply_adds=c * size * size * k * k * in_channels,
            settings={"channels": c, "kernel_size": k,
                      **({"padding": pad} if pad else {})})
        size = pool_output(size)
        add("pool", (1, c, size, size), settings={"pooling": arch.pooling})
        in_channels = c
    features = in_channels * size * size
    for units in arch.dense_units:
        with_activation("dense", (1, units), units,
                        **_dense_parts(features, units))
        if arch.dropout > 0:
            add("dropout", (1, units), settings={"rate": arch.dropout})
        features = units
    add("dense", (1, num_classes), **_dense_parts(features, num_classes))
    return layers


def _dense_parts(features, units):
    return {"tensors": (("weight", (units, features)), ("bias", (units,))),
            "formula": f"({features}+1)×{units}",
            "multiply_adds": features * units,
            "settings": {"units": units}}


def layer_rows(arch):
    """The layer table of `arch`, from its plan."""
    return [layer.row for layer in plan(arch)]


def named_tensors(layers):
    """Every parameter of a plan as the weights files name it, with its
    shape, in file order: (conv0.weight, (6, 1, 5, 5)), ..."""
    return [(f"{layer.name}.{what}", shape) for layer in layers
            for what, shape in layer.tensors]

"""The explorer's network from its configuration alone: a table of shapes,
parameters and multiply-adds, the Gluon network and readable Gluon code.
Part of lenet.explorer_logic; web/js/lenet_architecture.js computes the
same in the browser (tests/test_browser_logic.py compares them).
"""
import math
from typing import NamedTuple, Tuple

from .explorer_config import (IMAGE_SIZE, NUM_CLASSES, OPTIMIZERS,
                              _pool_output)
from .model import POOLINGS, build_lenet, format_table

class LayerInfo(NamedTuple):
    name: str
    output_shape: Tuple[int, ...]
    num_params: int
    formula: str
    multiply_adds: int


def layer_infos(config):
    """Per-layer shapes, parameter counts and multiply-adds for one image.

    Worked out from the configuration alone, so it is instant; the tests
    check it against the real network.  `config` must be valid.
    """
    rows, counts = [], {}

    def row(kind, shape, num_params=0, formula="0", multiply_adds=0):
        rows.append(LayerInfo(f"{kind}{counts.get(kind, 0)}", shape,
                              num_params, formula, multiply_adds))
        counts[kind] = counts.get(kind, 0) + 1

    def normalised(shape, features):
        """BatchNorm (γ, β and the running mean and variance of each
        feature; one multiply-add per value) and the activation."""
        if config.batch_norm:
            row("batchnorm", shape, 4 * features, f"4×{features}",
                math.prod(shape))
            row("activation", shape)

    size, in_channels = IMAGE_SIZE, 1
    for k, c in zip(config.kernel_sizes, config.channels):
        size = size - k + 1
        row("conv", (1, c, size, size), (k * k * in_channels + 1) * c,
            f"({k}×{k}×{in_channels}+1)×{c}",
            c * size * size * k * k * in_channels)
        normalised((1, c, size, size), c)
        size = _pool_output(size)
        row("pool", (1, c, size, size))
        in_channels = c
    features = in_channels * size * size
    for i, units in enumerate((*config.dense_units, NUM_CLASSES)):
        row("dense", (1, units), (features + 1) * units,
            f"({features}+1)×{units}", features * units)
        if i < len(config.dense_units):
            normalised((1, units), units)
            if config.dropout > 0:
                row("dropout", (1, units))
        features = units
    return rows


def format_layer_infos(rows):
    """The table as fixed-width text, with totals."""
    return format_table(
        ("层", "输出形状", "参数个数", "计算方法", "乘加次数"),
        [(r.name, str(r.output_shape), f"{r.num_params:,}", r.formula,
          f"{r.multiply_adds:,}") for r in rows],
        ("合计", "", f"{sum(r.num_params for r in rows):,}", "",
         f"{sum(r.multiply_adds for r in rows):,}"))


def build_network(config):
    """The Gluon network that `config` describes (not initialised), as a
    HybridSequential: `train` runs it as one graph."""
    return build_lenet(config.kernel_sizes, config.channels,
                       config.activation, config.pooling,
                       config.dense_units, NUM_CLASSES, config.dropout,
                       config.batch_norm, hybrid=True)


def optimizer_code(config):
    """The Trainer's optimizer and settings, as Gluon code."""
    name, settings = OPTIMIZERS[config.optimizer]
    items = ", ".join([f"'learning_rate': {config.lr}",
                       *(f"'{k}': {v}" for k, v in settings.items())])
    return f"'{name}',", f"{{{items}}}"


def gluon_code(config):
    """Readable Gluon code that builds and trains `config`'s network."""
    pool = POOLINGS[config.pooling].__name__
    act = config.activation
    lines = ["from mxnet import gluon, init",
             "from mxnet.gluon import nn", "",
             "net = nn.Sequential()", "net.add("]

    def with_activation(layer):
        if config.batch_norm:
            lines.extend([f"    {layer}),", "    nn.BatchNorm(),",
                          f"    nn.Activation('{act}'),"])
        else:
            lines.append(f"    {layer}, activation='{act}'),")

    for k, c in zip(config.kernel_sizes, config.channels):
        with_activation(f"nn.Conv2D(channels={c}, kernel_size={k}")
        lines.append(f"    nn.{pool}(pool_size=2, strides=2),")
    for units in config.dense_units:
        with_activation(f"nn.Dense({units}")
        if config.dropout > 0:
            lines.append(f"    nn.Dropout({config.dropout:g}),")
    lines.append(f"    nn.Dense({NUM_CLASSES}))")
    name, settings = optimizer_code(config)
    lines += [
        f"net.initialize(init=init.{config.initializer}())",
        f"trainer = gluon.Trainer(net.collect_params(), {name}",
        f"                        {settings})",
        f"# batch_size = {config.batch_size}, num_epochs ="
        f" {config.num_epochs}, 训练样本数 {config.train_size}",
    ]
    return "\n".join(lines)

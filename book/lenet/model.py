"""LeNet as a configurable Gluon network, and a table describing a network."""
from typing import NamedTuple

from mxnet import nd
from mxnet.gluon import nn


POOLINGS = {"max": nn.MaxPool2D, "avg": nn.AvgPool2D}


def build_lenet(kernel_sizes=(5, 5), channels=(6, 16), activation="sigmoid",
                pooling="max", dense_units=(120, 84), num_classes=10,
                dropout=0.0, batch_norm=False, hybrid=False):
    """LeNet of section 5.5.1; the defaults give exactly the book's network.

    Blocks of convolution + 2x2 pooling (stride 2), one per kernel size and
    channel count, then dense layers of `dense_units` and a final one of
    `num_classes` outputs.  A `dropout` above 0 puts a dropout layer after
    each hidden dense layer, as AlexNet (section 5.6) does.  `batch_norm`
    puts batch normalization between each convolution or hidden dense layer
    and its activation, as the LeNet of section 5.10 does.  `hybrid` makes
    it a HybridSequential, which `hybridize()` runs as one compiled graph
    (section 8.1, 命令式和符号式混合编程).
    """
    net = nn.HybridSequential() if hybrid else nn.Sequential()

    def add_with_activation(make_layer, **options):
        """The layer with its activation, or layer, BatchNorm, activation.
        (Gluon numbers layers as they are made: make only the ones used.)"""
        if batch_norm:
            net.add(make_layer(**options), nn.BatchNorm(),
                    nn.Activation(activation))
        else:
            net.add(make_layer(activation=activation, **options))

    for kernel_size, out_channels in zip(kernel_sizes, channels):
        add_with_activation(nn.Conv2D, channels=out_channels,
                            kernel_size=kernel_size)
        net.add(POOLINGS[pooling](pool_size=2, strides=2))
    for units in dense_units:
        add_with_activation(nn.Dense, units=units)
        if dropout > 0:
            net.add(nn.Dropout(dropout))
    net.add(nn.Dense(num_classes))
    return net


class LayerRow(NamedTuple):
    name: str
    output_shape: tuple
    num_params: int
    formula: str
    # Per image: how much arithmetic the layer does (a convolution's weights
    # are used once per output position, a dense layer's once).
    multiply_adds: int = 0


def _param_formula(layer):
    """How the layer's parameter count follows from its shapes, as text."""
    params = list(layer.collect_params().values())
    if not params:
        return "0"
    weight = next((p for p in params if p.name.endswith("weight")), None)
    if weight is None:
        # BatchNorm: γ, β, running mean and variance, one per feature.
        return f"{len(params)}×{params[0].shape[0]}"
    has_bias = any(p.name.endswith("bias") for p in params)
    outputs, *inputs = weight.shape
    fan_in = "×".join(str(size) for size in reversed(inputs))
    if has_bias:
        fan_in = f"({fan_in}+1)"
    return f"{fan_in}×{outputs}"


def _multiply_adds(layer, output_shape):
    """Multiply-adds of `layer` for one image, from its real weights and
    its output's shape: each weight of a convolution once per output
    position, of a dense layer once; one per value for BatchNorm."""
    params = layer.collect_params().values()
    weight = next((p for p in params if p.name.endswith("weight")), None)
    per_image = output_shape[1:]
    if weight is not None:
        positions = per_image[1] * per_image[2] if len(per_image) == 3 else 1
        return int(weight.data().size) * positions
    if params:  # BatchNorm
        count = 1
        for size in per_image:
            count *= size
        return count
    return 0


def layer_table(net, input_shape):
    """One `LayerRow` per layer of an initialised `net` for one input shape.

    The counts come from the real parameters; the formula is written out
    from their shapes so a reader can check the count by hand.
    """
    X = nd.zeros(input_shape)
    rows = []
    for layer in net:
        X = layer(X)
        count = sum(int(p.data().size)
                    for p in layer.collect_params().values())
        rows.append(LayerRow(layer.name, X.shape, count,
                             _param_formula(layer),
                             _multiply_adds(layer, X.shape)))
    return rows


def format_layer_table(rows):
    """A fixed-width text table of `rows` with a total line."""
    return format_table(
        ("层", "输出形状", "参数个数", "计算方法", "乘加次数"),
        [(row.name, str(row.output_shape), str(row.num_params), row.formula,
          str(row.multiply_adds)) for row in rows],
        ("合计", "", str(sum(row.num_params for row in rows)), "",
         str(sum(row.multiply_adds for row in rows))))


def format_table(header, body, total):
    """Columns padded for a monospaced font, where CJK takes two cells."""
    lines = [header, *body, total]
    widths = [max(_display_width(line[i]) for line in lines)
              for i in range(len(header))]
    return "\n".join(
        "  ".join(cell + " " * (width - _display_width(cell))
                  for cell, width in zip(line, widths)).rstrip()
        for line in lines)


def _display_width(text):
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)

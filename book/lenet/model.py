"""LeNet as a configurable Gluon network, and a table describing a network."""
from typing import NamedTuple

from mxnet import nd
from mxnet.gluon import nn


def build_lenet(kernel_size=5, channels=(6, 16), activation="sigmoid",
                dense_units=(120, 84), num_classes=10):
    """LeNet of section 5.5.1; the defaults give exactly the book's network.

    Two blocks of convolution + 2x2 max pooling (stride 2), then dense layers
    of `dense_units` and a final one of `num_classes` outputs.
    """
    net = nn.Sequential()
    for out_channels in channels:
        net.add(nn.Conv2D(channels=out_channels, kernel_size=kernel_size,
                          activation=activation),
                nn.MaxPool2D(pool_size=2, strides=2))
    for units in dense_units:
        net.add(nn.Dense(units, activation=activation))
    net.add(nn.Dense(num_classes))
    return net


class LayerRow(NamedTuple):
    name: str
    output_shape: tuple
    num_params: int
    formula: str


def _param_formula(layer):
    """How the layer's parameter count follows from its shapes, as text."""
    params = list(layer.collect_params().values())
    if not params:
        return "0"
    weight = next(p for p in params if p.name.endswith("weight"))
    has_bias = any(p.name.endswith("bias") for p in params)
    outputs, *inputs = weight.shape
    fan_in = "×".join(str(size) for size in reversed(inputs))
    if has_bias:
        fan_in = f"({fan_in}+1)"
    return f"{fan_in}×{outputs}"


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
                             _param_formula(layer)))
    return rows


def format_layer_table(rows):
    """A fixed-width text table of `rows` with a total line."""
    header = ("层", "输出形状", "参数个数", "计算方法")
    body = [(row.name, str(row.output_shape), str(row.num_params),
             row.formula) for row in rows]
    total = ("合计", "", str(sum(row.num_params for row in rows)), "")
    lines = [header, *body, total]
    widths = [max(_display_width(line[i]) for line in lines)
              for i in range(len(header))]
    return "\n".join(
        "  ".join(_pad(cell, width) for cell, width in zip(line, widths))
        .rstrip() for line in lines)


def _display_width(text):
    # CJK characters take two columns in a monospaced font.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text, width):
    return text + " " * (width - _display_width(text))

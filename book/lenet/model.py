"""LeNet as a Gluon network built from its plan (`lenet.plan`), and the
layer table of any network, measured from its real parameters."""
from mxnet import nd
from mxnet.gluon import nn

from .contract import NETWORK
from .explorer_config import ExplorerConfig
from .plan import BATCH_NORM, LayerRow, plan

# Gluon's pooling layer of each pooling the plan names (MaxPool2D, ...).
POOLING_LAYERS = {name: getattr(nn, layer)
                  for name, layer in NETWORK["gluon_poolings"].items()}
# One Gluon layer per kind of the plan, from the layer's settings.
GLUON_LAYERS = {
    "conv": lambda s: nn.Conv2D(channels=s["channels"],
                                kernel_size=s["kernel_size"],
                                padding=s.get("padding", 0),
                                activation=s.get("activation")),
    "batchnorm": lambda s: nn.BatchNorm(**BATCH_NORM),
    "activation": lambda s: nn.Activation(s["activation"]),
    "pool": lambda s: POOLING_LAYERS[s["pooling"]](pool_size=2, strides=2),
    "dense": lambda s: nn.Dense(s["units"], activation=s.get("activation")),
    "dropout": lambda s: nn.Dropout(s["rate"]),
}


def build_lenet(kernel_sizes=(5, 5), channels=(6, 16), activation="sigmoid",
                pooling="max", dense_units=(120, 84), num_classes=10,
                dropout=0.0, batch_norm=False, hybrid=False, padding="valid"):
    """LeNet of section 5.5.1; the defaults give exactly the book's network.

    Blocks of convolution + 2x2 pooling (stride 2), one per kernel size and
    channel count, then dense layers of `dense_units` and a final one of
    `num_classes` outputs.  A `dropout` above 0 puts a dropout layer after
    each hidden dense layer, as AlexNet (section 5.6) does.  `batch_norm`
    puts batch normalization between each convolution or hidden dense layer
    and its activation, as the LeNet of section 5.10 does.  `padding`
    "same" pads each convolution's input by ⌊k/2⌋ on each side, as the
    newer edition's LeNet (padding=2 for its 5×5 windows).  `hybrid` makes
    it a HybridSequential, which `hybridize()` runs as one compiled graph
    (section 8.1, 命令式和符号式混合编程).
    """
    arch = ExplorerConfig(
        kernel_sizes=tuple(kernel_sizes), channels=tuple(channels),
        activation=activation, pooling=pooling, padding=padding,
        dense_units=tuple(dense_units), dropout=dropout,
        batch_norm=batch_norm)
    return build_network(arch, hybrid, num_classes)


def build_network(arch, hybrid=False, num_classes=NETWORK["num_classes"]):
    """The Gluon network of `arch` (an ExplorerConfig), not initialised:
    one layer per layer of its plan, in order (Gluon numbers them as they
    are made, as the plan names them).  `hybrid`: a HybridSequential,
    which the explorer's training runs as one graph."""
    net = nn.HybridSequential() if hybrid else nn.Sequential()
    net.add(*(GLUON_LAYERS[layer.kind](layer.settings)
              for layer in plan(arch, num_classes)))
    return net


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
    """Columns padded for a monospaced font, where CJK takes two cells
    (`total`: a last row, or None)."""
    lines = [header, *body, *([total] if total else [])]
    widths = [max(_display_width(line[i]) for line in lines)
              for i in range(len(header))]
    return "\n".join(
        "  ".join(cell + " " * (width - _display_width(cell))
                  for cell, width in zip(line, widths)).rstrip()
        for line in lines)


def _display_width(text):
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)

"""LeNet's builder and the shape/parameter table of 5.5.1."""
import re

import pytest
from mxnet.gluon import nn

from lenet import build_lenet, format_layer_table, layer_table, set_seed

pytestmark = pytest.mark.quick


def initialised(net):
    net.initialize()
    return net


def test_default_lenet_matches_the_book():
    rows = layer_table(initialised(build_lenet()), (1, 1, 28, 28))
    # Shapes printed in the book's 5.5.1; counts worked out by hand.
    assert [row.output_shape for row in rows] == [
        (1, 6, 24, 24), (1, 6, 12, 12), (1, 16, 8, 8), (1, 16, 4, 4),
        (1, 120), (1, 84), (1, 10)]
    assert [row.num_params for row in rows] == [
        (5 * 5 * 1 + 1) * 6, 0, (5 * 5 * 6 + 1) * 16, 0,
        (16 * 4 * 4 + 1) * 120, (120 + 1) * 84, (84 + 1) * 10]
    assert sum(row.num_params for row in rows) == 44426
    # Multiply-adds per image, worked out by hand: each weight of a
    # convolution once per output position.
    assert [row.multiply_adds for row in rows] == [
        5 * 5 * 1 * 6 * 24 * 24, 0, 5 * 5 * 6 * 16 * 8 * 8, 0,
        256 * 120, 120 * 84, 84 * 10]


def test_default_lenet_uses_sigmoid_and_max_pooling():
    net = build_lenet()
    kinds = [type(layer).__name__ for layer in net]
    assert kinds == ["Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D",
                     "Dense", "Dense", "Dense"]
    assert all(layer.act.name.endswith("sigmoid")
               for layer in list(net)[:6] if not isinstance(
                   layer, nn.MaxPool2D))
    assert net[6].act is None


@pytest.mark.parametrize("config", [
    {},
    {"kernel_sizes": (3, 3), "channels": (8, 32), "activation": "relu"},
    {"kernel_sizes": (7, 3), "channels": (4, 4), "pooling": "avg",
     "dense_units": (64,)},
])
def test_formula_column_gives_the_real_count(config):
    set_seed()
    net = initialised(build_lenet(**config))
    for row in layer_table(net, (2, 1, 28, 28)):
        by_formula = eval(row.formula.replace("×", "*"))  # digits, + * ( )
        assert by_formula == row.num_params, row
        assert re.fullmatch(r"[\d×+()]+", row.formula)


def test_formula_without_bias():
    net = nn.Sequential()
    net.add(nn.Dense(3, use_bias=False))
    net.initialize()
    (row,) = layer_table(net, (1, 4))
    assert (row.formula, row.num_params) == ("4×3", 12)


def test_text_table_has_a_total_and_aligned_columns():
    text = format_layer_table(layer_table(initialised(build_lenet()),
                                          (1, 1, 28, 28)))
    lines = text.splitlines()
    assert lines[0].split() == ["层", "输出形状", "参数个数", "计算方法",
                                "乘加次数"]
    assert lines[-1].split() == ["合计", "44426", "281640"]
    assert len(lines) == 1 + 7 + 1

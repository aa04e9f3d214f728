"""The configurations of the explorer's layer controls that the grid tests
walk, in both languages (tests/test_explorer_logic.py against MXNet's
shape inference, tests/test_browser_logic.py against the page's plan):

* two blocks, every kernel pair × channel pair × pooling × padding;
* one block, every kernel × channels × pooling × padding, with 0 to 3
  hidden dense layers;
* three blocks, every kernel triple × pooling × padding, on channels
  (4, 8, 16): the channels change no shape but their own.
"""
import itertools

from lenet import explorer_logic as logic
from lenet.contract import FIELDS

KERNELS = range(FIELDS["kernel_sizes"]["choices"]["min"],
                FIELDS["kernel_sizes"]["choices"]["max"] + 1)
CHANNEL_OPTIONS = FIELDS["channels"]["choices"]
PADDINGS = FIELDS["padding"]["choices"]
DENSE_DEPTHS = [(), (64,), (120, 84), (32, 16, 8)]


def layer_grid():
    for k1, k2, c1, c2, pooling, padding in itertools.product(
            KERNELS, KERNELS, CHANNEL_OPTIONS, CHANNEL_OPTIONS,
            logic.POOLINGS, PADDINGS):
        yield logic.ExplorerConfig(kernel_sizes=(k1, k2), channels=(c1, c2),
                                   pooling=pooling, padding=padding)
    for k, c, pooling, padding, units in itertools.product(
            KERNELS, CHANNEL_OPTIONS, logic.POOLINGS, PADDINGS,
            DENSE_DEPTHS):
        yield logic.ExplorerConfig(kernel_sizes=(k,), channels=(c,),
                                   pooling=pooling, padding=padding,
                                   dense_units=units)
    for k1, k2, k3, pooling, padding in itertools.product(
            KERNELS, KERNELS, KERNELS, logic.POOLINGS, PADDINGS):
        yield logic.ExplorerConfig(kernel_sizes=(k1, k2, k3),
                                   channels=(4, 8, 16), pooling=pooling,
                                   padding=padding)


GRID_SIZE = (len(KERNELS) ** 2 * len(CHANNEL_OPTIONS) ** 2
             + len(KERNELS) * len(CHANNEL_OPTIONS) * len(DENSE_DEPTHS)
             + len(KERNELS) ** 3) * len(logic.POOLINGS) * len(PADDINGS)

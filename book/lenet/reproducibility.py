"""One place that makes a page's random numbers repeatable."""
import random

import mxnet as mx
import numpy as np

DEFAULT_SEED = 0


def set_seed(seed=DEFAULT_SEED):
    """Seed Python's `random`, NumPy and MXNet (all devices) with `seed`.

    Call it at the top of a page, before any data is shuffled or any
    parameter is initialised.  Results are then identical run to run on the
    same machine as long as OMP_NUM_THREADS is fixed too (see `lenet`).
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(
            f"随机种子必须是非负整数，收到的是 {seed!r}。"
            f" / The seed must be a non-negative integer, got {seed!r}.")
    random.seed(seed)
    np.random.seed(seed)
    mx.random.seed(seed)

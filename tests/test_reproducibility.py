"""Two runs of the same seeded training print the same numbers, bit for bit."""
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.training, pytest.mark.real_data,
              pytest.mark.processes, pytest.mark.cpu_dependent,
              pytest.mark.usefixtures("real_data_dir")]

SHORT_TRAINING = """
from lenet import (FashionMNISTBatches, build_lenet, read_fashion_mnist,
                   set_seed)
import d2lzh as d2l
from mxnet import gluon, init

set_seed(0)
features, labels = read_fashion_mnist("train")
train_iter = FashionMNISTBatches(features[:2048], labels[:2048], 256, True)
test_iter = FashionMNISTBatches(*read_fashion_mnist("test"), 256, False)
net = build_lenet()
ctx = d2l.try_gpu()
net.initialize(ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.9})
d2l.train_ch5(net, train_iter, test_iter, 256, trainer, ctx, 2)
for name, param in net.collect_params().items():
    print(name, repr(param.data().asnumpy().astype("float64").sum()))
"""


def run_short_training():
    env = dict(os.environ, OMP_NUM_THREADS="2")
    result = subprocess.run([sys.executable, "-c", SHORT_TRAINING], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    # Everything but the wall-clock time of each epoch.
    return [line.split(", time")[0] for line in result.stdout.splitlines()]


def test_seeded_training_is_bit_identical_across_processes():
    first, second = run_short_training(), run_short_training()
    assert any(line.startswith("epoch 2, loss") for line in first), first
    assert sum("_weight" in line for line in first) == 5, first
    assert first == second

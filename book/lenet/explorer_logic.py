"""The LeNet explorer of 5.5.4, without any widget.

A configuration object, its validation, the network it describes, a table
of shapes, parameters and multiply-adds worked out without running the
network, the Gluon code for it, and a training loop that reports through
callbacks and can be stopped between two batches.  `lenet.explorer` puts
widgets over this.
"""
import dataclasses
import math
import time
from typing import NamedTuple, Optional, Tuple

import d2lzh as d2l
import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import loss as gloss, nn

from .data import FashionMNISTBatches, read_fashion_mnist
from .model import POOLINGS, build_lenet, format_table
from .reproducibility import set_seed

ACTIVATIONS = ("sigmoid", "relu", "tanh", "softrelu")
INITIALIZERS = {
    "Xavier": init.Xavier,
    "Normal": init.Normal,
    "Uniform": init.Uniform,
    "MSRAPrelu": init.MSRAPrelu,
}
# name -> (Gluon's optimizer, its settings beyond the learning rate).
OPTIMIZERS = {
    "sgd": ("sgd", {}),                     # 3.2 and 5.5: the book's LeNet
    "momentum": ("sgd", {"momentum": 0.9}),  # 7.4 动量法
    "adam": ("adam", {}),                   # 7.8 Adam 算法
}
IMAGE_SIZE, NUM_CLASSES = 28, 10
TRAIN_SET_SIZE = 60000
# A loss above this (chance level is ln 10 ≈ 2.3) means training diverged.
EXPLODED_LOSS = 100.0


@dataclasses.dataclass(frozen=True)
class ExplorerConfig:
    """Everything the reader can change; the defaults are the book's LeNet."""

    kernel_sizes: Tuple[int, int] = (5, 5)
    channels: Tuple[int, int] = (6, 16)
    activation: str = "sigmoid"
    pooling: str = "max"
    dense_units: Tuple[int, int] = (120, 84)
    # Not in the book's LeNet (0 = no dropout layer); 3.13 introduces it.
    dropout: float = 0.0
    # Not in the book's LeNet either: 5.10 adds batch normalization.
    batch_norm: bool = False
    optimizer: str = "sgd"
    lr: float = 0.9
    initializer: str = "Xavier"
    num_epochs: int = 5
    batch_size: int = 256
    train_size: int = TRAIN_SET_SIZE
    seed: int = 0

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


PRESETS = {
    "原书LeNet": ExplorerConfig(),
    # Measured with ci/explorer_preset_accuracy.py; see the 5.5.4 page.
    "改进的LeNet": ExplorerConfig(
        kernel_sizes=(5, 5), channels=(32, 64), activation="relu",
        dense_units=(256, 128), lr=0.05, num_epochs=10, batch_size=32),
    # Well under a minute on two CPU cores: with batch normalization (5.10)
    # and Adam (7.8) 3 epochs of batch 128 reach 0.90; see the 5.5.4 page
    # for the measurements.
    "快速达到0.90": ExplorerConfig(
        kernel_sizes=(5, 5), channels=(32, 64), activation="relu",
        dense_units=(256, 128), batch_norm=True, optimizer="adam",
        lr=0.001, num_epochs=3, batch_size=128),
    "快速试跑": ExplorerConfig(
        activation="relu", lr=0.1, num_epochs=3, train_size=6000),
    # For training in the static page, on the 5,000 training images it
    # ships (lenet.contract.BROWSER_PRESET; ci/browser_subset.py measured
    # it against other candidates).
    "网页里快速训练": ExplorerConfig(
        activation="relu", batch_norm=True, optimizer="adam", lr=0.003,
        num_epochs=5, batch_size=128, train_size=5000),
}


class LayerInfo(NamedTuple):
    name: str
    output_shape: Tuple[int, ...]
    num_params: int
    formula: str
    multiply_adds: int


def _pool_output(size):
    # 2x2 window, stride 2, no padding ("valid"): floor((n - 2) / 2) + 1.
    return (size - 2) // 2 + 1


def validate(config):
    """Return a list of problems, in Chinese, each naming what to change."""
    problems = []

    def positive_int(value, what, upper=None):
        if not isinstance(value, (int, np.integer)) or value < 1:
            problems.append(f"{what}必须是正整数，现在是 {value!r}。")
        elif upper is not None and value > upper:
            problems.append(f"{what}最多为 {upper}，现在是 {value}。")

    for pair, what in ((config.kernel_sizes, "卷积窗口大小"),
                       (config.channels, "卷积层输出通道数"),
                       (config.dense_units, "全连接层输出个数")):
        if not isinstance(pair, tuple) or len(pair) != 2:
            problems.append(f"{what}要给两个值（每层一个），现在是 {pair!r}。")
    if problems:
        return problems
    for i, (k, c) in enumerate(zip(config.kernel_sizes, config.channels), 1):
        positive_int(k, f"第 {i} 个卷积层的窗口大小")
        positive_int(c, f"第 {i} 个卷积层的输出通道数")
    for i, units in enumerate(config.dense_units, 1):
        positive_int(units, f"第 {i} 个全连接层的输出个数")
    positive_int(config.num_epochs, "迭代周期数")
    positive_int(config.batch_size, "批量大小")
    positive_int(config.train_size, "训练样本数", TRAIN_SET_SIZE)
    if config.activation not in ACTIVATIONS:
        problems.append(f"激活函数只能是 {'、'.join(ACTIVATIONS)} 之一。")
    if config.pooling not in POOLINGS:
        problems.append("池化方式只能是 max 或 avg。")
    if config.initializer not in INITIALIZERS:
        problems.append(f"初始化方法只能是 {'、'.join(INITIALIZERS)} 之一。")
    if config.optimizer not in OPTIMIZERS:
        problems.append(f"优化算法只能是 {'、'.join(OPTIMIZERS)} 之一。")
    if not isinstance(config.batch_norm, bool):
        problems.append(
            f"批量归一化要么开（True）要么关（False），现在是 "
            f"{config.batch_norm!r}。")
    if not (isinstance(config.dropout, (int, float))
            and 0 <= config.dropout < 1):
        problems.append(
            f"丢弃概率必须满足 0 ≤ p < 1（0 表示不用丢弃法），"
            f"现在是 {config.dropout!r}。")
    if not (isinstance(config.lr, (int, float)) and math.isfinite(config.lr)
            and config.lr > 0):
        problems.append(f"学习率必须是正数，现在是 {config.lr!r}。")
    if problems:
        return problems
    size = IMAGE_SIZE
    for i, k in enumerate(config.kernel_sizes, 1):
        if size < k:
            problems.append(
                f"第 {i} 个卷积层：输入的高和宽只有 {size}，小于 {k}×{k} 的"
                f"卷积窗口，输出会缩成 0。请减小窗口大小。")
            return problems
        size = size - k + 1
        if size < 2:
            problems.append(
                f"第 {i} 个池化层：输入的高和宽只有 {size}，放不下 2×2 的"
                f"池化窗口。请减小前面卷积层的窗口大小。")
            return problems
        size = _pool_output(size)
    return problems


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


class EpochResult(NamedTuple):
    epoch: int
    train_loss: float
    train_acc: float
    test_acc: float
    seconds: float
    # CPU time of the process (all threads), which a busy neighbour on the
    # machine moves less than the wall time (bench/train_speed.py).
    cpu_seconds: float = float("nan")


@dataclasses.dataclass
class RunResult:
    config: ExplorerConfig
    epochs: list
    stopped: bool = False
    diverged: bool = False
    message: str = ""
    net: Optional[nn.Sequential] = None

    @property
    def final_test_acc(self):
        return self.epochs[-1].test_acc if self.epochs else float("nan")

    @property
    def seconds(self):
        return sum(e.seconds for e in self.epochs)


def _correct_count(y_hat, y):
    """How many of the batch's predictions are right, as a Python number.

    Reading it every batch is a second device-to-host read next to the
    loss's.  Keeping the count as an NDArray until the epoch ends did not
    pay: above 1.0x in 1 of 7 rotations in each of two runs of
    bench/train_speed.py --candidates ("one read per batch").
    """
    return (y_hat.argmax(axis=1) == y.astype("float32")).sum().asscalar()


_as_number = float  # the epoch's correct count, as _correct_count sums it


def prepare_training(config, ctx=None, dtype="float32"):
    """`config`'s network, initialised from its seed, its Trainer and the
    loss, as `train` starts (`dtype` float64: a reference for the tests)."""
    set_seed(config.seed)
    net = build_network(config)
    net.initialize(INITIALIZERS[config.initializer](), ctx=ctx or mx.cpu())
    if dtype != "float32":
        net.cast(dtype)
    # One cached graph instead of one call per operator: 1.09x and 1.07x
    # images/s (above 1.0 in 7 and 5 of 7 rotations) in two runs of
    # bench/train_speed.py --levers, with the same numbers
    # (tests/test_one_network.py).
    net.hybridize(static_alloc=True, static_shape=True)
    name, settings = OPTIMIZERS[config.optimizer]
    trainer = gluon.Trainer(net.collect_params(), name,
                            {"learning_rate": config.lr, **settings})
    return net, trainer, gloss.SoftmaxCrossEntropyLoss()


def train_step(net, trainer, loss, X, y, batch_size):
    """One batch: the summed loss, its gradient, the update.  As train_ch5
    does (5.5.2), the gradient is divided by the configured batch size even
    for the shorter last batch, so that the book's LeNet here is exactly
    the run of 5.5.2.  Returns the outputs and the summed loss."""
    with autograd.record():
        y_hat = net(X)
        batch_loss = loss(y_hat, y).sum()
    batch_loss.backward()
    trainer.step(batch_size)
    return y_hat, batch_loss


def train(config, train_iter, test_iter, ctx=None, on_batch=None,
          on_epoch=None, should_stop=None):
    """Train `config`'s network as `train_ch5` does, reporting as it goes.

    With the same seed, the book's LeNet gives 5.5.2's numbers digit for
    digit (the same random draws in the same order, the same updates).

    `on_batch(done, total)` after each batch, `on_epoch(EpochResult)` after
    each epoch; `should_stop()` is asked before each batch.  A loss that
    becomes NaN or explodes ends the run with a message.  `train_iter` should
    already hold `config.train_size` samples.
    """
    from . import contract  # its messages; it imports this module

    problems = validate(config)
    if problems:
        raise ValueError("\n".join(problems))
    ctx = ctx or mx.cpu()
    net, trainer, loss = prepare_training(config, ctx)
    result = RunResult(config, [], net=net)
    total = len(train_iter) * config.num_epochs
    done = 0
    for epoch in range(1, config.num_epochs + 1):
        loss_sum, correct, n = 0.0, 0.0, 0
        start, cpu = time.perf_counter(), time.process_time()
        for X, y in train_iter:
            if should_stop is not None and should_stop():
                result.stopped = True
                result.message = contract.say("stopped", epoch=epoch)
                return result
            X, y = X.as_in_context(ctx), y.as_in_context(ctx)
            y_hat, batch_loss = train_step(net, trainer, loss, X, y,
                                           config.batch_size)
            batch_loss = batch_loss.asscalar()
            if not math.isfinite(batch_loss) or (
                    batch_loss / X.shape[0] > EXPLODED_LOSS):
                result.diverged = True
                result.message = contract.say(
                    "diverged", epoch=epoch, loss=batch_loss / X.shape[0],
                    lr=config.lr)
                return result
            loss_sum += batch_loss
            correct += _correct_count(y_hat, y)
            n += y.size
            done += 1
            if on_batch is not None:
                on_batch(done, total)
        test_acc = d2l.evaluate_accuracy(test_iter, net, ctx)
        result.epochs.append(EpochResult(
            epoch, loss_sum / n, _as_number(correct) / n, test_acc,
            time.perf_counter() - start, time.process_time() - cpu))
        if on_epoch is not None:
            on_epoch(result.epochs[-1])
    return result


def data_iters(config, root=None, test_batch_size=1000):
    """Training batches over the first `config.train_size` training images
    (the same subset for every run) and batches over the whole test set."""
    images, labels = read_fashion_mnist("train", root)
    n = config.train_size
    train_iter = FashionMNISTBatches(images[:n], labels[:n],
                                     config.batch_size, shuffle=True)
    test_iter = FashionMNISTBatches(*read_fashion_mnist("test", root),
                                    test_batch_size, shuffle=False)
    return train_iter, test_iter


def feature_maps(net, image, ctx=None):
    """Each convolution block's output (after its activation, before the
    pooling) for one (1, 28, 28) image.

    Returns a list of (name, array of shape (channels, h, w)).
    """
    X = nd.array(image[np.newaxis], ctx=ctx or mx.cpu())
    maps = []
    for layer in net:
        if isinstance(layer, tuple(POOLINGS.values())):
            maps.append((f"conv{len(maps)}", X[0].asnumpy()))
        X = layer(X)
    return maps


def confusion_matrix(net, test_iter, ctx=None):
    """10x10 counts: row = true class, column = predicted class."""
    counts = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    for X, y in test_iter:
        predicted = net(X.as_in_context(ctx or mx.cpu())).argmax(axis=1)
        np.add.at(counts, (y.asnumpy(), predicted.asnumpy().astype(int)), 1)
    return counts

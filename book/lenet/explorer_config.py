"""What the 5.5.4 explorer's reader can change, and what may be changed to.

The configuration (the book's LeNet by default), the presets, the choices of
activation, initializer and optimizer, and `validate`, which says in Chinese
what to change.  Part of lenet.explorer_logic.
"""
import dataclasses
import math
from typing import Tuple

import numpy as np
from mxnet import init

from .model import POOLINGS
from .plan import IMAGE_SIZE, NUM_CLASSES, pool_output  # noqa: F401

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
# MXNet's defaults of Adam, given to the Trainer explicitly so that the
# browser's engine reads the same numbers (lenet.contract); the code shown
# to the reader leaves them out, as Gluon's defaults.
ADAM = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
TRAIN_SET_SIZE, TEST_SET_SIZE = 60000, 10000
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
    # Not in the book's LeNet (1 = a constant rate): after each epoch the
    # learning rate is multiplied by this, as 9.12's `lr_decay` does.
    lr_decay: float = 1.0
    initializer: str = "Xavier"
    num_epochs: int = 5
    batch_size: int = 256
    train_size: int = TRAIN_SET_SIZE
    seed: int = 0

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


PRESETS = {
    "原书LeNet": ExplorerConfig(),
    # Measured with ci/record/explorer_preset_accuracy.py; see the 5.5.4 page.
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
    # A learning rate that drops tenfold after the first of two epochs
    # (0.005, then 0.0005) on a smaller network whose second convolution
    # has 3x3 windows (cheaper than 5x5 on two CPU cores, and no less
    # accurate); see the 5.5.4 page for the measurements and for what else
    # was tried.
    "学习率衰减达到0.90": ExplorerConfig(
        kernel_sizes=(5, 3), channels=(16, 32), activation="relu",
        dense_units=(256, 128), batch_norm=True, optimizer="adam",
        lr=0.005, lr_decay=0.1, num_epochs=2, batch_size=256),
    "快速试跑": ExplorerConfig(
        activation="relu", lr=0.1, num_epochs=3, train_size=6000),
    # For training in the static page, on the 5,000 training images it
    # ships (lenet.contract.BROWSER_PRESET): two epochs, the least work
    # that reached 0.80 on every seed in the browser among the rates and
    # batch sizes tried (ci/record/browser_training.py, see the 5.5.4 page).
    "网页里快速训练": ExplorerConfig(
        activation="relu", batch_norm=True, optimizer="adam", lr=0.002,
        num_epochs=2, batch_size=64, train_size=5000),
}

# Presets that fail on purpose (5.5.4, 会失败的预设): each trains on the
# first 5,000 training images, which the static page ships too, so that
# both engines run it on the same images.  `contrast` is the one change
# that makes it learn; lenet.failures checks, on either engine's run, that
# it fails as its sentence (lenet.contract.WORDS["preset_notes"]) says.
FAILING_PRESETS = {
    "会失败：学习率太大": dict(
        config=ExplorerConfig(activation="softrelu", lr=5.0, num_epochs=3,
                              batch_size=64, train_size=5000),
        claim="diverges", contrast={"lr": 0.1}),
    "会失败：初始值太小": dict(
        config=ExplorerConfig(activation="relu", initializer="Normal",
                              lr=0.1, num_epochs=3, batch_size=64,
                              train_size=5000),
        claim="stays_at_chance", contrast={"initializer": "Xavier"}),
    "会失败：学习率太小": dict(
        config=ExplorerConfig(activation="relu", lr=0.001, num_epochs=3,
                              train_size=5000),
        claim="stays_at_chance", contrast={"lr": 0.1}),
}
PRESETS.update({name: failing["config"]
                for name, failing in FAILING_PRESETS.items()})


def epoch_learning_rate(config, epoch):
    """The learning rate of epoch `epoch` (1, 2, ...): `lr`, then multiplied
    by `lr_decay` once per epoch.  One multiplication at a time, as
    web/js/lenet_train.js's epochLearningRate does, so that both engines
    get the same doubles."""
    rate = config.lr
    for _ in range(epoch - 1):
        rate *= config.lr_decay
    return rate


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
    if not (isinstance(config.lr_decay, (int, float))
            and 0 < config.lr_decay <= 1):
        problems.append(
            f"学习率衰减（每个迭代周期后学习率乘以的数）必须满足 0 < γ ≤ 1"
            f"（1 表示不变），现在是 {config.lr_decay!r}。")
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
        size = pool_output(size)
    return problems

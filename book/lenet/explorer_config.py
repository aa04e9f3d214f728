"""What the 5.5.4 explorer's reader can change, and what may be changed to.

The configuration's fields, their defaults (the book's LeNet), what each
may hold and the presets are the contract's (`fields` and `presets` of
contract.json); this module makes them Python: `ExplorerConfig`, PRESETS,
FAILING_PRESETS, the configuration as the JavaScript holds it and back,
`describe` (a run's one line), and `validate`, which says in Chinese what
to change.  Part of lenet.explorer_logic; nothing here needs MXNet.
"""
import dataclasses
import math

import numpy as np

from .contract import CUSTOM, DATA_SETS, FIELDS, NETWORK
from .contract import PRESETS as PRESET_CHANGES
from .plan import IMAGE_SIZE, NUM_CLASSES, conv_padding, pool_output  # noqa: F401

ACTIVATIONS = tuple(FIELDS["activation"]["choices"])
POOLINGS = tuple(FIELDS["pooling"]["choices"])
INITIALIZERS = tuple(FIELDS["initializer"]["choices"])
# name -> (Gluon's optimizer, its settings beyond the learning rate).
OPTIMIZERS = {name: tuple(gluon) for name, gluon
              in NETWORK["optimizers"].items()}
# MXNet's defaults of Adam, given to the Trainer explicitly so that the
# browser's engine reads the same numbers; the code shown to the reader
# leaves them out, as Gluon's defaults.
ADAM = NETWORK["adam"]
TRAIN_SET_SIZE, TEST_SET_SIZE = (NETWORK["train_set_size"],
                                 NETWORK["test_set_size"])
# A loss above this (chance level is ln 10 ≈ 2.3) means training diverged.
EXPLODED_LOSS = NETWORK["exploded_loss"]
# The data set of a configuration that names none (the book's).
DEFAULT_DATA_SET = FIELDS["data_set"]["default"]
PYTHON_TYPES = {"int": int, "float": float, "text": str, "flag": bool}
_ALWAYS = object()  # describe(): a field without omit_when is always shown


def _python_value(field, value):
    """A JSON value of `field` as the configuration holds it: a list as a
    tuple, a number of a float field as a float (of a range's steps
    without float noise)."""
    spec = FIELDS[field]
    if isinstance(value, list):
        return tuple(_python_value(field, item) for item in value)
    if spec["type"] == "float" and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        value = float(value)
        return round(value, 6) if isinstance(spec["choices"], dict) else value
    return value


def _field(name, spec):
    default = _python_value(name, spec["default"])
    kind = tuple if isinstance(default, tuple) else PYTHON_TYPES[spec["type"]]
    return name, kind, dataclasses.field(default=default)


ExplorerConfig = dataclasses.make_dataclass(
    "ExplorerConfig", [_field(name, spec) for name, spec in FIELDS.items()],
    frozen=True, namespace={
        "__doc__": "Everything the reader can change; the defaults are the"
                   " book's LeNet (the contract's fields).",
        "replace": lambda self, **changes: dataclasses.replace(
            self, **changes)})
ExplorerConfig.__module__ = __name__


class ConfigError(ValueError):
    """A configuration that cannot be trained; `problems` says why, in
    Chinese, each naming what to change."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def config_from_json(values):
    """The ExplorerConfig of the JavaScript's values (lists as tuples;
    unknown fields left out).  It is not validated here: `train()` does
    that, once."""
    return ExplorerConfig(**{field: _python_value(field, value)
                             for field, value in values.items()
                             if field in FIELDS})


def config_json(config):
    """Every field of an ExplorerConfig as the JavaScript holds it."""
    return {field: list(value) if isinstance(value, tuple) else value
            for field, value in dataclasses.asdict(config).items()}


def arch_of(config):
    """The architecture fields of an ExplorerConfig, as JSON values."""
    values = config_json(config)
    return {field: values[field] for field in FIELDS
            if FIELDS[field]["group"] == "architecture"}


def training_of(config):
    return {field: getattr(config, field) for field in FIELDS
            if FIELDS[field]["group"] == "training"}


PRESETS = {name: config_from_json(preset["changes"])
           for name, preset in PRESET_CHANGES.items()}
# The presets that fail on purpose (5.5.4, 会失败的预设): `claim` is how,
# `contrast` the one change that makes it learn (lenet.failures checks
# both on either engine's run), `note` the sentence the page shows.
FAILING_PRESETS = {name: dict(config=PRESETS[name], **preset["fails"])
                   for name, preset in PRESET_CHANGES.items()
                   if "fails" in preset}


def preset_of(config):
    """The name of the preset `config` is, or CUSTOM (the JavaScript's
    presetOf names the same)."""
    return next((name for name, preset in PRESETS.items()
                 if preset == config), CUSTOM)


def class_names(data_set=DEFAULT_DATA_SET):
    """The classes of `data_set` as a reader sees them: “T恤（t-shirt）”, …
    (the book's Chinese and d2lzh's English), or “0”, “1”, … (a digit)."""
    return [f"{zh}（{en[0]}）" if en else zh for zh, *en
            in DATA_SETS[data_set]["class_names"]]


def _described(spec, value):
    if "short_labels" in spec:
        return spec["short_labels"][value]
    if spec.get("describe_as") == "g":
        return format(value, "g")
    return str(value)


def describe(config):
    """One line for a run's configuration, each field as its `describe`
    says (web/js/lenet_architecture.js's describe writes the same)."""
    parts = []
    for field, spec in FIELDS.items():
        value = getattr(config, field)
        if "describe" in spec and value != spec.get("omit_when", _ALWAYS):
            parts.append(spec["describe"].format(_described(spec, value)))
    return ", ".join(parts)


def trainer_settings(config):
    """{Gluon Trainer's setting: value} of the fields that are one (the
    contract's `trainer`), in the fields' order, but those at their
    `omit_when` (Gluon's default)."""
    return {spec["trainer"]: getattr(config, field)
            for field, spec in FIELDS.items() if "trainer" in spec
            and getattr(config, field) != spec.get("omit_when", _ALWAYS)}


def _choice_problems(config):
    """The fields checked against their choices alone (the contract's
    `validate: "choices"`)."""
    problems = []
    for field, spec in FIELDS.items():
        value = getattr(config, field)
        if spec.get("validate") == "choices" and value not in spec["choices"]:
            problems.append(
                f"{spec['name']}只能是 {'、'.join(map(str, spec['choices']))}"
                f" 之一，现在是 {value!r}。")
    return problems


def epoch_learning_rate(config, epoch):
    """The learning rate of epoch `epoch` (1, 2, ...): `lr`, then multiplied
    by `lr_decay` once per epoch.  One multiplication at a time, as
    web/js/lenet_train.js's epochLearningRate does, so that both engines
    get the same doubles."""
    rate = config.lr
    for _ in range(epoch - 1):
        rate *= config.lr_decay
    return rate


def _layers_problems(config):
    """A list of the wrong length (the contract's `layers`), or a block's
    lists of different lengths."""
    problems = []
    for field, spec in FIELDS.items():
        layers, value = spec.get("layers"), getattr(config, field)
        if layers and not (isinstance(value, tuple)
                           and layers["min"] <= len(value) <= layers["max"]):
            problems.append(
                f"{spec['name']}要给 {layers['min']} 到 {layers['max']} 个值"
                f"（每层一个），现在是 {value!r}。")
    if not problems and len(config.kernel_sizes) != len(config.channels):
        problems.append(
            f"卷积窗口大小和卷积层输出通道数要一样多（每个卷积块各一个），现在是 "
            f"{len(config.kernel_sizes)} 个和 {len(config.channels)} 个。")
    return problems


def _what_fits(i, size, padding):
    """What the reader can change when block `i`'s input is `size` high."""
    if padding != "same" and size >= 2:
        fits = f"请把第 {i} 个卷积层的窗口减小到 {size - 1}×{size - 1} 以内"
    else:
        fits = f"前面的层已经把高和宽缩到 {size}，请减小前面卷积层的窗口"
    other = ("，或者减少卷积块数" if padding == "same"
             else "，或者减少卷积块数、选“填充保持大小”")
    return fits + other + "。"


def _shape_problems(config):
    """What does not fit in the image: the first layer whose window is
    larger than its input, and what would fit."""
    size = IMAGE_SIZE
    for i, k in enumerate(config.kernel_sizes, 1):
        pad = conv_padding(config.padding, k)
        if size + 2 * pad < k:
            return [f"第 {i} 个卷积层：输入的高和宽只有 {size}，小于 {k}×{k} 的"
                    f"卷积窗口，输出会缩成 0。" + _what_fits(i, size, config.padding)]
        out = size + 2 * pad - k + 1
        if out < 2:
            return [f"第 {i} 个池化层：输入的高和宽只有 {out}，放不下 2×2 的"
                    f"池化窗口。" + _what_fits(i, size, config.padding)]
        size = pool_output(out)
    return []


def validate(config):
    """Return a list of problems, in Chinese, each naming what to change."""
    problems = _layers_problems(config)
    if problems:
        return problems

    def positive_int(value, what, upper=None):
        if not isinstance(value, (int, np.integer)) or value < 1:
            problems.append(f"{what}必须是正整数，现在是 {value!r}。")
        elif upper is not None and value > upper:
            problems.append(f"{what}最多为 {upper}，现在是 {value}。")

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
    problems += _choice_problems(config)
    return problems or _shape_problems(config)

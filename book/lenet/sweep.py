"""The precomputed sweep behind the 5.5.4 chart: its grid, its file, checks.

`ci/record/sweep_explorer_grid.py` trains every configuration of `GRID` with the
explorer's own training loop and writes `DATA_PATH`; the page reads it at
build time (see `lenet.sweep_chart`).  `check` is the file's schema: the
sweep script runs it before writing, the tests and the page before use.
"""
import hashlib
import itertools
import json
import math
from pathlib import Path

from .explorer_config import DEFAULT_DATA_SET, PRESETS, ExplorerConfig
from .model import format_table
from .paths import BOOK_DATA, WEIGHTS_DIR
from .plan import layer_rows, named_tensors, plan
from .runs import EPOCH_FIELDS, epoch_json
from .weights import WEIGHTS_FORMAT, network_from_file

DATA_PATH = BOOK_DATA / "lenet_sweep.json"
PARTIAL_PATH = DATA_PATH.with_name("lenet_sweep.partial.json")
SEED = 0
GRID = {
    "kernel_size": [3, 5, 7],
    "channels": [[6, 16], [16, 32], [32, 64]],
    "activation": ["sigmoid", "relu", "tanh"],
}
# The seed's hyperparameters (5 epochs, batch 256, Xavier, max pooling, dense
# 120 and 84) for every run.  Learning rate by activation: the book's 0.9
# for sigmoid; 0.1 for relu and tanh, with which 0.9 diverges or stalls.
SETTINGS = {
    "num_epochs": 5, "batch_size": 256, "initializer": "Xavier",
    "pooling": "max", "dense_units": [120, 84], "train_size": 60000,
    "test_size": 10000,
    "learning_rate": {"sigmoid": 0.9, "relu": 0.1, "tanh": 0.1},
}


class SweepFileError(ValueError):
    """The sweep file is missing, unreadable or does not match the grid."""


def grid_configs(grid=GRID, data_set=DEFAULT_DATA_SET):
    """One ExplorerConfig per point of the grid, in the grid's order."""
    return [
        ExplorerConfig(
            kernel_sizes=(k, k), channels=tuple(channels),
            activation=activation, pooling=SETTINGS["pooling"],
            dense_units=tuple(SETTINGS["dense_units"]),
            lr=SETTINGS["learning_rate"][activation],
            initializer=SETTINGS["initializer"],
            num_epochs=SETTINGS["num_epochs"],
            batch_size=SETTINGS["batch_size"],
            train_size=SETTINGS["train_size"], seed=SEED, data_set=data_set)
        for k, channels, activation in itertools.product(*grid.values())]


def grid_point(config):
    """Where `config` is in the grid: as a run record of the sweep file
    names it (with its data set when it is not Fashion-MNIST's)."""
    point = {"kernel_size": config.kernel_sizes[0],
             "channels": list(config.channels),
             "activation": config.activation}
    if config.data_set != DEFAULT_DATA_SET:
        point["data_set"] = config.data_set
    return point


def network_key(point):
    """A trained network's one name, of its grid point (a run record, or
    `grid_point` of a configuration): k5-c6x16-sigmoid, mnist-k5-c6x16-sigmoid
    on digits, as its weights file, the viewer's choices and every lookup
    know it."""
    data_set = point.get("data_set", DEFAULT_DATA_SET)
    return ("" if data_set == DEFAULT_DATA_SET else f"{data_set}-") + (
        f"k{point['kernel_size']}-c{'x'.join(map(str, point['channels']))}"
        f"-{point['activation']}")


# The book's LeNet in the grid (the preset, trained as 5.5.2 does).
BOOK_LENET = grid_point(PRESETS["原书LeNet"])
BOOK_LENET_KEY = network_key(BOOK_LENET)


def weights_file_name(config):
    return network_key(grid_point(config)) + ".bin"


# The networks of handwritten digits the viewer offers beside the grid's:
# the book's LeNet, and with relu, trained with the grid's settings on MNIST
# (ci/record/sweep_explorer_grid.py --digits writes DIGITS_PATH).
DIGITS_PATH = BOOK_DATA / "digit_networks.json"
DIGIT_GRID = {"kernel_size": [5], "channels": [[6, 16]],
              "activation": ["sigmoid", "relu"]}


def digit_configs():
    return grid_configs(DIGIT_GRID, data_set="mnist")


def config_of(run):
    """The ExplorerConfig of one run record (the grid's or the digits')."""
    return {network_key(grid_point(c)): c
            for c in grid_configs() + digit_configs()}[network_key(run)]


def trained_network(run):
    """(config, its Gluon network with the run's kept float16 weights), of
    one run record of the sweep file or the digits' file."""
    config = config_of(run)
    data = (WEIGHTS_DIR / run["weights"]["file"]).read_bytes()
    return config, network_from_file(config, run["weights"], data)


# The run that tests/test_sweep.py trains again, and for how many epochs:
# nothing in training depends on the number of epochs (no schedule), so the
# first ones must match the record's first ones.
RERUN_EPOCHS = 2


def rerun_configuration(data):
    """The cheapest run of the sweep and its configuration, shortened to
    RERUN_EPOCHS (ci/record/cpu_spread.py measures how far it moves by CPU)."""
    cheapest = min(data["runs"], key=lambda run: run["seconds"])
    return cheapest, config_of(cheapest).replace(num_epochs=RERUN_EPOCHS)


def layer_records(config):
    """The per-layer table of `config`, as the sweep file stores it."""
    return [{"name": layer.name, "output_shape": list(layer.output_shape),
             "num_params": layer.num_params} for layer in layer_rows(config)]


def sweep_run_record(config, epochs, wall_seconds, weights):
    """What the sweep file keeps of one run (`epochs`: EpochResults,
    `weights`: `lenet.weights.weights_record` plus its float16 agreement)."""
    layers = layer_records(config)
    return {
        **grid_point(config),
        "lr": config.lr,
        "num_params": sum(layer["num_params"] for layer in layers),
        "layers": layers,
        "epochs": [epoch_json(e, digits=6) for e in epochs],
        "final_test_acc": float(epochs[-1].test_acc),
        "seconds": round(wall_seconds, 2),
        "weights": weights,
    }


def check(data, weights_dir=WEIGHTS_DIR):
    """Raise SweepFileError naming the first thing that does not fit,
    the weights files in `weights_dir` included."""
    _check_file(data, DATA_PATH, "ci/record/sweep_explorer_grid.py", GRID,
                grid_configs(), weights_dir)


def check_digits(data, weights_dir=WEIGHTS_DIR):
    """check() of the digit networks' file."""
    _check_file(data, DIGITS_PATH, "ci/record/sweep_explorer_grid.py --digits",
                DIGIT_GRID, digit_configs(), weights_dir)


def _check_file(data, path, how, grid, expected_configs, weights_dir):
    def fail(message):
        raise SweepFileError(
            f"{message}。请用 {how} 重新生成 {path.name}"
            f" / {path.name} does not match: {message}")

    for key in ("provenance", "settings", "grid", "runs"):
        if key not in data:
            fail(f"缺少 '{key}'")
    # onednn_isa: float32 results differ between instruction sets, and a
    # reader of a failing comparison must see which one made the numbers.
    for key in ("date", "cpu", "onednn_isa", "versions", "seed",
                "total_seconds"):
        if key not in data["provenance"]:
            fail(f"provenance 缺少 '{key}'")
    if data["grid"] != grid or data["settings"] != SETTINGS:
        fail("grid 或 settings 与 lenet.sweep 中的定义不同")
    run_fields = ("kernel_size", "channels", "activation", "lr", "num_params",
                  "layers", "epochs", "final_test_acc", "seconds", "weights")
    for number, run in enumerate(data["runs"], 1):
        missing = [f for f in run_fields if f not in run]
        if missing:
            fail(f"第 {number} 个运行记录缺少 {', '.join(missing)}")
    configs = {network_key(grid_point(c)): c for c in expected_configs}
    keys = [network_key(run) for run in data["runs"]]
    if sorted(keys) != sorted(configs) or len(set(keys)) != len(keys):
        fail(f"runs 应当恰好覆盖网格的 {len(configs)} 个配置，"
             f"实际有 {len(keys)} 个")
    for run, key in zip(data["runs"], keys):
        _check_run(run, key, configs[key], weights_dir, fail)


def _check_run(run, key, config, weights_dir, fail):
    if run["lr"] != config.lr:
        fail(f"{key} 的学习率是 {run['lr']}，应为 {config.lr}")
    layers = layer_records(config)
    if run["layers"] != layers or run["num_params"] != sum(
            layer["num_params"] for layer in layers):
        fail(f"{key} 的各层形状或参数个数与 layer_rows 不符")
    epochs = run["epochs"]
    if [e.get("epoch") for e in epochs] != list(
            range(1, SETTINGS["num_epochs"] + 1)):
        fail(f"{key} 的迭代周期不是 1..{SETTINGS['num_epochs']}")
    for e in epochs:
        values = [e.get(field) for field in EPOCH_FIELDS[1:]]
        if not all(isinstance(v, (int, float)) and math.isfinite(v)
                   for v in values):
            fail(f"{key} 第 {e['epoch']} 个周期缺少数值")
        if not (0 <= e["train_acc"] <= 1 and 0 <= e["test_acc"] <= 1
                and e["seconds"] > 0):
            fail(f"{key} 第 {e['epoch']} 个周期的数值超出范围")
    if not math.isclose(run["final_test_acc"], epochs[-1]["test_acc"],
                        abs_tol=1e-6):
        fail(f"{key} 的 final_test_acc 与最后一个周期不符")
    if run["seconds"] < sum(e["seconds"] for e in epochs) - 0.5:
        fail(f"{key} 的总用时短于各周期用时之和")
    _check_weights(run["weights"], config, weights_dir, fail)


def _check_weights(weights, config, weights_dir, fail):
    key = network_key(grid_point(config))
    if weights.get("file") != weights_file_name(config) or weights.get(
            "format") != WEIGHTS_FORMAT:
        fail(f"{key} 的权重应为 {weights_file_name(config)}（{WEIGHTS_FORMAT}）")
    planned = [{"name": name, "shape": list(shape)}
               for name, shape in named_tensors(plan(config))]
    if weights.get("tensors") != planned:
        fail(f"{key} 的权重张量（名称或形状）与网络的 plan 不符")
    counts = [math.prod(t["shape"]) for t in planned]
    path = Path(weights_dir) / weights["file"]
    try:
        data = path.read_bytes()
    except OSError:
        fail(f"找不到权重文件 {path}")
    if not len(data) == weights.get("bytes") == 2 * sum(counts) or (
            hashlib.sha256(data).hexdigest() != weights.get("sha256")):
        fail(f"权重文件 {path.name} 的大小或 sha256 与记录不符")
    agreement = weights.get("float16_agreement", {})
    for field in ("test_acc_float32", "test_acc_float16", "same_class",
                  "max_probability_change"):
        if not isinstance(agreement.get(field), float):
            fail(f"{key} 的 float16_agreement 缺少 {field}")


def load_sweep(path=DATA_PATH, check=check):
    """The checked contents of the sweep file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SweepFileError(
            f"找不到 {path}。请运行 ci/record/sweep_explorer_grid.py 生成它"
            f" / {path} is missing: run ci/record/sweep_explorer_grid.py") from None
    except (OSError, ValueError) as err:
        raise SweepFileError(
            f"无法读取 {path}（{err}）。请从仓库恢复它或重新生成"
            f" / cannot read {path}: restore it from git or regenerate it"
        ) from None
    if not isinstance(data, dict):
        raise SweepFileError(f"{path} 不是一个 JSON 对象 / not a JSON object")
    check(data)
    return data


def load_digit_networks(path=DIGITS_PATH):
    """The checked contents of the digit networks' file."""
    return load_sweep(path, check_digits)


def format_summary_by_activation(data):
    """A text table: per activation, the range of final test accuracy and
    of training time over the sweep's runs."""
    rows = []
    for activation in GRID["activation"]:
        runs = [r for r in data["runs"] if r["activation"] == activation]
        accuracy = [r["final_test_acc"] for r in runs]
        seconds = [r["seconds"] for r in runs]
        rows.append((activation, str(len(runs)),
                     f"{min(accuracy):.3f} – {max(accuracy):.3f}",
                     f"{min(seconds):.0f} – {max(seconds):.0f}"))
    header = ("激活函数", "配置数", "最终测试准确率", "训练用时（秒）")
    return format_table(header, rows,
                        ("合计", str(len(data["runs"])), "", ""))

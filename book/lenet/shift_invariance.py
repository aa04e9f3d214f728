"""How much a small shift of the input moves each layer's output, in MXNet.

5.5.1 says the pooling after each convolution makes the network less
sensitive to where a pattern is.  `measure` checks it on a trained network:
every test image shifted by 1 to 4 pixels in each of four directions (black
coming in, as the viewer's 平移 does: lenet.inputs.shift), and for each
layer the size of the change of its output relative to its output on the
image as it was, |f(shifted) - f(image)| / |f(image)|, averaged over the
images and the directions; and how often the predicted class changes.
ci/record/pooling_shift.py runs it on the book's LeNet and on the same
network with average pooling, for 5.5.1.
"""
import numpy as np

from .explorer_inspection import layer_outputs
from .files import read_recorded_json
from .inputs import shift
from .model import format_table
from .paths import BOOK_DATA

SHIFTS = (1, 2, 3, 4)
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1))  # right, left, down, up


def _relative_changes(before, after):
    """Per image: |after - before| / |before| over all of a layer's values."""
    b = before.reshape(len(before), -1).astype(np.float64)
    a = after.reshape(len(after), -1).astype(np.float64)
    return np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)


def measure(net, arch, images, batch_size=1000):
    """{"layers": names, "by_shift": {shift: {"relative_change": {layer:
    mean}, "prediction_changed": share}}} over `images` (N, 28, 28) float32."""
    sums = {s: None for s in SHIFTS}
    flips = {s: 0 for s in SHIFTS}
    names = None
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        base = layer_outputs(net, arch, batch)
        names = [name for name, _ in base]
        for s in SHIFTS:
            for dx, dy in DIRECTIONS:
                moved = layer_outputs(net, arch, shift(batch, s * dx, s * dy))
                changes = np.array([_relative_changes(b, m).sum() for (_, b), (_, m)
                                    in zip(base, moved)])
                sums[s] = changes if sums[s] is None else sums[s] + changes
                flips[s] += int((base[-1][1].argmax(1) != moved[-1][1].argmax(1)).sum())
    count = len(images) * len(DIRECTIONS)
    return {"layers": names, "by_shift": {
        str(s): {"relative_change": dict(zip(names, (sums[s] / count).round(6).tolist())),
                 "prediction_changed": round(flips[s] / count, 6)}
        for s in SHIFTS}}


RECORD = BOOK_DATA / "pooling_shift.json"
LAYER_TITLES = {"conv0": "卷积层 1", "pool0": "池化层 1", "conv1": "卷积层 2",
                "pool1": "池化层 2", "output": "输出概率"}
POOLINGS = {"max": "最大池化", "avg": "平均池化"}


class PoolingShiftFileError(ValueError):
    """The file of ci/record/pooling_shift.py is missing or incomplete."""


def load_record(path=RECORD):
    """The checked file: both networks measured at every shift."""
    how = "python -m ci.record.pooling_shift"
    data = read_recorded_json(path, how, PoolingShiftFileError)
    for pooling in POOLINGS:
        measured = data.get("networks", {}).get(pooling, {}).get("measured", {})
        if sorted(measured.get("by_shift", {})) != [str(s) for s in SHIFTS]:
            raise PoolingShiftFileError(
                f"{path} 缺少 {pooling} 网络在平移 {list(SHIFTS)} 像素时的结果。"
                f"请运行 {how} / incomplete")
    return data


def format_tables(data):
    """One text table per pooling: each layer's relative change and the
    share of predictions that changed, by shift."""
    blocks = []
    for pooling, title in POOLINGS.items():
        record = data["networks"][pooling]
        layers = record["measured"]["layers"]
        header = ["平移（像素）", *(LAYER_TITLES[name] for name in layers),
                  "预测改变"]
        rows = [[s, *(f"{row['relative_change'][name]:.3f}" for name in layers),
                 f"{row['prediction_changed']:.1%}"]
                for s, row in record["measured"]["by_shift"].items()]
        blocks.append(f"{title}（测试准确率 {record['test_acc']:.4f}）：\n"
                      + format_table(header, rows, None))
    return "\n\n".join(blocks)


def facts(data):
    """What 5.5.1 says of the measurement, for glue."""
    by = {p: data["networks"][p]["measured"]["by_shift"] for p in POOLINGS}
    first, last = str(SHIFTS[0]), str(SHIFTS[-1])
    values = {"test_images": data["test_images"],
              "avg_test_acc": data["networks"]["avg"]["test_acc"],
              "max_test_acc": data["networks"]["max"]["test_acc"]}
    for p in POOLINGS:
        for s in (first, last):
            values[f"{p}_flip_{s}"] = by[p][s]["prediction_changed"]
        for name in ("conv0", "pool0", "conv1", "pool1"):
            values[f"{p}_{name}_{first}"] = by[p][first]["relative_change"][name]
    # Which network's predictions moved less, at every shift, in words.
    max_less = [by["max"][s]["prediction_changed"] < by["avg"][s]["prediction_changed"]
                for s in by["max"]]
    values["comparison"] = ("最大池化的网络在每一种平移下改变的预测都比平均池化的少" if all(max_less)
                            else "最大池化的网络在每一种平移下改变的预测都不比平均池化的少"
                            if not any(max_less) else "两种池化互有高低")
    return values

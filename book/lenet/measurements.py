"""Figures that only a script measures, kept with where and when it
measured them, for the pages to quote (myst-nb's glue) instead of typing.

`book/data/preset_runs.json` holds, per explorer preset, the runs of
`ci/record/explorer_preset_accuracy.py --record` over several seeds and the book's
LeNet trained in the same run; `load_preset_runs` checks it.
"""
import datetime
import importlib.metadata
import json
import os
import platform
import re
from pathlib import Path

from .contract import BROWSER_GRAY_LEVELS, BROWSER_TRAIN_SIZE, FIELD_NAMES
from .explorer_config import FAILING_PRESETS, PRESETS, config_json
from .explorer_training import train
from .paths import BOOK_DATA
from .runtime import onednn_isa
from .files import read_recorded_json, write_json_atomically

PRESET_RUNS = BOOK_DATA / "preset_runs.json"


class MeasurementFileError(ValueError):
    """The measurements file is missing, unreadable or incomplete."""


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def provenance(started, command):
    """Where and when: the machine, oneDNN's instruction set, versions."""
    return {
        "command": command,
        "date": started.isoformat(timespec="seconds"),
        "cpu": cpu_model(), "cpu_count": os.cpu_count(),
        "onednn_isa": onednn_isa(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "python": platform.python_version(),
        "versions": {name: importlib.metadata.version(name)
                     for name in ("mxnet", "numpy")},
    }


def spread(values, fmt="{:.2f}"):
    """min-median-max of `values`, as the scripts print what they measured
    over repetitions."""
    import statistics

    return "-".join(fmt.format(v) for v in (
        min(values), statistics.median(values), max(values)))


def config_change(text):
    """'name=value' of the scripts' `--set`, as (field, value) of an
    ExplorerConfig: pairs as 'a,b', booleans as true/false/1/0."""
    import argparse
    import dataclasses

    from .explorer_config import ExplorerConfig

    kinds = {f.name: type(getattr(ExplorerConfig(), f.name))
             for f in dataclasses.fields(ExplorerConfig)}
    name, _, value = text.partition("=")
    if name not in kinds or not value:
        raise argparse.ArgumentTypeError(
            f"expected NAME=VALUE with NAME one of {', '.join(kinds)}")
    kind = kinds[name]
    try:
        if kind is bool:
            if value.lower() not in ("true", "false", "1", "0"):
                raise ValueError(value)
            return name, value.lower() in ("true", "1")
        if kind is tuple:
            return name, tuple(int(part) for part in value.split(","))
        return name, kind(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{name} needs a {kind.__name__}, got {value!r}") from None


def book_lenet_seconds():
    """Seconds of training of the book's LeNet (5 epochs, seed 0), as
    `train()` counts them: the baseline the scripts' times are put over."""
    result = train(PRESETS["原书LeNet"])
    print(f"book's LeNet: final test acc {result.final_test_acc:.4f},"
          f" {result.seconds:.1f} s", flush=True)
    return result.seconds


def seed_run_record(seed, result):
    """What the presets' file keeps of one seed's run."""
    return {"seed": seed, "final_test_acc": result.final_test_acc,
            "seconds": round(result.seconds, 2),
            "epochs": [round(e.test_acc, 6) for e in result.epochs]}


def load_json_or_empty(path):
    """A record file kept by entry: its contents, or {} before the first."""
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() \
        else {}


def record_preset(path, name, config, runs, book_seconds, started, command):
    """Replace `name`'s entry of the file at `path` (atomically)."""
    data = load_json_or_empty(path)
    data[name] = {"config": config_json(config), "runs": runs,
                  "book_lenet_seconds": [round(s, 2) for s in book_seconds],
                  "provenance": provenance(started, command)}
    write_json_atomically(path, data)


def load_preset_runs(path=PRESET_RUNS):
    """The checked file: every entry has runs, the book's times and a
    provenance."""
    data = _load(path, (), "ci/record/explorer_preset_accuracy.py --record")
    for name, entry in data.items():
        missing = [key for key in ("config", "runs", "book_lenet_seconds",
                                   "provenance") if not entry.get(key)]
        if missing:
            raise MeasurementFileError(
                f"{path} 中 {name} 缺少 {', '.join(missing)} / incomplete")
    return data


def summary(entry):
    """What a page says of one preset's runs."""
    finals = [run["final_test_acc"] for run in entry["runs"]]
    seconds = [run["seconds"] for run in entry["runs"]]
    book = sum(entry["book_lenet_seconds"]) / len(entry["book_lenet_seconds"])
    date = datetime.datetime.fromisoformat(entry["provenance"]["date"])
    return {"seeds": [run["seed"] for run in entry["runs"]],
            "finals": finals, "mean": sum(finals) / len(finals),
            "min": min(finals), "seconds_low": min(seconds),
            "seconds_high": max(seconds), "book_seconds": book,
            "book_runs": len(entry["book_lenet_seconds"]),
            "book_seconds_low": min(entry["book_lenet_seconds"]),
            "book_seconds_high": max(entry["book_lenet_seconds"]),
            "ratio_to_book": sum(seconds) / len(seconds) / book,
            "date": date.strftime("%Y-%m-%d"),
            "cpu": entry["provenance"]["cpu"],
            "isa": entry["provenance"]["onednn_isa"]}


BROWSER_TRAINING = BOOK_DATA / "browser_training.json"
BROWSER_SUBSET = BOOK_DATA / "browser_subset.json"
PAGE_PRESET_RUNS = BOOK_DATA / "page_preset_runs.json"


def load_page_preset_runs(path=PAGE_PRESET_RUNS):
    """The checked file of ci/record/page_preset_accuracy.py --record: every
    entry has finished runs, a browser and a provenance."""
    data = _load(path, (), "ci/record/page_preset_accuracy.py --record")
    for name, entry in data.items():
        missing = [key for key in ("config", "runs", "test_size", "browser",
                                   "provenance") if not entry.get(key)]
        unfinished = [run["seed"] for run in entry.get("runs", [])
                      if run["state"] != "done"]
        if missing or unfinished:
            raise MeasurementFileError(
                f"{path} 中 {name} 缺少 {', '.join(missing)}，或有没训练完的"
                f"种子 {unfinished} / incomplete: run"
                " ci/record/page_preset_accuracy.py again")
    return data


def page_summary(entry):
    """What a page says of one preset's runs in the browser."""
    import statistics

    finals = [run["final_test_acc"] for run in entry["runs"]]
    return {"finals": finals, "mean": statistics.mean(finals),
            "min": min(finals), "test_size": entry["test_size"],
            "train_size": entry["config"]["train_size"],
            "seconds": statistics.median(run["seconds"]
                                         for run in entry["runs"]),
            "date": entry["provenance"]["date"][:10],
            "chromium": re.search(r"Chrome/([\d.]+)",
                                  entry["browser"]["agent"])[1]}


def _load(path, keys, how):
    data = read_recorded_json(path, how, MeasurementFileError)
    missing = [key for key in keys if not data.get(key)]
    if missing:
        raise MeasurementFileError(
            f"{path} 缺少 {', '.join(missing)} / incomplete: run {how}")
    return data


def browser_training_summary(path=BROWSER_TRAINING):
    """What the 5.5.4 page says of training in the browser
    (ci/record/browser_training.py --record): the browser preset's final
    test accuracy over the seeds (lowest, mean) and its seconds (median),
    and the speed against MXNet."""
    import statistics

    data = _load(path, ("runs", "speeds", "provenance"),
                 "ci/record/browser_training.py --record")
    runs, made = data["runs"], data["provenance"]
    finals = [run["epochs"][-1]["test_acc"] for run in runs]
    book = data["speeds"]["原书LeNet"]
    return {
        "final": min(finals), "final_mean": statistics.mean(finals),
        "last_seed": max(run["seed"] for run in runs),
        "seconds": statistics.median(run["seconds"] for run in runs),
        "epochs": len(runs[0]["epochs"]),
        "book_images_per_second": statistics.median(book["browser"]),
        "mxnet_images_per_second": statistics.median(book["mxnet"]),
        "ratio_low": min(book["ratio"]), "ratio_high": max(book["ratio"]),
        "date": made["date"][:10], "cpu": made["cpu"],
        "chromium": re.search(r"Chrome/([\d.]+)", data["browser"]["agent"])[1],
    }


def subset_facts(tables, data):
    """What the 5.5.4 page says of the shipped images' gray levels: the
    shipped size's download and mean accuracy with them and with all 256
    levels, from browser_subset_table()."""
    def shipped(levels):
        return next(row for row in tables[levels]
                    if row[0] == BROWSER_TRAIN_SIZE)

    levels, full = shipped(BROWSER_GRAY_LEVELS), shipped(256)
    return {"levels": BROWSER_GRAY_LEVELS,
            "levels_megabytes": levels[1], "levels_mean": levels[2],
            "full_megabytes": full[1], "full_mean": full[2],
            "subset_date": data["provenance"]["date"][:10]}


def browser_subset_table(path=BROWSER_SUBSET):
    """Rows (training images, MB gzipped, mean final test accuracy over
    the seeds) of ci/record/browser_subset.py --measure for `levels` gray
    levels, by levels; and the file's data."""
    import statistics

    data = _load(path, ("runs", "provenance"),
                 "ci/record/browser_subset.py --measure")
    finals = {}
    for run in data["runs"]:
        key = (run["levels"], run["train_size"], run["gzip_bytes"])
        finals.setdefault(key, []).append(run["test_acc"][-1])
    tables = {}
    for (levels, size, gzip_bytes), accuracies in sorted(finals.items()):
        tables.setdefault(levels, []).append(
            (size, gzip_bytes / 1e6, statistics.mean(accuracies),
             min(accuracies)))
    return tables, data


FAILING_PRESETS_RECORD = BOOK_DATA / "failing_presets.json"


def load_failing_presets(path=FAILING_PRESETS_RECORD):
    return _load(path, ("presets", "provenance"),
                 "python -m ci.record.failing_presets --record")


def _run_words(run):
    """A failing preset's run in the page's words."""
    if run["state"] == "diverged":
        return (f"第 {run['details']['epoch']} 个迭代周期里损失变成"
                f" {run['details']['loss']:,.0f}，训练发散")
    return "测试准确率依次为 " + "、".join(
        f"{e['test_acc']:.3f}" for e in run["epochs"])


def failing_presets_markdown(path=FAILING_PRESETS_RECORD):
    """5.5.4's list of the presets that fail on purpose: each one's reason
    (the contract's presets) and its recorded runs in both engines, with
    the one change that makes it learn."""
    data = load_failing_presets(path)
    items = []
    for name, entry in data["presets"].items():
        change = "，".join(f"{FIELD_NAMES[field]}改成 {value}" for field, value
                          in FAILING_PRESETS[name]["contrast"].items())
        items.append(
            f"- **{name}**：{FAILING_PRESETS[name]['note']}\n"
            f"  MXNet：{_run_words(entry['mxnet']['failing'])}；"
            f"浏览器：{_run_words(entry['browser']['failing'])}。"
            f"只把{change}：MXNet：{_run_words(entry['mxnet']['contrast'])}；"
            f"浏览器：{_run_words(entry['browser']['contrast'])}。")
    made = data["provenance"]
    return "\n".join(items) + (
        f"\n\n（`{made['command']}` 于 {made['date'][:10]} 在一台"
        f" {made['cpu']} 的 2 核机器上运行。）")


# A test accuracy this low after an epoch is guessing among 10 classes.
CHANCE_LEVEL = 0.25
DIGIT_PRESETS = {"book": "原书LeNet（手写数字）",
                 "fast": "网页里快速训练（手写数字）"}


def epochs_at_chance(accuracies):
    """How many epochs a run's test accuracy stays at guessing, from the
    first."""
    return next((i for i, a in enumerate(accuracies) if a >= CHANCE_LEVEL),
                len(accuracies))


def digits_facts(fashion_book, preset_runs=None, page_runs=None):
    """What 5.5.4 says of the digit presets: each one's accuracies in the
    kernel (preset_runs.json) and in the page (page_preset_runs.json), and
    the epochs the book's LeNet spends at guessing on digits and on
    Fashion-MNIST (`fashion_book`: its run in the sweep file)."""
    preset_runs = preset_runs or load_preset_runs()
    page_runs = page_runs or load_page_preset_runs()
    facts = {}
    for short, name in DIGIT_PRESETS.items():
        kernel, page = summary(preset_runs[name]), page_summary(page_runs[name])
        facts.update({f"{short}_mean": kernel["mean"], f"{short}_min": kernel["min"],
                      f"{short}_finals": "、".join(f"{a:.4f}" for a in kernel["finals"]),
                      f"{short}_date": kernel["date"], f"{short}_cpu": kernel["cpu"],
                      f"page_{short}_mean": page["mean"],
                      f"page_{short}_min": page["min"],
                      f"page_{short}_seconds": page["seconds"],
                      f"page_{short}_date": page["date"]})
        config = page_runs[name]["config"]
        facts[f"page_{short}_steps"] = config["num_epochs"] * -(
            -config["train_size"] // config["batch_size"])
        facts["page_test_size"] = page["test_size"]
        facts["page_train_size"] = page["train_size"]
        facts["page_chromium"] = page["chromium"]
    plateaus = [epochs_at_chance(run["epochs"])
                for run in preset_runs[DIGIT_PRESETS["book"]]["runs"]]
    return {**facts, "chance_level": CHANCE_LEVEL,
            "plateau_low": min(plateaus),
            "plateau_high": max(plateaus),
            "fashion_plateau": epochs_at_chance(
                [e["test_acc"] for e in fashion_book["epochs"]]),
            "fashion_book": fashion_book["final_test_acc"]}

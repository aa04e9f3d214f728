"""Train every configuration of the 5.5.4 sweep and record the results.

    OMP_NUM_THREADS=2 python ci/record/sweep_explorer_grid.py [--resume]
    OMP_NUM_THREADS=2 python ci/record/sweep_explorer_grid.py --digits

Runs the explorer's own training (`lenet.explorer_logic.train`) over the
grid in `lenet.sweep.GRID` - kernel size × output channels × activation,
the same epochs, seed and full data sets for all - and writes
book/data/lenet_sweep.json with the results and their provenance (versions,
seed, CPU, date, wall time per run), and each trained network's weights to
web/data/lenet-weights/ (float16, see lenet.weights), which the static page
runs in the reader's browser.  The 5.5.4 page draws its chart from
that file, which is committed: the build does not rerun the sweep.
`--digits` trains `lenet.sweep.DIGIT_GRID` on MNIST instead (the viewer's
networks of handwritten digits) and writes book/data/digit_networks.json.

Each finished run is saved at once to lenet_sweep.partial.json; --resume
continues from it after an interruption.  The final file replaces the old
one only when every run is done.  Run nothing else on the machine meanwhile:
the recorded times are part of the result.
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import sys
import time
from pathlib import Path

from lenet import explorer_logic as logic
from lenet import files, sweep, weights
from lenet.measurements import cpu_model
from lenet.data import DATA_SETS, read_data_set, to_unit_float32
from lenet.explorer_logic import data_iters, train
from lenet.runtime import onednn_isa


def provenance():
    return {
        "script": "ci/record/sweep_explorer_grid.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "onednn_isa": onednn_isa(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "MXNET_ENGINE_TYPE": os.environ.get("MXNET_ENGINE_TYPE"),
        "python": platform.python_version(),
        "versions": {name: importlib.metadata.version(name)
                     for name in ("mxnet", "numpy", "d2lzh")},
        "seed": sweep.SEED,
        "weights_format": weights.WEIGHTS_FORMAT,
    }


def save_weights(config, net, weights_dir):
    """Write the trained network's float16 file (atomically) and return its
    record, with what float16 costs on the whole test set."""
    tensors = weights.network_tensors(net, config)
    data = weights.encode(tensors)
    name = sweep.weights_file_name(config)
    weights_dir.mkdir(parents=True, exist_ok=True)
    tmp = weights_dir / f".{name}.partial"
    tmp.write_bytes(data)
    os.replace(tmp, weights_dir / name)
    images, labels = read_data_set(DATA_SETS[config.data_set], "test")
    record = weights.weights_record(tensors, data, name)
    record["float16_agreement"] = weights.float16_agreement(
        net, config, to_unit_float32(images), labels)
    return record


def run_one(config, weights_dir):
    train_iter, test_iter = data_iters(config)
    started = time.perf_counter()
    result = train(config, train_iter, test_iter)
    wall = time.perf_counter() - started
    if result.stopped or result.diverged or len(result.epochs) != \
            config.num_epochs:
        sys.exit(f"run did not finish: {config} {result.state}"
                 f" {result.details}")
    return sweep.sweep_run_record(config, result.epochs, wall,
                            save_weights(config, result.net, weights_dir))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resume", action="store_true",
                        help=f"continue from {sweep.PARTIAL_PATH.name}")
    parser.add_argument("--digits", action="store_true",
                        help="the networks of handwritten digits instead")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--weights-dir", type=Path,
                        default=sweep.WEIGHTS_DIR)
    args = parser.parse_args()
    grid, configs, check = ((sweep.DIGIT_GRID, sweep.digit_configs(),
                             sweep.check_digits) if args.digits else
                            (sweep.GRID, sweep.grid_configs(), sweep.check))
    args.output = args.output or (sweep.DIGITS_PATH if args.digits
                                  else sweep.DATA_PATH)
    partial = args.output.with_name(args.output.stem + ".partial.json")
    data = {"provenance": provenance(), "settings": sweep.SETTINGS,
            "grid": grid, "runs": []}
    if args.resume and partial.exists():
        data["runs"] = json.loads(partial.read_text())["runs"]
    done = {sweep.network_key(run) for run in data["runs"]}
    for number, config in enumerate(configs, 1):
        key = sweep.network_key(sweep.grid_point(config))
        if key in done:
            continue
        record = run_one(config, args.weights_dir)
        data["runs"].append(record)
        files.write_json_atomically(partial, data)
        print(f"[{number}/{len(configs)}] {key}: test acc"
              f" {record['final_test_acc']:.4f} in {record['seconds']:.0f} s",
              flush=True)
    grid_order = {sweep.network_key(sweep.grid_point(c)): i
                  for i, c in enumerate(configs)}
    data["runs"].sort(key=lambda run: grid_order[sweep.network_key(run)])
    data["provenance"]["total_seconds"] = round(
        sum(run["seconds"] for run in data["runs"]), 1)
    check(data, args.weights_dir)
    files.write_json_atomically(args.output, data)
    partial.unlink(missing_ok=True)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()

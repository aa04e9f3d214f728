"""Train one explorer preset as the static page does, for several seeds;
print and record its test accuracy and time.

    OMP_NUM_THREADS=2 .venv/bin/python -m ci.record.page_preset_accuracy \
        网页里快速训练（手写数字） 0 1 2 3 4 --record book/data/page_preset_runs.json

Headless Chromium on web/js/ (every other host blocked) trains with the
page's own code (lenet_train.trainRun, TensorFlow.js's WebAssembly backend)
on the images the page ships for the preset's data set: its first
site.browser.train_size training images at most, as the page caps
训练样本数, and test accuracy on its site.browser.test_size test images.
`--record` keeps the runs in that file (one entry per preset, replaced
whole) with where and when, for the 5.5.4 page to quote; the kernel's
figures of the same preset come from ci/record/explorer_preset_accuracy.py.
"""
import argparse
import datetime
import statistics
import sys
from pathlib import Path

from ci.record.browser_training import RUN, training_page
from lenet import contract, measurements
from lenet import explorer_logic as logic
from lenet.files import write_json_atomically
from lenet.measurements import load_json_or_empty


def page_config(preset):
    """The preset as the page trains it: 训练样本数 capped at what it ships."""
    return preset.replace(train_size=min(preset.train_size,
                                         contract.BROWSER_TRAIN_SIZE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", choices=list(logic.PRESETS))
    parser.add_argument("seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    parser.add_argument("--record", type=Path, metavar="JSON",
                        help="keep the runs in this file (book/data/"
                             "page_preset_runs.json for the 5.5.4 page)")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    config = page_config(logic.PRESETS[args.preset])
    runs = []
    with training_page(config.data_set) as (page, browser):
        print(f"[browser] {browser}", flush=True)
        for seed in args.seeds:
            run = page.evaluate(RUN, logic.config_json(config.replace(seed=seed)))
            accuracy = [round(e["test_acc"], 4) for e in run["epochs"]]
            runs.append({"seed": seed, "state": run["state"],
                         "final_test_acc": accuracy[-1] if accuracy else None,
                         "seconds": round(run["seconds"], 2),
                         "epochs": accuracy})
            print(f"{args.preset}, seed {seed}, in the browser: {run['state']},"
                  f" test accuracy by epoch {accuracy} on"
                  f" {contract.BROWSER_TEST_SIZE} test images,"
                  f" {run['seconds']:.1f} s", flush=True)
    finals = [run["final_test_acc"] for run in runs]
    if None not in finals:
        print(f"{args.preset}: min {min(finals):.4f} mean"
              f" {statistics.mean(finals):.4f} max {max(finals):.4f} over"
              f" seeds {args.seeds}")
    if args.record:
        data = load_json_or_empty(args.record)
        data[args.preset] = {
            "config": logic.config_json(config), "runs": runs,
            "test_size": contract.BROWSER_TEST_SIZE, "browser": browser,
            "provenance": measurements.provenance(
                started, "python -m ci.record.page_preset_accuracy "
                + " ".join(sys.argv[1:]))}
        write_json_atomically(args.record, data)
        print(f"recorded in {args.record}")


if __name__ == "__main__":
    main()

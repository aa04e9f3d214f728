"""Train each explorer preset that fails on purpose, and the one change
that makes it learn, in MXNet and in the browser; say whether each fails
the way its sentence says.

    OMP_NUM_THREADS=2 .venv/bin/python -m ci.record.failing_presets \\
        [--record book/data/failing_presets.json]

MXNet trains on the first 5,000 training images and tests on all 10,000
(explorer_logic.train); the browser runs web/js/lenet_train.js's trainRun
in Debian's headless Chromium on the 5,000 training and 1,000 test images
the book ships (every host but this one blocked).  One run at a time,
never two at once.  `--record` keeps the runs with where and when they were
made, for the 5.5.4 page to quote; tests/test_failing_presets.py runs the
same and checks each claim (lenet.failures).
"""
import argparse
import datetime
import sys
from contextlib import contextmanager
from pathlib import Path

from lenet import failures, measurements
from lenet import explorer_logic as logic
from lenet.files import write_json_atomically
from ci.record.browser_training import training_page

RUN = """async (config) => {
  const result = await lenetTrain.trainRun(tf, config, lenetData);
  result.network.dispose();
  return {state: result.state, details: result.details,
          epochs: result.epochs.map(({epoch, train_loss, test_acc}) =>
            ({epoch, train_loss, test_acc}))};
}"""


@contextmanager
def browser_trainer():
    """A function that trains a configuration in Chromium, as the page's
    worker does, and returns its run record."""
    with training_page() as (page, _):
        yield lambda config: page.evaluate(RUN, logic.config_json(config))


def all_runs():
    """{preset: {"mxnet" | "browser": {"failing": run, "contrast": run}}}."""
    runs = {name: {"mxnet": dict(zip(("failing", "contrast"),
                                     failures.mxnet_runs(name)))}
            for name in logic.FAILING_PRESETS}
    with browser_trainer() as train_in_browser:
        for name in logic.FAILING_PRESETS:
            runs[name]["browser"] = {
                "failing": train_in_browser(
                    logic.FAILING_PRESETS[name]["config"]),
                "contrast": train_in_browser(failures.contrast_config(name))}
    return runs


def describe(run):
    if run["state"] == "diverged":
        return (f"diverged in epoch {run['details']['epoch']},"
                f" loss {run['details']['loss']:.4g}")
    return (f"{run['state']}, test accuracy by epoch "
            f"{[round(e['test_acc'], 4) for e in run['epochs']]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, metavar="JSON")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    runs = all_runs()
    for name, engines in runs.items():
        claim = logic.FAILING_PRESETS[name]["claim"]
        for engine, pair in engines.items():
            print(f"{name} ({engine}): {describe(pair['failing'])} -"
                  f" {claim}: {failures.fails_as_claimed(claim, pair['failing'])};"
                  f" with {logic.FAILING_PRESETS[name]['contrast']}:"
                  f" {describe(pair['contrast'])} - learns:"
                  f" {failures.learns(pair['contrast'])}", flush=True)
    if args.record:
        command = ("python -m ci.record.failing_presets "
                   + " ".join(sys.argv[1:]))
        write_json_atomically(args.record, {
            "presets": {name: {
                "config": logic.config_json(
                    logic.FAILING_PRESETS[name]["config"]),
                **engines} for name, engines in runs.items()},
            "provenance": measurements.provenance(started, command)})
        print(f"wrote {args.record}")


if __name__ == "__main__":
    main()

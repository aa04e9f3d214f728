"""The explorer's presets that fail on purpose (explorer_logic.
FAILING_PRESETS): does a run of either engine fail the way the preset's
sentence says, and does the one change of its `contrast` make it learn?

A run here is what both engines report: {"state", "details", "epochs":
[{"epoch", "train_loss", "test_acc", ...}]} (`run_of` makes it of MXNet's
RunResult; web/js/lenet_train.js's trainRun returns it).
"""
from . import explorer_logic as logic
from .runs import run_json

# Ten classes: a network that guesses is right one time in ten.
CHANCE_AT_MOST = 0.2
# What the contrast's run reaches within the same epochs and images.
LEARNS_AT_LEAST = 0.5


def run_of(result):
    """A RunResult as a run record (the engines' common form)."""
    return {**run_json(result), "details": dict(result.details)}


def contrast_config(name):
    failing = logic.FAILING_PRESETS[name]
    return failing["config"].replace(**failing["contrast"])


def fails_as_claimed(claim, run):
    """'diverges': the guard ends the run in its first epoch;
    'stays_at_chance': it runs to the end and no epoch's test accuracy
    leaves chance."""
    if claim == "diverges":
        return run["state"] == "diverged" and run["details"]["epoch"] == 1
    return run["state"] == "done" and all(
        e["test_acc"] <= CHANCE_AT_MOST for e in run["epochs"])


def learns(run):
    return run["state"] == "done" and (
        run["epochs"][-1]["test_acc"] >= LEARNS_AT_LEAST)


def mxnet_runs(name):
    """The preset and its contrast trained by MXNet: (failing, contrast)."""
    return tuple(run_of(logic.train(config)) for config in (
        logic.FAILING_PRESETS[name]["config"], contrast_config(name)))

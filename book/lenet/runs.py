"""A run of the explorer's training as data: its epochs and how it ended,
and the one JSON form of both that every record of a run uses (the
widget's history, network files, the sweep file, the failing presets'
checks).  web/js/lenet_train.js reports its runs in the same form.
"""
import dataclasses
import math
from typing import Any, NamedTuple, Optional

# What every epoch of a run records; an epoch's learning rate is kept too
# where it is known (a file written before the schedule has none).
EPOCH_FIELDS = ("epoch", "train_loss", "train_acc", "test_acc", "seconds")


class EpochResult(NamedTuple):
    epoch: int
    train_loss: float
    train_acc: float
    test_acc: float
    seconds: float
    # CPU time of the process (all threads), which a busy neighbour on the
    # machine moves less than the wall time (bench/train_speed.py).
    cpu_seconds: float = float("nan")
    # The epoch's learning rate (lenet.explorer_config.epoch_learning_rate).
    lr: float = float("nan")


@dataclasses.dataclass
class RunResult:
    """A run: its epochs and how it ended.  `state` is "done", "stopped"
    or "diverged" (the contract's run states); `details` holds what the
    message of that state names (the epoch; for a divergence the loss and
    the learning rate)."""
    config: Any  # an ExplorerConfig
    epochs: list
    state: str = "done"
    details: dict = dataclasses.field(default_factory=dict)
    net: Optional[Any] = None  # the trained Gluon network
    # The weights it started from and had after each epoch, each
    # [(name, float32 array)] (lenet.weights.network_tensors): the replay.
    snapshots: list = dataclasses.field(default_factory=list)

    @property
    def stopped(self):
        return self.state == "stopped"

    @property
    def diverged(self):
        return self.state == "diverged"

    @property
    def final_test_acc(self):
        return self.epochs[-1].test_acc if self.epochs else float("nan")

    @property
    def seconds(self):
        return sum(e.seconds for e in self.epochs)


def epoch_json(epoch, digits=None):
    """An EpochResult as JSON; `digits`: its measurements rounded so."""
    record = {field: getattr(epoch, field) for field in EPOCH_FIELDS}
    if math.isfinite(epoch.lr):
        record["lr"] = epoch.lr
    if digits is not None:
        record = {field: value if field == "epoch"
                  else round(float(value), digits)
                  for field, value in record.items()}
    return record


def epoch_from_json(record):
    """The EpochResult of an epoch's JSON (without its CPU time)."""
    return EpochResult(*(record[field] for field in EPOCH_FIELDS),
                       lr=record.get("lr", math.nan))


def run_json(result, engine="kernel"):
    """What a record keeps of a RunResult's run."""
    return {"engine": engine, "state": result.state,
            "epochs": [epoch_json(e) for e in result.epochs]}

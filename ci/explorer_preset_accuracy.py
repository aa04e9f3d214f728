"""Train one explorer preset for several seeds; print test accuracy and time.

    OMP_NUM_THREADS=2 python ci/explorer_preset_accuracy.py 改进的LeNet 0 1 2
    OMP_NUM_THREADS=2 python ci/explorer_preset_accuracy.py 改进的LeNet \\
        --epochs 3 --train-size 20000 0 1 2 3 4

The figures quoted on the 5.5.4 page, and the threshold of its hidden check
on the short build-time run, come from this script.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))

from lenet.explorer_logic import PRESETS, data_iters, train  # noqa: E402


def report(seed):
    def on_epoch(e):
        print(f"  seed {seed} epoch {e.epoch}: loss {e.train_loss:.4f}"
              f" train acc {e.train_acc:.4f} test acc {e.test_acc:.4f}"
              f" ({e.seconds:.1f} s)", flush=True)
    return on_epoch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("preset", choices=list(PRESETS))
    parser.add_argument("seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--train-size", type=int)
    args = parser.parse_intermixed_args()
    changes = {key: value for key, value in [
        ("num_epochs", args.epochs), ("train_size", args.train_size)]
        if value is not None}
    finals = []
    for seed in args.seeds:
        config = PRESETS[args.preset].replace(seed=seed, **changes)
        train_iter, test_iter = data_iters(config)
        result = train(config, train_iter, test_iter, on_epoch=report(seed))
        finals.append(result.final_test_acc)
        print(f"seed {seed}: final test acc {result.final_test_acc:.4f},"
              f" {result.seconds:.0f} s for {len(result.epochs)} epochs",
              flush=True)
    print(f"{args.preset} {changes}: min {min(finals):.4f}"
          f" max {max(finals):.4f} mean {sum(finals) / len(finals):.4f}"
          f" over seeds {args.seeds}")


if __name__ == "__main__":
    main()

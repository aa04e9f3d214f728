"""Train one explorer preset on the full data for several seeds.

    OMP_NUM_THREADS=2 python ci/explorer_preset_accuracy.py 改进的LeNet 0 1 2

Prints each run's test accuracy per epoch and its training time; this is
where the figures quoted on the 5.5.4 page come from.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))

from lenet.explorer_logic import PRESETS, data_iters, train  # noqa: E402


def main(preset, seeds):
    finals = []
    for seed in seeds:
        config = PRESETS[preset].replace(seed=seed)
        train_iter, test_iter = data_iters(config)
        result = train(config, train_iter, test_iter, on_epoch=lambda e: print(
            f"  seed {seed} epoch {e.epoch}: loss {e.train_loss:.4f}"
            f" train acc {e.train_acc:.4f} test acc {e.test_acc:.4f}"
            f" ({e.seconds:.1f} s)", flush=True))
        finals.append(result.final_test_acc)
        print(f"seed {seed}: final test acc {result.final_test_acc:.4f},"
              f" {result.seconds:.0f} s for {len(result.epochs)} epochs",
              flush=True)
    print(f"{preset}: min {min(finals):.4f} max {max(finals):.4f}"
          f" mean {sum(finals) / len(finals):.4f} over seeds {seeds}")


if __name__ == "__main__":
    main(sys.argv[1], [int(seed) for seed in sys.argv[2:]] or [0, 1, 2])

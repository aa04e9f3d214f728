"""Which learning rates, one per epoch, reach 0.90 soonest?  (The explorer's
schedule, `lr_decay`, multiplies the rate by one factor after each epoch;
this takes any list.)

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.lr_schedule \\
        --set channels=16,32 --set dense_units=120,84 --set batch_size=256 \\
        --lrs 0.003 0.003 0.001 0.0003 --seeds 0 1 2 3 4

Trains the 快速达到0.90 preset with the given changes (as
ci/record/explorer_preset_accuracy.py takes them), one epoch per learning
rate of `--lrs` (the explorer's loop, lenet.explorer_logic, with the Trainer's
rate set before each epoch), for each seed; and the book's 5-epoch LeNet
(原书LeNet, seed 0) before the first seed and after the last.  Prints each
seed's final test accuracy and time, their mean and minimum, and the mean
time over the book's.
"""
import argparse
import statistics
import sys
import time

from lenet.explorer_logic import (PRESETS, data_iters, prepare_training,
                                  train_step, validate)
from lenet.measurements import book_lenet_seconds, config_change

# After lenet, which sets MXNet's threads before MXNet loads.
import d2lzh as d2l  # noqa: E402


def scheduled_run(config, lrs, train_iter, test_iter):
    """Final test accuracy of `config` trained one epoch per rate, and its
    seconds counted as `train` counts them (each epoch's training pass and
    test accuracy), so that the ratio to book_lenet_seconds' is fair."""
    net, trainer, loss = prepare_training(config)
    seconds = 0.0
    for lr in lrs:
        started = time.perf_counter()
        trainer.set_learning_rate(lr)
        for X, y in train_iter:
            train_step(net, trainer, loss, X, y, config.batch_size)
        test_acc = d2l.evaluate_accuracy(test_iter, net)
        seconds += time.perf_counter() - started
    return test_acc, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=config_change, action="append",
                        default=[])
    parser.add_argument("--lrs", type=float, nargs="+", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    base = PRESETS["快速达到0.90"].replace(**dict(args.set),
                                        num_epochs=len(args.lrs))
    problems = validate(base)
    if problems:
        sys.exit("\n".join(problems))
    books = [book_lenet_seconds()]
    finals, seconds = [], []
    for seed in args.seeds:
        config = base.replace(seed=seed)
        accuracy, took = scheduled_run(config, args.lrs, *data_iters(config))
        finals.append(accuracy)
        seconds.append(took)
        print(f"seed {seed}: final test acc {accuracy:.4f}, {took:.1f} s",
              flush=True)
    books.append(book_lenet_seconds())
    print(f"{dict(args.set)} lrs {args.lrs}: mean {statistics.mean(finals):.4f}"
          f" min {min(finals):.4f}; {min(seconds):.1f}-{max(seconds):.1f} s"
          f" per run; book's LeNet {books[0]:.1f}, {books[1]:.1f} s;"
          f" preset / book = {statistics.mean(seconds) / statistics.mean(books):.2f}")


if __name__ == "__main__":
    main()

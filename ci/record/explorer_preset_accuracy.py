"""Train one explorer preset for several seeds; print test accuracy and time.

    OMP_NUM_THREADS=2 python ci/record/explorer_preset_accuracy.py 快速达到0.90 0 1 2 3 4
    OMP_NUM_THREADS=2 python ci/record/explorer_preset_accuracy.py 快速达到0.90 \\
        --epochs 2 --train-size 20000 --no-book-ratio 0 1 2 3 4
    OMP_NUM_THREADS=2 python ci/record/explorer_preset_accuracy.py 改进的LeNet \\
        --set kernel_sizes=3,3 --set activation=tanh --set batch_norm=true 0 1 2

The book's 5-epoch LeNet (原书LeNet, seed 0) is trained too, before each
seed and after the last (interleaved: this machine's speed drifts by a
third within minutes), and the ratio of the preset's mean training time to
the book's mean is printed, with each seed's ratio to the book runs on
either side of it (`--no-book-ratio` skips all of this).

`--record book/data/preset_runs.json` also keeps the run in that file (one
entry per preset, replaced whole), with where and when it was measured: the
5.5.4 page quotes its figures from there, and the threshold of its hidden
check on the short build-time run comes from this script too.
"""
import argparse
import datetime
import sys
from pathlib import Path

from lenet import measurements
from lenet.explorer_logic import PRESETS, data_iters, train, validate
from lenet.measurements import book_lenet_seconds, config_change


def report(seed):
    def on_epoch(e):
        print(f"  seed {seed} epoch {e.epoch}: loss {e.train_loss:.4f}"
              f" train acc {e.train_acc:.4f} test acc {e.test_acc:.4f}"
              f" ({e.seconds:.1f} s)", flush=True)
    return on_epoch


def neighbour_ratios(seconds, book_seconds):
    """Each run's seconds over the mean of the book runs just before and
    just after it."""
    return [took / ((book_seconds[i] + book_seconds[i + 1]) / 2)
            for i, took in enumerate(seconds)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("preset", choices=list(PRESETS))
    parser.add_argument("seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--train-size", type=int)
    parser.add_argument("--set", type=config_change, action="append",
                        default=[], metavar="NAME=VALUE",
                        help="change any other setting of the preset")
    parser.add_argument("--no-book-ratio", dest="book_ratio",
                        action="store_false",
                        help="do not train the book's LeNet for the ratio")
    parser.add_argument("--record", type=Path, metavar="JSON",
                        help="keep the runs in this file (book/data/"
                             "preset_runs.json for the 5.5.4 page)")
    args = parser.parse_intermixed_args()
    if args.record and not args.book_ratio:
        parser.error("--record keeps the book's LeNet time too: drop"
                     " --no-book-ratio")
    changes = dict(args.set)
    changes.update({key: value for key, value in [
        ("num_epochs", args.epochs), ("train_size", args.train_size)]
        if value is not None})
    problems = validate(PRESETS[args.preset].replace(**changes))
    if problems:
        parser.error("\n".join(problems))
    started = datetime.datetime.now(datetime.timezone.utc)
    book_seconds = []
    finals, seconds, runs = [], [], []
    for seed in args.seeds:
        if args.book_ratio:
            book_seconds.append(book_lenet_seconds())
        config = PRESETS[args.preset].replace(seed=seed, **changes)
        train_iter, test_iter = data_iters(config)
        result = train(config, train_iter, test_iter, on_epoch=report(seed))
        finals.append(result.final_test_acc)
        seconds.append(result.seconds)
        runs.append(measurements.seed_run_record(seed, result))
        print(f"seed {seed}: final test acc {result.final_test_acc:.4f},"
              f" {result.seconds:.0f} s for {len(result.epochs)} epochs",
              flush=True)
    print(f"{args.preset} {changes}: min {min(finals):.4f}"
          f" max {max(finals):.4f} mean {sum(finals) / len(finals):.4f}"
          f" over seeds {args.seeds};"
          f" {min(seconds):.0f}-{max(seconds):.0f} s per run")
    if args.book_ratio:
        book_seconds.append(book_lenet_seconds())
        book = sum(book_seconds) / len(book_seconds)
        mean = sum(seconds) / len(seconds)
        print(f"book's LeNet (5 epochs): "
              f"{', '.join(f'{s:.1f}' for s in book_seconds)} s;"
              f" preset / book = {mean:.1f} / {book:.1f} = {mean / book:.2f}")
        print("each seed over the book runs on either side of it: "
              + ", ".join(f"{ratio:.2f}" for ratio in
                          neighbour_ratios(seconds, book_seconds)))
    if args.record:
        config = PRESETS[args.preset].replace(**changes)
        measurements.record_preset(args.record, args.preset, config, runs,
                                   book_seconds, started, " ".join(sys.argv))
        print(f"recorded in {args.record}")


if __name__ == "__main__":
    main()

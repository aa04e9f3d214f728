"""Training speed: the seed's pipeline, this book's, the explorer's, PyTorch.

    bash bench/setup.sh                     # .venv-bench: the book + torch
    .venv-bench/bin/python -m bench.train_speed [--repeats 7]
        [--accuracy-epochs 5] [--accuracy-seeds 0 1 2] [--levers]
        [--suite]

Each run is one fresh process training the seed's LeNet (see
bench/pipelines.py) for one epoch; the pipelines take turns, in a rotating
order, so that drift in the machine's speed hits all of them alike; medians
are reported with their spread, the ratios between pipelines are taken
within each repetition (min-median-max over repetitions), and the CPU
seconds (user + system) of each epoch, which a busy neighbour moves less than
the wall time, are printed beside the wall time.  `--levers` adds the book's and the
explorer's pipelines with one kept speed lever undone each, `--candidates [NAME ...]`
the levers tried and not kept (bench/pipelines.py names them all), and
`--pipelines` keeps only some of the four pipelines.  `--accuracy-epochs
N` trains each pipeline for N epochs once per seed of `--accuracy-seeds`
and compares the final test accuracies (speed must not cost correctness).
`--suite` also times a cold `jupyter-book build` and the whole
`pytest --nbval` run in a fresh copy of the project.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pipelines import (
    CANDIDATES,
    LEVERS_UNDONE,
    PIPELINES,
    RUNNERS,
    TRAIN_IMAGES,
    run_worker,
)
from lenet.measurements import spread

ALL_RUNS = {**PIPELINES, **LEVERS_UNDONE, **CANDIDATES}

ROOT = Path(__file__).resolve().parents[1]


def worker(name, num_epochs, seed):
    """Run in the child process: train, print one JSON line."""
    epochs = RUNNERS[ALL_RUNS[name][0]](num_epochs, seed)
    rss = {who: resource.getrusage(getattr(resource, who)).ru_maxrss / 1024
           for who in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
    print(json.dumps({"epochs": epochs,
                      "peak_rss_mib": rss["RUSAGE_SELF"],
                      "workers_peak_rss_mib": rss["RUSAGE_CHILDREN"]}))


def run(name, num_epochs, seed=0):
    env = dict(os.environ, OMP_NUM_THREADS="2")
    env.pop("MXNET_ENGINE_TYPE", None)
    env.update(ALL_RUNS[name][1])
    return run_worker(__name__, [name, "--epochs", str(num_epochs),
                                 "--seed", str(seed)], env)


def speed(repeats, names):
    """Each repetition runs every pipeline once, in an order rotated by
    one each time; ratios are taken within a repetition, so a slow spell of
    the machine hits both sides of a ratio alike."""
    runs = {name: [] for name in names}
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            result = run(name, 1)
            runs[name].append({**result["epochs"][0],
                               "peak_rss_mib": result["peak_rss_mib"],
                               "workers_rss_mib":
                                   result["workers_peak_rss_mib"]})
            print(f"  run {repeat + 1}/{repeats} {name:30}"
                  f" {result['epochs'][0]['seconds']:6.2f} s"
                  f" ({result['epochs'][0]['cpu_seconds']:5.2f} s CPU)",
                  flush=True)
    print(f"\none epoch (training pass over {TRAIN_IMAGES:,} images + test"
          f" accuracy), {repeats} repetitions: wall and CPU seconds"
          f" (user + system of the process) min-median-max")
    print(f"{'':4}{'pipeline':30} {'images/s':>9} {'wall s':>17}"
          f" {'CPU s':>17} {'peak RSS':>9} {'+workers':>9}")
    rate = {}
    for number, (name, epochs) in enumerate(runs.items(), 1):
        seconds = [e["seconds"] for e in epochs]
        rate[name] = [TRAIN_IMAGES / s for s in seconds]
        print(f"{number:2}. {name:30} {statistics.median(rate[name]):9.0f}"
              f" {spread(seconds):>17}"
              f" {spread([e['cpu_seconds'] for e in epochs]):>17}"
              f" {max(e['peak_rss_mib'] for e in epochs):6.0f}MiB"
              f" {max(e['workers_rss_mib'] for e in epochs):6.0f}MiB")
    print("\nratios of images/s, per repetition (min-median-max):")
    for a, b, goal in (("book", "reference", 1.5),
                       ("explorer", "reference", None),
                       ("explorer", "pytorch", 1.0)):
        if a not in rate or b not in rate:
            continue
        ratios = [x / y for x, y in zip(rate[a], rate[b])]
        target = (f"  goal >= {goal}: met in"
                  f" {sum(r >= goal for r in ratios)} of {len(ratios)}"
                  if goal else "")
        print(f"  {a} / {b}: {spread(ratios)}{target}")

    def compare(label, ours, theirs):
        ratios = [x / y for x, y in zip(rate[ours], rate[theirs])]
        print(f"  {label}: {spread(ratios)} (above 1.0 in"
              f" {sum(r > 1 for r in ratios)} of {len(ratios)})")

    for name, (kept, _) in LEVERS_UNDONE.items():
        if name in rate and kept in rate:
            compare(f"{kept} with its lever / '{name}'", kept, name)
    for name, (base, _) in CANDIDATES.items():
        if name in rate and base in rate:
            compare(f"'{name}' / {base}", name, base)


def accuracy(num_epochs, seeds, names):
    """Final test accuracy of every pipeline for every seed.  One recipe
    varies from seed to seed; a pipeline is as correct as the reference when
    its mean lies within the reference's own spread.  A lever undone must
    not change a single number."""
    print(f"\ntest accuracy after {num_epochs} epochs, seeds {seeds}")
    finals = {}
    for name in names:
        finals[name] = [run(name, num_epochs, seed)["epochs"][-1]["test_acc"]
                        for seed in seeds]
        values = " ".join(f"{acc:.4f}" for acc in finals[name])
        print(f"  {name:25} mean {statistics.mean(finals[name]):.4f}"
              f"  ({values})", flush=True)
    if "reference" in finals:  # --pipelines may leave it out
        low, high = min(finals["reference"]), max(finals["reference"])
        for name in PIPELINES:
            if name in finals and name != "reference":
                mean = statistics.mean(finals[name])
                verdict = "within" if low <= mean <= high else "OUTSIDE"
                print(f"  {name}: mean {mean:.4f} {verdict} the reference's"
                      f" spread {low:.4f}-{high:.4f}")
    for name, (kept, _) in LEVERS_UNDONE.items():
        if name in finals:
            same = "identical" if finals[name] == finals[kept] else "DIFFERENT"
            print(f"  {kept} vs '{name}': {same} accuracies")


def timed(command, cwd):
    """Wall seconds and peak RSS (MiB, largest process) of `command`."""
    probe = ("import resource, subprocess, sys, time\n"
             "start = time.perf_counter()\n"
             "code = subprocess.run(sys.argv[1:]).returncode\n"
             "print(code, time.perf_counter() - start,"
             " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd,
                          capture_output=True, text=True,
                          env=dict(os.environ, OMP_NUM_THREADS="2"))
    code, seconds, rss = done.stdout.split()[-3:]
    if code != "0":
        sys.exit(f"{' '.join(command)} failed ({code}):\n"
                 f"{done.stderr[-3000:]}")
    return float(seconds), float(rss)


def suite():
    """Cold build and the whole test run, in a fresh copy of the project."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode().split("\0")
    with tempfile.TemporaryDirectory(prefix="lenet-bench-") as tmp:
        for name in filter(None, tracked):
            target = Path(tmp, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        bin_dir = Path(sys.executable).parent
        print("\nfresh copy of the project (no _build, no execution cache)")
        for label, command in (
                ("cold jupyter-book build",
                 [str(bin_dir / "jupyter-book"), "build", ".", "-n", "-W",
                  "--keep-going", "--quiet"]),
                ("python -m pytest --nbval",
                 [sys.executable, "-m", "pytest", "--nbval", "-q"])):
            seconds, rss = timed(command, tmp)
            print(f"  {label:26} {seconds:7.1f} s  peak RSS {rss:5.0f} MiB"
                  f" (largest process)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7,
                        help="0 skips the speed table")
    parser.add_argument("--accuracy-epochs", type=int, default=5,
                        help="0 skips the accuracy check")
    parser.add_argument("--accuracy-seeds", type=int, nargs="+",
                        default=[0, 1, 2], metavar="SEED")
    parser.add_argument("--levers", action="store_true",
                        help="also time each speed lever undone")
    parser.add_argument("--candidates", nargs="*", choices=CANDIDATES,
                        metavar="NAME", help="also time each lever tried"
                        " (CANDIDATES), or only those named")
    parser.add_argument("--pipelines", nargs="+", choices=PIPELINES,
                        help="only these of the four pipelines")
    parser.add_argument("--suite", action="store_true")
    parser.add_argument("--worker", choices=ALL_RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=1,
                        help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.epochs, args.seed)
    started = time.perf_counter()
    names = (args.pipelines or list(PIPELINES)) + (
        list(LEVERS_UNDONE) if args.levers else []) + (
        (args.candidates or list(CANDIDATES))
        if args.candidates is not None else [])
    if args.repeats:
        speed(args.repeats, names)
    if args.accuracy_epochs:
        accuracy(args.accuracy_epochs, args.accuracy_seeds, names)
    if args.suite:
        suite()
    print(f"(benchmark wall time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

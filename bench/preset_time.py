"""How long explorer presets train, over the book's LeNet, interleaved.

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.preset_time \\
        学习率衰减达到0.90 --rounds 5 \\
        --variant dense_units=120,84

Each round trains the book's 5-epoch LeNet (原书LeNet, seed 0), then the
preset, then each variant of it (`--variant` takes `NAME=VALUE[;NAME=VALUE]`
changes as ci/record/explorer_preset_accuracy.py's `--set` does), with the
explorer's `train`, and prints each run's seconds over the book's of that
round; then, per configuration, the median ratio and its spread over the
rounds.  Runs are one after another, never side by side: two trainings on
two cores thrash.  Only times: accuracy over seeds is
ci/record/explorer_preset_accuracy.py's job.
"""
import argparse
import statistics

from lenet.explorer_logic import PRESETS, data_iters, train, validate
from lenet.measurements import book_lenet_seconds, config_change


def variant(text):
    return dict(config_change(part) for part in text.split(";"))


def seconds_of(config):
    return train(config, *data_iters(config)).seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", choices=list(PRESETS))
    parser.add_argument("--variant", type=variant, action="append",
                        default=[], metavar="NAME=VALUE[;NAME=VALUE]")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    preset = PRESETS[args.preset]
    configs = {args.preset: preset}
    for changes in args.variant:
        label = ";".join(f"{k}={v}" for k, v in changes.items())
        configs[label] = preset.replace(**changes)
    for label, config in configs.items():
        problems = validate(config)
        if problems:
            parser.error(f"{label}: " + "; ".join(problems))
    ratios = {label: [] for label in configs}
    for round_ in range(1, args.rounds + 1):
        book = book_lenet_seconds()
        line = [f"round {round_}: book {book:.1f} s"]
        for label, config in configs.items():
            took = seconds_of(config)
            ratios[label].append(took / book)
            line.append(f"{label} {took:.1f} s ({took / book:.2f})")
        print("; ".join(line), flush=True)
    for label, values in ratios.items():
        print(f"{label}: over the book's LeNet median"
              f" {statistics.median(values):.2f}, range {min(values):.2f}-"
              f"{max(values):.2f} over {len(values)} interleaved rounds")


if __name__ == "__main__":
    main()

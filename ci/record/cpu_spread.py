"""How far training numbers move when oneDNN picks other kernels.

    OMP_NUM_THREADS=2 python ci/record/cpu_spread.py rerun 0 1 2
    OMP_NUM_THREADS=2 python ci/record/cpu_spread.py book 0 1 2

MXNet's oneDNN chooses its kernels by the CPU's instruction set, so float32
sums run in another order on another CPU and training drifts apart.
oneDNN honours DNNL_MAX_CPU_ISA, which makes this machine behave like an
older CPU.  For each seed, this trains one configuration once per setting
(unset, AVX2, AVX, SSE41; one process at a time, never two at once) and
prints, per epoch, the spread (largest minus smallest) of the loss, the
training and the test accuracy over the settings, then the largest spread
over every seed and epoch.  The bounds of the tests that compare numbers
recorded on one machine with numbers trained on another come from it:

* `rerun`: the sweep's cheapest configuration for its first 2 epochs
  (tests/test_sweep.py trains it again);
* `book`: the book's LeNet for 5 epochs, 5.5.2's run and the sweep's book
  point (tests/test_one_network.py compares the two files).
"""
import argparse
import json
import os
import subprocess
import sys

# Unset first: what this machine picks by itself.
ISA_SETTINGS = ("", "AVX2", "AVX", "SSE41")
FIELDS = ("train_loss", "train_acc", "test_acc")


def configuration(name, seed):
    from lenet import sweep
    from lenet.explorer_logic import PRESETS

    if name == "rerun":
        _, config = sweep.rerun_configuration(sweep.load_sweep())
    else:
        config = PRESETS["原书LeNet"]
    return config.replace(seed=seed)


def worker(name, seed):
    """Train in this process; print the epochs as JSON."""
    from lenet.explorer_logic import data_iters, train

    config = configuration(name, seed)
    result = train(config, *data_iters(config))
    print(json.dumps([{field: getattr(e, field) for field in FIELDS}
                      for e in result.epochs]))


def run_under(isa, name, seed):
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get(
        "OMP_NUM_THREADS", "2"))
    env.pop("DNNL_MAX_CPU_ISA", None)
    if isa:
        env["DNNL_MAX_CPU_ISA"] = isa
    from lenet.runtime import onednn_isa

    reported = onednn_isa(env)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", name, str(seed)], env=env,
        capture_output=True, text=True, check=True)
    return reported, json.loads(done.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configuration", choices=("rerun", "book"))
    parser.add_argument("seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--worker", action="store_true",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.configuration, args.seeds[0])
        return
    worst = {field: 0.0 for field in FIELDS}
    worst_relative_loss = 0.0
    for seed in args.seeds:
        runs = {}
        for isa in ISA_SETTINGS:
            reported, epochs = run_under(isa, args.configuration, seed)
            runs[isa or "unset"] = epochs
            print(f"seed {seed}, DNNL_MAX_CPU_ISA={isa or '(unset)'}"
                  f" ({reported}): " + "; ".join(
                      f"{e['train_loss']:.6f} {e['train_acc']:.6f}"
                      f" {e['test_acc']:.4f}" for e in epochs), flush=True)
        for epoch in range(len(runs["unset"])):
            spreads = {}
            for field in FIELDS:
                values = [epochs[epoch][field] for epochs in runs.values()]
                spreads[field] = max(values) - min(values)
                worst[field] = max(worst[field], spreads[field])
            losses = [epochs[epoch]["train_loss"] for epochs in runs.values()]
            relative = (max(losses) - min(losses)) / min(losses)
            worst_relative_loss = max(worst_relative_loss, relative)
            print(f"  seed {seed} epoch {epoch + 1} spread: "
                  + ", ".join(f"{f} {spreads[f]:.2g}" for f in FIELDS)
                  + f" (loss {relative:.2g} relative)")
    print(f"{args.configuration}, seeds {args.seeds}, settings "
          f"{[isa or 'unset' for isa in ISA_SETTINGS]}: largest spread "
          + ", ".join(f"{f} {worst[f]:.2g}" for f in FIELDS)
          + f"; loss {worst_relative_loss:.2g} relative")


if __name__ == "__main__":
    main()

"""Training with less CPU than threads: one epoch under contention.

    .venv/bin/python -m bench.contention [--repeats 3] [--pipelines explorer book]
        [--conditions alone one-core two quota]
        [--policies libgomp passive spin=10000 lenet ...]

One epoch of a pipeline of bench/pipelines.py (`explorer`, the explorer's
loop; `book`, 5.5.2's train_ch5 over this book's data), each in a fresh
process (python -m bench.train_speed --worker), under a condition:

* alone - nothing else running;
* one-core - `taskset -c 0`: one core for a process that expects two;
* two - two trainings of the same pipeline, started together, on the two
  cores (both are timed; the slower counts);
* quota - a CPU quota of one core (cgroup v1 `cpu.cfs_quota_us` 100000 per
  100000 us, the way mybinder.org gives a launch a fraction of a host);

and an OpenMP policy, each an explicit environment (so that what
`lenet.runtime` would choose does not leak into the others):

* libgomp - 2 threads, GNU OpenMP's defaults (GOMP_SPINCOUNT=300000 is what
  libgomp uses when OMP_WAIT_POLICY is unset): the book before issue 21;
* one-thread - OMP_NUM_THREADS=1, the defaults otherwise;
* passive - 2 threads, OMP_WAIT_POLICY=PASSIVE (idle threads sleep at once);
* spin=N - 2 threads, GOMP_SPINCOUNT=N;
* bind - 2 threads, OMP_PROC_BIND=true (each thread stays on one core);
* lenet - nothing set: what `lenet.runtime` chooses by itself.

The runs take turns: every repetition runs every (pipeline, condition,
policy) once, in an order rotated each time, and never two trainings at once
except the two of `two`.  Printed: seconds per epoch (min-median-max) and,
within each repetition, the ratios the goals name: each case over the same
pipeline alone under `libgomp`, and under one-core, over the same pipeline
under one-core with one thread.  `--json FILE` keeps every number.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.pipelines import worker_command
from lenet.measurements import spread

ROOT = Path(__file__).resolve().parents[1]
CGROUP = Path("/sys/fs/cgroup/cpu/lenet-bench")
CONDITIONS = ("alone", "one-core", "two", "quota")
LIBGOMP_DEFAULT_SPINS = "300000"
# The variables a policy decides; each run starts with none of them set.
DECIDED = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
           "OMP_PROC_BIND", "MXNET_ENGINE_TYPE")


def policy_environment(policy):
    """The variables `policy` sets (see the module's docstring); settings
    combine with "+", as in "spin=1000+bind"."""
    if policy == "lenet":
        return {}
    env = {"OMP_NUM_THREADS": "2", "GOMP_SPINCOUNT": LIBGOMP_DEFAULT_SPINS}
    for setting in policy.split("+"):
        if setting == "one-thread":
            env["OMP_NUM_THREADS"] = "1"
        elif setting == "passive":
            del env["GOMP_SPINCOUNT"]
            env["OMP_WAIT_POLICY"] = "PASSIVE"
        elif setting.startswith("spin=") and setting[5:].isdigit():
            env["GOMP_SPINCOUNT"] = setting[5:]
        elif setting == "bind":
            env["OMP_PROC_BIND"] = "true"
        elif setting != "libgomp":
            raise SystemExit(f"unknown policy {policy!r}")
    return env


def make_quota():
    """A cgroup limited to one core; None where this machine has none."""
    try:
        CGROUP.mkdir(exist_ok=True)
        (CGROUP / "cpu.cfs_period_us").write_text("100000")
        (CGROUP / "cpu.cfs_quota_us").write_text("100000")
        return CGROUP
    except OSError as err:
        print(f"[contention] no CPU quota here ({err}): 'quota' is skipped")
        return None


def start(pipeline, condition, policy, quota):
    env = {k: v for k, v in os.environ.items() if k not in DECIDED}
    env.update(policy_environment(policy))
    command = worker_command("bench.train_speed", [
        pipeline, "--epochs", "1", "--seed", "0"])
    if condition == "one-core":
        command = ["taskset", "-c", "0", *command]
    join_quota = None
    if condition == "quota":
        def join_quota():
            (quota / "cgroup.procs").write_text(str(os.getpid()))
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=join_quota)


def seconds_of(process):
    out, err = process.communicate()
    if process.returncode != 0:
        sys.exit(f"a training failed:\n{err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])["epochs"][0]["seconds"]


def measure(pipeline, condition, policy, quota):
    processes = [start(pipeline, condition, policy, quota)
                 for _ in range(2 if condition == "two" else 1)]
    return max(seconds_of(p) for p in processes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pipelines", nargs="+", default=["explorer", "book"])
    parser.add_argument("--conditions", nargs="+", default=list(CONDITIONS),
                        choices=CONDITIONS)
    parser.add_argument("--policies", nargs="+",
                        default=["libgomp", "passive", "lenet"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    for policy in args.policies:
        policy_environment(policy)
    if "alone" not in args.conditions or "libgomp" not in args.policies:
        sys.exit("the ratios need the 'alone' condition and the 'libgomp' policy")
    quota = make_quota() if "quota" in args.conditions else None
    conditions = [c for c in args.conditions if c != "quota" or quota]
    policies = list(args.policies)
    added = "one-core" in conditions and "one-thread" not in policies
    if added:  # the one-core goal's baseline, needed there only
        policies.append("one-thread")
    cases = [(p, c, q) for p in args.pipelines for c in conditions
             for q in policies
             if not (added and q == "one-thread" and c != "one-core")]
    seconds = {case: [] for case in cases}
    started = time.perf_counter()
    for repeat in range(args.repeats):
        shift = (repeat * 5) % len(cases)
        for case in cases[shift:] + cases[:shift]:
            value = measure(*case, quota)
            seconds[case].append(value)
            print(f"  run {repeat + 1}/{args.repeats} {case[0]:9} {case[1]:9}"
                  f" {case[2]:12} {value:7.2f} s", flush=True)
    print(f"\none epoch, seconds (min-median-max over {args.repeats}"
          f" repetitions; {time.perf_counter() - started:.0f} s in all)")
    print(f"  {'pipeline':9} {'condition':9} {'policy':12} {'seconds':>18}"
          f"   {'/ alone libgomp':>18}   {'/ one-core 1 thread':>18}")
    for case, values in seconds.items():
        alone = seconds[(case[0], "alone", "libgomp")]
        line = (f"  {case[0]:9} {case[1]:9} {case[2]:12} {spread(values):>18}"
                f"   {spread([v / a for v, a in zip(values, alone)]):>18}")
        if case[1] == "one-core":
            one = seconds[(case[0], "one-core", "one-thread")]
            line += f"   {spread([v / o for v, o in zip(values, one)]):>18}"
        print(line)
    if args.json:
        args.json.write_text(json.dumps(
            {" | ".join(case): values for case, values in seconds.items()},
            indent=1))
    if quota:
        try:
            quota.rmdir()
        except OSError:
            pass


if __name__ == "__main__":
    main()

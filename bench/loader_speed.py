"""Benchmark: this book's Fashion-MNIST loader against d2lzh's pipeline.

    OMP_NUM_THREADS=2 python -m bench.loader_speed [--repeats 3]

Both read the same files. The d2lzh-style pipeline is what
`d2l.load_data_fashion_mnist` builds (see `pipelines.gluon_fashion_mnist_
loaders`): Gluon's `FashionMNIST` dataset, a per-sample `ToTensor`
transform and a `DataLoader` with `num_workers=4`.  Each pipeline runs in a
fresh process, so decoding is counted in the time to the first batch and
peak memory is its own.
"""
import argparse
import json
import os
import resource
import time

from bench.pipelines import (
    BATCH_SIZE,
    DEFAULT_ENGINE,
    gluon_fashion_mnist_loaders,
    run_worker,
)

PIPELINES = ("lenet", "d2lzh")
# Both on MXNet's default engine: under the NaiveEngine that `lenet` would
# choose, the DataLoader's forked workers never answer (TimeoutError after
# 120 s).  The loaders themselves do not depend on the engine.
WORKER_ENV = {**os.environ, **DEFAULT_ENGINE}


def one_pass(pipeline):
    """Run in the child process: one pass over the training set."""
    import lenet  # noqa: F401 - MXNet's start-up is not the loader's time
    started = time.perf_counter()
    if pipeline == "lenet":
        from lenet import load_data_fashion_mnist
        train_iter, _ = load_data_fashion_mnist(BATCH_SIZE)
    else:
        train_iter, _ = gluon_fashion_mnist_loaders(BATCH_SIZE)
    first = None
    batches = samples = 0
    for X, _ in train_iter:
        X.wait_to_read()
        if first is None:
            first = time.perf_counter()
        batches += 1
        samples += X.shape[0]
    done = time.perf_counter()
    print(json.dumps({
        "first_batch_s": first - started, "full_pass_s": done - started,
        "batches": batches, "samples": samples,
        "peak_rss_mib":
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", choices=PIPELINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return one_pass(args.worker)
    started = time.perf_counter()
    results = {pipeline: [] for pipeline in PIPELINES}
    for _ in range(args.repeats):
        for pipeline in results:  # alternate, so drift hits both alike
            results[pipeline].append(
                run_worker(__name__, [pipeline], WORKER_ENV))
    print(f"one pass over the training set, batch size {BATCH_SIZE},"
          f" best of {args.repeats} runs each")
    print(f"{'pipeline':10} {'first batch':>12} {'full pass':>10}"
          f" {'peak RSS':>10}")
    best = {}
    for pipeline, runs in results.items():
        assert all(r["samples"] == 60000 for r in runs), runs
        best[pipeline] = {key: min(r[key] for r in runs) for key in runs[0]}
        b = best[pipeline]
        print(f"{pipeline:10} {b['first_batch_s']:11.2f}s"
              f" {b['full_pass_s']:9.2f}s {b['peak_rss_mib']:8.0f}MiB")
    ratio = best["d2lzh"]["full_pass_s"] / best["lenet"]["full_pass_s"]
    first_ratio = (best["d2lzh"]["first_batch_s"]
                   / best["lenet"]["first_batch_s"])
    print(f"full pass: lenet is {ratio:.1f}x faster than the d2lzh-style"
          f" pipeline (goal: at least 3x); first batch: {first_ratio:.1f}x")
    print(f"(benchmark wall time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

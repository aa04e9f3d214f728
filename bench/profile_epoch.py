"""Where an epoch of the book's LeNet goes: MXNet's operators beside PyTorch's.

    bash bench/setup.sh
    OMP_NUM_THREADS=2 .venv-bench/bin/python -m bench.profile_epoch

Trains one epoch of the seed's recipe (sigmoid LeNet, batch 256, SGD 0.9,
Xavier) with the explorer's loop (not hybridized, so that each operator is
timed on its own) under `mx.profiler` and with the bench's
PyTorch pipeline under `torch.profiler`, each after one untimed epoch (so
both are warm), and prints the time of each kind of operator (convolution,
pooling, dense, activation, loss, optimizer, everything else), summed over
the operators' own time, in milliseconds and as a share of the epoch.
Profiling slows both down; compare shares and the ratio of each kind, not
the totals with bench/train_speed.py.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.pipelines import worker_command

ROOT = Path(__file__).resolve().parents[1]

KINDS = (  # (kind, pattern over MXNet's and PyTorch's operator names)
    ("convolution", r"convolution|conv2d|mkldnn_conv|_sg_mkldnn_conv"),
    ("pooling", r"pool"),
    ("dense", r"fullyconnected|addmm|linear|\bmm\b|^aten::mm|matmul|t$"),
    ("activation", r"sigmoid|activation|relu|tanh"),
    ("loss and argmax", r"softmax|log_softmax|nll|cross_entropy|pick|argmax"
                        r"|topk|eq"),
    ("optimizer", r"sgd|_update|add_|mul_|foreach|_multi"),
)


def kind_of(name):
    lowered = name.lower()
    for kind, pattern in KINDS:
        if re.search(pattern, lowered):
            return kind
    return "other"


def mxnet_epoch():
    from lenet.explorer_logic import PRESETS, data_iters, train
    import mxnet as mx

    config = PRESETS["原书LeNet"].replace(num_epochs=1)
    iters = data_iters(config)
    # Operator by operator: a hybridized graph is profiled in fused segments
    # that cannot be told apart.
    train(config, *iters, hybridize=False)  # warm
    with tempfile.TemporaryDirectory() as tmp:
        mx.profiler.set_config(profile_all=True, aggregate_stats=True,
                               filename=str(Path(tmp, "profile.json")))
        mx.profiler.set_state("run")
        train(config, *iters, hybridize=False)
        mx.profiler.set_state("stop")
        table = mx.profiler.dumps(format="json")
    ops = {}
    for domain, stats_by_name in json.loads(table)["Time"].items():
        if domain != "operator":  # not the C API calls around them
            continue
        for name, stats in stats_by_name.items():
            ops[name] = ops.get(name, 0) + stats["Total"]  # ms
    return ops


def torch_epoch():
    from torch.profiler import ProfilerActivity, profile

    from bench.pipelines import run_pytorch

    run_pytorch(1, 0)  # warm
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        run_pytorch(1, 0)
    return {event.key: event.self_cpu_time_total / 1000
            for event in prof.key_averages()}


def main():
    if "--worker" in sys.argv:  # the worker: --worker mxnet or pytorch
        ops = mxnet_epoch() if sys.argv[-1] == "mxnet" else torch_epoch()
        print(json.dumps(ops))
        return
    env = dict(os.environ, OMP_NUM_THREADS="2")
    results = {}
    for framework in ("mxnet", "pytorch"):
        done = subprocess.run(worker_command(__name__, [framework]),
                              env=env, cwd=ROOT, capture_output=True,
                              text=True, check=True)
        ops = json.loads(done.stdout.strip().splitlines()[-1])
        kinds = {}
        for name, ms in ops.items():
            kinds[kind_of(name)] = kinds.get(kind_of(name), 0) + ms
        results[framework] = kinds
        top = sorted(ops.items(), key=lambda kv: -kv[1])[:8]
        print(f"{framework}: top operators (own time, ms): "
              + ", ".join(f"{name} {ms:.0f}" for name, ms in top))
    print(f"\n{'kind':18} {'MXNet ms':>9} {'share':>6} {'PyTorch ms':>11}"
          f" {'share':>6} {'MXNet/PyTorch':>14}")
    totals = {fw: sum(k.values()) for fw, k in results.items()}
    for kind in [k for k, _ in KINDS] + ["other"]:
        mx_ms = results["mxnet"].get(kind, 0)
        pt_ms = results["pytorch"].get(kind, 0)
        ratio = f"{mx_ms / pt_ms:14.2f}" if pt_ms else f"{'-':>14}"
        print(f"{kind:18} {mx_ms:9.0f} {mx_ms / totals['mxnet']:6.1%}"
              f" {pt_ms:11.0f} {pt_ms / totals['pytorch']:6.1%}{ratio}")
    print(f"{'total':18} {totals['mxnet']:9.0f} {'':6} {totals['pytorch']:11.0f}")


if __name__ == "__main__":
    main()

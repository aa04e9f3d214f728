"""The training pipelines that bench/ compares, one function per pipeline.

Each `run_*` function trains the seed's LeNet (sigmoid, batch 256, SGD with
learning rate 0.9, Xavier) for `num_epochs` epochs from random seed `seed`
(the pipelines draw random numbers in different orders, so one seed is not
the same run in two pipelines) and returns one dict per
epoch: wall seconds for the epoch (a pass over the 60,000 training images
plus the test accuracy, as `train_ch5` does it), the CPU seconds of the
process for it (user + system, all its threads; the reference's DataLoader
workers are other processes and not counted) and the test accuracy.
`python -m bench.train_speed` runs each in a fresh process.

* reference: what the seed runs: `d2lzh`'s data pipeline (Gluon's
  `FashionMNIST`, a per-sample `ToTensor`, a `DataLoader` with 4 workers)
  and `d2l.train_ch5`, on MXNet's default engine.
* book: this book's loader with the same `d2l.train_ch5`, and MXNet set up
  as `lenet.runtime` does.
* explorer: the explorer's training loop (`lenet.explorer_logic.train`).
* pytorch: the same layers, initialisation and optimiser in PyTorch.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BATCH_SIZE, LEARNING_RATE = 256, 0.9
TRAIN_IMAGES = 60000
DEFAULT_ENGINE = {"MXNET_ENGINE_TYPE": "ThreadedEnginePerDevice"}
# Name -> (runner, environment of its process).  The reference keeps MXNet's
# default engine (lenet would otherwise switch it, see lenet.runtime).
PIPELINES = {
    "reference": ("reference", DEFAULT_ENGINE),
    "book": ("book", {}),
    "explorer": ("explorer", {}),
    "pytorch": ("pytorch", {}),
}
GLIBC_MALLOC = {"LENET_TUNE_MALLOC": "0"}  # see lenet.runtime
# The same pipelines with one kept speed lever undone each, to show what it
# buys (the runner is the name of the pipeline it is compared with).
LEVERS_UNDONE = {
    "book, default engine": ("book", DEFAULT_ENGINE),
    "explorer, default engine": ("explorer", DEFAULT_ENGINE),
    "book, glibc malloc": ("book", GLIBC_MALLOC),
    "explorer, glibc malloc": ("explorer", GLIBC_MALLOC),
    "explorer, not hybridized": ("explorer", {"BENCH_NO_HYBRIDIZE": "1"}),
}
# Levers tried on the explorer and not kept: each is the explorer's pipeline
# with one change (BENCH_* variables are read by run_explorer below, the
# others by MXNet or OpenMP).  Hybridizing was one of them until it paid.
# Dropped after measuring: keeping the correct count an NDArray until the
# epoch ends, one device read per batch instead of two (above 1.0x in 1 of 7
# rotations in each of two runs of train_speed.py --candidates).
CANDIDATES = {
    "explorer, test batch 2000": ("explorer", {"BENCH_TEST_BATCH": "2000"}),
    "explorer, test batch 256": ("explorer", {"BENCH_TEST_BATCH": "256"}),
    "explorer, OMP_WAIT_POLICY=ACTIVE": (
        "explorer", {"OMP_WAIT_POLICY": "ACTIVE"}),
    "explorer, OMP_PROC_BIND=true": ("explorer", {"OMP_PROC_BIND": "true"}),
    "explorer, optimizer aggregation 60": (
        "explorer", {"MXNET_OPTIMIZER_AGGREGATION_SIZE": "60"}),
    "pytorch, glibc malloc": ("pytorch", GLIBC_MALLOC),
    # On a CPU with AVX-512, could oneDNN's AVX2 kernels win on convolutions
    # as small as LeNet's?  No: 0.72 and 0.69 (above 1.0 in 1 and 0 of 7
    # rotations) in two runs of --candidates on an AVX-512 Xeon.  Not
    # candidates at all: layout='NHWC' (MXNet 1.9's CPU convolution cannot
    # make it: "could not create a descriptor for a dilated convolution"),
    # and MXNET_MKLDNN_CACHE_NUM (its default, -1, already caches every
    # primitive).
    "explorer, DNNL_MAX_CPU_ISA=AVX2": (
        "explorer", {"DNNL_MAX_CPU_ISA": "AVX2"}),
}


def worker_command(module, arguments):
    """`python -m MODULE --worker ARGUMENTS`, from the repository's root
    (`module`: a bench module's __name__, such as bench.train_speed; run
    as `python -m bench.train_speed` it is "__main__", which names no
    module a child can run: its spec's name does)."""
    if module == "__main__":
        module = sys.modules["__main__"].__spec__.name
    return [sys.executable, "-m", module, "--worker", *arguments]


def run_worker(module, arguments, env=None):
    """Run `module --worker ARGUMENTS` in a fresh Python process and return
    the JSON object it prints last (its own time and memory, nothing shared
    with the parent)."""
    done = subprocess.run(worker_command(module, arguments), env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{module} --worker {' '.join(arguments)}"
                 f" failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def gluon_fashion_mnist_loaders(batch_size, num_workers=4):
    """`d2l.load_data_fashion_mnist`'s pipeline, reading our verified files
    (Gluon would insist on downloading its own gzip bytes)."""
    import mxnet as mx
    from mxnet import gluon
    import lenet

    class FashionMNISTFromLocalFiles(gluon.data.vision.FashionMNIST):
        # The arrays Gluon's own _get_data sets: uint8 NDArray (N, 28, 28, 1)
        # and int32 labels.
        def _get_data(self):
            images, labels = lenet.data.read_raw_split(
                lenet.data.find_data_dir(),
                "train" if self._train else "test")
            self._data = mx.nd.array(images[..., None], dtype=images.dtype)
            self._label = labels.astype("int32")

    to_tensor = gluon.data.vision.transforms.ToTensor()
    return tuple(
        gluon.data.DataLoader(
            FashionMNISTFromLocalFiles(train=train).transform_first(to_tensor),
            batch_size, shuffle=train, num_workers=num_workers)
        for train in (True, False))


def _train_with_d2lzh(train_iter, test_iter, num_epochs, seed):
    """The seed's recipe: `d2l.train_ch5`, one call per epoch to time it."""
    import d2lzh as d2l
    import mxnet as mx
    from mxnet import gluon, init
    from lenet import build_lenet, set_seed
    set_seed(seed)
    net = build_lenet()
    net.initialize(init.Xavier(), ctx=mx.cpu())
    trainer = gluon.Trainer(net.collect_params(), "sgd",
                            {"learning_rate": LEARNING_RATE})
    epochs = []
    for _ in range(num_epochs):
        start, cpu = time.perf_counter(), time.process_time()
        d2l.train_ch5(net, train_iter, test_iter, BATCH_SIZE, trainer,
                      mx.cpu(), 1)
        epochs.append({"seconds": time.perf_counter() - start,
                       "cpu_seconds": time.process_time() - cpu,
                       "test_acc": d2l.evaluate_accuracy(
                           test_iter, net, mx.cpu())})
    return epochs


def run_reference(num_epochs, seed):
    return _train_with_d2lzh(*gluon_fashion_mnist_loaders(BATCH_SIZE),
                             num_epochs, seed)


def run_book(num_epochs, seed):
    from lenet import load_data_fashion_mnist
    return _train_with_d2lzh(*load_data_fashion_mnist(BATCH_SIZE), num_epochs,
                             seed)


def run_explorer(num_epochs, seed):
    import os

    from lenet.explorer_logic import ExplorerConfig, data_iters, train

    config = ExplorerConfig(num_epochs=num_epochs, seed=seed)
    assert (config.batch_size, config.lr) == (BATCH_SIZE, LEARNING_RATE)
    train_iter, test_iter = data_iters(config, test_batch_size=int(
        os.environ.get("BENCH_TEST_BATCH", 1000)))
    # BENCH_NO_HYBRIDIZE undoes a kept lever: operator by operator.
    result = train(config, train_iter, test_iter,
                   hybridize=not os.environ.get("BENCH_NO_HYBRIDIZE"))
    return [{"seconds": e.seconds, "cpu_seconds": e.cpu_seconds,
             "test_acc": e.test_acc} for e in result.epochs]


def run_pytorch(num_epochs, seed):
    import numpy as np
    import torch
    from torch import nn
    from lenet import read_fashion_mnist

    torch.manual_seed(seed)
    torch.set_num_threads(2)

    def tensors(split):
        images, labels = read_fashion_mnist(split)
        return (torch.from_numpy(images.astype(np.float32) / 255),
                torch.from_numpy(labels.astype(np.int64)))

    train_X, train_y = tensors("train")
    test_X, test_y = tensors("test")
    # Gluon's Conv2D/Dense with activation=... apply it after the layer.
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))
    for layer in net:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            # MXNet's Xavier(): uniform, averaging fan-in and fan-out,
            # magnitude 3, which is Glorot's uniform; biases start at 0.
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    # Gluon's trainer.step(batch_size) divides the summed loss's gradient by
    # the batch size: the mean loss here.
    loss = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)

    def test_accuracy():
        with torch.no_grad():
            correct = sum(
                (net(test_X[i:i + BATCH_SIZE]).argmax(1)
                 == test_y[i:i + BATCH_SIZE]).sum().item()
                for i in range(0, len(test_y), BATCH_SIZE))
        return correct / len(test_y)

    epochs = []
    for _ in range(num_epochs):
        start, cpu = time.perf_counter(), time.process_time()
        order = torch.randperm(len(train_y))
        # The training loss and accuracy that train_ch5 reports as well.
        loss_sum, correct = torch.zeros(()), torch.zeros(())
        for i in range(0, len(order), BATCH_SIZE):
            batch = order[i:i + BATCH_SIZE]
            X, y = train_X[batch], train_y[batch]
            y_hat = net(X)
            batch_loss = loss(y_hat, y)
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += batch_loss * len(batch)
                correct += (y_hat.argmax(1) == y).sum()
        accuracy = test_accuracy()
        epochs.append({"seconds": time.perf_counter() - start,
                       "cpu_seconds": time.process_time() - cpu,
                       "test_acc": accuracy})
    return epochs


RUNNERS = {"reference": run_reference, "book": run_book,
           "explorer": run_explorer, "pytorch": run_pytorch}

"""The explorer's training: train_ch5's loop with progress, a stop between
two batches and a guard against divergence.  Part of lenet.explorer_logic;
web/js/lenet_train.js takes the same steps in the browser
(tests/test_browser_training.py compares one of each kind).

`train` returns how the run ended as data (a RunResult's `state` and
`details`, lenet.runs); the words for it are lenet.messages.say's.
"""
import math
import time

import d2lzh as d2l
import mxnet as mx
from mxnet import autograd, gluon, init
from mxnet.gluon import loss as gloss

from .data import DATA_SETS, DataBatches, read_data_set
from .explorer_config import (ADAM, EXPLODED_LOSS, IMAGE_SIZE, OPTIMIZERS,
                              ConfigError, epoch_learning_rate,
                              trainer_settings, validate)
from .model import build_network
from .reproducibility import set_seed
from .runs import EpochResult, RunResult
from .weights import named_parameters, network_tensors

# MXNet's initializers with their default settings, by the contract's names.
MXNET_INITIALIZERS = {"Xavier": init.Xavier, "Normal": init.Normal,
                      "Uniform": init.Uniform, "MSRAPrelu": init.MSRAPrelu}


def prepare_training(config, ctx=None, dtype="float32", hybridize=True):
    """`config`'s network, initialised from its seed, its Trainer and the
    loss, as `train` starts (`dtype` float64: a reference for the tests;
    `hybridize=False`: operator by operator, for the benchmarks)."""
    set_seed(config.seed)
    net = build_network(config, hybrid=True)
    net.initialize(MXNET_INITIALIZERS[config.initializer](),
                   ctx=ctx or mx.cpu())
    if dtype != "float32":
        net.cast(dtype)
    if hybridize:
        # One cached graph instead of one call per operator: 1.09x and 1.07x
        # images/s (above 1.0 in 7 and 5 of 7 rotations) in two runs of
        # bench/train_speed.py --levers, with the same numbers
        # (tests/test_one_network.py).
        net.hybridize(static_alloc=True, static_shape=True)
    name, settings = OPTIMIZERS[config.optimizer]
    if name == "adam":
        settings = {**ADAM, **settings}
    trainer = gluon.Trainer(net.collect_params(), name,
                            {**trainer_settings(config), **settings})
    return net, trainer, gloss.SoftmaxCrossEntropyLoss()


def train_step(net, trainer, loss, X, y, batch_size):
    """One batch: the summed loss, its gradient, the update.  As train_ch5
    does (5.5.2), the gradient is divided by the configured batch size even
    for the shorter last batch, so that the book's LeNet here is exactly
    the run of 5.5.2.  Returns the outputs and the summed loss."""
    with autograd.record():
        y_hat = net(X)
        batch_loss = loss(y_hat, y).sum()
    batch_loss.backward()
    trainer.step(batch_size)
    return y_hat, batch_loss


def batch_loss_in_prediction(net, loss, X, y):
    """The mean loss of a batch with the network as it predicts (running
    statistics, no dropout): nothing in the network changes."""
    return float(loss(net(X), y).mean().asscalar())


def step_report(net, config, trainer, loss, X, y):
    """One training step (`train_step`) with what it did, for 单步: the
    batch's mean loss before and after (as the network predicts), and for
    each layer with parameters the size (L2 norm) of its gradient (of the
    mean loss, which is what the update uses), of its update and of its
    parameters after it.  web/js/lenet_train.js's stepReport computes the
    same (tests/test_browser_training.py compares them)."""
    # First the forward pass: it gives a new network its deferred shapes.
    loss_before = batch_loss_in_prediction(net, loss, X, y)
    params = [(name, p) for name, p in named_parameters(net, config)
              if p.grad_req != "null"]
    before = {name: p.data().copy() for name, p in params}
    train_step(net, trainer, loss, X, y, config.batch_size)
    layers = {}
    for name, p in params:
        sums = layers.setdefault(name.split(".")[0], [0.0, 0.0, 0.0])
        for i, tensor in enumerate((p.grad() / config.batch_size,
                                    p.data() - before[name], p.data())):
            sums[i] += float((tensor.astype("float64") ** 2).sum().asscalar())
    return {"loss_before": loss_before,
            "loss_after": batch_loss_in_prediction(net, loss, X, y),
            "layers": [{"name": layer, "gradient": math.sqrt(g),
                        "update": math.sqrt(u), "parameters": math.sqrt(w)}
                       for layer, (g, u, w) in layers.items()]}


class Stepper:
    """单步: the run `train` would make of `config` (the same initial
    parameters, batches and rates), one batch at a time."""

    def __init__(self, config, train_iter):
        self.config, self.train_iter = config, train_iter
        self.net, self.trainer, self.loss = prepare_training(config)
        self.epoch, self.steps, self._batches = 0, 0, iter(())

    def next(self):
        """One step: its number, epoch, batch size and rate, and what
        `step_report` says of it."""
        X, y = next(self._batches, (None, None))
        if X is None:  # the next epoch: reshuffled, at its rate
            self.epoch += 1
            self.trainer.set_learning_rate(
                epoch_learning_rate(self.config, self.epoch))
            self._batches = iter(self.train_iter)
            X, y = next(self._batches)
        self.steps += 1
        return {"step": self.steps, "epoch": self.epoch, "size": X.shape[0],
                "rate": self.trainer.learning_rate,
                **step_report(self.net, self.config, self.trainer, self.loss,
                              X, y)}


def train(config, train_iter=None, test_iter=None, ctx=None, *, root=None,
          hybridize=True, on_start=None, on_batch=None, on_epoch=None,
          should_stop=None):
    """Train `config`'s network as `train_ch5` does, reporting as it goes;
    the result keeps the weights it started from and had after each epoch.

    With the same seed, the book's LeNet gives 5.5.2's numbers digit for
    digit (the same random draws in the same order, the same updates).

    The configuration is validated here, first (ConfigError says what to
    change).  Without `train_iter` and `test_iter` the data comes from
    `data_iters(config, root)`; given, `train_iter` should already hold
    `config.train_size` samples.  `on_start(total_batches)` once the data
    is there, `on_batch(done, total, loss, net)` after each batch (its mean
    loss, and the network as that batch left it), `on_epoch(EpochResult)`
    after each epoch; `should_stop()` is asked before each batch.  A loss
    that becomes NaN or explodes ends the run.
    """
    problems = validate(config)
    if problems:
        raise ConfigError(problems)
    if train_iter is None:
        train_iter, test_iter = data_iters(config, root)
    ctx = ctx or mx.cpu()
    net, trainer, loss = prepare_training(config, ctx, hybridize=hybridize)
    # Gluon makes the parameters at the first forward pass: one now, as the
    # network predicts, draws the same random numbers the first batch would
    # (the batches are shuffled by NumPy) and changes nothing else, so that
    # the result keeps the weights the run starts from.
    net(mx.nd.zeros((1, 1, IMAGE_SIZE, IMAGE_SIZE), ctx=ctx))
    result = RunResult(config, [], net=net,
                       snapshots=[network_tensors(net, config)])
    total = len(train_iter) * config.num_epochs
    if on_start is not None:
        on_start(total)
    done = 0
    for epoch in range(1, config.num_epochs + 1):
        loss_sum, correct, n = 0.0, 0.0, 0
        start, cpu = time.perf_counter(), time.process_time()
        lr = epoch_learning_rate(config, epoch)
        trainer.set_learning_rate(lr)
        for X, y in train_iter:
            if should_stop is not None and should_stop():
                return _ended(result, "stopped", epoch=epoch)
            X, y = X.as_in_context(ctx), y.as_in_context(ctx)
            y_hat, batch_loss = train_step(net, trainer, loss, X, y,
                                           config.batch_size)
            batch_loss = batch_loss.asscalar()
            if not math.isfinite(batch_loss) or (
                    batch_loss / X.shape[0] > EXPLODED_LOSS):
                return _ended(result, "diverged", epoch=epoch,
                              loss=batch_loss / X.shape[0], lr=lr)
            loss_sum += batch_loss
            correct += (y_hat.argmax(axis=1) == y.astype("float32")
                        ).sum().asscalar()
            n += y.size
            done += 1
            if on_batch is not None:
                on_batch(done, total, batch_loss / X.shape[0], net)
        test_acc = d2l.evaluate_accuracy(test_iter, net, ctx)
        result.epochs.append(EpochResult(
            epoch, loss_sum / n, float(correct) / n, test_acc,
            time.perf_counter() - start, time.process_time() - cpu,
            trainer.learning_rate))
        result.snapshots.append(network_tensors(net, config))
        if on_epoch is not None:
            on_epoch(result.epochs[-1])
    return result


def _ended(result, state, **details):
    result.state, result.details = state, details
    return result


def data_iters(config, root=None, test_batch_size=1000):
    """Training batches over the first `config.train_size` training images
    of `config.data_set` (the same subset for every run) and batches over
    its whole test set."""
    images, labels = read_data_set(DATA_SETS[config.data_set], "train", root)
    n = config.train_size
    train_iter = DataBatches(images[:n], labels[:n], config.batch_size,
                             shuffle=True)
    return train_iter, load_test_iter(root, test_batch_size, config.data_set)


def load_test_iter(root=None, batch_size=1000, data_set="fashion_mnist"):
    """Batches over the whole test set of `data_set`, in order."""
    return DataBatches(*read_data_set(DATA_SETS[data_set], "test", root),
                       batch_size, shuffle=False)

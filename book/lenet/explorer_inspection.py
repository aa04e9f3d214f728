"""A trained explorer network looked into: feature maps of one image, the
first convolution's kernels and the confusion matrix of the test set.
Part of lenet.explorer_logic.
"""
import mxnet as mx
import numpy as np
from mxnet import nd

from .plan import NUM_CLASSES, plan


def feature_maps(net, arch, image, ctx=None):
    """Each convolution block's output (after its activation, before the
    pooling) for one (1, 28, 28) image; `net` is the network of `arch`.

    Returns a list of (the convolution's name, array of shape (channels,
    h, w)).
    """
    X = nd.array(image[np.newaxis], ctx=ctx or mx.cpu())
    maps, block = [], None
    for layer, gluon_layer in zip(plan(arch), net, strict=True):
        if layer.kind == "conv":
            block = layer.name
        elif layer.kind == "pool":
            maps.append((block, X[0].asnumpy()))
        X = gluon_layer(X)
    return maps


def first_kernels(net, arch):
    """The first convolution's kernels, (out channels, in channels, k, k)."""
    for layer, gluon_layer in zip(plan(arch), net, strict=True):
        if layer.kind == "conv":
            return gluon_layer.weight.data().asnumpy()
    raise ValueError("这个网络没有卷积层")


def layer_outputs(net, arch, images):
    """[(name, NumPy array)] of each convolution (after its activation), each
    pooling and the class probabilities ("output"), for images (N, 28, 28)."""
    X = mx.nd.array(images[:, np.newaxis])
    outputs = []
    for layer, gluon_layer in zip(plan(arch), net, strict=True):
        X = gluon_layer(X)
        if layer.kind in ("conv", "pool"):
            outputs.append((layer.name, X.asnumpy()))
    outputs.append(("output", mx.nd.softmax(X).asnumpy()))
    return outputs


def confusion_matrix(net, test_iter, ctx=None):
    """10x10 counts: row = true class, column = predicted class."""
    counts = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    for X, y in test_iter:
        predicted = net(X.as_in_context(ctx or mx.cpu())).argmax(axis=1)
        np.add.at(counts, (y.asnumpy(), predicted.asnumpy().astype(int)), 1)
    return counts

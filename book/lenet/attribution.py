"""Why a network decides, and how little fools it (5.5.4's viewer), in
MXNet: saliency (显著图), occlusion (遮挡) and the fast gradient sign
method (对抗样本).

Saliency is the gradient of a class's score (its logit, before the
softmax) with respect to each input pixel, by MXNet's autograd with the
network computing as in inference (batch norm's running statistics, no
dropout).
For occlusion a gray patch of `size` x `size` pixels (OCCLUSION_FILL) is put on the image
at every `stride`-th place, and the class's probability is taken again: the
drop at each place says how much the network leaned on what the patch hid.
web/js/lenet_attribution.js does the same with the page's forward pass;
tests/test_attribution.py holds the two together.
"""
import contextlib

import mxnet as mx
import numpy as np
from mxnet.gluon import nn

from .weights import probabilities

SIZE = 28
OCCLUSION_FILL = 0.5  # the patch's gray, halfway between black and white


def occlusion_positions(size, stride):
    """The patch's top (or left) edges: every `stride`-th pixel while the
    patch stays inside the image."""
    return list(range(0, SIZE - size + 1, stride))


def occluded_images(image, size, stride):
    """(n * n, 28, 28): `image` with the patch at each place, row by row."""
    places = occlusion_positions(size, stride)
    stack = np.repeat(image[np.newaxis], len(places) ** 2, axis=0)
    for k, (top, left) in enumerate((t, l) for t in places for l in places):
        stack[k, top:top + size, left:left + size] = OCCLUSION_FILL
    return stack


def occlusion_map(net, image, label, size, stride):
    """(n, n): the class `label`'s probability on `image` less its
    probability with the patch at each place."""
    base = probabilities(net, image[np.newaxis, np.newaxis])[0, label]
    stack = occluded_images(image, size, stride)
    hidden = probabilities(net, stack[:, np.newaxis])[:, label]
    n = len(occlusion_positions(size, stride))
    return (base - hidden).reshape(n, n)


@contextlib.contextmanager
def _inference_while_recording(net):
    """`net` computing as in inference (batch norm with its running
    statistics, no dropout) while autograd records in training mode.

    In MXNet 1.9.1 with oneDNN, max pooling run in inference mode keeps no
    workspace, and its backward pass then sends the gradient to the wrong
    places: the input gradient disagrees with finite differences, and
    with MXNET_MKLDNN_ENABLED=0 it does not (the family of
    apache/mxnet#10994).  Training mode keeps the workspace."""
    changes = [(layer._kwargs, "use_global_stats", True) if isinstance(
                   layer, nn.BatchNorm) else (vars(layer), "_rate", 0)
               for layer in net if isinstance(layer, (nn.BatchNorm, nn.Dropout))]
    saved = [(where, key, where[key]) for where, key, _ in changes]
    for where, key, value in changes:
        where[key] = value
    try:
        yield
    finally:
        for where, key, value in saved:
            where[key] = value


def _input_gradient(net, image, objective):
    """(28, 28): d objective(logits) / d pixel, for `image` (28, 28)."""
    x = mx.nd.array(image[np.newaxis, np.newaxis])
    x.attach_grad()
    with _inference_while_recording(net), mx.autograd.record(train_mode=True):
        value = objective(net(x))
    value.backward()
    return x.grad[0, 0].asnumpy()


def saliency(net, image, label):
    """d score[label] / d pixel: the logit, before the softmax."""
    return _input_gradient(net, image, lambda logits: logits[0, label])


def loss_gradient(net, image, label):
    """d (-log softmax[label]) / d pixel: the cross-entropy loss's."""
    return _input_gradient(net, image, lambda logits: -mx.nd.log_softmax(
        logits)[0, label])


def fgsm(image, gradient, levels):
    """The fast gradient sign method: each pixel `levels` gray levels (of
    255) the way that raises the loss, kept in [0, 1] (in float64, then
    float32, as the page computes it)."""
    moved = image.astype(np.float64) + levels / 255 * np.sign(gradient).astype(np.float64)
    return np.clip(moved, 0, 1).astype(np.float32)


def smallest_fooling(net, image, label, most=255):
    """The fewest gray levels (1..most) of FGSM that change the prediction
    `label`, or None; every level tried at once, as one batch."""
    gradient = loss_gradient(net, image, label)
    tried = np.stack([fgsm(image, gradient, levels)
                      for levels in range(1, most + 1)])
    changed = np.flatnonzero(
        probabilities(net, tried[:, np.newaxis]).argmax(axis=1) != label)
    return int(changed[0]) + 1 if len(changed) else None


def smallest_fooling_over(net, images):
    """smallest_fooling of each image (N, 28, 28) against the network's own
    prediction; None where 255 levels do not change it."""
    predicted = probabilities(net, images[:, np.newaxis]).argmax(axis=1)
    return [smallest_fooling(net, image, int(label))
            for image, label in zip(images, predicted)]

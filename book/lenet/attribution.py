"""Why a network decides (5.5.4's viewer), in MXNet: occlusion (遮挡).

A gray patch of `size` x `size` pixels (OCCLUSION_FILL) is put on the image
at every `stride`-th place, and the class's probability is taken again: the
drop at each place says how much the network leaned on what the patch hid.
web/js/lenet_attribution.js does the same with the page's forward pass;
tests/test_attribution.py holds the two together.
"""
import numpy as np

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

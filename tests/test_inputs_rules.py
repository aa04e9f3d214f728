"""lenet.inputs by itself: each rule does what it says (tests/test_inputs.py
holds the page's to it)."""
import numpy as np
import pytest

from lenet import inputs

pytestmark = pytest.mark.quick


def test_the_rules_in_numpy_do_what_they_say():
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    assert (inputs.shift(image, 0, 0) == image).all()
    assert (inputs.shift(image, 3, -2)[:-2, 3:] == image[2:, :-3]).all()
    assert (inputs.shift(image, 3, -2)[:, :3] == 0).all()
    assert (inputs.shift(image, -6, 6)[:6] == 0).all()
    assert (inputs.invert(inputs.invert(image)) == image).all()
    assert (inputs.rotate_and_scale(image, 0, 1.0) == image).all()
    # A quarter turn anticlockwise: the right edge comes to the top.
    turned = inputs.rotate_and_scale(image, 90, 1.0)
    assert np.allclose(turned[0, :], image[:, -1], atol=1e-6)
    levels = inputs.noise(7) * 255
    assert np.allclose(levels, levels.round(), atol=1e-4) and levels.std() > 60
    assert not (inputs.noise(7) == inputs.noise(8)).all()
    weights = inputs._area_weights(61)
    assert np.allclose(weights.sum(axis=1), 1)
    flat = np.full((90, 120, 3), 200, dtype=np.uint8)
    assert np.allclose(inputs.photo_input(flat), 200 / 255, atol=1e-6)


def test_a_shifted_stack_is_each_image_shifted():
    stack = np.random.default_rng(1).random((3, 28, 28), dtype=np.float32)
    moved = inputs.shift(stack, -2, 3)
    for image, one in zip(stack, moved):
        assert (inputs.shift(image, -2, 3) == one).all()

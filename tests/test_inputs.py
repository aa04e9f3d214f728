"""没见过的输入: the page's noise, inversion, shifts, turns, scales and
photos (web/js/lenet_inputs.js) against NumPy's (lenet.inputs), over the
same images (the viewer's panel in the built page: tests/test_browser.py)."""
import base64

import numpy as np
import pytest
from PIL import Image

from lenet import inputs
from lenet.paths import EXAMPLE_PHOTO as PHOTO
from lenet.data import read_fashion_mnist, to_unit_float32
from tests.built_site import page_on_web_modules

pytestmark = [pytest.mark.browser, pytest.mark.real_data,
              pytest.mark.usefixtures("real_data_dir")]
SHIFTS = range(-6, 7)
TURNS = (-45, -20, 0, 5, 45)
SCALES = (0.5, 0.8, 1.0, 1.3, 1.5)
LOAD = "async () => { window.inputs = await import('./lenet_inputs.js'); }"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with page_on_web_modules(tmp_path_factory.mktemp("chromium")) as page:
        page.evaluate(LOAD)
        yield page


@pytest.fixture(scope="module")
def images():
    """Three test images, as the viewer's strip gives them to the network."""
    test_images, _ = read_fashion_mnist("test")
    return to_unit_float32(test_images[[0, 1, 37]]).reshape(-1, 28, 28)


def in_page(page, script, *args):
    return np.array(page.evaluate(script, list(args)), dtype=np.float32)


def test_noise_and_black_and_white_are_numpys_exactly(page):
    for seed in (0, 1, 12345, 2**31 + 5):
        assert (in_page(page, "([s]) => Array.from(inputs.noise(s))", seed)
                == inputs.noise(seed).ravel()).all(), seed
    for value in (0, 1):
        assert (in_page(page, "([v]) => Array.from(inputs.constant(v))", value)
                == inputs.constant(value).ravel()).all()


def test_inversion_and_every_shift_are_numpys_exactly(page, images):
    for image in images:
        shown = in_page(page, "([x]) => Array.from(inputs.invert(Float32Array.from(x)))",
                        image.ravel().tolist())
        assert (shown == inputs.invert(image).ravel()).all()
        shifted = in_page(page, """([x, shifts]) => shifts.flatMap(([dx, dy]) =>
            Array.from(inputs.shift(Float32Array.from(x), dx, dy)))""",
                          image.ravel().tolist(),
                          [[dx, dy] for dx in SHIFTS for dy in SHIFTS])
        expected = np.concatenate([inputs.shift(image, dx, dy).ravel()
                                   for dx in SHIFTS for dy in SHIFTS])
        assert (shifted == expected).all()


def test_turns_and_scales_are_numpys_within_float_rounding(page, images):
    pairs = [[turn, scale] for turn in TURNS for scale in SCALES]
    for image in images:
        shown = in_page(page, """([x, pairs]) => pairs.flatMap(([t, s]) =>
            Array.from(inputs.rotateAndScale(Float32Array.from(x), t, s)))""",
                        image.ravel().tolist(), pairs)
        expected = np.concatenate([
            inputs.rotate_and_scale(image, t, s).ravel() for t, s in pairs])
        assert np.abs(shown - expected).max() <= 1e-6


def test_a_photo_is_numpys_area_average_of_the_same_pixels(page):
    """The same decoded pixels in both: the page's arithmetic is NumPy's."""
    rgb = np.asarray(Image.open(PHOTO).convert("RGB"))
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    shown = in_page(page, """([data, width, height]) => Array.from(inputs.photoInput(
        {data: Uint8ClampedArray.from(data), width, height}))""",
                    rgba.ravel().tolist(), rgb.shape[1], rgb.shape[0])
    assert np.abs(shown - inputs.photo_input(rgb).ravel()).max() <= 1e-6


def test_a_photo_the_browser_decodes_is_within_a_gray_level_of_numpys(page):
    """The page decodes the JPEG itself (as a reader's file): its 28 x 28
    input is within one gray level of NumPy's on PIL's decoding."""
    encoded = base64.b64encode(PHOTO.read_bytes()).decode()
    shown = in_page(page, """async ([encoded]) => {
      const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/jpeg'}));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, 0, 0);
      return Array.from(inputs.photoInput(context.getImageData(0, 0, bitmap.width, bitmap.height)));
    }""", encoded)
    expected = inputs.photo_input(np.asarray(Image.open(PHOTO).convert("RGB")))
    assert np.abs(shown - expected.ravel()).max() * 255 <= 1

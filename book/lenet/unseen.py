"""What a trained network says of images unlike any it was trained on
(5.5.4, the newer edition's exercise 5), in MXNet: random noise, all black,
all white and a photo, by the rules of lenet.inputs that the viewer's
没见过的输入 uses too, beside the test images themselves.

`python -m ci.record.unseen_inputs` records `facts()` in RECORD, which the
page quotes (a downloaded notebook has the weights but not MNIST's files);
tests/test_unseen.py computes them again.
"""
import numpy as np
from PIL import Image

from .data import DATA_SETS, read_data_set, to_unit_float32
from .explorer_config import class_names
from .explorer_inspection import layer_outputs
from .inputs import constant, invert, noise, photo_input
from .files import read_recorded_json
from .paths import BOOK_DATA, EXAMPLE_PHOTO
from .sweep import (BOOK_LENET_KEY, load_digit_networks, load_sweep,
                    network_key, trained_network)

RECORD = BOOK_DATA / "unseen_inputs.json"
NOISE_IMAGES = 100  # seeds 0..99
TEST_IMAGES = 1000  # the first ones, for what the layers do on seen images
# The networks asked: 5.5.2's (clothes) and the relu one of digits.
NETWORKS = {"book": BOOK_LENET_KEY, "digits": "mnist-k5-c6x16-relu"}


def unseen_inputs(photo=EXAMPLE_PHOTO):
    """{name: images (N, 28, 28)}: the inputs the exercise asks about."""
    rgb = np.asarray(Image.open(photo).convert("RGB"))
    return {"noise": np.stack([noise(seed) for seed in range(NOISE_IMAGES)]),
            "black": constant(0)[np.newaxis], "white": constant(1)[np.newaxis],
            "photo": photo_input(rgb)[np.newaxis],
            "photo_inverted": invert(photo_input(rgb))[np.newaxis]}


def answers(net, arch, images_by_name, class_names):
    """Per input: the class most often predicted, how often, the mean of the
    highest probability, and each convolution's mean activation."""
    result = {}
    for name, images in images_by_name.items():
        outputs = dict(layer_outputs(net, arch, images))
        probabilities = outputs.pop("output")
        top = probabilities.argmax(axis=1)
        common = int(np.bincount(top, minlength=len(class_names)).argmax())
        result[name] = {
            "class": class_names[common], "share": float((top == common).mean()),
            "top_probability": float(probabilities.max(axis=1).mean()),
            "mean_activation": {layer: float(values.mean())
                                for layer, values in outputs.items()
                                if layer.startswith("conv")}}
    return result


def facts():
    """What 5.5.4's solution says, for glue: per network and input, the
    class, its share and the mean top probability; and each convolution's
    mean activation on noise over that on test images."""
    values = {}
    runs = {network_key(r): r for r in
            load_sweep()["runs"] + load_digit_networks()["runs"]}
    inputs = unseen_inputs()
    for short, key in NETWORKS.items():
        config, net = trained_network(runs[key])
        images, _ = read_data_set(DATA_SETS[config.data_set], "test")
        seen = to_unit_float32(images[:TEST_IMAGES]).reshape(-1, 28, 28)
        said = answers(net, config, {"test": seen, **inputs},
                       class_names(config.data_set))
        for name, answer in said.items():
            for field in ("class", "share", "top_probability"):
                values[f"{short}_{name}_{field}"] = answer[field]
        for layer, mean in said["noise"]["mean_activation"].items():
            values[f"{short}_noise_{layer}_ratio"] = (
                mean / said["test"]["mean_activation"][layer])
    values["noise_images"] = NOISE_IMAGES
    return values


def load_facts(path=RECORD):
    """The recorded facts()."""
    return read_recorded_json(path, "python -m ci.record.unseen_inputs")["facts"]

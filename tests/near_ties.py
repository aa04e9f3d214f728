"""How many images of the step tests' batch have a near tie in a
max-pooling window (test_browser_training.NEAR_TIE), for each shape,
activation and batch norm there:

    .venv/bin/python -m tests.near_ties
"""
import itertools

from lenet import explorer_logic as logic
from tests import test_browser_training as steps
from lenet.data import read_fashion_mnist


def main():
    images, _ = read_fashion_mnist("train")
    images = images[:steps.BATCH]
    shapes = {"the book's LeNet": {}, **steps.SHAPES}
    for (name, shape), activation, batch_norm in itertools.product(
            shapes.items(), logic.ACTIVATIONS, (False, True)):
        config = logic.ExplorerConfig(**shape, activation=activation,
                                      pooling="max", batch_norm=batch_norm)
        values = steps.initial_values(config, images)
        near = steps.near_tie_images(config, values, images)
        print(f"{name:20} {activation:9} {'bn' if batch_norm else 'plain':5}"
              f" {int(near.sum()):3} of {len(images)}", flush=True)


if __name__ == "__main__":
    main()

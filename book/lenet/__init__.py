"""Helpers for the LeNet chapter (5.5 of 《动手学深度学习》, MXNet edition).

The pages import this package from the folder they live in, so it works in
Jupyter Book, nbval and Binder without being installed.
"""
from .runtime import configure_mxnet

# Before anything imports MXNet: see `lenet.runtime`.
configure_mxnet()

from .data import (  # noqa: E402
    DATA_DIR_ENV_VAR,
    MIRRORS_ENV_VAR,
    FashionMNISTBatches,
    FashionMNISTNotFoundError,
    FashionMNISTFormatError,
    download_fashion_mnist,
    load_data_fashion_mnist,
    read_fashion_mnist,
)
from .model import (  # noqa: E402
    build_lenet,
    format_layer_table,
    layer_table,
)
from .plan import LayerRow  # noqa: E402
from .reproducibility import DEFAULT_SEED, set_seed  # noqa: E402

__all__ = [
    "DATA_DIR_ENV_VAR",
    "DEFAULT_SEED",
    "FashionMNISTBatches",
    "FashionMNISTFormatError",
    "FashionMNISTNotFoundError",
    "LayerRow",
    "MIRRORS_ENV_VAR",
    "build_lenet",
    "download_fashion_mnist",
    "format_layer_table",
    "layer_table",
    "load_data_fashion_mnist",
    "read_fashion_mnist",
    "set_seed",
]

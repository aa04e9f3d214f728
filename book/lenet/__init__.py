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
    DataBatches,
    DataSetFormatError,
    DataSetNotFoundError,
    FashionMNISTBatches,
    FashionMNISTNotFoundError,
    FashionMNISTFormatError,
    download_fashion_mnist,
    load_data_fashion_mnist,
    load_data_mnist,
    read_fashion_mnist,
    read_mnist,
)
from .model import (  # noqa: E402
    build_lenet,
    format_layer_table,
    layer_table,
)
from .files import SaveError  # noqa: E402
from .plan import LayerRow  # noqa: E402
from .reproducibility import DEFAULT_SEED, set_seed  # noqa: E402

__all__ = [
    "DATA_DIR_ENV_VAR",
    "DEFAULT_SEED",
    "DataBatches",
    "DataSetFormatError",
    "DataSetNotFoundError",
    "FashionMNISTBatches",
    "FashionMNISTFormatError",
    "FashionMNISTNotFoundError",
    "LayerRow",
    "NetworkFileError",
    "SaveError",
    "MIRRORS_ENV_VAR",
    "build_lenet",
    "download_fashion_mnist",
    "format_layer_table",
    "layer_table",
    "load_data_fashion_mnist",
    "load_data_mnist",
    "load_network",
    "read_fashion_mnist",
    "read_mnist",
    "save_network",
    "set_seed",
]

# A trained network as a file (lenet.network_file), imported when first
# asked for: it needs the explorer's configuration, which `import lenet`
# does not.
_NETWORK_FILE = ("NetworkFileError", "load_network", "save_network")


def __getattr__(name):
    if name in _NETWORK_FILE:
        from . import network_file
        return getattr(network_file, name)
    raise AttributeError(f"module 'lenet' has no attribute {name!r}")

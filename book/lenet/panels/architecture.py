"""The architecture panel: controls, layer table and Gluon code.

An anywidget: its JavaScript (web/js/lenet_architecture.js) draws the
controls and computes the table, the messages and the code in the browser,
in JupyterLab and in the static book alike.  Python keeps the configuration
in sync for training and owns nothing the reader sees.
"""
from pathlib import Path

import anywidget
import traitlets

from .. import explorer_logic as logic

WEB_JS = Path(__file__).resolve().parents[3] / "web" / "js"
ARCH_FIELDS = ("kernel_sizes", "channels", "activation", "pooling",
               "dense_units", "dropout", "batch_norm")
TRAINING_FIELDS = ("optimizer", "lr", "initializer", "num_epochs",
                   "batch_size", "train_size")
CUSTOM = "自定义"
CHANNEL_OPTIONS = (1, 2, 4, 6, 8, 16, 32, 64)
KERNEL_RANGE = (1, 11)
DENSE_RANGE = (1, 512)
DROPOUT_RANGE = (0.0, 0.9, 0.1)
# What the JavaScript module says once it is drawn with a kernel behind it.
KERNEL_FRONT_END = "front end with a kernel"


def arch_of(config):
    """The architecture fields of an ExplorerConfig, as JSON values."""
    values = {field: getattr(config, field) for field in ARCH_FIELDS}
    return {field: list(value) if isinstance(value, tuple) else value
            for field, value in values.items()}


def training_of(config):
    return {field: getattr(config, field) for field in TRAINING_FIELDS}


class ArchitecturePanel(anywidget.AnyWidget):
    _esm = WEB_JS / "lenet_architecture.js"
    kernel_sizes = traitlets.List(traitlets.Int()).tag(sync=True)
    channels = traitlets.List(traitlets.Int()).tag(sync=True)
    activation = traitlets.Unicode().tag(sync=True)
    pooling = traitlets.Unicode().tag(sync=True)
    dense_units = traitlets.List(traitlets.Int()).tag(sync=True)
    dropout = traitlets.Float().tag(sync=True)
    batch_norm = traitlets.Bool().tag(sync=True)
    preset = traitlets.Unicode().tag(sync=True)
    # Read by the JavaScript only.
    presets = traitlets.Dict().tag(sync=True)
    options = traitlets.Dict().tag(sync=True)
    training = traitlets.Dict().tag(sync=True)
    # Set once the JavaScript is drawn in a front end with a kernel.
    has_kernel_front_end = traitlets.Bool(False)

    def __init__(self, preset):
        config = logic.PRESETS[preset]
        super().__init__(
            preset=preset, training=training_of(config),
            presets={name: {**arch_of(c), "training": training_of(c)}
                     for name, c in logic.PRESETS.items()},
            options={
                "kernel_range": dict(zip(("min", "max", "step"),
                                         (*KERNEL_RANGE, 1))),
                "dense_range": dict(zip(("min", "max", "step"),
                                        (*DENSE_RANGE, 1))),
                "dropout_range": dict(zip(("min", "max", "step"),
                                          DROPOUT_RANGE)),
                "channel_options": list(CHANNEL_OPTIONS),
                "optimizers": {name: list(optimizer) for name, optimizer
                               in logic.OPTIMIZERS.items()},
                "activations": list(logic.ACTIVATIONS),
                "poolings": list(logic.POOLINGS)},
            **arch_of(config))
        self.on_msg(self._on_front_end_message)

    def _on_front_end_message(self, _widget, content, _buffers):
        if content.get("type") == KERNEL_FRONT_END:
            self.has_kernel_front_end = True

    def __repr__(self):
        # Without it: the object's address, which nbval would compare.
        fields = ", ".join(f"{f}={getattr(self, f)!r}"
                           for f in ("preset", *ARCH_FIELDS))
        return f"ArchitecturePanel({fields})"

    def arch_values(self):
        """The architecture as ExplorerConfig fields."""
        return {"kernel_sizes": tuple(self.kernel_sizes),
                "channels": tuple(self.channels),
                "activation": self.activation, "pooling": self.pooling,
                "dense_units": tuple(self.dense_units),
                # The slider's steps are tenths; drop float noise (0.30…04).
                "dropout": round(self.dropout, 2),
                "batch_norm": self.batch_norm}

    def show(self, config):
        """Set every architecture control to `config`'s values."""
        with self.hold_trait_notifications():
            for field, value in arch_of(config).items():
                setattr(self, field, value)

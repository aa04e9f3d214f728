"""The 5.5.4 exercise as widgets: change LeNet, see the effect, train it.

Panels over `lenet.explorer_logic` (see `lenet.panels`); on a page it is
one line:

    from lenet.explorer import LeNetExplorer
    LeNetExplorer()

The architecture panel computes in the browser, so it answers in the static
book too; training needs a kernel and unlocks when a front end with one has
drawn the explorer.
"""
import weakref

import ipywidgets as widgets
from IPython.display import Image

from . import explorer_logic as logic
from .panels.architecture import (  # noqa: F401 - the controls' ranges
    ARCH_FIELDS, CHANNEL_OPTIONS, CUSTOM, KERNEL_RANGE, TRAINING_FIELDS,
    ArchitecturePanel)
from .panels.drawing import curves_png
from .panels.feature_maps import FeatureMapPanel
from .panels.history import HistoryPanel
from .panels.training import TRAINING_THREAD_NAME, TrainingPanel  # noqa: F401


class LeNetExplorer(widgets.VBox):
    """The architecture, training, history and feature-map panels.

    A new explorer stops the training runs of earlier ones: the cell that
    shows the explorer was run again, and the old one is out of sight.
    """

    _instances = weakref.WeakSet()

    def __init__(self, preset="原书LeNet", run_in_thread=True, root=None):
        for earlier in list(LeNetExplorer._instances):
            earlier.training.stop()
        LeNetExplorer._instances.add(self)
        config = logic.PRESETS[preset]
        self.architecture = ArchitecturePanel(preset)
        self.training = TrainingPanel(
            config, lambda: self.config, run_in_thread, root,
            on_finished=self._on_run_finished)
        self.history = HistoryPanel()
        self.feature_maps = FeatureMapPanel(root)
        self.last_run = None
        self._applying_preset = False
        self.tabs = widgets.Tab([self.training.run_box, self.history,
                                 self.feature_maps])
        for index, title in enumerate(["训练", "历次运行", "特征图与混淆矩阵"]):
            self.tabs.set_title(index, title)
        super().__init__([widgets.HTML("<b>网络结构</b>"), self.architecture,
                          widgets.HTML("<b>训练设置</b>"), self.training,
                          self.tabs])
        self.architecture.observe(self._on_architecture_change,
                                  list(ARCH_FIELDS))
        self.architecture.observe(self._on_preset_change, "preset")
        self.architecture.observe(
            lambda change: self.training.set_available(change.new),
            "has_kernel_front_end")
        for control in self.training.controls:
            control.observe(self._on_training_change, "value")
        self.refresh()

    @property
    def config(self):
        return logic.ExplorerConfig(**self.architecture.arch_values(),
                                    **self.training.values())

    # -- presets: the architecture panel names them ---------------------------
    def _on_preset_change(self, change):
        if change.new == CUSTOM:
            return
        preset = logic.PRESETS[change.new]
        self._applying_preset = True
        try:
            self.architecture.show(preset)
            self.training.show(preset)
        finally:
            self._applying_preset = False
        self.refresh()

    def _mark_custom_unless_preset_has(self, fields):
        """Name the preset 自定义 once one of `fields` leaves its value.
        Each side compares its own fields: the JavaScript sends a preset's
        name with its architecture, before Python sets the training."""
        preset = logic.PRESETS.get(self.architecture.preset)
        config = self.config
        if not self._applying_preset and preset and any(
                getattr(config, f) != getattr(preset, f) for f in fields):
            self.architecture.preset = CUSTOM

    def _on_architecture_change(self, _change):
        self._mark_custom_unless_preset_has(ARCH_FIELDS)
        self.refresh()

    def _on_training_change(self, _change):
        self._mark_custom_unless_preset_has((*TRAINING_FIELDS, "seed"))
        self.architecture.training = {
            f: getattr(self.config, f) for f in TRAINING_FIELDS}
        self.refresh()

    def refresh(self):
        """Training is allowed only for a network that can be built."""
        self.training.block(logic.validate(self.config))

    def frontend_connected(self):
        """What the architecture panel's JavaScript reports in JupyterLab."""
        self.architecture.has_kernel_front_end = True

    def _on_run_finished(self, result, test_iter):
        self.last_run = result
        self.history.add(result)
        self.feature_maps.show(result, test_iter)


def plot_run(result):
    """The curves of a finished run, for a notebook cell to display."""
    return Image(curves_png(result.epochs, result.config.num_epochs))

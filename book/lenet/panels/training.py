"""The training panel: settings, 训练 and 停止, progress, status, curves.

Training needs a Python kernel, so the panel starts locked and is unlocked
by `set_available(True)` once a front end with a kernel has drawn the
explorer; in the static book it stays locked and says so (the architecture
panel's notice).  A run goes in a thread of its own, named
TRAINING_THREAD_NAME, and can be stopped between two batches.
"""
import html
import threading

import ipywidgets as widgets

from .. import explorer_logic as logic
from .drawing import STYLE, WIDE, curves_png, image_widget, show_png

TRAINING_THREAD_NAME = "lenet-explorer-training"
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + 动量 0.9",
                    "adam": "Adam"}
BATCH_SIZES = (32, 64, 128, 256, 512)


def _error(text):
    return f"<span style='color:#b00020'>{html.escape(text)}</span>"


class TrainingPanel(widgets.VBox):
    """Settings and one run at a time; `on_finished(result, test_iter)` is
    called after a run that trained at least one epoch."""

    def __init__(self, config, config_of, run_in_thread=True, root=None,
                 on_finished=None):
        self.config_of = config_of  # () -> the ExplorerConfig to train
        self.run_in_thread, self.root = run_in_thread, root
        self.on_finished = on_finished
        self.available = False
        self.blocked_by = []  # problems of the configuration, if any
        self._stop_requested = threading.Event()
        self._thread = None
        self.optimizer = widgets.Dropdown(
            options=[(label, name) for name, label in OPTIMIZER_LABELS.items()],
            value=config.optimizer, description="优化算法", layout=WIDE,
            style=STYLE)
        self.lr = widgets.FloatLogSlider(
            value=config.lr, base=10, min=-3, max=1, step=0.1,
            description="学习率", continuous_update=False, layout=WIDE,
            style=STYLE, readout_format=".3g")
        self.initializer = widgets.Dropdown(
            options=list(logic.INITIALIZERS), value=config.initializer,
            description="初始化", layout=WIDE, style=STYLE)
        self.num_epochs = widgets.IntSlider(
            value=config.num_epochs, min=1, max=20, description="迭代周期",
            continuous_update=False, layout=WIDE, style=STYLE)
        self.batch_size = widgets.Dropdown(
            options=BATCH_SIZES, value=config.batch_size,
            description="批量大小", layout=WIDE, style=STYLE)
        self.train_size = widgets.IntSlider(
            value=config.train_size, min=1000, max=logic.TRAIN_SET_SIZE,
            step=1000, description="训练样本数", continuous_update=False,
            layout=WIDE, style=STYLE)
        self.seed = widgets.BoundedIntText(
            value=config.seed, min=0, max=2**31 - 1, description="随机种子",
            layout=WIDE, style=STYLE)
        self.controls = [self.optimizer, self.lr, self.initializer,
                         self.num_epochs, self.batch_size, self.train_size,
                         self.seed]
        self.train_button = widgets.Button(
            description="训练", button_style="primary", icon="play")
        self.stop_button = widgets.Button(description="停止", icon="stop")
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self._stop_requested.set())
        self.progress = widgets.IntProgress(value=0, min=0, max=1,
                                            description="进度")
        self.status = widgets.HTML()
        self.curves = image_widget()
        self.settings = widgets.VBox([
            widgets.HBox([widgets.VBox(self.controls[:4]),
                          widgets.VBox(self.controls[4:])]),
            widgets.HTML("<span style='color:#555;font-size:0.85rem'>"
                         "动量法见 7.4 节，Adam 算法见 7.8 节；学习率要随之调整"
                         "（Adam 常用 0.001 左右）。</span>")])
        self.run_box = widgets.VBox([
            widgets.HBox([self.train_button, self.stop_button,
                          self.progress]), self.status, self.curves])
        self.stop_button.disabled = True
        super().__init__([self.settings])
        self._lock(training=False)

    @property
    def running(self):
        return not self.stop_button.disabled

    def values(self):
        """The training fields of an ExplorerConfig."""
        return {"optimizer": self.optimizer.value,
                "lr": float(f"{self.lr.value:.6g}"),
                "initializer": self.initializer.value,
                "num_epochs": self.num_epochs.value,
                "batch_size": self.batch_size.value,
                "train_size": self.train_size.value, "seed": self.seed.value}

    def show(self, config):
        for control, field in zip(self.controls, (
                "optimizer", "lr", "initializer", "num_epochs", "batch_size",
                "train_size", "seed")):
            control.value = getattr(config, field)

    def set_available(self, available):
        """Unlock (a kernel is behind the page) or lock the panel."""
        self.available = available
        self._lock(training=self.running)

    def block(self, problems):
        """Problems of the configuration that forbid training (or none)."""
        self.blocked_by = list(problems)
        self._lock(training=self.running)

    def _lock(self, training):
        for control in self.controls:
            control.disabled = training or not self.available
        self.train_button.disabled = (training or not self.available
                                      or bool(self.blocked_by))
        self.stop_button.disabled = not training

    # -- a run ---------------------------------------------------------------
    def start(self):
        if self.train_button.disabled:
            return
        self._stop_requested.clear()
        self._lock(training=True)
        config = self.config_of()
        if self.run_in_thread:
            self._thread = threading.Thread(
                target=self._run, args=(config,), daemon=True,
                name=TRAINING_THREAD_NAME)
            self._thread.start()
        else:
            self._run(config)

    def stop(self, timeout=60):
        """Ask a run in progress to stop, and wait until it has (it checks
        between two batches)."""
        self._stop_requested.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, config):
        epochs = []
        self.status.value = "正在读取数据……"
        show_png(self.curves, b"")
        try:
            train_iter, test_iter = logic.data_iters(config, self.root)
            self.progress.value = 0
            self.progress.max = len(train_iter) * config.num_epochs

            def on_epoch(epoch):
                epochs.append(epoch)
                self.status.value = (
                    f"第 {epoch.epoch}/{config.num_epochs} 个迭代周期："
                    f"训练损失 {epoch.train_loss:.4f}，训练准确率"
                    f" {epoch.train_acc:.3f}，测试准确率"
                    f" {epoch.test_acc:.3f}，用时 {epoch.seconds:.1f} 秒")
                show_png(self.curves, curves_png(epochs, config.num_epochs))

            result = logic.train(
                config, train_iter, test_iter,
                on_batch=lambda done, total: setattr(
                    self.progress, "value", done),
                on_epoch=on_epoch, should_stop=self._stop_requested.is_set)
        except Exception as err:  # noqa: BLE001 - shown to the reader
            self.status.value = _error(f"训练没有完成：{err}")
            result = None
        finally:
            self._lock(training=False)
        if result is None:
            return
        if result.message:
            self.status.value = _error(result.message)
        else:
            self.status.value = (
                f"完成：最终测试准确率 <b>{result.final_test_acc:.3f}</b>，"
                f"共用时 {result.seconds:.1f} 秒。")
        if result.epochs and self.on_finished is not None:
            self.on_finished(result, test_iter)

"""The 5.5.4 exercise as widgets: change LeNet, see the effect, train it.

A thin layer over `lenet.explorer_logic`; on a page it is one line:

    from lenet.explorer import LeNetExplorer
    LeNetExplorer()
"""
import html
import io
import threading
import weakref

import ipywidgets as widgets
import numpy as np
# Figure objects, not pyplot: drawn from the training thread into PNG bytes
# for Image widgets, with no global state to share with the reader's plots.
from matplotlib.figure import Figure

from . import explorer_logic as logic
from .data import read_fashion_mnist, to_unit_float32

# English labels, as d2lzh's get_fashion_mnist_labels gives them: matplotlib
# has no CJK font on a fresh machine.
FASHION_MNIST_CLASSES = ("t-shirt", "trouser", "pullover", "dress", "coat",
                         "sandal", "shirt", "sneaker", "bag", "ankle boot")
CUSTOM = "自定义"
CHANNEL_OPTIONS = (1, 2, 4, 6, 8, 16, 32, 64)
KERNEL_RANGE = (1, 11)
TRAINING_THREAD_NAME = "lenet-explorer-training"
# Two columns of controls fit the book's ~680 px content width.
WIDE = widgets.Layout(width="320px")
STYLE = {"description_width": "100px"}


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return buffer.getvalue()


def _pre(text):
    return f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"


class LeNetExplorer(widgets.VBox):
    """Controls, a live table and code, training with curves and history.

    A new explorer stops the training runs of earlier ones: the cell that
    shows the explorer was run again, and the old one is out of sight.
    """

    _instances = weakref.WeakSet()

    def __init__(self, preset="原书LeNet", run_in_thread=True, root=None):
        for earlier in list(LeNetExplorer._instances):
            earlier.stop_training()
        LeNetExplorer._instances.add(self)
        self.run_in_thread, self.root = run_in_thread, root
        self.history, self.last_run = [], None
        self._stop_requested = threading.Event()
        self._thread = None
        self._applying_preset = False
        self._build_controls()
        self._build_outputs()
        super().__init__([
            widgets.HTML("<b>网络结构</b>"), self.structure_box,
            widgets.HTML("<b>训练设置</b>"), self.training_box,
            self.message, self.tabs])
        self.preset.value = preset
        self._apply_preset(preset)

    # -- widgets -----------------------------------------------------------
    def _build_controls(self):
        def slider(description, low, high, value, step=1):
            return widgets.IntSlider(value=value, min=low, max=high,
                                     step=step, description=description,
                                     continuous_update=False, layout=WIDE,
                                     style=STYLE)

        def choice(description, options, value):
            return widgets.Dropdown(options=options, value=value,
                                    description=description, layout=WIDE,
                                    style=STYLE)

        self.preset = choice("预设", [*logic.PRESETS, CUSTOM], "原书LeNet")
        self.kernel_sizes = [slider(f"卷积层{i} 窗口", *KERNEL_RANGE, 5)
                             for i in (1, 2)]
        self.channels = [choice(f"卷积层{i} 通道数", CHANNEL_OPTIONS, c)
                         for i, c in ((1, 6), (2, 16))]
        self.activation = choice("激活函数", logic.ACTIVATIONS, "sigmoid")
        self.pooling = choice("池化", list(logic.POOLINGS), "max")
        self.dense_units = [slider(f"全连接层{i} 输出", 1, 512, u)
                            for i, u in ((1, 120), (2, 84))]
        self.dropout = widgets.FloatSlider(
            value=0.0, min=0.0, max=0.9, step=0.1, description="丢弃概率",
            continuous_update=False, layout=WIDE, style=STYLE,
            readout_format=".1f")
        self.lr = widgets.FloatLogSlider(
            value=0.9, base=10, min=-3, max=1, step=0.1,
            description="学习率", continuous_update=False, layout=WIDE,
            style=STYLE, readout_format=".3g")
        self.initializer = choice("初始化", list(logic.INITIALIZERS),
                                  "Xavier")
        self.num_epochs = slider("迭代周期", 1, 20, 5)
        self.batch_size = choice("批量大小", (32, 64, 128, 256, 512), 256)
        self.train_size = slider("训练样本数", 1000, logic.TRAIN_SET_SIZE,
                                 logic.TRAIN_SET_SIZE, 1000)
        self.seed = widgets.BoundedIntText(value=0, min=0, max=2**31 - 1,
                                           description="随机种子",
                                           layout=WIDE, style=STYLE)
        self.structure_controls = [*self.kernel_sizes, *self.channels,
                                   self.activation, self.pooling,
                                   *self.dense_units, self.dropout]
        self.training_controls = [self.lr, self.initializer,
                                  self.num_epochs, self.batch_size,
                                  self.train_size, self.seed]
        for control in self.structure_controls + self.training_controls:
            control.observe(self._on_control_change, "value")
        self.preset.observe(lambda change: self._apply_preset(change.new),
                            "value")
        self.structure_box = widgets.VBox([
            self.preset, widgets.HBox([
                widgets.VBox(self.kernel_sizes + self.channels),
                widgets.VBox([self.activation, self.pooling,
                              *self.dense_units, self.dropout])])])
        self.training_box = widgets.HBox([
            widgets.VBox(self.training_controls[:3]),
            widgets.VBox(self.training_controls[3:])])

    def _build_outputs(self):
        self.message = widgets.HTML()
        self.table = widgets.HTML()
        self.code = widgets.Textarea(layout=widgets.Layout(
            width="100%", height="300px"))
        self.train_button = widgets.Button(description="训练",
                                           button_style="primary",
                                           icon="play")
        self.stop_button = widgets.Button(description="停止", disabled=True,
                                          icon="stop")
        self.train_button.on_click(self._on_train)
        self.stop_button.on_click(lambda _: self._stop_requested.set())
        self.progress = widgets.IntProgress(value=0, min=0, max=1,
                                            description="进度")
        self.status = widgets.HTML()
        self.curves = widgets.Image(format="png")
        self.history_table = widgets.HTML()
        self.history_curves = widgets.Image(format="png")
        self.image_index = widgets.BoundedIntText(
            value=0, min=0, max=9999, description="测试图像编号",
            style=STYLE)
        self.image_index.observe(lambda _: self._show_feature_maps(),
                                 "value")
        self.feature_map_image = widgets.Image(format="png")
        self.confusion_image = widgets.Image(format="png")
        self.tabs = widgets.Tab([
            widgets.VBox([self.table]),
            widgets.VBox([self.code]),
            widgets.VBox([widgets.HBox([self.train_button,
                                        self.stop_button, self.progress]),
                          self.status, self.curves]),
            widgets.VBox([self.history_table, self.history_curves]),
            widgets.VBox([self.image_index, self.feature_map_image,
                          self.confusion_image]),
        ])
        for index, title in enumerate(["各层形状与参数", "Gluon 代码", "训练",
                                       "历次运行", "特征图与混淆矩阵"]):
            self.tabs.set_title(index, title)

    # -- configuration -----------------------------------------------------
    @property
    def config(self):
        return logic.ExplorerConfig(
            kernel_sizes=tuple(s.value for s in self.kernel_sizes),
            channels=tuple(c.value for c in self.channels),
            activation=self.activation.value, pooling=self.pooling.value,
            dense_units=tuple(s.value for s in self.dense_units),
            # The slider's steps are tenths; drop float noise like 0.30…04.
            dropout=round(self.dropout.value, 2),
            lr=float(f"{self.lr.value:.6g}"),
            initializer=self.initializer.value,
            num_epochs=self.num_epochs.value,
            batch_size=self.batch_size.value,
            train_size=self.train_size.value, seed=self.seed.value)

    def _apply_preset(self, name):
        if name == CUSTOM:
            return
        config = logic.PRESETS[name]
        self._applying_preset = True
        try:
            for control, value in [
                    *zip(self.kernel_sizes, config.kernel_sizes),
                    *zip(self.channels, config.channels),
                    (self.activation, config.activation),
                    (self.pooling, config.pooling),
                    *zip(self.dense_units, config.dense_units),
                    (self.dropout, config.dropout),
                    (self.lr, config.lr),
                    (self.initializer, config.initializer),
                    (self.num_epochs, config.num_epochs),
                    (self.batch_size, config.batch_size),
                    (self.train_size, config.train_size),
                    (self.seed, config.seed)]:
                control.value = value
        finally:
            self._applying_preset = False
        self.refresh()

    def _on_control_change(self, _change):
        if self._applying_preset:
            return
        if self.preset.value != CUSTOM and (
                self.config != logic.PRESETS[self.preset.value]):
            self._applying_preset = True
            self.preset.value = CUSTOM
            self._applying_preset = False
        self.refresh()

    def refresh(self):
        """Redraw the table, the code and the messages for the controls."""
        config = self.config
        problems = logic.validate(config)
        running = self.stop_button.disabled is False
        self.train_button.disabled = bool(problems) or running
        if problems:
            self.message.value = (
                "<div style='color:#b00020'><b>这个配置无法构造：</b><br>"
                + "<br>".join(html.escape(p) for p in problems)
                + "<br>修正之前不能训练。</div>")
            self.table.value = ""
            self.code.value = ""
            return
        self.message.value = ""
        self.table.value = _pre(logic.format_layer_infos(
            logic.layer_infos(config)))
        self.code.value = logic.gluon_code(config)

    # -- training ----------------------------------------------------------
    def _on_train(self, _button=None):
        if self.train_button.disabled:
            return
        self._stop_requested.clear()
        self._lock_controls(True)
        config = self.config
        if self.run_in_thread:
            self._thread = threading.Thread(
                target=self._run, args=(config,), daemon=True,
                name=TRAINING_THREAD_NAME)
            self._thread.start()
        else:
            self._run(config)

    def stop_training(self, timeout=60):
        """Ask a run in progress to stop, and wait until it has (it checks
        between two batches)."""
        self._stop_requested.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _lock_controls(self, training):
        """While training, only the stop button responds."""
        for control in [self.preset, *self.structure_controls,
                        *self.training_controls, self.train_button]:
            control.disabled = training
        self.stop_button.disabled = not training

    def _run(self, config):
        epochs = []
        self.status.value = "正在读取数据……"
        self.curves.value = b""
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
                self.curves.value = curves_png(epochs, config.num_epochs)

            result = logic.train(
                config, train_iter, test_iter,
                on_batch=lambda done, total: setattr(
                    self.progress, "value", done),
                on_epoch=on_epoch, should_stop=self._stop_requested.is_set)
        except Exception as err:  # noqa: BLE001 - shown to the reader
            self.status.value = (f"<span style='color:#b00020'>训练没有完成："
                                 f"{html.escape(str(err))}</span>")
            result = None
        finally:
            self._lock_controls(False)
            self.refresh()
        if result is None:
            return
        self.last_run = result
        if result.message:
            self.status.value = (f"<span style='color:#b00020'>"
                                 f"{html.escape(result.message)}</span>")
        else:
            self.status.value = (
                f"完成：最终测试准确率 <b>{result.final_test_acc:.3f}</b>，"
                f"共用时 {result.seconds:.1f} 秒。")
        if result.epochs:
            self.history.append(result)
            self._show_history()
            self._show_feature_maps()
            self._show_confusion(test_iter)

    # -- drawing -----------------------------------------------------------
    def _show_history(self):
        rows = "".join(
            f"<tr><td>{i}</td><td>{html.escape(_describe(run.config))}</td>"
            f"<td>{len(run.epochs)}</td><td>{run.final_test_acc:.3f}</td>"
            f"<td>{run.seconds:.1f}</td></tr>"
            for i, run in enumerate(self.history, 1))
        self.history_table.value = (
            "<table><tr><th>#</th><th>配置</th><th>周期</th>"
            "<th>测试准确率</th><th>用时（秒）</th></tr>" + rows + "</table>")
        fig = Figure(figsize=(6, 3.2))
        ax = fig.subplots()
        for i, run in enumerate(self.history, 1):
            ax.plot([e.epoch for e in run.epochs],
                    [e.test_acc for e in run.epochs], "o-", label=f"#{i}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("test acc")
        ax.grid(alpha=0.3)
        ax.legend(loc="best")
        self.history_curves.value = _png(fig)

    def _show_feature_maps(self):
        if self.last_run is None or not self.last_run.epochs:
            return
        images, labels = read_fashion_mnist("test", self.root)
        index = self.image_index.value
        image = to_unit_float32(images[index])
        maps = logic.feature_maps(self.last_run.net, image)
        columns = 8  # at most 8 channels of each layer are drawn
        fig = Figure(figsize=(columns * 0.9, (len(maps) + 1) * 1.1))
        axes = fig.subplots(len(maps) + 1, columns, squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        axes[0, 0].imshow(image[0], cmap="gray")
        axes[0, 0].set_title(
            f"#{index} {FASHION_MNIST_CLASSES[labels[index]]}",
            fontsize=8, loc="left")
        for row, (name, channel_maps) in enumerate(maps, 1):
            for i, channel in enumerate(channel_maps[:columns]):
                axes[row, i].imshow(channel, cmap="viridis")
            axes[row, 0].set_title(
                f"{name}: {min(columns, len(channel_maps))} of"
                f" {len(channel_maps)} channels", fontsize=8, loc="left")
        self.feature_map_image.value = _png(fig)

    def _show_confusion(self, test_iter):
        counts = logic.confusion_matrix(self.last_run.net, test_iter)
        fig = Figure(figsize=(5.5, 4.5))
        ax = fig.subplots()
        ax.imshow(counts, cmap="Blues")
        ax.set_xticks(range(10), FASHION_MNIST_CLASSES, rotation=60,
                      fontsize=8)
        ax.set_yticks(range(10), FASHION_MNIST_CLASSES, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        for (i, j), count in np.ndenumerate(counts):
            ax.text(j, i, count, ha="center", va="center", fontsize=6,
                    color="white" if count > counts.max() / 2 else "black")
        ax.set_title("confusion matrix, test set")
        self.confusion_image.value = _png(fig)


def curves_png(epochs, num_epochs):
    """Training loss, training and test accuracy per epoch, as PNG bytes."""
    fig = Figure(figsize=(6, 3.2))
    ax = fig.subplots()
    x = [e.epoch for e in epochs]
    ax.plot(x, [e.train_loss for e in epochs], "o-", label="train loss")
    ax.plot(x, [e.train_acc for e in epochs], "s-", label="train acc")
    ax.plot(x, [e.test_acc for e in epochs], "^-", label="test acc")
    ax.set_xlim(0.5, num_epochs + 0.5)
    ax.set_xticks(range(1, num_epochs + 1))
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return _png(fig)


def plot_run(result):
    """The curves of a finished run, for a notebook cell to display."""
    from IPython.display import Image

    return Image(curves_png(result.epochs, result.config.num_epochs))


def _describe(config):
    return (f"窗口 {config.kernel_sizes}, 通道 {config.channels},"
            f" {config.activation}, {config.pooling} 池化,"
            f" 全连接 {config.dense_units}, 丢弃 {config.dropout:g},"
            f" lr {config.lr},"
            f" {config.initializer}, 批量 {config.batch_size},"
            f" 样本 {config.train_size}, 种子 {config.seed}")

"""The history panel: every finished run, as a table and test curves."""
import html

import ipywidgets as widgets
from matplotlib.figure import Figure

from .drawing import image_widget, png, show_png


def describe(config):
    """One line for a run's configuration."""
    return (f"窗口 {config.kernel_sizes}, 通道 {config.channels},"
            f" {config.activation}, {config.pooling} 池化,"
            f" 全连接 {config.dense_units}, 丢弃 {config.dropout:g},"
            f"{' 批量归一化,' if config.batch_norm else ''}"
            f" {config.optimizer} lr {config.lr},"
            f" {config.initializer}, 批量 {config.batch_size},"
            f" 样本 {config.train_size}, 种子 {config.seed}")


class HistoryPanel(widgets.VBox):
    def __init__(self):
        self.runs = []
        self.table = widgets.HTML()
        self.curves = image_widget()
        super().__init__([self.table, self.curves])

    def add(self, run):
        self.runs.append(run)
        rows = "".join(
            f"<tr><td>{i}</td><td>{html.escape(describe(r.config))}</td>"
            f"<td>{len(r.epochs)}</td><td>{r.final_test_acc:.3f}</td>"
            f"<td>{r.seconds:.1f}</td></tr>"
            for i, r in enumerate(self.runs, 1))
        self.table.value = (
            "<table><tr><th>#</th><th>配置</th><th>周期</th>"
            "<th>测试准确率</th><th>用时（秒）</th></tr>" + rows + "</table>")
        fig = Figure(figsize=(6, 3.2))
        ax = fig.subplots()
        for i, r in enumerate(self.runs, 1):
            ax.plot([e.epoch for e in r.epochs],
                    [e.test_acc for e in r.epochs], "o-", label=f"#{i}")
        ax.set_xlabel("epoch")
        ax.set_ylabel("test acc")
        ax.grid(alpha=0.3)
        ax.legend(loc="best")
        show_png(self.curves, png(fig))

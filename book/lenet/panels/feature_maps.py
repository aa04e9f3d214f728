"""The feature-map panel: what the last run's network does to one test
image (each convolution layer's output), and its confusion matrix."""
import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .. import explorer_logic as logic
from ..data import read_fashion_mnist, to_unit_float32
from .drawing import (FASHION_MNIST_CLASSES, STYLE, image_widget, png,
                      show_png)

COLUMNS = 8  # at most 8 channels of each layer are drawn


class FeatureMapPanel(widgets.VBox):
    def __init__(self, root=None):
        self.root, self.run = root, None
        # Locked until a run has trained a network to look at.
        self.image_index = widgets.BoundedIntText(
            value=0, min=0, max=9999, description="测试图像编号", style=STYLE,
            disabled=True)
        self.image_index.observe(lambda _: self.draw_feature_maps(), "value")
        self.feature_map_image = image_widget()
        self.confusion_image = image_widget()
        super().__init__([self.image_index, self.feature_map_image,
                          self.confusion_image])

    def show(self, run, test_iter):
        self.run = run
        self.image_index.disabled = False
        self.draw_feature_maps()
        self.draw_confusion(test_iter)

    def draw_feature_maps(self):
        if self.run is None:
            return
        images, labels = read_fashion_mnist("test", self.root)
        index = self.image_index.value
        image = to_unit_float32(images[index])
        maps = logic.feature_maps(self.run.net, image)
        fig = Figure(figsize=(COLUMNS * 0.9, (len(maps) + 1) * 1.1))
        axes = fig.subplots(len(maps) + 1, COLUMNS, squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        axes[0, 0].imshow(image[0], cmap="gray")
        axes[0, 0].set_title(
            f"#{index} {FASHION_MNIST_CLASSES[labels[index]]}",
            fontsize=8, loc="left")
        for row, (name, channel_maps) in enumerate(maps, 1):
            for i, channel in enumerate(channel_maps[:COLUMNS]):
                axes[row, i].imshow(channel, cmap="viridis")
            axes[row, 0].set_title(
                f"{name}: {min(COLUMNS, len(channel_maps))} of"
                f" {len(channel_maps)} channels", fontsize=8, loc="left")
        show_png(self.feature_map_image, png(fig))

    def draw_confusion(self, test_iter):
        counts = logic.confusion_matrix(self.run.net, test_iter)
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
        show_png(self.confusion_image, png(fig))

"""What the panels share: layout, and figures drawn into PNG bytes.

Figure objects, not pyplot: drawn from the training thread into PNG bytes
for Image widgets, with no global state to share with the reader's plots.
"""
import io

import ipywidgets as widgets
from matplotlib.figure import Figure

# Two columns of controls fit the book's ~680 px content width.
WIDE = widgets.Layout(width="320px")
STYLE = {"description_width": "100px"}
# English labels, as d2lzh's get_fashion_mnist_labels gives them: matplotlib
# has no CJK font on a fresh machine.
FASHION_MNIST_CLASSES = ("t-shirt", "trouser", "pullover", "dress", "coat",
                         "sandal", "shirt", "sneaker", "bag", "ankle boot")


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return buffer.getvalue()


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
    return png(fig)


def image_widget():
    """An Image widget hidden until it has a picture: an empty one shows as
    a broken image, in the static book too."""
    return widgets.Image(format="png", layout=widgets.Layout(display="none"))


def show_png(image, data):
    image.value = data
    image.layout.display = None if data else "none"

"""One network, one result: the explorer's 原书LeNet preset is the run of
5.5.2 (issue 13, part 3).  Real Fashion-MNIST, one epoch each."""
import contextlib
import io
import re
from pathlib import Path

import jupytext
import numpy as np
import pytest

from lenet.explorer_logic import PRESETS, data_iters, train

TRAINING_PAGE = Path(__file__).resolve().parents[1] / "book" / "training.md"
BOOK_RECIPE = "lr, num_epochs = 0.9, 5"
EPOCH_LINE = "epoch %d, loss %.4f, train acc %.3f, test acc %.3f"


def run_the_page_for_one_epoch():
    """Execute 5.5.2's own code cells, with 1 epoch instead of 5; return
    what train_ch5 printed for the epoch and the trained network."""
    cells = [cell.source for cell in jupytext.read(TRAINING_PAGE).cells
             if cell.cell_type == "code"]
    training = [i for i, source in enumerate(cells)
                if re.search(r"^train_ch5\(", source, re.M)]
    assert len(training) == 1 and BOOK_RECIPE in cells[training[0]]
    namespace, printed = {}, io.StringIO()
    with contextlib.redirect_stdout(printed):
        for source in cells[:training[0]]:
            exec(source, namespace)  # noqa: S102 - the page's own code
        exec(cells[training[0]].replace(
            BOOK_RECIPE, "lr, num_epochs = 0.9, 1"), namespace)
    line = re.search(r"^epoch 1, .*(?=, time)", printed.getvalue(), re.M)
    return line.group(0), namespace["net"]


def test_the_books_lenet_preset_is_the_run_of_5_5_2():
    """Same printed line and bit-identical weights after one epoch."""
    page_line, page_net = run_the_page_for_one_epoch()
    config = PRESETS["原书LeNet"].replace(num_epochs=1)
    result = train(config, *data_iters(config))
    epoch = result.epochs[0]
    assert EPOCH_LINE % (epoch.epoch, epoch.train_loss, epoch.train_acc,
                         epoch.test_acc) == page_line
    page_params = list(page_net.collect_params().values())
    explorer_params = list(result.net.collect_params().values())
    assert [p.shape for p in page_params] == [
        p.shape for p in explorer_params]
    for ours, theirs in zip(explorer_params, page_params):
        assert np.array_equal(ours.data().asnumpy(), theirs.data().asnumpy())


@pytest.mark.parametrize("field", ["train_loss", "train_acc", "test_acc"])
def test_the_sweeps_book_point_is_what_5_5_2_printed(field):
    """The chart's 原书 LeNet is 5.5.2's run: every epoch line of the
    committed expected notebook matches the committed sweep file."""
    import json

    from lenet.sweep import BOOK_LENET, load_sweep, run_key

    expected = json.loads((TRAINING_PAGE.parent / "expected" /
                           "training.ipynb").read_text("utf-8"))
    printed = "".join(
        "".join(output.get("text", "")) for cell in expected["cells"]
        for output in cell.get("outputs", []))
    lines = re.findall(r"^epoch (\d+), loss ([\d.]+), train acc ([\d.]+), "
                       r"test acc ([\d.]+)", printed, re.M)
    book = next(run for run in load_sweep()["runs"]
                if run_key(run) == run_key(BOOK_LENET))
    column = {"train_loss": 1, "train_acc": 2, "test_acc": 3}[field]
    digits = {"train_loss": 4, "train_acc": 3, "test_acc": 3}[field]
    assert [f"{e[field]:.{digits}f}" for e in book["epochs"]] == [
        line[column] for line in lines]

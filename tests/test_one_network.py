"""One network, one result: the explorer's 原书LeNet preset is the run of
5.5.2 (issue 13, part 3).  Real Fashion-MNIST, one epoch each."""
import contextlib
import io
import json
import re
from pathlib import Path

import jupytext
import numpy as np
import pytest

from tests.cpu_bounds import BOOK
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


@pytest.mark.real_data
@pytest.mark.training
@pytest.mark.cpu_dependent
@pytest.mark.usefixtures("real_data_dir")
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


def printed_epochs(notebook):
    """The epoch lines train_ch5 printed in an executed notebook."""
    printed = "".join(
        "".join(output.get("text", "")) for cell in notebook["cells"]
        for output in cell.get("outputs", []))
    return [{"train_loss": float(loss), "train_acc": float(train_acc),
             "test_acc": float(test_acc)}
            for loss, train_acc, test_acc in re.findall(
                r"^epoch \d+, loss ([\d.]+), train acc ([\d.]+), "
                r"test acc ([\d.]+)", printed, re.M)]


@pytest.mark.quick
def test_the_sweeps_book_point_is_what_5_5_2_printed():
    """The chart's 原书 LeNet is 5.5.2's run: every epoch line of the
    committed expected notebook matches the committed sweep file, within
    the CPU bound (either file may be refreshed on another machine) plus
    the rounding of the printed digits."""
    from lenet.sweep import BOOK_LENET_KEY, load_sweep, network_key

    expected = json.loads((TRAINING_PAGE.parent / "expected" /
                           "training.ipynb").read_text("utf-8"))
    sweep = load_sweep()
    book = next(run for run in sweep["runs"]
                if network_key(run) == BOOK_LENET_KEY)
    differences = BOOK.differences(printed_epochs(expected), book["epochs"],
                                   rounding=0.0005)
    assert differences == [], (
        f"expected notebook from oneDNN"
        f" {expected['metadata']['lenet']['onednn_isa']}, sweep from"
        f" {sweep['provenance']['onednn_isa']}: {differences}")

"""A network moves both ways between the static page and MXNet as a file
(lenet.network_file, web/js/lenet_network_file.js), and the kernel's
explorer downloads and imports the same files:

* trained in the page, downloaded with 下载网络, loaded by
  `lenet.load_network`: MXNet's class probabilities on the viewer's 100
  test images equal the page's viewer's within 1e-5;
* trained by MXNet, saved by `lenet.save_network`, imported with
  导入网络文件…: the page lists it in 历次运行, keeps it after a reload, and
  its viewer gives MXNet's probabilities within 1e-5;
* a file that is not a network gets the reason in Chinese, and nothing in
  历次运行 or the viewer changes.
"""
import json

import numpy as np
import pytest

from lenet import messages
from lenet import contract
from lenet import explorer_logic as logic
from lenet.data import read_fashion_mnist, to_unit_float32
from lenet.network_file import load_network, read_network_file, save_network
from lenet.network_viewer import strip_indices
from lenet.weights import probabilities
from tests.explorer_page import (context, history, open_explorer,  # noqa: F401
                                 train, viewer_choices)
from tests.built_site import draw_widgets
from tests.test_network_file import faulty_files

pytestmark = [pytest.mark.real_data, pytest.mark.training,
              pytest.mark.usefixtures("real_data_dir")]
# The same float32 weights, float32 arithmetic in MXNet and float64 in the
# page's forward pass: rounding, far below what a reader could see.
PROBABILITY_TOLERANCE = 1e-5
VIEWER_PROBABILITIES = """async (count) => {
  const viewer = document.querySelector('.lenet-viewer');
  const seen = [];
  for (let i = 0; i < count; i++) {
    await viewer.lenetShow(i);
    seen.push(viewer.lenetProbabilities);
  }
  return seen;
}"""
# A run MXNet trains in a few seconds, on the first 1000 training images.
MXNET_RUN = logic.ExplorerConfig(
    activation="relu", batch_norm=True, optimizer="adam", lr=0.002,
    num_epochs=1, batch_size=64, train_size=1000)


@pytest.fixture(scope="module")
def strip_images():
    """The viewer's test images, in its order."""
    images, labels = read_fashion_mnist("test")
    return to_unit_float32(images[strip_indices(labels)])


def viewer_probabilities(page, selected):
    draw_widgets(page)
    assert page.locator(".lenet-viewer select.lenet-viewer-network").input_value() == selected
    return np.array(page.evaluate(VIEWER_PROBABILITIES, 100))


def import_file(explorer, name, data):
    """Import a file with the page's file picker; what the page says."""
    explorer.get_by_role("tab", name="历次运行").click()
    note = explorer.locator(".lenet-import-note")
    done = int(note.get_attribute("data-imports") or 0)
    explorer.locator("input.lenet-import-file").set_input_files(
        {"name": name, "mimeType": "application/json", "buffer": data})
    note.page.wait_for_function(
        "([el, n]) => Number(el.dataset.imports) === n",
        arg=[note.element_handle(), done + 1])
    return note.inner_text()


@pytest.mark.build
@pytest.mark.browser
def test_a_network_trained_in_the_page_gives_mxnet_the_same_probabilities(
        context, site, tmp_path, strip_images):
    page = context.new_page()
    explorer = open_explorer(page, site)
    train(page, explorer)
    shown = viewer_probabilities(page, "trained-1")
    explorer.get_by_role("tab", name="历次运行").click()
    with page.expect_download() as download:
        explorer.get_by_role("button", name="下载网络 #1").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "lenet-network-1.json"
    net, config = load_network(path)
    assert logic.config_json(config) == page.evaluate(
        "() => document.querySelector('.lenet-explorer').lenetHistory()[0].config")
    assert np.abs(probabilities(net, strip_images) - shown).max() <= (
        PROBABILITY_TOLERANCE)
    page.close()


@pytest.mark.build
@pytest.mark.browser
def test_a_network_mxnet_trained_runs_in_the_page_and_is_kept(
        context, site, tmp_path, strip_images):
    result = logic.train(MXNET_RUN)
    path = save_network(tmp_path / "mxnet 的网络.json", result)
    expected = probabilities(result.net, strip_images)
    page = context.new_page()
    explorer = open_explorer(page, site)
    note = import_file(explorer, path.name, path.read_bytes())
    assert note == messages.say("network_imported", file=path.name, number=1)
    assert history(page) == [[1, "done", 1]]
    shown = viewer_probabilities(page, "trained-1")
    assert np.abs(shown - expected).max() <= PROBABILITY_TOLERANCE
    table = explorer.locator(".lenet-history")
    assert contract.WORDS["imported"] in table.inner_text()
    assert f"{result.final_test_acc:.3f}" in table.inner_text()
    page.evaluate("() => document.querySelector('.lenet-explorer').lenetKept.settled()")
    page.reload()
    open_explorer(page, site)
    page.wait_for_function("() => document.querySelector('.lenet-explorer')"
                           ".lenetHistory().length === 1")
    assert history(page) == [[1, "done", 1]]
    assert viewer_choices(page) == ["trained-1"]
    page.close()


@pytest.mark.build
@pytest.mark.browser
def test_a_file_that_is_not_a_network_is_named_and_changes_nothing(
        context, site, tmp_path):
    good = save_network(tmp_path / "good.json", logic.train(
        MXNET_RUN.replace(train_size=1000, num_epochs=1))).read_text("utf-8")
    page = context.new_page()
    explorer = open_explorer(page, site)
    before = viewer_choices(page)
    for what, text, phrase in faulty_files(good):
        note = import_file(explorer, "坏.json", text.encode("utf-8"))
        assert note.startswith("没有导入 坏.json："), what
        assert phrase in note, what
        assert note.endswith("历次运行没有任何改动。"), what
        assert history(page) == [], what
    assert viewer_choices(page) == before
    page.close()


def test_the_kernels_explorer_downloads_and_imports_the_same_files(
        tmp_path, strip_images):
    """The kernel's side of 下载网络 and 导入网络文件… (the messages
    JupyterLab's page sends)."""
    from lenet.explorer import LeNetExplorer

    explorer = LeNetExplorer(run_in_thread=False)
    sent = []
    explorer.send = lambda content, buffers=None: sent.append(
        (content, buffers))
    explorer.config = logic.config_json(MXNET_RUN)
    explorer.train()
    ask = explorer._on_front_end_message
    ask(explorer, {"type": contract.MESSAGE_TYPES["network_file"],
                   "number": 1}, [])
    (content, [data]), = sent
    assert content["name"] == "lenet-network-1.json"
    loaded = read_network_file(data)
    (tmp_path / "k.json").write_bytes(data)
    net, _ = load_network(tmp_path / "k.json")
    assert np.array_equal(probabilities(net, strip_images),
                          probabilities(explorer.last_run.net, strip_images))
    assert loaded.run["epochs"] == explorer.history[0]["epochs"]
    # The same file back, and one that is not a network.
    for name, text in [("k.json", data.decode()), ("坏.json", "{")]:
        ask(explorer, {"type": contract.MESSAGE_TYPES["import_network"],
                       "name": name, "text": text}, [])
    assert [content["message"] for content, _ in sent[1:]] == [
        messages.say("network_imported", file="k.json", number=2),
        messages.say("network_not_imported", file="坏.json",
                     problem=messages.say("network_not_json"))]
    assert [run["imported"] for run in explorer.history] == [None, "k.json"]
    assert json.dumps(explorer.history[1]["epochs"]) == json.dumps(
        explorer.history[0]["epochs"])

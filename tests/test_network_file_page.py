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
from lenet.weights import network_with_weights, probabilities
from tests.explorer_page import (context, history, open_explorer,  # noqa: F401
                                 train, viewer_choices)
from tests.built_site import SCREENSHOTS, draw_widgets
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


REPLAY_STEP = """async ([place, wanted]) => {
  const viewer = document.querySelector('.lenet-viewer');
  const slider = viewer.querySelector('.lenet-replay input[type=range]');
  slider.value = String(place);
  slider.dispatchEvent(new Event('input'));
  const line = viewer.querySelector('.lenet-replay-line');
  while (!(line.textContent.startsWith(wanted) && line.textContent.endsWith('张。'))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [line.textContent, viewer.lenetProbabilities];
}"""


@pytest.mark.build
@pytest.mark.browser
def test_the_replay_runs_each_epochs_network_as_mxnet_does(
        context, site, tmp_path, strip_images):
    """训练过程回放: a run trained in the page keeps the weights it started
    from and had after each epoch (in the browser, after a reload, and in
    its file); at each place of the slider the viewer's prediction is
    MXNet's on those weights, its count of right answers on the strip is
    MXNet's, and the line of what is kept counts the replay's bytes."""
    images, labels = read_fashion_mnist("test")
    strip_labels = labels[strip_indices(labels)]
    page = context.new_page()
    explorer = open_explorer(page, site)
    train(page, explorer)
    explorer.get_by_role("tab", name="历次运行").click()
    with page.expect_download() as download:
        explorer.get_by_role("button", name="下载网络 #1").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    loaded = read_network_file(path.read_bytes())
    assert len(loaded.snapshots) == 3 == len(loaded.run["epochs"]) + 1
    weights_bytes = 4 * sum(a.size for _, a in loaded.tensors)
    kept_kb = page.evaluate("""() => Number(document.querySelector('.lenet-kept')
      .textContent.match(/约占 (\\d+) KB/)[1])""")
    # Three sets of weights, the last one shared with the network's.
    assert 3 * weights_bytes <= kept_kb * 1000 <= 3 * weights_bytes + 20_000
    for reloaded in (False, True):
        if reloaded:
            page.reload()
            open_explorer(page, site)
            draw_widgets(page)
            page.locator(".lenet-viewer select.lenet-viewer-network").select_option(
                "trained-1")
        viewer_probabilities(page, "trained-1")  # drawn, image 100 last
        page.evaluate("() => document.querySelector('.lenet-viewer').lenetShow(0)")
        for place, (wanted, snapshot) in enumerate(zip(
                ["训练前", "第 1/2 个迭代周期之后", "第 2/2 个迭代周期之后"],
                loaded.snapshots)):
            line, shown = page.evaluate(REPLAY_STEP, [place, wanted])
            net = network_with_weights(loaded.config, [a for _, a in snapshot])
            expected = probabilities(net, strip_images)
            assert np.abs(np.array(shown) - expected[0]).max() <= PROBABILITY_TOLERANCE
            right = int((expected.argmax(axis=1) == strip_labels).sum())
            assert f"上面 100 张测试图像答对 {right} 张。" in line, line
            if place:
                acc = loaded.run["epochs"][place - 1]["test_acc"]
                assert f"测试集准确率 {acc:.4f}" in line
    page.set_viewport_size({"width": 390, "height": 844})  # a phone's width
    page.evaluate(REPLAY_STEP, [1, "第 1/2 个迭代周期之后"])
    page.locator(".lenet-replay").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "viewer-replay-390.png"))
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
    explorer.config = logic.config_json(MXNET_RUN)
    explorer.train()
    sent = []
    explorer.send = lambda content, buffers=None: sent.append(
        (content, buffers))
    ask = explorer._on_front_end_message
    ask(explorer, {"type": contract.MESSAGE_TYPES["network_file"],
                   "number": 1}, [])
    (content, [data]), = sent
    assert content["name"] == "lenet-network-1.json" and content["for"] == "file"
    loaded = read_network_file(data)
    (tmp_path / "k.json").write_bytes(data)
    net, _ = load_network(tmp_path / "k.json")
    assert np.array_equal(probabilities(net, strip_images),
                          probabilities(explorer.last_run.net, strip_images))
    assert loaded.run["epochs"] == explorer.history[0]["epochs"]
    assert len(loaded.snapshots) == 2  # the start and the one epoch
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
    # The imported run keeps the replay: its file is the same again, and
    # the same file goes to the page's viewer when it asks.
    ask(explorer, {"type": contract.MESSAGE_TYPES["network_file"],
                   "number": 2}, [])
    assert sent[-1][1] == [data]
    ask(explorer, {"type": contract.MESSAGE_TYPES["network_file"],
                   "number": 2, "for": "viewer"}, [])
    assert sent[-1][0]["for"] == "viewer" and sent[-1][1] == [data]

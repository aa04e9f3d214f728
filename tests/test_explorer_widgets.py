"""The explorer widget's Python side, driven as its JavaScript drives it: set
the `config` trait, send the messages the page sends (`train`, `stop`,
`feature_maps`), look at the traits it sends back (`run`, `history`,
`inspection`) and at its replies.  No browser: what the page draws from them
is tested in tests/test_browser.py and tests/test_jupyterlab.py."""
import threading

import numpy as np
import pytest

from tests.idx_fixtures import SIZES, write_gz_files
from lenet import messages
from lenet import contract
from lenet import explorer_logic as logic
from lenet import weights
from lenet.explorer import TRAINING_THREAD_NAME, LeNetExplorer
from lenet.explorer_link import text_of, value_of
from lenet.explorer_logic import describe
from lenet.explorer_link import link_of

pytestmark = pytest.mark.quick


def live_explorer(**options):
    """An explorer as JupyterLab shows it: its JavaScript has reported a
    kernel behind the page."""
    explorer = LeNetExplorer(run_in_thread=False, **options)
    page_says(explorer, {"type": contract.MESSAGE_TYPES["front_end"]})
    return explorer


def page_says(explorer, content, buffers=()):
    """A message from the page's JavaScript, as the comm delivers it."""
    explorer._handle_custom_msg(content, list(buffers))


def set_fields(explorer, **changes):
    """What a control of the page does: the whole config, one field
    changed."""
    explorer.config = {**explorer.config, **{
        name: list(value) if isinstance(value, tuple) else value
        for name, value in changes.items()}}


@pytest.fixture
def explorer():
    return live_explorer()


def test_opens_on_the_books_lenet(explorer):
    assert explorer.preset == "原书LeNet"
    assert explorer.explorer_config == logic.PRESETS["原书LeNet"]
    assert explorer.has_kernel_front_end
    assert explorer.run["state"] == "idle"
    assert explorer.history == [] and not explorer.inspection["ready"]


def test_every_preset_is_reachable_by_the_controls():
    """The JavaScript's sliders and selects stop at the contract's values
    (each field's choices): every field of each preset must be one of
    them, or it could not be shown.  The link's rule says what a control
    could hold."""
    for name, preset in logic.PRESETS.items():
        values = logic.config_json(preset)
        for field, value in values.items():
            assert value_of(text_of(value), field, value) == value, (
                name, field)


def test_the_config_round_trips_through_its_json(explorer):
    for preset in logic.PRESETS.values():
        assert logic.config_from_json(
            logic.config_json(preset)) == preset
    # A dropout slider's float noise is dropped, as the slider shows tenths.
    set_fields(explorer, dropout=0.1 + 0.2)
    assert explorer.explorer_config.dropout == 0.3
    assert explorer.preset == contract.CUSTOM


def test_the_preset_is_named_by_the_config_alone(explorer):
    set_fields(explorer, **logic.config_json(logic.PRESETS["改进的LeNet"]))
    assert explorer.preset == "改进的LeNet"
    set_fields(explorer, seed=1)
    assert explorer.preset == contract.CUSTOM
    set_fields(explorer, seed=0)
    assert explorer.preset == "改进的LeNet"


def test_the_history_names_optimizer_and_batch_norm():
    fast = describe(logic.PRESETS["快速达到0.90"])
    assert "批量归一化" in fast and "Adam, 学习率 0.001" in fast
    # The reader's words, not the code's.
    assert "最大池化" in fast and "max" not in fast and "lr" not in fast
    assert "批量归一化" not in describe(logic.PRESETS["原书LeNet"])


def test_an_impossible_network_is_refused_with_its_reason(explorer):
    set_fields(explorer, kernel_sizes=(11, 11))
    page_says(explorer, {"type": "train"})
    assert explorer.run["state"] == "refused"
    assert "第 2 个卷积层" in explorer.run["message"]
    assert explorer.history == []


def test_a_config_that_cannot_be_read_is_refused(explorer):
    explorer.config = {**explorer.config, "kernel_sizes": "five"}
    page_says(explorer, {"type": "train"})
    assert explorer.run["state"] == "refused"
    assert "卷积窗口大小" in explorer.run["message"]


def small_training(explorer, **changes):
    set_fields(explorer, **{"activation": "relu", "lr": 0.1,
                            "batch_size": 32, "num_epochs": 2, **changes})


def test_a_training_run_fills_progress_curves_history(
        fake_data_dir, explorer):
    small_training(explorer)
    page_says(explorer, {"type": "train"})
    run = explorer.run
    assert run["state"] == "done" and run["done"] == run["total"] > 0
    assert "最终测试准确率" in run["message"]
    assert [e["epoch"] for e in run["epochs"]] == [1, 2]
    assert len(explorer.history) == 1
    first = explorer.history[0]
    assert first["number"] == 1 and first["epochs"] == run["epochs"]
    assert first["config"] == explorer.config
    counts = np.array(explorer.inspection["confusion"])
    assert explorer.inspection["ready"] and counts.shape == (10, 10)
    assert counts.sum() == SIZES["test"]  # the synthetic test set
    page_says(explorer, {"type": "train"})
    assert [r["number"] for r in explorer.history] == [1, 2]


def test_a_run_on_digits_reads_mnist_and_says_so(fake_dataset, tmp_path,
                                                 monkeypatch, explorer):
    """数据集 手写数字 trains on MNIST's files (here only MNIST's folder
    exists), and the run and its inspection say which data set it was."""
    from lenet.data import MNIST
    monkeypatch.setenv(MNIST.dir_env_var, str(
        write_gz_files(tmp_path / "digits", fake_dataset)))
    small_training(explorer, data_set="mnist", num_epochs=1)
    page_says(explorer, {"type": "train"})
    assert explorer.run["state"] == "done", explorer.run["message"]
    assert "手写数字" in explorer.history[-1]["description"]
    assert explorer.inspection["data_set"] == "mnist"
    assert np.array(explorer.inspection["confusion"]).sum() == SIZES["test"]
    set_fields(explorer, data_set="fashion_mnist")
    page_says(explorer, {"type": "train"})
    assert explorer.run["state"] != "done"
    assert "Fashion-MNIST" in explorer.run["message"]


def test_the_message_of_the_page_carries_the_config_it_shows(
        fake_data_dir, explorer):
    """The page sends what it shows with 训练, so a change that had not
    reached Python yet is still what trains."""
    small_training(explorer)
    page_says(explorer, {"type": "train",
                         "config": {**explorer.config, "num_epochs": 1}})
    assert [e["epoch"] for e in explorer.run["epochs"]] == [1]


def test_feature_maps_are_sent_as_float32_buffers(fake_data_dir, explorer):
    sent = []
    explorer.send = lambda content, buffers: sent.append((content, buffers))
    page_says(explorer, {"type": "feature_maps", "image": 3})
    assert sent == []  # nothing trained yet
    small_training(explorer, num_epochs=1)
    page_says(explorer, {"type": "train"})
    page_says(explorer, {"type": "feature_maps", "image": 3})
    (content, buffers), = [(c, b) for c, b in sent
                           if c["type"] == contract.MESSAGE_TYPES["feature_maps"]]
    assert content["image"] == 3 and content["label"] == 3 % 10
    assert [(layer["name"], layer["channels"], layer["size"])
            for layer in content["layers"]] == [("conv0", 6, 24),
                                                ("conv1", 16, 8)]
    image = np.frombuffer(buffers[0], dtype="<f4")
    label, expected_image, maps = explorer.feature_maps(3)
    assert np.array_equal(image, expected_image.reshape(-1))
    assert np.array_equal(np.frombuffer(buffers[2], dtype="<f4"),
                          maps[1][1].reshape(-1))


def live_messages(explorer, image, **changes):
    """The live messages of a small run while the page shows test image
    `image` (None: no pictures)."""
    sent = []
    explorer.send = lambda content, buffers=(): sent.append((content, buffers))
    page_says(explorer, {"type": "live", "image": image})
    small_training(explorer, **changes)
    page_says(explorer, {"type": "train"})
    return [(c, b) for c, b in sent if c["type"] == contract.MESSAGE_TYPES["live"]]


def test_while_it_trains_the_page_gets_every_batchs_loss_and_the_network(
        fake_data_dir, explorer, monkeypatch):
    """训练中的网络 from the kernel: each batch's mean loss once, in order,
    and they make the epoch's training loss; the last message comes after
    the last batch, with the trained network's kernels and maps."""
    import lenet.explorer
    monkeypatch.setattr(lenet.explorer, "LIVE_INTERVAL_SECONDS", 0.0)
    live = live_messages(explorer, 3, batch_size=7)
    losses = []
    for content, _ in live:
        assert content["first"] == len(losses)
        losses += content["losses"]
    n, batch = SIZES["train"], 7
    per_epoch = -(-n // batch)
    assert len(losses) == live[-1][0]["total"] == 2 * per_epoch
    sizes = [batch] * (n // batch) + ([n % batch] if n % batch else [])
    for epoch, record in enumerate(explorer.run["epochs"]):
        mean = np.dot(losses[epoch * per_epoch:(epoch + 1) * per_epoch], sizes) / n
        assert mean == pytest.approx(record["train_loss"], rel=1e-6)
    content, buffers = live[-1]
    picture = content["picture"]
    assert picture["image"] == 3 and picture["kernels"] == {"channels": 6, "size": 5}
    label, image, maps = explorer.feature_maps(3)
    arrays = [np.frombuffer(b, dtype="<f4") for b in buffers]
    assert np.array_equal(arrays[0], image.reshape(-1))
    for (_, expected), got in zip(maps, arrays[1:-1], strict=True):
        assert np.array_equal(got, expected.reshape(-1))
    assert np.array_equal(arrays[-1], logic.first_kernels(
        explorer.last_run.net, explorer.last_run.config).reshape(-1))


def test_a_page_that_shows_no_pictures_gets_only_the_losses(
        fake_data_dir, explorer):
    """The kernel draws nothing the page does not show; at the default
    interval a short run sends few messages, the last one after its last
    batch."""
    live = live_messages(explorer, None)
    assert live and all("picture" not in c for c, _ in live)
    assert not any(b for _, b in live)
    assert live[-1][0]["done"] == live[-1][0]["total"]
    assert sum(len(c["losses"]) for c, _ in live) == live[-1][0]["total"]


def test_stop_takes_effect_within_one_batch(fake_data_dir, explorer,
                                            monkeypatch):
    small_training(explorer)
    monkeypatch.setattr("lenet.explorer.PROGRESS_INTERVAL", 0.0)
    batches = []

    def on_run(change):
        if change.new.get("done") and not batches:
            batches.append(change.new["done"])
            page_says(explorer, {"type": "stop"})

    explorer.observe(on_run, "run")
    page_says(explorer, {"type": "train"})
    assert batches == [1]
    assert explorer.run["state"] == "stopped"
    assert "停止" in explorer.run["message"]
    assert explorer.history == []


def test_exploding_loss_shows_advice(fake_data_dir, explorer, monkeypatch):
    small_training(explorer, lr=10.0)
    monkeypatch.setattr("lenet.explorer_training.EXPLODED_LOSS", 1.0)
    page_says(explorer, {"type": "train"})
    assert explorer.run["state"] == "diverged"
    assert "学习率" in explorer.run["message"]


def test_a_failure_is_shown_not_raised(explorer, tmp_path, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tmp_path))  # no files there
    page_says(explorer, {"type": "train"})
    assert explorer.run["state"] == "failed"
    assert "训练没有完成" in explorer.run["message"]
    assert "FASHION_MNIST_DIR" in explorer.run["message"]


def test_a_new_explorer_stops_the_run_of_the_one_it_replaces(fake_data_dir):
    """Running the explorer's cell again must not leave the old explorer's
    training thread running out of sight."""
    def training_threads():
        return [t for t in threading.enumerate()
                if t.name == TRAINING_THREAD_NAME]

    old = live_explorer()
    old.run_in_thread = True
    small_training(old, num_epochs=20)
    page_says(old, {"type": "train"})
    assert training_threads() and old.running
    LeNetExplorer()
    assert training_threads() == []
    assert old.run["state"] == "stopped"


def test_a_link_of_the_page_sets_the_kernels_explorer():
    """The static page's link works in the notebook too: a whole address or
    the part after #; what it could not use is in link_notes, which the
    widget lists."""
    link = ("https://example.org/book/exercises.html"
            "#lenet?v=1&activation=relu&kernel_sizes=3,3&lr=0.7")
    explorer = LeNetExplorer(run_in_thread=False, link=link)
    assert explorer.explorer_config == logic.ExplorerConfig(
        activation="relu", kernel_sizes=(3, 3))
    assert explorer.link_notes == [messages.say(
        "link_invalid", name="学习率", field="lr", value="0.7", used="0.9")]
    assert explorer.link == link_of(explorer.config)
    again = LeNetExplorer(run_in_thread=False, link=explorer.link)
    assert again.config == explorer.config and again.link_notes == []
    assert LeNetExplorer(run_in_thread=False).link_notes == []


def test_单步_steps_the_run_训练_would_make(fake_data_dir, explorer):
    """Each 单步 message is answered with the next step of the shown
    configuration and its words; a change of configuration starts again;
    the network after two steps is the one 训练 has after two batches."""
    sent = []
    explorer.send = lambda content, buffers=None: sent.append(content)
    small_training(explorer, num_epochs=1)
    page_says(explorer, {"type": "step", "config": explorer.config})
    page_says(explorer, {"type": "step", "config": explorer.config})
    assert [m["report"]["step"] for m in sent] == [1, 2]
    first = sent[0]
    assert first["message"] == messages.say("step", **first["report"])
    assert [layer["name"] for layer in first["report"]["layers"]] == [
        "conv0", "conv1", "dense0", "dense1", "dense2"]
    assert all(layer["gradient"] > 0 and layer["update"] > 0
               for layer in first["report"]["layers"])
    stepped = explorer._stepper.net
    config = explorer.explorer_config
    stopped = logic.train(config,
                          should_stop=iter([False, False, True]).__next__)
    for (name, ours), (_, theirs) in zip(
            weights.named_parameters(stepped, config),
            weights.named_parameters(stopped.net, config)):
        assert np.array_equal(ours.data().asnumpy(),
                              theirs.data().asnumpy()), name
    set_fields(explorer, seed=1)
    page_says(explorer, {"type": "step", "config": explorer.config})
    assert sent[-1]["report"]["step"] == 1


def test_单步_says_why_it_did_not_step(fake_data_dir, explorer):
    sent = []
    explorer.send = lambda content, buffers=None: sent.append(content)
    page_says(explorer, {"type": "step", "config": {
        **explorer.config, "kernel_sizes": [11, 11]}})
    page_says(explorer, {"type": "step", "config": {
        **explorer.config, "lr": "fast"}})
    running = threading.Event()  # a run in progress until it is set
    explorer._thread = threading.Thread(target=running.wait)
    explorer._thread.start()
    page_says(explorer, {"type": "step", "config": explorer.config})
    running.set()
    explorer._thread.join()
    assert [("report" in m, m["message"][:4]) for m in sent] == [
        (False, "不能训练"), (False, "不能训练"), (False, "正在训练")]


def test_every_import_is_answered_with_its_id(explorer, monkeypatch):
    """The page pairs answers with imports by id; a file that breaks the
    reader in a way nobody foresaw is answered too, in words, and a name
    is shown without the marks that would reverse the message."""
    import lenet.explorer as explorer_module
    sent = []
    explorer.send = lambda content, buffers=None: sent.append(content)
    kind = contract.MESSAGE_TYPES["import_network"]
    deep = "[" * 5000 + "]" * 5000
    page_says(explorer, {"type": kind, "id": 7, "name": "深.json", "text": deep})

    def broken(_text):
        raise RuntimeError("意外")
    monkeypatch.setattr(explorer_module, "read_network_file", broken)
    name = "\u202eabc.json" + "x" * 60
    page_says(explorer, {"type": kind, "id": 8, "name": name, "text": "{}"})
    assert [m["id"] for m in sent] == [7, 8]
    limits = contract.LIMITS
    assert sent[0]["message"] == messages.say(
        "network_not_imported", file="深.json",
        problem=messages.say("network_too_deep", depth=limits["depth"]))
    shown = "abc.json" + "x" * (limits["name_characters"] - 8) + "…"
    assert sent[1]["message"] == messages.say(
        "network_not_imported", file=shown, problem=messages.say(
            "network_unexpected", error="RuntimeError: 意外"))
    assert explorer.history == []

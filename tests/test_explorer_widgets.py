"""The explorer's widgets, driven as ipywidgets' own tests do: set `.value`
(or the architecture panel's traits, as its JavaScript does), call
`.click()`, and look at the state. No browser: what the browser draws is
tested in tests/test_browser*.py and tests/test_jupyterlab.py."""
import threading

import pytest

from lenet import explorer_logic as logic
from lenet.explorer import CUSTOM, TRAINING_THREAD_NAME, LeNetExplorer
from lenet.panels.architecture import KERNEL_FRONT_END, TRAINING_FIELDS


def live_explorer(**options):
    """An explorer as JupyterLab shows it: its JavaScript has reported a
    kernel behind the page."""
    explorer = LeNetExplorer(run_in_thread=False, **options)
    explorer.architecture._on_front_end_message(
        None, {"type": KERNEL_FRONT_END}, [])
    return explorer


@pytest.fixture
def explorer():
    return live_explorer()


def test_opens_on_the_books_lenet(explorer):
    assert explorer.architecture.preset == "原书LeNet"
    assert explorer.config == logic.PRESETS["原书LeNet"]
    assert explorer.architecture.training == {
        "optimizer": "sgd", "lr": 0.9, "initializer": "Xavier",
        "num_epochs": 5, "batch_size": 256, "train_size": 60000}
    assert not explorer.training.train_button.disabled


def test_training_is_locked_until_a_front_end_with_a_kernel_reports():
    """What the static book keeps: the state before any front end spoke."""
    explorer = LeNetExplorer(run_in_thread=False)
    panel = explorer.training
    assert panel.train_button.disabled
    assert all(control.disabled for control in panel.controls)
    panel.train_button.click()
    assert panel.status.value == ""  # nothing started
    explorer.architecture._on_front_end_message(
        None, {"type": KERNEL_FRONT_END}, [])
    assert not panel.train_button.disabled
    assert not any(control.disabled for control in panel.controls)


def test_changing_the_architecture_changes_the_config(explorer):
    explorer.architecture.kernel_sizes = [3, 5]
    assert explorer.config.kernel_sizes == (3, 5)
    assert explorer.architecture.preset == CUSTOM
    explorer.architecture.pooling = "avg"
    assert explorer.config.pooling == "avg"


def test_dropout_from_the_slider_is_rounded(explorer):
    explorer.architecture.dropout = 0.1 + 0.2  # a float a drag can produce
    assert explorer.config.dropout == 0.3  # not 0.30000000000000004
    assert explorer.architecture.preset == CUSTOM


def test_presets_set_every_control(explorer):
    explorer.architecture.preset = "改进的LeNet"
    assert explorer.config == logic.PRESETS["改进的LeNet"]
    assert explorer.training.lr.value == 0.05
    assert explorer.architecture.training["batch_size"] == 32
    explorer.architecture.preset = "快速达到0.90"
    assert explorer.config == logic.PRESETS["快速达到0.90"]
    assert explorer.architecture.batch_norm
    assert explorer.training.optimizer.value == "adam"
    explorer.architecture.preset = "原书LeNet"
    assert explorer.config == logic.PRESETS["原书LeNet"]
    assert explorer.config == logic.ExplorerConfig()  # the book's, exactly


def test_the_history_names_optimizer_and_batch_norm():
    from lenet.panels.history import describe

    fast = describe(logic.PRESETS["快速达到0.90"])
    assert "批量归一化" in fast and "adam lr 0.001" in fast
    assert "批量归一化" not in describe(logic.PRESETS["原书LeNet"])


def test_a_preset_sent_by_the_javascript_in_one_message(explorer):
    """The JavaScript sends the preset's architecture and name together;
    the training settings follow in Python, and it stays that preset."""
    preset = logic.PRESETS["改进的LeNet"]
    explorer.architecture.set_state({
        "kernel_sizes": list(preset.kernel_sizes),
        "channels": list(preset.channels), "activation": preset.activation,
        "dense_units": list(preset.dense_units), "preset": "改进的LeNet"})
    assert explorer.architecture.preset == "改进的LeNet"
    assert explorer.config == preset


def test_a_training_setting_makes_it_custom(explorer):
    explorer.training.lr.value = 0.1
    assert explorer.architecture.preset == CUSTOM
    assert explorer.architecture.training["lr"] == 0.1


def test_impossible_network_blocks_training(explorer):
    explorer.architecture.kernel_sizes = [11, 11]
    assert explorer.training.train_button.disabled
    assert "第 2 个卷积层" in explorer.training.blocked_by[0]
    explorer.architecture.kernel_sizes = [11, 5]
    assert not explorer.training.train_button.disabled


def assert_consistent(explorer):
    """训练 is locked exactly when the configuration has a problem, with the
    problems listed, and the JavaScript was sent the training settings."""
    config = explorer.config
    assert explorer.architecture.training == {
        field: getattr(config, field) for field in TRAINING_FIELDS}
    problems = logic.validate(config)
    assert explorer.training.blocked_by == problems
    assert explorer.training.train_button.disabled == bool(problems)
    return problems


def test_extreme_values_of_every_control_never_raise(explorer):
    arch = explorer.architecture
    options = arch.options
    blocked = []
    for field, index, values in [
            ("kernel_sizes", 0, (options["kernel_range"]["min"],
                                 options["kernel_range"]["max"])),
            ("kernel_sizes", 1, (options["kernel_range"]["min"],
                                 options["kernel_range"]["max"])),
            ("channels", 0, options["channel_options"][::7]),
            ("channels", 1, options["channel_options"][::7]),
            ("dense_units", 0, (1, 512)), ("dense_units", 1, (1, 512))]:
        for value in values:
            pair = list(getattr(arch, field))
            pair[index] = value
            setattr(arch, field, pair)
            blocked += assert_consistent(explorer)
    # Both kernels at 11 cannot be built; the panel must have said so.
    assert any("卷积层" in problem for problem in blocked)
    for value in (True, False):
        arch.batch_norm = value
        assert explorer.config.batch_norm is value
    for control in explorer.training.controls:
        options = getattr(control, "options", None)
        if options:  # first and last choice
            for index in (0, len(options) - 1):
                control.index = index
                assert_consistent(explorer)
        else:
            for value in (control.min, control.max):
                control.value = value
                assert_consistent(explorer)
    arch.preset = "原书LeNet"
    assert assert_consistent(explorer) == []


def small_training(explorer, **values):
    explorer.architecture.activation = "relu"
    panel = explorer.training
    panel.lr.value = 0.1
    panel.batch_size.value = 32
    panel.num_epochs.value = 2
    for name, value in values.items():
        getattr(panel, name).value = value


def test_a_training_run_fills_progress_curves_history(fake_data_dir):
    explorer = live_explorer()
    small_training(explorer)
    panel = explorer.training
    panel.train_button.click()
    assert panel.progress.value == panel.progress.max > 0
    assert "最终测试准确率" in panel.status.value
    assert panel.curves.value.tobytes().startswith(b"\x89PNG")
    assert len(explorer.history.runs) == 1 and "<td>1</td>" in (
        explorer.history.table.value)
    assert explorer.history.curves.value.tobytes().startswith(b"\x89PNG")
    maps = explorer.feature_maps
    assert maps.feature_map_image.value.tobytes().startswith(b"\x89PNG")
    assert maps.confusion_image.value.tobytes().startswith(b"\x89PNG")
    maps.image_index.value = 3
    assert maps.feature_map_image.value.tobytes().startswith(b"\x89PNG")
    assert not panel.train_button.disabled and panel.stop_button.disabled
    panel.train_button.click()
    assert len(explorer.history.runs) == 2


def test_stop_button_stops_within_one_batch(fake_data_dir):
    explorer = live_explorer()
    small_training(explorer)
    panel = explorer.training
    panel.progress.observe(
        lambda change: panel.stop_button.click() if change.new == 1
        else None, "value")
    panel.train_button.click()
    assert panel.progress.value == 1
    assert "停止" in panel.status.value
    assert explorer.history.runs == []


def test_exploding_loss_shows_advice(fake_data_dir, monkeypatch):
    explorer = live_explorer()
    small_training(explorer)
    explorer.training.lr.value = explorer.training.lr.max
    monkeypatch.setattr(logic, "EXPLODED_LOSS", 1.0)
    explorer.training.train_button.click()
    assert "学习率" in explorer.training.status.value
    assert not explorer.training.train_button.disabled


def test_a_new_explorer_stops_the_run_of_the_one_it_replaces(fake_data_dir):
    """Running the explorer's cell again must not leave the old explorer's
    training thread running out of sight."""
    def training_threads():
        return [t for t in threading.enumerate()
                if t.name == TRAINING_THREAD_NAME]

    old = live_explorer()
    old.training.run_in_thread = True
    small_training(old, num_epochs=20)
    old.training.train_button.click()
    assert training_threads() and old.training.train_button.disabled
    LeNetExplorer()
    assert training_threads() == []
    assert "停止" in old.training.status.value

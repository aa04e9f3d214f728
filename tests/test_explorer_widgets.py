"""The explorer's widgets, driven as ipywidgets' own tests do: set `.value`,
call `.click()`, and look at what the widgets show. No browser."""
import pytest

from lenet import explorer_logic as logic
from lenet.explorer import CUSTOM, LeNetExplorer



@pytest.fixture
def explorer():
    return LeNetExplorer(run_in_thread=False)


def test_opens_on_the_books_lenet(explorer):
    assert explorer.preset.value == "原书LeNet"
    assert explorer.config == logic.PRESETS["原书LeNet"]
    assert "44,426" in explorer.table.value
    assert "nn.Conv2D(channels=6, kernel_size=5" in explorer.code.value
    assert not explorer.train_button.disabled and not explorer.message.value


def test_changing_a_control_updates_table_and_code(explorer):
    explorer.kernel_sizes[0].value = 3
    assert "(1, 6, 26, 26)" in explorer.table.value
    assert "kernel_size=3" in explorer.code.value
    assert explorer.preset.value == CUSTOM
    explorer.pooling.value = "avg"
    assert "nn.AvgPool2D" in explorer.code.value


def test_dropout_slider_adds_dropout_layers(explorer):
    explorer.dropout.value = 0.1 + 0.2  # a float a drag can produce
    assert explorer.config.dropout == 0.3  # not 0.30000000000000004
    assert explorer.preset.value == CUSTOM
    assert "dropout0" in explorer.table.value
    assert "dropout1" in explorer.table.value
    assert explorer.code.value.count("nn.Dropout(0.3)") == 2
    assert "44,426" in explorer.table.value  # no parameters of its own
    explorer.dropout.value = 0.0
    assert "Dropout" not in explorer.code.value
    assert explorer.config == logic.PRESETS["原书LeNet"]


def test_presets_set_every_control(explorer):
    explorer.preset.value = "改进的LeNet"
    assert explorer.config == logic.PRESETS["改进的LeNet"]
    assert explorer.activation.value == "relu"
    explorer.preset.value = "原书LeNet"
    assert explorer.config == logic.PRESETS["原书LeNet"]


def test_impossible_network_is_explained_and_blocks_training(explorer):
    for slider in explorer.kernel_sizes:
        slider.value = 11
    assert "第 2 个卷积层" in explorer.message.value
    assert "卷积窗口" in explorer.message.value
    assert explorer.train_button.disabled
    assert explorer.table.value == "" and explorer.code.value == ""
    explorer.kernel_sizes[1].value = 5
    assert explorer.message.value == "" and not explorer.train_button.disabled


def test_extreme_values_of_every_control_never_raise(explorer):
    controls = explorer.structure_controls + explorer.training_controls
    for control in controls:
        options = getattr(control, "options", None)
        extremes = (options[0], options[-1]) if options else (
            control.min, control.max)
        for value in extremes:
            control.value = value
            assert explorer.table.value or explorer.message.value
        explorer.preset.value = "原书LeNet"


def small_training(explorer, **values):
    explorer.activation.value = "relu"
    explorer.lr.value = 0.1
    explorer.batch_size.value = 32
    explorer.num_epochs.value = 2
    for name, value in values.items():
        getattr(explorer, name).value = value


def test_a_training_run_fills_progress_curves_history(fake_data_dir):
    explorer = LeNetExplorer(run_in_thread=False)
    small_training(explorer)
    explorer._on_train()
    assert explorer.progress.value == explorer.progress.max > 0
    assert "最终测试准确率" in explorer.status.value
    assert explorer.curves.value.tobytes().startswith(b"\x89PNG")
    assert len(explorer.history) == 1 and "<td>1</td>" in (
        explorer.history_table.value)
    assert explorer.history_curves.value.tobytes().startswith(b"\x89PNG")
    assert explorer.feature_map_image.value.tobytes().startswith(b"\x89PNG")
    assert explorer.confusion_image.value.tobytes().startswith(b"\x89PNG")
    explorer.image_index.value = 3
    assert explorer.feature_map_image.value.tobytes().startswith(b"\x89PNG")
    assert not explorer.train_button.disabled and explorer.stop_button.disabled
    explorer._on_train()
    assert len(explorer.history) == 2


def test_stop_button_stops_within_one_batch(fake_data_dir):
    explorer = LeNetExplorer(run_in_thread=False)
    small_training(explorer)
    explorer.progress.observe(
        lambda change: explorer.stop_button.click() if change.new == 1
        else None, "value")
    explorer._on_train()
    assert explorer.progress.value == 1
    assert "停止" in explorer.status.value
    assert explorer.history == []


def test_exploding_loss_shows_advice(fake_data_dir, monkeypatch):
    explorer = LeNetExplorer(run_in_thread=False)
    small_training(explorer)
    explorer.lr.value = explorer.lr.max
    monkeypatch.setattr(logic, "EXPLODED_LOSS", 1.0)
    explorer.train_button.click()
    assert "学习率" in explorer.status.value
    assert not explorer.train_button.disabled


def test_a_new_explorer_stops_the_run_of_the_one_it_replaces(fake_data_dir):
    """Running the explorer's cell again must not leave the old explorer's
    training thread running out of sight."""
    import threading

    from lenet.explorer import TRAINING_THREAD_NAME

    def training_threads():
        return [t for t in threading.enumerate()
                if t.name == TRAINING_THREAD_NAME]

    old = LeNetExplorer()
    small_training(old, num_epochs=20)
    old.train_button.click()
    assert training_threads() and old.train_button.disabled
    LeNetExplorer()
    assert training_threads() == []
    assert "停止" in old.status.value

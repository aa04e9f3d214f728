"""The precomputed sweep behind the 5.5.4 chart: its file, its schema, its
chart, and one of its runs trained again."""
import copy
import json
import math
from pathlib import Path

import pytest

from tests.cpu_bounds import RERUN
from lenet import files, sweep
from lenet.explorer_logic import data_iters, train
from lenet.runtime import onednn_isa
from lenet.paths import WEB
from lenet.sweep_chart import CHART_MODULE_URL, SweepChart


@pytest.fixture(scope="module")
def data():
    return sweep.load_sweep()


@pytest.mark.quick
def test_committed_file_covers_the_grid(data):
    assert len(data["runs"]) == math.prod(len(v) for v in sweep.GRID.values())
    assert len(sweep.grid_configs()) == len(data["runs"]) == 27
    provenance = data["provenance"]
    assert provenance["versions"]["mxnet"] == "1.9.1"
    assert provenance["seed"] == sweep.SEED
    assert provenance["total_seconds"] == pytest.approx(
        sum(run["seconds"] for run in data["runs"]), abs=1)


@pytest.mark.quick
def test_the_books_lenet_in_the_sweep_is_the_seeds_recipe(data):
    """The seed's network and hyperparameters.  Its numbers are 5.5.2's
    (tests/test_one_network.py), above the page's threshold of 0.70."""
    run = next(r for r in data["runs"]
               if sweep.network_key(r) == sweep.BOOK_LENET_KEY)
    assert run["num_params"] == 44426
    assert run["lr"] == 0.9
    assert 0.70 < run["final_test_acc"] < 0.78


def broken(data, change):
    copied = copy.deepcopy(data)
    change(copied)
    return copied


@pytest.mark.quick
@pytest.mark.parametrize("change, words", [
    (lambda d: d["runs"].pop(), "恰好覆盖网格"),
    (lambda d: d["runs"].append(d["runs"][0]), "恰好覆盖网格"),
    (lambda d: d["runs"][0]["layers"][0].update(num_params=1), "layer_rows"),
    (lambda d: d["runs"][0]["epochs"][2].update(test_acc=float("nan")),
     "缺少数值"),
    (lambda d: d["runs"][0]["epochs"].pop(), "迭代周期"),
    (lambda d: d["runs"][0].update(final_test_acc=0.5), "final_test_acc"),
    (lambda d: d["runs"][0].pop("seconds"), "缺少 seconds"),
    (lambda d: d["settings"].update(num_epochs=10), "settings"),
    (lambda d: d["provenance"].pop("cpu"), "provenance"),
    (lambda d: d["runs"][0].pop("weights"), "缺少 weights"),
    (lambda d: d["runs"][0]["weights"].update(file="other.bin"), "的权重应为"),
    (lambda d: d["runs"][1]["weights"]["tensors"][0].update(shape=[1, 1]),
     "权重张量（名称或形状）"),
    (lambda d: d["runs"][2]["weights"].update(sha256="0" * 64),
     "大小或 sha256"),
    (lambda d: d["runs"][2]["weights"]["float16_agreement"].pop(
        "same_class"), "float16_agreement"),
])
def test_a_file_that_does_not_fit_is_refused_by_name(data, change, words):
    with pytest.raises(sweep.SweepFileError) as error:
        sweep.check(broken(data, change))
    assert words in str(error.value)
    assert "ci/record/sweep_explorer_grid.py" in str(error.value)


@pytest.mark.quick
def test_a_damaged_or_missing_weights_file_is_refused_by_name(
        data, tmp_path):
    import shutil

    weights_dir = tmp_path / "lenet-weights"
    shutil.copytree(sweep.WEIGHTS_DIR, weights_dir)
    sweep.check(data, weights_dir)  # the copy is fine
    name = data["runs"][3]["weights"]["file"]
    damaged = bytearray((weights_dir / name).read_bytes())
    damaged[100] ^= 1
    (weights_dir / name).write_bytes(bytes(damaged))
    with pytest.raises(sweep.SweepFileError, match=f"{name} 的大小或 sha256"):
        sweep.check(data, weights_dir)
    (weights_dir / name).unlink()
    with pytest.raises(sweep.SweepFileError, match="找不到权重文件"):
        sweep.check(data, weights_dir)


@pytest.mark.quick
def test_float16_costs_little_on_the_whole_test_set(data):
    """Measured by the sweep for every network: the class of at least
    99.9 % of the 10,000 test images and the accuracy to 0.001 survive
    rounding the weights to float16."""
    for run in data["runs"]:
        agreement = run["weights"]["float16_agreement"]
        assert agreement["test_acc_float32"] == run["final_test_acc"]
        assert agreement["same_class"] >= 0.999
        assert abs(agreement["test_acc_float16"]
                   - agreement["test_acc_float32"]) <= 0.001


@pytest.mark.quick
def test_missing_or_garbled_file_gets_a_message(tmp_path):
    with pytest.raises(sweep.SweepFileError, match="找不到"):
        sweep.load_sweep(tmp_path / "nothing.json")
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"runs": [')
    with pytest.raises(sweep.SweepFileError, match="无法读取"):
        sweep.load_sweep(garbled)


@pytest.mark.quick
def test_writing_replaces_the_file_whole(tmp_path, data):
    target = tmp_path / "sweep.json"
    target.write_text("old")
    with pytest.raises(TypeError):
        files.write_json_atomically(target, {"bad": object()})
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
    files.write_json_atomically(target, data)
    assert json.loads(target.read_text()) == data


@pytest.mark.quick
def test_chart_has_the_three_controls_and_every_run(data):
    bundle = SweepChart(data)._repr_mimebundle_()
    spec = bundle["application/vnd.vegalite.v5+json"]
    bound = {p["name"]: p["bind"] for p in spec["params"] if "bind" in p}
    assert bound["kernel"]["options"] == sweep.GRID["kernel_size"]
    assert bound["channels"]["options"] == ["6,16", "16,32", "32,64"]
    assert bound["activation"]["options"] == sweep.GRID["activation"]
    assert bound["activation"]["input"] == "radio"
    text = json.dumps(spec, ensure_ascii=False)
    for run in data["runs"]:
        assert repr(run["final_test_acc"]) in text or json.dumps(
            run["final_test_acc"]) in text
    # A click on the scatter is a selection of the three fields, which the
    # page's script turns into the three controls' values.
    pick = next(p for p in spec["params"] if p["name"] == "pick")
    assert pick["select"]["fields"] == ["kernel", "channels", "activation"]
    html = bundle["text/html"]
    # The page's module draws it (web/js/lenet_sweep_chart.js): Vega from
    # the book's copy, and only once the chart is near.
    assert f'<script type="module" src="{CHART_MODULE_URL}">' in html
    module = (WEB / "js" / Path(CHART_MODULE_URL).name).read_text("utf-8")
    assert 'addSignalListener("pick"' in module
    assert 'new URL("../vendor/vega/", import.meta.url)' in module
    assert "whenNear(chart, () => draw(chart))" in module
    # The same data give the same element id (nbval compares this output).
    assert html == SweepChart(data)._repr_mimebundle_()["text/html"]


def rerun(config):
    """Train `config`; its epochs as the sweep file keeps them."""
    result = train(config, *data_iters(config))
    return [e._asdict() for e in result.epochs]


@pytest.mark.real_data
@pytest.mark.training
@pytest.mark.cpu_dependent
@pytest.mark.usefixtures("real_data_dir")
def test_rerunning_one_configuration_reproduces_its_accuracy(data):
    """The cheapest configuration of the grid, trained again from scratch
    for its first epochs, lands within the measured CPU bound of the
    record (on the recording machine it is the same to the last digit)."""
    recorded, config = sweep.rerun_configuration(data)
    differences = RERUN.differences(
        rerun(config), recorded["epochs"][:config.num_epochs])
    assert differences == [], (
        f"recorded with oneDNN {data['provenance']['onednn_isa']}, trained"
        f" here with {onednn_isa()}: {differences}")


@pytest.mark.real_data
@pytest.mark.training
@pytest.mark.cpu_dependent
@pytest.mark.usefixtures("real_data_dir")
def test_the_bound_still_sees_a_real_change(data):
    """Half the learning rate is a change of training, not of CPU: its
    first epoch already falls outside the bound the previous test allows."""
    recorded, config = sweep.rerun_configuration(data)
    changed = config.replace(lr=config.lr / 2, num_epochs=1)
    assert RERUN.differences(rerun(changed), recorded["epochs"][:1])

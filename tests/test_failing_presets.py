"""The explorer's presets that fail on purpose fail as their sentences say,
in MXNet and in the browser, and the one change beside each makes it learn
(lenet.failures); the record 5.5.4 quotes says the same of the presets the
explorer offers."""
import pytest

from lenet import failures
from lenet import explorer_logic as logic
from lenet.measurements import load_failing_presets


@pytest.fixture(scope="module")
def runs():
    from ci.record.failing_presets import all_runs

    return all_runs()


@pytest.mark.browser
@pytest.mark.real_data
@pytest.mark.usefixtures("real_data_dir")
@pytest.mark.parametrize("name", list(logic.FAILING_PRESETS))
@pytest.mark.parametrize("engine", ["mxnet", "browser"])
def test_each_preset_fails_as_it_says_and_its_contrast_learns(runs, name,
                                                              engine):
    claim = logic.FAILING_PRESETS[name]["claim"]
    pair = runs[name][engine]
    assert failures.fails_as_claimed(claim, pair["failing"]), pair["failing"]
    assert failures.learns(pair["contrast"]), pair["contrast"]


@pytest.mark.quick
def test_the_record_is_of_these_presets_and_shows_the_same():
    recorded = load_failing_presets()["presets"]
    assert list(recorded) == list(logic.FAILING_PRESETS)
    for name, entry in recorded.items():
        failing = logic.FAILING_PRESETS[name]
        assert logic.config_from_json(entry["config"]) == failing["config"]
        for engine in ("mxnet", "browser"):
            assert failures.fails_as_claimed(failing["claim"],
                                             entry[engine]["failing"])
            assert failures.learns(entry[engine]["contrast"])


@pytest.mark.quick
def test_the_claims_can_be_told_apart():
    """What lenet.failures calls failing and learning, on made-up runs."""
    def run(state, *accuracies, epoch=1):
        return {"state": state, "details": {"epoch": epoch},
                "epochs": [{"test_acc": a} for a in accuracies]}

    assert failures.fails_as_claimed("diverges", run("diverged"))
    assert not failures.fails_as_claimed("diverges", run("diverged", 0.3,
                                                         epoch=2))
    assert not failures.fails_as_claimed("diverges", run("done", 0.1, 0.1))
    assert failures.fails_as_claimed("stays_at_chance", run("done", 0.1, 0.11))
    assert not failures.fails_as_claimed("stays_at_chance",
                                         run("done", 0.1, 0.25))
    assert not failures.fails_as_claimed("stays_at_chance", run("diverged"))
    assert failures.learns(run("done", 0.2, 0.6))
    assert not failures.learns(run("done", 0.6, 0.4))


@pytest.mark.quick
def test_each_preset_that_fails_says_why_under_the_presets():
    """Every preset named 会失败 fails on purpose, with a sentence why."""
    assert set(logic.FAILING_PRESETS) == {
        name for name in logic.PRESETS if name.startswith("会失败")}
    for failing in logic.FAILING_PRESETS.values():
        assert failing["note"].endswith("。") and failing["contrast"]

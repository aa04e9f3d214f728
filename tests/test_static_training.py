"""训练 in the static book: the 5.5.4 explorer trains in the browser (its
worker, web/js/lenet_train_worker.js) with every other host blocked.

The browser preset reaches 0.80 on the shipped test images; a run can be
stopped between two batches; a diverging one ends with the advice; the
page answers while it trains; the history, the feature maps, the confusion
matrix and the trained-network viewer get the trained network; configurations
at the controls' extremes train to their end.  Times are printed, not
asserted (bench/ measures speed).
"""
import json
import time

import pytest

from lenet import contract
from tests.site import SCREENSHOTS

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.training]

FINISHED = ("() => { const s = document.querySelector('.lenet-explorer "
            ".lenet-status'); return s && /完成|没有完成|发散|停止/"
            ".test(s.textContent); }")


@pytest.fixture
def explorer_page(browser, site):
    page = browser.new_page()
    errors, fetched = [], []
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfinished", lambda request: fetched.append(request))
    page.on("worker", lambda worker: errors.extend(
        [] if worker.url.startswith(site) else [f"worker from {worker.url}"]))
    page.goto(f"{site}/book/exercises.html", wait_until="networkidle")
    page.wait_for_selector(".lenet-explorer button.lenet-train")
    yield page, page.locator(".lenet-explorer"), errors, fetched
    page.close()
    # Everything from the book's own host (the context blocks the rest).
    assert all(r.url.startswith(site) for r in fetched), [
        r.url for r in fetched if not r.url.startswith(site)]


def set_config(page, **changes):
    """Set the explorer's configuration as its controls would."""
    page.evaluate("""(changes) => {
      const root = document.querySelector('.lenet-explorer');
      root.lenetSetConfig(changes);
    }""", changes)


def train_to_the_end(page, explorer, timeout=180_000):
    started = time.perf_counter()
    explorer.locator("button.lenet-train").click()
    page.wait_for_function(FINISHED, timeout=timeout)
    return time.perf_counter() - started


def test_the_browser_preset_trains_to_0_80_and_everything_gets_it(
        explorer_page):
    from playwright.sync_api import expect

    page, explorer, errors, fetched = explorer_page
    explorer.get_by_label("预设").select_option(contract.BROWSER_PRESET)
    engine = page.locator(
        "#" + explorer.locator("button.lenet-train")
        .get_attribute("aria-describedby"))
    expect(engine).to_contain_text(contract.ENGINES["browser"])
    # Nothing of the training is fetched before 训练 is pressed.
    assert not [r.url for r in fetched if "tfjs" in r.url or "u8.gz" in r.url
                or "lenet_train" in r.url]
    before = len(fetched)
    explorer.locator("button.lenet-train").click()
    # While it trains, the page answers: a tab changes, the progress moves.
    page.wait_for_function("() => document.querySelector("
                           "'.lenet-explorer progress').value > 0",
                           timeout=120_000)
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.get_by_role("tab", name="历次运行")).to_have_attribute(
        "aria-selected", "true")
    expect(explorer.locator("button.lenet-stop")).to_be_enabled()
    explorer.get_by_role("tab", name="训练").click()
    page.wait_for_function(FINISHED, timeout=120_000)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("完成"), status
    epochs = page.evaluate("() => document.querySelector('.lenet-explorer')"
                           ".lenetRun().epochs")
    final = epochs[-1]["test_acc"]
    assert final >= 0.80, epochs
    downloads = {r.url.split("/")[-1]: r.sizes()["responseBodySize"]
                 for r in fetched[before:]}
    print(json.dumps({"browser_preset_test_acc": final,
                      "seconds": sum(e["seconds"] for e in epochs),
                      "bytes_at_first_training": sum(downloads.values()),
                      "files": downloads}))
    assert {"tfjs.esm.min.js", "train-images.u8.gz",
            "test-images.u8.gz"} <= set(downloads)
    # The history lists the run; the confusion matrix counts the shipped
    # test images; the feature maps come from the worker.
    explorer.get_by_role("tab", name="历次运行").click()
    expect(explorer.locator(".lenet-history")).to_contain_text("批量归一化")
    explorer.get_by_role("tab", name="特征图与混淆矩阵").click()
    counts = page.evaluate("() => document.querySelector('.lenet-explorer')"
                           ".lenetInspection().confusion")
    assert sum(map(sum, counts)) == contract.BROWSER_TEST_SIZE
    expect(explorer.locator(".lenet-maps canvas")).to_have_count(1 + 6 + 16)
    expect(explorer.locator(".lenet-maps")).to_contain_text(
        contract.WORDS["map_titles"]["conv0"])
    # The viewer offers the trained network and runs it on the strip.
    viewer = page.locator(".lenet-viewer")
    expect(viewer.locator("select")).to_have_value("trained-1")
    expect(viewer.locator(".lenet-viewer-status")).to_contain_text(
        f"{final:.4f}")
    probabilities = [float(p) for p in viewer.locator(
        ".lenet-viewer-bar").evaluate_all(
            "rows => rows.map((r) => r.dataset.probability)")]
    assert abs(sum(probabilities) - 1) < 1e-5
    page.screenshot(path=str(SCREENSHOTS / "exercises-trained-here.png"))
    assert errors == []


def test_stop_ends_a_run_between_two_batches(explorer_page):
    page, explorer, errors, _ = explorer_page
    set_config(page, num_epochs=20, train_size=5000, batch_size=32)
    explorer.locator("button.lenet-train").click()
    page.wait_for_function("() => document.querySelector("
                           "'.lenet-explorer progress').value > 0",
                           timeout=120_000)
    explorer.locator("button.lenet-stop").click()
    page.wait_for_function(FINISHED, timeout=60_000)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("已在第 1 个迭代周期中途停止"), status
    assert explorer.locator("button.lenet-train").is_enabled()
    assert errors == []


def test_a_diverging_run_ends_with_the_advice(explorer_page):
    page, explorer, errors, _ = explorer_page
    set_config(page, activation="softrelu", optimizer="sgd", lr=10.0,
               num_epochs=1, train_size=1000)
    train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert "训练发散" in status and "现在是 10.0" in status, status
    assert errors == []


# The controls' extremes: the largest and smallest windows and layers, each
# activation, pooling, initializer and optimizer, dropout, batch sizes.
EXTREMES = [
    dict(kernel_sizes=[11, 3], channels=[1, 1], dense_units=[1, 1],
         activation="softrelu", pooling="avg", initializer="Normal"),
    dict(kernel_sizes=[1, 1], channels=[2, 4], dense_units=[512, 512],
         activation="tanh", dropout=0.9, initializer="Uniform",
         optimizer="momentum", lr=0.01, batch_size=512),
    dict(kernel_sizes=[3, 7], channels=[8, 32], activation="relu",
         batch_norm=True, dropout=0.5, initializer="MSRAPrelu",
         optimizer="adam", lr=0.001, batch_size=32),
]


@pytest.mark.parametrize("changes", EXTREMES, ids=["smallest", "widest",
                                                   "deep-bn-dropout"])
def test_configurations_at_the_extremes_train_to_their_end(explorer_page,
                                                           changes):
    page, explorer, errors, _ = explorer_page
    set_config(page, num_epochs=1, train_size=1000, **changes)
    seconds = train_to_the_end(page, explorer)
    status = explorer.locator(".lenet-status").inner_text()
    assert status.startswith("完成") or "训练发散" in status, status
    print(json.dumps({"changes": changes, "seconds": round(seconds, 1),
                      "status": status}))
    assert errors == []


def test_a_run_in_the_page_fits_a_phone(explorer_page):
    """At 360 px, after a run, nothing in any results tab (curves, history,
    feature maps, confusion matrix) is cut off without a way to reach it."""
    from pathlib import Path

    page, explorer, errors, _ = explorer_page
    page.set_viewport_size({"width": 360, "height": 780})
    set_config(page, num_epochs=1, train_size=1000)
    train_to_the_end(page, explorer)
    cut_off = (Path(__file__).parent / "phone_layout.js").read_text("utf-8")
    for tab in ("训练", "历次运行", "特征图与混淆矩阵"):
        explorer.get_by_role("tab", name=tab).click()
        if tab == "特征图与混淆矩阵":
            explorer.locator(".lenet-maps canvas").first.wait_for()
        found = page.evaluate(cut_off)
        assert found == {"pageScrollsSideways": False, "cut": []}, (tab, found)
    page.screenshot(path=str(SCREENSHOTS / "phone-exercises-trained-here.png"))
    assert errors == []
